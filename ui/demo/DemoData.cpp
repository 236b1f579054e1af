#include "ui/demo/DemoData.h"

#include "core/modal/ModalPricing.h"
#include "ui/demo/DemoPerformance.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace kw::ui {

namespace {

const std::array<const char*, 28> kProblems = {
    "level1/1_Square_matrix_multiplication_",
    "level1/4_Matrix_vector_multiplication_",
    "level1/12_Matmul_with_diagonal_matrices_",
    "level1/19_ReLU",
    "level1/23_Softmax",
    "level1/26_GELU_",
    "level1/33_BatchNorm",
    "level1/36_RMSNorm_",
    "level1/40_LayerNorm",
    "level1/42_Max_Pooling_2D",
    "level1/47_Sum_reduction_over_a_dimension",
    "level1/88_MinGPTNewGelu",
    "level1/95_CrossEntropyLoss",
    "level1/97_CosineSimilarityLoss",
    "level2/1_Conv2D_ReLU_BiasAdd",
    "level2/17_Conv2d_InstanceNorm_Divide",
    "level2/29_Matmul_Mish_Mish",
    "level2/40_Matmul_Scaling_ResidualAdd",
    "level2/56_Matmul_Sigmoid_Sum",
    "level2/76_Gemm_Add_ReLU",
    "level2/86_Matmul_Divide_GELU",
    "level3/1_MLP",
    "level3/11_VGG16",
    "level3/28_VisionTransformer",
    "level3/31_VisionAttention",
    "level3/43_MinGPTCausalAttention",
    "level3/44_MiniGPTBlock",
    "level4/2_GPT2_Attention",
};

const char* kCompileErrors[] = {
    "error: identifier \"__shfl_down\" is undefined (use __shfl_down_sync)",
    "error: no instance of overloaded function \"atomicAdd\" matches the argument list (c10::Half *, float)",
    "triton.compiler.errors.CompilationError: at 14:8: tl.dot requires both operands to be at least 16x16",
    "RuntimeError: Error building extension 'matmul_kernel': ninja: build stopped: subcommand failed.",
};
const char* kRuntimeErrors[] = {
    "CUDA error: an illegal memory access was encountered",
    "RuntimeError: shape mismatch: expected (128, 4096), got (4096, 128)",
    "ValueError: too many values to unpack (expected 2)",
};

double baselineMs(std::size_t problem)
{
    // Stable per problem: 0.02 ms to 40 ms.
    std::mt19937 r(static_cast<std::uint32_t>(problem * 7919 + 13));
    std::lognormal_distribution<double> d(0.0, 1.6);
    return std::clamp(d(r), 0.02, 40.0);
}

std::string kernelCode(const std::string& problem, bool triton, int variant)
{
    const std::string name = problem.substr(problem.find('/') + 1);
    if (triton)
        return "import torch\nimport torch.nn as nn\nimport triton\nimport triton.language as tl\n\n\n"
               "@triton.jit\ndef fused_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):\n"
               "    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    mask = offs < "
               "n\n"
               "    x = tl.load(x_ptr + offs, mask=mask)\n    y = tl.maximum(x, 0.0)  # variant " +
               std::to_string(variant) +
               "\n    tl.store(y_ptr + offs, y, mask=mask)\n\n\nclass ModelNew(nn.Module):\n"
               "    \"\"\"Triton kernel for " +
               name +
               ".\"\"\"\n\n    def forward(self, x):\n"
               "        y = torch.empty_like(x)\n        n = x.numel()\n"
               "        fused_kernel[(triton.cdiv(n, " +
               std::to_string(256 << (variant % 3)) +
               "),)](x, y, n, BLOCK=" + std::to_string(256 << (variant % 3)) + ")\n        return y\n";
    return "import torch\nimport torch.nn as nn\nfrom torch.utils.cpp_extension import load_inline\n\n"
           "source = \"\"\"\n#include <torch/extension.h>\n\n__global__ void kernel(const float* x, float* "
           "y, int n) {\n"
           "    int i = blockIdx.x * blockDim.x + threadIdx.x;\n    if (i < n) y[i] = fmaxf(x[i], "
           "0.f);\n}\n\n"
           "torch::Tensor run(torch::Tensor x) {\n    auto y = torch::empty_like(x);\n    int n = "
           "x.numel();\n"
           "    kernel<<<(n + " +
           std::to_string(255 + 256 * (variant % 2)) + ") / " + std::to_string(256 << (variant % 2)) + ", " +
           std::to_string(256 << (variant % 2)) +
           ">>>(x.data_ptr<float>(), y.data_ptr<float>(), n);\n    return y;\n}\n\"\"\"\n\n"
           "ext = load_inline(\"" +
           name +
           "_ext\", cpp_sources=\"torch::Tensor run(torch::Tensor x);\",\n"
           "                  cuda_sources=source, functions=[\"run\"])\n\n\nclass ModelNew(nn.Module):\n"
           "    def forward(self, x):\n        return ext.run(x)\n";
}

std::string refCode(const std::string& problem)
{
    return "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n    \"\"\"" + problem +
           "\"\"\"\n\n    def forward(self, x):\n        return torch.relu(x)\n\n\nbatch_size = 16\ndim = "
           "16384\n\n\n"
           "def get_inputs():\n    return [torch.randn(batch_size, dim)]\n\n\ndef get_init_inputs():\n    "
           "return []\n";
}

RuntimeStats statsFor(double mean, std::mt19937& rng)
{
    std::uniform_real_distribution<double> u(0.005, 0.04);
    RuntimeStats s;
    s.mean = mean;
    s.median = mean * 0.995;
    s.std = mean * u(rng);
    s.min = mean * (1 - 2 * u(rng));
    s.max = mean * (1 + 5 * u(rng));
    s.n = 100;
    return s;
}

} // namespace

EvalResult DemoData::sampleResult(double when)
{
    EvalResult r;
    r.id = "demo-sample-relu";
    r.status = EvalStatus::Correct;
    r.compiled = r.correctness = true;
    r.testsPassed = r.testsTotal = 5;
    r.baselineRuntimeMs = 0.0841;
    r.runtimeMs = 0.0812;
    r.speedup = *r.baselineRuntimeMs / *r.runtimeMs;
    std::mt19937 rng(3);
    r.runtimeStats = statsFor(*r.runtimeMs, rng);
    r.baselineStats = statsFor(*r.baselineRuntimeMs, rng);
    r.metadata = {
        {"max_difference", 0.0}, {"avg_difference", 0.0}, {"backend", "cuda"}, {"precision", "fp32"}};
    r.device = {"cpu (x86_64, 16 threads)", "cpu", "cpu"};
    r.timings = {0.01, 0.21, 0.09, 0.64, 0.95};
    r.createdAt = when;
    r.finishedAt = when + 0.95;
    r.isolation = "setsid,pdeathsig,rlimits";
    r.request.id = r.id;
    r.request.problem = "samples/relu";
    r.request.source = "submit";
    r.request.target = "local";
    r.request.device = "cpu";
    r.request.refCode = refCode("samples/relu");
    r.request.kernelCode = "import torch\nimport torch.nn as nn\n\n\nclass ModelNew(nn.Module):\n"
                           "    def forward(self, x):\n        return torch.clamp_min(x, 0.0)\n";
    r.codeLength = static_cast<long long>(r.request.kernelCode.size());
    return r;
}

std::vector<EvalResult> DemoData::results(int count, std::uint32_t seed, double endTime, double spanS)
{
    if (endTime <= 0)
        endTime = nowUnixSeconds();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<EvalResult> out;
    out.reserve(static_cast<std::size_t>(count));
    const double start = endTime - spanS;
    for (int i = 0; i < count; ++i) {
        const double progress = count > 1 ? double(i) / (count - 1) : 1.0;
        EvalResult r;
        r.id = "demo-" + std::to_string(seed) + "-" + std::to_string(i);
        r.createdAt = start + progress * spanS - u(rng) * 30;
        EvalRequest& q = r.request;
        q.id = r.id;
        const double src = u(rng);
        q.source = src < 0.62   ? "run"
                   : src < 0.77 ? "batch"
                   : src < 0.87 ? "submit"
                   : src < 0.95 ? "cli"
                                : "modal";
        if (q.source == "run" || q.source == "modal") {
            q.run = "qwen3-8b-grpo-kb";
            q.step = static_cast<int>(progress * 400);
            q.turn = static_cast<int>(u(rng) * 4);
        }
        const std::size_t pi =
            static_cast<std::size_t>(std::pow(u(rng), 1.3) * kProblems.size()) % kProblems.size();
        q.problem = kProblems[pi];
        q.backend = u(rng) < 0.7 ? "cuda" : "triton";
        const bool modal =
            q.source == "modal" || ((q.source == "run" || q.source == "batch") && u(rng) < 0.45);
        q.target = modal ? "modal" : "local";
        const double g = u(rng);
        q.gpuType = modal ? (g < 0.6 ? "H100" : g < 0.85 ? "A100-80GB" : "L40S") : "";
        q.device = modal ? "auto" : "cuda:" + std::to_string(i % 2);
        q.kernelCode = kernelCode(q.problem, q.backend == "triton", static_cast<int>(u(rng) * 6));
        q.refCode = refCode(q.problem);
        r.codeLength = static_cast<long long>(q.kernelCode.size());
        r.device = modal ? DeviceInfo{q.gpuType == "L40S"   ? "NVIDIA L40S"
                                      : q.gpuType == "H100" ? "NVIDIA H100 80GB HBM3"
                                                            : "NVIDIA A100-SXM4-80GB",
                                      q.gpuType == "L40S"   ? "sm_89"
                                      : q.gpuType == "H100" ? "sm_90"
                                                            : "sm_80",
                                      "modal:" + q.gpuType}
                         : DeviceInfo{"NVIDIA H100 80GB HBM3", "sm_90", q.device};
        if (modal)
            r.worker.containerId = "ta-01JDEMO" + std::to_string(i % 17);

        // Status mix improves as training goes on.
        const double p = u(rng);
        const double pCorrect = 0.22 + 0.38 * progress, pIncorrect = 0.17, pCompile = 0.33 - 0.2 * progress;
        const double pRuntime = 0.08, pTimeout = 0.025, pCrash = 0.015, pRejected = 0.02 + 0.02 * progress;
        double acc = pCorrect;
        r.status = p < acc                   ? EvalStatus::Correct
                   : p < (acc += pIncorrect) ? EvalStatus::Incorrect
                   : p < (acc += pCompile)   ? EvalStatus::CompileError
                   : p < (acc += pRuntime)   ? EvalStatus::RuntimeError
                   : p < (acc += pTimeout)   ? EvalStatus::Timeout
                   : p < (acc += pCrash)     ? EvalStatus::Crashed
                   : p < (acc += pRejected)  ? EvalStatus::Rejected
                                             : EvalStatus::InfraError;
        const double base = DemoPerformance::eagerMs(pi, baselineMs(pi));
        r.compiled = r.status == EvalStatus::Correct || r.status == EvalStatus::Incorrect ||
                     r.status == EvalStatus::RuntimeError || r.status == EvalStatus::Rejected;
        r.timings.queued = u(rng) * (modal ? 4.0 : 1.0);
        r.timings.compile =
            r.compiled || r.status == EvalStatus::CompileError ? (u(rng) < 0.3 ? 0.02 : 3 + u(rng) * 60) : 0;
        std::lognormal_distribution<double> sp(-0.35 + 0.75 * progress, 0.55);
        switch (r.status) {
        case EvalStatus::Correct: {
            r.correctness = true;
            r.testsPassed = r.testsTotal = 5;
            r.speedup = std::clamp(sp(rng), 0.05, 9.5);
            r.runtimeMs = base / *r.speedup;
            r.baselineRuntimeMs = base;
            r.runtimeStats = statsFor(*r.runtimeMs, rng);
            r.baselineStats = statsFor(base, rng);
            {
                // An interval and a timing verdict as the evaluator reports them; one in ten noisy
                // (never a win). Derived from i, so the random sequence stays as it was.
                const bool noisy = i % 10 == 3;
                const double w = noisy ? 0.6 : 0.02 + 0.02 * (i % 3);
                r.speedupCi = SpeedupInterval{*r.speedup * (1 - w), *r.speedup * (1 + w)};
                r.timingQuality = TimingQuality{};
                r.timingQuality->verdict = noisy ? "noisy" : "reliable";
                if (noisy)
                    r.timingQuality->reasons = {"the kernel's trials spread widely (demo data)"};
            }
            r.metadata["max_difference"] = u(rng) * 4e-5;
            r.metadata["avg_difference"] = u(rng) * 4e-6;
            r.timings.correctness = 0.3 + u(rng) * 2;
            r.timings.perf = 0.5 + u(rng) * 5;
            if (*r.speedup > 8)
                r.flags.push_back("excessive_speedup");
            break;
        }
        case EvalStatus::Incorrect:
            r.testsTotal = 5;
            r.testsPassed = static_cast<int>(u(rng) * 4);
            r.metadata["max_difference"] = 0.01 + u(rng) * 3;
            r.metadata["avg_difference"] = 0.001 + u(rng) * 0.2;
            r.errorMessage =
                "Output mismatch on trial " + std::to_string(r.testsPassed + 1) + " of 5 (max difference " +
                std::to_string(r.metadata["max_difference"].get<double>()).substr(0, 6) + ", tolerance 1e-4)";
            r.timings.correctness = 0.3 + u(rng);
            break;
        case EvalStatus::CompileError:
            r.errorMessage = kCompileErrors[i % 4];
            r.logTail = "[1/3] nvcc -c kernel.cu -o kernel.cuda.o -gencode=arch=compute_90,code=sm_90 -O3\n"
                        "kernel.cu(14): " +
                        r.errorMessage +
                        "\n1 error detected in the compilation of \"kernel.cu\".\n"
                        "ninja: build stopped: subcommand failed.\n";
            break;
        case EvalStatus::RuntimeError:
            r.errorMessage = kRuntimeErrors[i % 3];
            r.logTail = "Traceback (most recent call last):\n  File \"candidate.py\", line 31, in forward\n"
                        "    return ext.run(x)\n" +
                        r.errorMessage + "\n";
            r.timings.correctness = 0.2;
            break;
        case EvalStatus::Timeout:
            r.errorMessage = "The evaluation ran past its 300 s limit; kernelwatch killed the process group.";
            r.timings.correctness = 300 - r.timings.compile;
            break;
        case EvalStatus::Crashed:
            r.errorMessage = "The kernel's process died of signal 11 (SIGSEGV) before reporting a result.";
            r.logTail = "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f3a (most recent "
                        "call first):\n"
                        "  File \"candidate.py\", line 40 in forward\n";
            break;
        case EvalStatus::Rejected:
            r.cheated = true;
            r.flags = {u(rng) < 0.5 ? "inputs_modified" : "side_stream_work", "excessive_speedup"};
            r.speedup = 15 + u(rng) * 60;
            r.runtimeMs = base / *r.speedup;
            r.baselineRuntimeMs = base;
            r.errorMessage = r.flags.front() == "inputs_modified"
                                 ? "Integrity check: the kernel modified its inputs in place."
                                 : "Integrity check: work ran on a side stream outside the timed region.";
            r.testsPassed = r.testsTotal = 5;
            r.timings.correctness = 0.8;
            r.timings.perf = 1.1;
            break;
        case EvalStatus::InfraError:
        case EvalStatus::Unknown:
            r.errorMessage =
                modal ? "Modal answered 503 Service Unavailable three times; retry later or check the "
                        "Deployment panel."
                      : "The worker for cuda:1 restarted after a CUDA fault; the evaluation was not run.";
            break;
        }
        DemoPerformance::add(r, pi, q.problem, base, seed * 1000003u + static_cast<std::uint32_t>(i));
        r.timings.total = r.timings.queued + r.timings.compile + r.timings.correctness + r.timings.perf + 0.4;
        r.finishedAt = r.createdAt + r.timings.total;
        if (modal)
            r.costUsd = kw::modalCostUsd(q.gpuType, r.timings.total - r.timings.queued);
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(),
              [](const EvalResult& a, const EvalResult& b) { return a.createdAt < b.createdAt; });
    return out;
}

std::size_t DemoData::fill(HistoryStore& store, int count, std::uint32_t seed)
{
    const double now = nowUnixSeconds();
    auto all = results(count, seed, now - 120);
    all.push_back(sampleResult(now - 60));
    all.push_back(DemoPerformance::swishSample(now - 30));
    std::size_t added = 0;
    for (std::size_t i = 0; i < all.size(); i += 1000) {
        std::vector<EvalResult> chunk(all.begin() + static_cast<std::ptrdiff_t>(i),
                                      all.begin() +
                                          static_cast<std::ptrdiff_t>(std::min(all.size(), i + 1000)));
        added += store.addMany(chunk);
    }
    return added;
}

std::vector<HistoryRow> DemoData::rows(std::int64_t firstRowId, int count, std::mt19937& rng,
                                       double startTime, double secondsPerRow)
{
    static const char* sources[] = {"run", "run", "run", "batch", "submit", "cli", "modal"};
    static const char* gpus[] = {"H100", "A100-80GB", "L40S", "NVIDIA H100 80GB HBM3"};
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<HistoryRow> out(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        HistoryRow& r = out[static_cast<std::size_t>(i)];
        const std::int64_t n = firstRowId + i;
        r.rowId = n;
        r.id = "bench-" + std::to_string(n);
        r.createdAt = startTime + static_cast<double>(n) * secondsPerRow;
        r.durationS = 1 + u(rng) * 30;
        r.source = sources[n % 7];
        r.run = r.source == "run" ? "run-" + std::to_string(n / 200000) : std::string();
        r.problem = "level" + std::to_string(1 + n % 3) + "/" + std::to_string(n % 100) + "_Problem";
        r.backend = (n % 3 == 0) ? "triton" : "cuda";
        r.target = (n % 2 == 0) ? "modal" : "local";
        r.gpu = gpus[n % 4];
        const double p = u(rng);
        r.status = p < 0.45   ? EvalStatus::Correct
                   : p < 0.6  ? EvalStatus::Incorrect
                   : p < 0.85 ? EvalStatus::CompileError
                              : EvalStatus::RuntimeError;
        r.step = static_cast<int>(n / 64);
        r.turn = static_cast<int>(n % 4);
        if (r.status == EvalStatus::Correct) {
            r.speedup = 0.2 + u(rng) * 3;
            r.runtimeMs = 0.1 + u(rng);
            r.baselineMs = *r.runtimeMs * *r.speedup;
        }
        if (r.target == "modal")
            r.costUsd = r.durationS * 0.001097;
    }
    return out;
}

} // namespace kw::ui
