#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kw {

struct GpuDescription
{
    int index = 0;
    std::string name;
    std::string arch; // sm_90
    double memoryGiB = 0;
};

// What an interpreter can do, learned by running it once (a few seconds: it imports torch).
struct PythonProbe
{
    std::string path;
    bool ok = false; // can import torch
    std::string pythonVersion;
    std::string torchVersion;
    std::string torchCuda; // torch.version.cuda, empty for CPU builds
    bool tritonAvailable = false;
    std::vector<GpuDescription> gpus;
    std::string error;         // why not ok, one line, with what to do
    bool torchMissing = false; // the interpreter ran but `import torch` failed
};

// Finds a Python that can `import torch`. Order: `preferred` (--python or the setting) when
// given (and then only it), else $KERNELWATCH_PYTHON, python3 on PATH, /usr/bin/python3.
// The probe runs `kernelwatch_eval.probe` from evaluatorDir.
// `stop`, when set, kills the probe at once (error says so) and tries no further candidate.
PythonProbe probePython(const std::string& python, const std::string& evaluatorDir, double timeoutS = 60,
                        const std::atomic<bool>* stop = nullptr);
PythonProbe findPython(const std::string& preferred, const std::string& evaluatorDir,
                       const std::atomic<bool>* stop = nullptr);

// Pure parts, tested on recorded output.
// Reads the probe's JSON document (the last line of `stdoutText` that is a JSON object).
// Lenient about key names; `ok` is false with `error` set when the document says so or none
// could be read.
PythonProbe parseProbeOutput(std::string_view stdoutText);
// One-line reason from a failed probe's stderr ("cannot import torch: No module named 'torch'").
std::string probeFailureReason(std::string_view stderrText, bool* torchMissing = nullptr);
// The message when no candidate works. `tried` holds (label, probe) pairs, labels like
// "python3 (/root/.pyenv/shims/python3)".
std::string noPythonMessage(const std::vector<std::pair<std::string, PythonProbe>>& tried);

} // namespace kw
