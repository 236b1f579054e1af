#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Environments handed to evaluator processes: secrets removed, Python and CUDA settings applied.
// Pure functions over "NAME=value" lists, so they are tested without starting anything.
namespace kw::childenv {

using Env = std::vector<std::string>;

Env current(); // this process's environment

// Names a kernel must never see: starting with MODAL_ or containing TOKEN, SECRET or KEY
// (case-insensitive).
bool isSecretName(std::string_view name);
Env withoutSecrets(const Env& env);

std::optional<std::string> get(const Env& env, std::string_view name);
void set(Env& env, std::string_view name, std::string_view value);
void unset(Env& env, std::string_view name);

// CUDA_VISIBLE_DEVICES for a zygote serving local GPU `index` as this process sees it: when
// this process itself runs with CUDA_VISIBLE_DEVICES="2,3", index 1 is physical "3".
std::string cudaVisibleFor(int index, const std::optional<std::string>& parentValue);

// The whole environment of a zygote: `base` without secrets, PYTHONPATH led by evaluatorDir,
// unbuffered output, no .pyc writes into the evaluator folder, CUDA_VISIBLE_DEVICES as given
// ("" for cpu and compile zygotes).
Env forZygote(const Env& base, const std::string& evaluatorDir, const std::string& cudaVisible);

} // namespace kw::childenv
