#include "ui/training/TrainingDemo.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <charconv>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {

// Python's json.dumps layout (", " and ": ", floats as repr, ASCII only), keys in kernel_rl's order.
QByteArray str(const QString& s)
{
    QByteArray out = "\"";
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (u == '"')
            out += "\\\"";
        else if (u == '\\')
            out += "\\\\";
        else if (u == '\n')
            out += "\\n";
        else if (u == '\t')
            out += "\\t";
        else if (u < 0x20 || u > 0x7e)
            out += "\\u" + QByteArray::number(u, 16).rightJustified(4, '0');
        else
            out += char(u);
    }
    return out + "\"";
}

// Python's float repr: the shortest digits that read back the same, fixed notation for exponents
// -4 to 15, else d.ddde[+-]XX; always a '.' or an exponent.
QByteArray num(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string sci(buf, r.ptr);
    const auto e = sci.find('e');
    const bool negative = sci[0] == '-';
    std::string digits;
    for (std::size_t i = negative ? 1 : 0; i < e; ++i)
        if (sci[i] != '.')
            digits += sci[i];
    const int exp = std::stoi(sci.substr(e + 1));
    std::string out = negative ? "-" : "";
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            out += "0." + std::string(std::size_t(-exp - 1), '0') + digits;
        } else {
            const std::size_t intLen = std::size_t(exp) + 1;
            if (digits.size() <= intLen)
                out += digits + std::string(intLen - digits.size(), '0') + ".0";
            else
                out += digits.substr(0, intLen) + "." + digits.substr(intLen);
        }
    } else {
        out += digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e" +
               (exp < 0 ? "-" : "+") + (std::abs(exp) < 10 ? "0" : "") + std::to_string(std::abs(exp));
    }
    return QByteArray::fromStdString(out);
}

QByteArray integer(long long v)
{
    return QByteArray::number(v);
}

QByteArray boolean(bool b)
{
    return b ? "true" : "false";
}

const QByteArray kNull = "null";

QByteArray obj(std::initializer_list<std::pair<const char*, QByteArray>> members)
{
    QByteArray out = "{";
    bool first = true;
    for (const auto& [k, v] : members) {
        if (!first)
            out += ", ";
        first = false;
        out += str(QString::fromLatin1(k)) + ": " + v;
    }
    return out + "}";
}

QByteArray objOf(const std::vector<std::pair<QByteArray, QByteArray>>& members)
{
    QByteArray out = "{";
    for (std::size_t i = 0; i < members.size(); ++i)
        out += (i ? ", " : "") + str(QString::fromLatin1(members[i].first)) + ": " + members[i].second;
    return out + "}";
}

const char* const kSystem =
    "You are an expert GPU kernel developer. Your task is to optimize PyTorch operations by writing "
    "efficient "
    "custom GPU kernels.\n\nWhen given a PyTorch model, you should:\n1. Analyze the operations being "
    "performed\n"
    "2. Write an optimized kernel implementation\n3. Return your solution as a Python class named ModelNew";

const char* const kUser =
    "You write custom Triton kernels to replace the pytorch operators in the given architecture to get "
    "speedups.\n\nYou are given the following architecture:\n\n```python\nimport torch\nimport torch.nn as "
    "nn\n\n"
    "class Model(nn.Module):\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        return "
    "torch.relu(x)\n```\n";

const char* const kThought = "- One program per BLOCK_SIZE contiguous elements, 1D grid over numel().\n"
                             "- Masked loads/stores for the tail; output allocated with empty_like.";

const char* const kKernel =
    "import torch\nimport torch.nn as nn\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
    "def elementwise_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):\n"
    "    pid = tl.program_id(0)\n    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)\n"
    "    mask = offsets < n_elements\n    x = tl.load(x_ptr + offsets, mask=mask)\n"
    "    tl.store(out_ptr + offsets, tl.maximum(x, 0.0), mask=mask)\n\n\nclass ModelNew(nn.Module):\n"
    "    def forward(self, x):\n        out = torch.empty_like(x)\n        n = x.numel()\n"
    "        elementwise_kernel[(triton.cdiv(n, 1024),)](x, out, n, BLOCK_SIZE=1024)\n        return out\n";

const int kProblems[] = {19, 22, 23, 24, 26, 27, 28};

enum class Outcome
{
    Correct,
    Incorrect,
    CompileError,
    RuntimeError,
    Timeout,
    Cheated,
    FormatFail
};

struct Line
{
    QByteArray bytes; // with its newline
    double reward = 0;
    bool formatOk = false, compiled = false, correct = false, cheated = false;
    double evalSeconds = 0;
};

Line traceLine(std::mt19937& rng, int step, int i, double ts)
{
    std::uniform_real_distribution<double> u(0, 1);
    const int problem = kProblems[(step * 5 + i / 2) % 7]; // group_size 2: rollouts of a problem in turn
    // Later steps do better: more correct, fewer compile errors.
    const double skill = std::min(0.85, 0.35 + 0.08 * step);
    const double roll = u(rng);
    Outcome o = Outcome::CompileError;
    if (roll > 0.97)
        o = Outcome::Cheated;
    else if (roll < skill)
        o = Outcome::Correct;
    else if (roll < skill + 0.1)
        o = u(rng) < 0.3 ? Outcome::RuntimeError : Outcome::Incorrect;
    else if (const double v = u(rng); v < 0.15)
        o = Outcome::FormatFail;
    else if (v < 0.25)
        o = Outcome::Timeout;

    Line l;
    l.formatOk = o != Outcome::FormatFail;
    l.compiled = o == Outcome::Correct || o == Outcome::Incorrect || o == Outcome::RuntimeError;
    l.correct = o == Outcome::Correct;
    l.cheated = o == Outcome::Cheated;
    const bool thought = u(rng) < 0.8;
    const QByteArray code = l.formatOk ? QByteArray(kKernel) : QByteArray();
    const double modal = o == Outcome::Timeout ? 60.0 + 6.0 * u(rng) : 8.0 + 16.0 * u(rng);
    const bool evaluated = o != Outcome::Cheated && o != Outcome::FormatFail;
    l.evalSeconds = evaluated ? modal + 0.01 : 0.002;
    const QByteArray timings = evaluated ? obj({{"reference_load_s", num(0.0002)},
                                                {"modal_eval_s", num(modal)},
                                                {"total_eval_s", num(modal + 0.004)}})
                                         : obj({{"total_eval_s", num(0.0016)}});
    double speedup = NAN, runtime = NAN, baseline = NAN;
    QByteArray error = kNull, metadata;
    const QByteArray hw = str(u"NVIDIA A100-SXM4-40GB"_s), dev = str(u"0"_s);
    switch (o) {
    case Outcome::Correct:
        runtime = std::round((0.05 + u(rng) * 1.5) * 1000) / 1000;
        speedup = std::exp((u(rng) - 0.45 + 0.05 * step) * 1.4);
        baseline = std::round(runtime * speedup * 1000) / 1000;
        speedup = baseline / runtime;
        metadata = obj({{"hardware", hw},
                        {"device", dev},
                        {"correctness_trials", str(u"(5 / 5)"_s)},
                        {"baseline_runtime_ms", num(baseline)},
                        {"timings", timings}});
        break;
    case Outcome::Incorrect:
        error = str(u"Output mismatch"_s);
        metadata =
            obj({{"hardware", hw},
                 {"device", dev},
                 {"max_difference", "[\"0.097555\", \"1.043221\", \"1.591704\", \"0.837435\", \"2.684313\"]"},
                 {"avg_difference", "[\"0.009956\", \"0.086495\", \"0.048743\", \"0.035378\", \"0.077006\"]"},
                 {"correctness_issue", str(u"Output mismatch"_s)},
                 {"correctness_trials", str(u"(0 / 5)"_s)},
                 {"timings", timings}});
        break;
    case Outcome::RuntimeError: {
        const QString e =
            u"CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be "
            "asynchronously reported at some other API call"_s;
        error = str(e);
        metadata = obj({{"hardware", hw},
                        {"device", dev},
                        {"runtime_error", str(e)},
                        {"runtime_error_name", str(u"torch.AcceleratorError"_s)},
                        {"runtime_error_traceback",
                         str(u"Traceback (most recent call last):\n  File "
                             "\"/root/src/eval.py\", line 748, in eval_kernel_against_ref\n"_s)},
                        {"timings", timings}});
        break;
    }
    case Outcome::CompileError: {
        const QString e = u"at 5:8:\ndef elementwise_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: "
                          "tl.constexpr):\n    pid = tl.program_id(0)\n        ^\nAttributeError(\"module "
                          "'triton.language' has no attribute 'relu'\")"_s;
        error = str(e);
        metadata = obj({{"hardware", hw},
                        {"device", dev},
                        {"compilation_error_name", str(u"triton.compiler.errors.CompilationError"_s)},
                        {"compilation_error", str(e)},
                        {"timings", timings}});
        break;
    }
    case Outcome::Timeout: {
        const QString id = u"in-01K3DJW8AE95QS9M1V8FTKM8HE:%1-0"_s.arg(qint64(ts * 1000));
        error = str(u"Modal execution failed: Task's current input %1 hit its timeout of 60s"_s.arg(id));
        metadata = obj({{"exception", str(u"Task's current input %1 hit its timeout of 60s"_s.arg(id))},
                        {"exception_type", str(u"FunctionTimeoutError"_s)},
                        {"timings", timings}});
        break;
    }
    case Outcome::Cheated:
        error = str(u"Kernel detected as cheating (uses PyTorch ops directly)"_s);
        metadata = obj({{"timings", timings}});
        break;
    case Outcome::FormatFail:
        error = str(u"Could not extract valid kernel code from response"_s);
        metadata = obj({{"timings", timings}});
        break;
    }
    const double rFormat = l.formatOk ? 1.0 : 0.0, rCompile = l.compiled ? 1.0 : 0.0,
                 rCorrect = l.correct ? 1.0 : 0.0;
    const double rSpeed = l.correct ? std::max(0.0, speedup - 1.0) : 0.0;
    const double rLength = l.formatOk ? 0.9517 : 1.0, rThinking = thought ? 1.0 : 0.5;
    // kernel_rl's weights (format 0.1, compile 0.2, correctness 1, speed 1, length 0.05, thinking
    // 0.1); a kernel that is not correct earns nothing.
    l.reward = l.correct
                   ? 0.1 * rFormat + 0.2 * rCompile + rCorrect + rSpeed + 0.05 * rLength + 0.1 * rThinking
                   : 0.0;
    const QByteArray ev = obj({{"format_ok", boolean(l.formatOk)},
                               {"compiled", boolean(l.compiled)},
                               {"correctness", boolean(l.correct)},
                               {"tests_passed", integer(l.correct ? 5 : 0)},
                               {"tests_total", integer(5)},
                               {"speedup", l.correct ? num(speedup) : kNull},
                               {"runtime_ms", l.correct ? num(runtime) : kNull},
                               {"baseline_runtime_ms", l.correct ? num(baseline) : kNull},
                               {"cheated", boolean(l.cheated)},
                               {"error_message", error},
                               {"code_length", integer(code.size())},
                               {"metadata", metadata}});
    std::vector<std::pair<QByteArray, QByteArray>> metrics = {
        {"level", integer(1)},
        {"problem_id", integer(problem)},
        {"format_ok", num(rFormat)},
        {"compiled", num(rCompile)},
        {"correctness", num(rCorrect)},
        {"tests_passed", integer(l.correct ? 5 : 0)},
        {"tests_total", integer(5)},
        {"cheated", num(l.cheated ? 1.0 : 0.0)},
        {"thought_length", integer(thought ? qsizetype(std::strlen(kThought)) : 0)},
        {"has_thought", num(thought ? 1.0 : 0.0)}};
    if (l.correct) {
        metrics.emplace_back("speedup", num(speedup));
        metrics.emplace_back("runtime_ms", num(runtime));
    }
    metrics.emplace_back("time/eval", num(l.evalSeconds));
    if (evaluated) {
        metrics.emplace_back("time/ref_load", num(0.0002));
        metrics.emplace_back("time/modal_eval", num(modal));
    }
    metrics.emplace_back("time/step_total", num(l.evalSeconds + 0.007));
    const QString thoughtText = thought ? QString::fromLatin1(kThought) : QString();
    const QString raw =
        (thought ? u"<think>\n"_s + thoughtText + u"\n</think>\n\n"_s : QString()) +
        (l.formatOk ? u"<KERNEL>\n```python\n"_s + QString::fromLatin1(kKernel) + u"```\n</KERNEL>"_s
                    : u"I will write the kernel with BLOCK_SIZE"_s);
    const QByteArray prompt =
        "[" + obj({{"role", str(u"system"_s)}, {"content", str(QString::fromLatin1(kSystem))}}) + ", " +
        obj({{"role", str(u"user"_s)}, {"content", str(QString::fromLatin1(kUser))}}) + "]";
    l.bytes = obj({{"mode", str(u"single_turn"_s)},
                   {"level", integer(1)},
                   {"problem_id", integer(problem)},
                   {"backend", str(u"triton"_s)},
                   {"dataset_src", str(u"huggingface"_s)},
                   {"prompt_option", str(u"one_shot"_s)},
                   {"raicl_k", integer(3)},
                   {"turn", integer(0)},
                   {"prompt_messages", prompt},
                   {"renderer", str(u"Qwen3Renderer"_s)},
                   {"response", obj({{"raw", str(raw)},
                                     {"thought", str(thoughtText)},
                                     {"kernel", str(QString::fromLatin1(code))},
                                     {"format_ok", boolean(l.formatOk)}})},
                   {"eval_result", ev},
                   {"reward", num(l.reward)},
                   {"reward_breakdown", obj({{"reward_format", num(rFormat)},
                                             {"reward_compile", num(rCompile)},
                                             {"reward_correctness", num(rCorrect)},
                                             {"reward_speed", num(rSpeed)},
                                             {"reward_length", num(rLength)},
                                             {"reward_thinking", num(rThinking)},
                                             {"reward_total", num(l.reward)}})},
                   {"metrics", objOf(metrics)},
                   {"timestamp", num(ts)},
                   {"stop_condition", str(u"[151645]"_s)}}) +
              '\n';
    return l;
}

bool appendTo(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    return f.write(bytes) == bytes.size();
}

void setMtime(const QString& path, double t)
{
    QFile f(path);
    if (f.open(QIODevice::ReadWrite | QIODevice::Append))
        f.setFileTime(QDateTime::fromMSecsSinceEpoch(qint64(t * 1000)), QFileDevice::FileModificationTime);
}

QByteArray checkpoint(const QString& name, int batch, const QString& session)
{
    return obj({{"name", str(name)},
                {"batch", integer(batch)},
                {"state_path", str(u"tinker://%1:train:0/weights/%2"_s.arg(session, name))},
                {"sampler_path", str(u"tinker://%1:train:0/sampler_weights/%2"_s.arg(session, name))}}) +
           '\n';
}

QByteArray config(const QString& dir, int linesPerStep)
{
    const int groups = std::max(1, linesPerStep / 2);
    return "{\n  \"model_name\": \"Qwen/Qwen3-30B-A3B\",\n  \"lora_rank\": 64,\n  \"learning_rate\": 2e-06,\n"
           "  \"max_tokens\": 16384,\n  \"temperature\": 1.0,\n  \"dataset_builder\": {\n    \"level\": 1,\n"
           "    \"backend\": \"triton\",\n    \"dataset_src\": \"huggingface\",\n    \"batch_size\": " +
           integer(groups) +
           ",\n    \"group_size\": 2,\n    \"num_epochs\": 1,\n    \"num_correct_trials\": 5,\n"
           "    \"measure_performance\": true,\n    \"renderer_name\": \"qwen3\",\n"
           "    \"prompt_option\": \"one_shot\",\n    \"use_modal\": true,\n"
           "    \"modal_gpu_type\": \"A100\",\n    \"modal_timeout\": 60.0\n  },\n"
           "  \"multiturn_dataset_builder\": null,\n  \"mode\": \"single_turn\",\n"
           "  \"max_turns\": 4,\n  \"log_path\": " +
           str(dir) +
           ",\n  \"save_every\": 1,\n  \"tensorboard_enabled\": false,\n  \"resume_from_batch\": null,\n  "
           "\"start_batch\": 0\n}";
}

} // namespace

bool TrainingDemo::appendLines(const QString& dir, int step, int lines, unsigned seed, double start)
{
    std::mt19937 rng(seed);
    QByteArray out;
    for (int i = 0; i < lines; ++i)
        out += traceLine(rng, step, i, start + i * 3.0).bytes;
    return appendTo(QDir(dir).filePath(u"traces.jsonl"_s), out);
}

bool TrainingDemo::writeRun(const QString& dir, int steps, int linesPerStep, unsigned seed, double start)
{
    if (!QDir().mkpath(dir))
        return false;
    std::mt19937 rng(seed);
    const QString session = u"0acf09b6-5361-c1f4-f9f7-%1"_s.arg(seed, 12, 16, QLatin1Char('0'));
    QByteArray traces, metrics, checkpoints = checkpoint(u"000000"_s, 0, session);
    const double train = kStepSeconds - kRolloutSeconds;
    for (int s = 0; s < steps; ++s) {
        const double t0 = start + s * kStepSeconds;
        double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY, evalSum = 0, evalMax = 0;
        int format = 0, compiled = 0, correct = 0, cheated = 0;
        for (int i = 0; i < linesPerStep; ++i) {
            const Line l = traceLine(rng, s, i, t0 + (i + 1) * kRolloutSeconds / (linesPerStep + 1));
            sum += l.reward;
            sq += l.reward * l.reward;
            lo = std::min(lo, l.reward);
            hi = std::max(hi, l.reward);
            format += l.formatOk;
            compiled += l.compiled;
            correct += l.correct;
            cheated += l.cheated;
            evalSum += l.evalSeconds;
            evalMax = std::max(evalMax, l.evalSeconds);
            traces += l.bytes;
        }
        const double n = std::max(1, linesPerStep);
        const double mean = sum / n;
        metrics += obj({{"step", integer(s)},
                        {"progress/batch", integer(s)},
                        {"progress/done_frac", num(double(s + 1) / steps)},
                        {"optim/lr", num(2e-06)},
                        {"mode", integer(0)},
                        {"time/rollout", num(kRolloutSeconds)},
                        {"reward/mean", num(mean)},
                        {"reward/std", num(std::sqrt(std::max(0.0, sq / n - mean * mean)))},
                        {"reward/min", num(linesPerStep ? lo : 0.0)},
                        {"reward/max", num(linesPerStep ? hi : 0.0)},
                        {"kernel/format_rate", num(format / n)},
                        {"kernel/compile_rate", num(compiled / n)},
                        {"kernel/correct_rate", num(correct / n)},
                        {"kernel/cheat_rate", num(cheated / n)},
                        {"time/eval_mean", num(evalSum / n)},
                        {"time/eval_max", num(evalMax)},
                        {"time/step_mean", num(evalSum / n + 0.007)},
                        {"time/step_max", num(evalMax + 0.007)},
                        {"time/ref_load_mean", num(0.0002)},
                        {"time/ref_load_max", num(0.0002)},
                        {"time/modal_eval_mean", num(evalSum / n)},
                        {"time/modal_eval_max", num(evalMax)},
                        {"batch/num_groups", integer(std::max(1, linesPerStep / 2))},
                        {"batch/num_trajectories", integer(linesPerStep)},
                        {"time/assemble_data", num(0.5)},
                        {"time/train", num(train - 4.5)},
                        {"time/save_checkpoint", num(4.0)},
                        {"time/total", num(kStepSeconds)}}) +
                   '\n';
        checkpoints += checkpoint(u"%1"_s.arg(s + 1, 6, 10, QLatin1Char('0')), s + 1, session);
    }
    checkpoints += checkpoint(u"final"_s, steps, session);
    const QDir d(dir);
    for (const QString& f : {u"traces.jsonl"_s, u"metrics.jsonl"_s, u"checkpoints.jsonl"_s, u"config.json"_s})
        QFile::remove(d.filePath(f));
    if (!appendTo(d.filePath(u"config.json"_s), config(dir, linesPerStep)) ||
        !appendTo(d.filePath(u"traces.jsonl"_s), traces) ||
        !appendTo(d.filePath(u"metrics.jsonl"_s), metrics) ||
        !appendTo(d.filePath(u"checkpoints.jsonl"_s), checkpoints))
        return false;
    // As the run left them: written at the end of its last step (unless that is still to come).
    const double end = start + steps * kStepSeconds;
    if (end <= double(QDateTime::currentMSecsSinceEpoch()) / 1000.0)
        for (const QString& f : {u"traces.jsonl"_s, u"metrics.jsonl"_s, u"checkpoints.jsonl"_s})
            setMtime(d.filePath(f), end);
    return true;
}

} // namespace kw::ui
