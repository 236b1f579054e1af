"""Failures blamed on the right party (issue C): setup errors that name the fix, compile errors
mapped to the candidate's own lines, the memory cap, the size probe."""
from __future__ import annotations

import pytest

from kernelwatch_eval.evaluation import harness
from conftest import SAMPLES, make_request

CUDA_KERNEL = (SAMPLES / "swish_cuda.py").read_text()


def test_builds_cuda_detection():
    assert harness.builds_cuda(CUDA_KERNEL)
    assert not harness.builds_cuda("import torch\nclass ModelNew: pass\n")
    cpp_only = ("from torch.utils.cpp_extension import load_inline\n"
                "m = load_inline(name='x', cpp_sources='int f(){return 1;}', functions=['f'])\nclass ModelNew: pass\n")
    assert not harness.builds_cuda(cpp_only)
    assert not harness.builds_cuda("# cuda_sources= in a comment\nclass ModelNew: pass\n")


def test_cuda_setup_problem_messages():
    assert harness.cuda_setup_problem(CUDA_KERNEL, "eval", True, nvcc="/usr/local/cuda/bin/nvcc") == ""
    no_gpu = harness.cuda_setup_problem(CUDA_KERNEL, "eval", False, nvcc="/usr/bin/nvcc")
    assert "no CUDA device is visible" in no_gpu and "GPU target" in no_gpu and "CPU-capable" in no_gpu
    no_nvcc = harness.cuda_setup_problem(CUDA_KERNEL, "compile", False, nvcc="")
    assert "nvcc was not found" in no_nvcc and "CUDA toolkit" in no_nvcc
    assert harness.cuda_setup_problem("class ModelNew: pass", "eval", False, nvcc="") == ""


def test_cuda_kernel_on_a_machine_without_gpu_is_a_setup_error(tmp_path):
    """Was: compile_error "IndexError: list index out of range" from inside torch."""
    from kernelwatch_eval.standalone import run_isolated
    res = run_isolated(make_request("swish", CUDA_KERNEL, ref_code=(SAMPLES / "swish_ref.py").read_text()),
                       120, str(tmp_path), target="cpu")
    assert res["status"] == "infra_error", (res["status"], res["error_message"][:500])
    assert res["metadata"]["error_kind"] == "setup"
    assert "no CUDA device is visible" in res["error_message"]
    assert res["timings"]["compile"] < 5


TRITON_KERNEL = (SAMPLES / "softmax_triton.py").read_text()


def test_triton_setup_problem_messages():
    assert harness.uses_triton(TRITON_KERNEL)
    assert not harness.uses_triton("# import triton\nclass ModelNew: pass\n")
    assert not harness.uses_triton("s = 'import triton'\nclass ModelNew: pass\n")
    assert harness.triton_setup_problem(TRITON_KERNEL, "eval", True, have_triton=True) == ""
    missing = harness.triton_setup_problem(TRITON_KERNEL, "eval", True, have_triton=False)
    assert "no triton package" in missing and "Modal" in missing
    on_cpu = harness.triton_setup_problem(TRITON_KERNEL, "eval", False, have_triton=True)
    assert "runs on the CPU" in on_cpu and "cuda:N" in on_cpu
    assert harness.triton_setup_problem(TRITON_KERNEL, "compile", False, have_triton=True) == ""
    assert harness.triton_setup_problem(CUDA_KERNEL, "eval", False, have_triton=False) == ""


def test_triton_kernel_without_gpu_is_not_the_kernels_compile_error(tmp_path):
    """Was: compile_error "ModuleNotFoundError: No module named 'triton'" (or Triton's driver error)."""
    from kernelwatch_eval.standalone import run_isolated
    res = run_isolated(make_request("softmax", TRITON_KERNEL, ref_code=(SAMPLES / "softmax_ref.py").read_text(),
                                    backend="triton"), 120, str(tmp_path), target="cpu")
    assert res["status"] == "infra_error", (res["status"], res["error_message"][:500])
    assert res["metadata"]["error_kind"] == "setup"
    assert "Triton" in res["error_message"] and "GPU" in res["error_message"]


# ------------------------------------------------------------------ compile errors (issue 14)
from conftest import FIXTURES, KERNELS  # noqa: E402

BROKEN_CPP = (KERNELS / "honest" / "relu_cpp.py").read_text().replace(
    "o[i] = v > 0.f ? v : 0.f;", "o[i] = v > 0.f ? v : undefined_thing;").replace("kw_relu_cpp", "kw_relu_cpp_broken")


def _kernel_line(code, needle):
    return next(i for i, ln in enumerate(code.splitlines(), 1) if needle in ln)


def test_gcc_error_first_and_mapped_to_the_kernel_line():
    from kernelwatch_eval.loading import compile_errors
    log = (FIXTURES / "compile_errors" / "gcc_main_cpp.txt").read_text()
    msg, info = compile_errors.summarize(log, BROKEN_CPP)  # build dir gone: gcc's excerpt places it
    line = _kernel_line(BROKEN_CPP, "undefined_thing")
    assert msg.splitlines()[0] == f"kernel:{line}:30: error: ‘undefined_thing’ was not declared in this scope"
    assert info["compile_error_line"] == line and info["compile_error_file"] == "main.cpp"
    assert info["compile_error_source_line"] == 14
    assert "-DTORCH_EXTENSION_NAME" not in msg and "FAILED:" not in msg  # no command lines


def test_nvcc_error_mapped_through_the_generated_cuda_file(tmp_path):
    """load_inline writes cuda.cu = 3 #include lines + the cuda_sources string."""
    from kernelwatch_eval.loading import compile_errors
    code = (SAMPLES / "swish_cuda.py").read_text()
    start = code.index('cuda_source = r"""') + len('cuda_source = r"""')
    cuda_src = code[start:code.index('"""', start)]
    cu = tmp_path / "cuda.cu"
    cu.write_text("#include <torch/types.h>\n#include <cuda.h>\n#include <cuda_runtime.h>\n" + cuda_src)
    gen = cu.read_text().splitlines()
    bad = next(i for i, ln in enumerate(gen, 1) if "__global__" in ln) + 2
    log = (f"[1/3] /usr/local/cuda/bin/nvcc -DTORCH_EXTENSION_NAME=kw -c {cu} -o cuda.cuda.o\nFAILED: cuda.cuda.o\n"
           f"/usr/local/cuda/bin/nvcc -DTORCH_EXTENSION_NAME=kw -c {cu} -o cuda.cuda.o\n"
           f"{cu}({bad}): error: identifier \"oops\" is undefined\n\n"
           f"{cu}({bad + 3}): error: expected a \";\"\n\n2 errors detected in the compilation of \"{cu}\".\n"
           "ninja: build stopped: subcommand failed.\n")
    msg, info = compile_errors.summarize(log, code)
    want = next(i for i, ln in enumerate(code.splitlines(), 1) if ln.strip() == gen[bad - 1].strip() and ln.strip())
    assert info["compile_error_line"] == want and info["compile_errors"] == 2
    assert msg.startswith(f"kernel:{want}: error: identifier \"oops\" is undefined")
    assert "nvcc -D" not in msg


def test_real_build_error_on_the_cpu(tmp_path):
    """End to end with g++ (~30 s cold): the message starts with the mapped first error; the whole
    log is in log_tail."""
    from kernelwatch_eval.standalone import run_isolated
    res = run_isolated(make_request("relu", BROKEN_CPP), 300, str(tmp_path), target="cpu")
    assert res["status"] == "compile_error"
    line = _kernel_line(BROKEN_CPP, "undefined_thing")
    assert res["error_message"].startswith(f"kernel:{line}:"), res["error_message"][:500]
    assert res["metadata"]["compile_error_line"] == line
    assert res["error_message"].count("-DTORCH_EXTENSION_NAME") == 0
    assert "ninja" in res["log_tail"] and "undefined_thing" in res["log_tail"]


# ------------------------------------------------------------------ memory cap and size probe (issue 12)
BIG_REF = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.lin = nn.Linear(n, n)

    def forward(self, x):
        return torch.relu(x)


def get_inputs():
    return [torch.randn(1024, 1024, 1536)]  # 6 GiB of fp32, like the KernelBench problem of the issue


def get_init_inputs():
    return [4096]
'''


def test_size_probe_counts_bytes_without_allocating():
    import resource

    import torch  # noqa: F401  (its own memory is not the probe's)
    from kernelwatch_eval.evaluation import sizeprobe
    sizeprobe.probe_sizes("import torch\nclass Model(torch.nn.Module): pass\n"
                          "def get_inputs(): return []\ndef get_init_inputs(): return []\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = sizeprobe.probe_sizes(BIG_REF, "fp32", mem_limit_kb=1024 * 1024)
    assert out["status"] == "probed", out["error_message"]
    s = out["sizes"]
    assert s["input_bytes"] == 6442450944 and s["n_inputs"] == 1
    assert s["param_bytes"] == (4096 * 4096 + 4096) * 4
    assert s["inputs"][0] == {"shape": [1024, 1024, 1536], "dtype": "float32", "bytes": 6442450944}
    assert s["fits"] is False and "memory cap" in s["advice"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: nothing allocated
    half = sizeprobe.probe_sizes(BIG_REF, "bf16")["sizes"]
    assert half["input_bytes"] == 6442450944 // 2 and half["fits"] is None


def test_zygote_probe_op(zygote):
    out = zygote.probe(make_request("relu", "class ModelNew: pass", ref_code=BIG_REF), 120)
    assert out["status"] == "probed", out
    assert out["sizes"]["input_bytes"] == 6442450944
    assert out["sizes"]["mem_limit_bytes"] == 1536 * 2**20 and out["sizes"]["fits"] is False
    bad = zygote.probe(make_request("relu", "class ModelNew: pass", ref_code="def get_inputs(:\n"), 120)
    assert bad["status"] == "probe_failed" and "SyntaxError" in bad["error_message"]


SOFTMAX_REF = BIG_REF.replace("return torch.relu(x)", "return torch.softmax(x, dim=1)").replace(
    "def get_inputs():", "batch_size = 4096\n\n\ndef get_inputs():")


def test_size_probe_outputs_and_scaling():
    """KernelBench's convention: get_inputs() reads a module-level batch_size when called, so
    input_batch_size scales a problem without touching its code (PROTOCOL.md, "Size probe")."""
    from kernelwatch_eval.evaluation import sizeprobe
    ref = (SAMPLES / "relu_ref.py").read_text()
    s = sizeprobe.probe_sizes(ref, "fp32", mem_limit_kb=1024)["sizes"]
    assert s["batch_size"] == 16 and s["scalable"] is True and s["inputs_scaled"] is None
    assert s["input_bytes"] == 16 * 16384 * 4 and s["output_bytes"] == 16 * 16384 * 4  # forward ran on meta
    assert s["compare_bytes"] == 6 * 16 * 16384 * 8  # the comparison's float64 copies
    assert s["estimated_peak_bytes"] == 4 * s["input_bytes"] + 2 * s["output_bytes"] + s["compare_bytes"]
    out = sizeprobe.probe_sizes(ref, "fp32", mem_limit_kb=1024, batch_size=2)
    assert out["status"] == "probed", out["error_message"]
    t = out["sizes"]
    assert t["input_bytes"] == 2 * 16384 * 4 and t["inputs"][0]["shape"] == [2, 16384]
    assert t["inputs_scaled"]["batch_size"] == 2 and t["inputs_scaled"]["original_batch_size"] == 16
    # No batch_size global: the probe says it cannot scale, and asking to scale fails with why.
    no_batch = ref.replace("batch_size = 16", "rows = 16").replace("randn(batch_size", "randn(rows")
    assert sizeprobe.probe_sizes(no_batch)["sizes"]["scalable"] is False
    bad = sizeprobe.probe_sizes(no_batch, batch_size=2)
    assert bad["status"] == "probe_failed" and "no module-level integer `batch_size`" in bad["error_message"]
    assert sizeprobe.probe_sizes(ref, batch_size=0)["status"] == "probe_failed"


def test_scaled_inputs_are_recorded_in_the_result(zygote):
    kernel = (SAMPLES / "relu_kernel.py").read_text()
    ref = (SAMPLES / "relu_ref.py").read_text()
    res = zygote.evaluate(make_request("relu", kernel, ref_code=ref, input_batch_size=2, measure_performance=False), 120)
    assert res["status"] == "correct", res["error_message"][:600]
    assert res["metadata"]["inputs_scaled"] == {
        "batch_size": 2, "original_batch_size": 16,
        "note": "inputs scaled: batch_size 16 -> 2; the speedup is not the problem's"}
    ref = ref.replace("batch_size = 16", "rows = 16").replace("randn(batch_size", "randn(rows")
    res = zygote.evaluate(make_request("relu", kernel, ref_code=ref, input_batch_size=2,
                                       measure_performance=False), 120)
    assert res["status"] == "infra_error" and res["metadata"]["error_kind"] == "setup", res["error_message"][:600]
    assert "cannot be scaled" in res["error_message"]


def test_zygote_probe_of_a_softmax_over_the_cap_and_scaled(zygote):
    """level1/23_Softmax's shape (4096 x 393216 fp32, 6 GiB) through the real probe op."""
    out = zygote.probe(make_request("relu", "class ModelNew: pass", ref_code=SOFTMAX_REF.replace(
        "torch.randn(1024, 1024, 1536)", "torch.rand(batch_size, 393216)")), 120)
    assert out["status"] == "probed", out
    s = out["sizes"]
    assert s["input_bytes"] == 6442450944 and s["output_bytes"] == 6442450944 and s["fits"] is False
    scaled = zygote.probe(make_request("relu", "class ModelNew: pass", input_batch_size=16, ref_code=SOFTMAX_REF.replace(
        "torch.randn(1024, 1024, 1536)", "torch.rand(batch_size, 393216)")), 120)
    assert scaled["sizes"]["input_bytes"] == 16 * 393216 * 4 and scaled["sizes"]["fits"] is True


def test_inputs_over_the_memory_cap_name_the_cap(zygote):
    """Was: "INFRA ERROR - evaluator internal error ... can't allocate 6442450944 bytes" with no word
    on the evaluator's own cap. The session zygote runs with --mem-limit-mb 1536."""
    ref = BIG_REF.replace("1024, 1024, 1536", "512, 1024, 1024")  # 2 GiB: over the 1.5 GiB cap
    res = zygote.evaluate(make_request("relu", ref.replace("class Model(", "class ModelNew("), ref_code=ref), 120)
    assert res["status"] == "infra_error" and res["metadata"]["error_kind"] == "setup", res["error_message"][:600]
    msg = res["error_message"]
    assert msg.startswith("setup: this problem needs more memory than the evaluator's memory cap allows")
    assert "1536 MiB" in msg and "--mem-limit-mb" in msg and "KERNELWATCH_MEM_LIMIT_MB" in msg
    assert res["metadata"]["memory_limit_mb"] == 1536


def test_memory_cap_message_names_the_compile_baseline_when_it_ran():
    """Seen on a 16-core H100 host (torch 2.11): with torch.compile's baseline in the child, a
    1.5 GiB cap ran out of address space in the correctness check; the message must say that the
    compiled reference counts against the cap and how to avoid it."""
    # (harness imported at the top)
    from kernelwatch_eval.sandbox.child_setup import ChildContext

    def blamed(compiled):
        ev = object.__new__(harness.Evaluation)
        ev.ctx = ChildContext(target="cpu", cache_dir="/nonexistent", tmpdir="/nonexistent", use_landlock=False)
        ev.ctx.mem_limit_kb, ev.ctx.as_limit_bytes = 1536 * 1024, 5 << 30
        ev.compiled_ref = object() if compiled else None
        ev.md = {}
        ev.res = {"status": "infra_error", "error_message": "evaluator internal error: RuntimeError: DefaultCPUAllocator: "
                  "can't allocate memory: you tried to allocate 2097152 bytes. Error code 12"}
        ev._blame_memory_cap()
        return ev.res["error_message"]

    with_compile, without = blamed(True), blamed(False)
    assert with_compile.startswith("setup: this problem needs more memory than the evaluator's memory cap allows")
    assert "torch.compile's baseline was compiled in this evaluation" in with_compile
    assert "--baseline eager" in with_compile
    assert "torch.compile" not in without
