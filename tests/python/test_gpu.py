"""GPU tests (skipped without CUDA): CUDA load_inline and Triton samples, compile-ahead mode,
GPU cheats and faults, timing repeatability. Run on the device machine with its Python:
    python3 -m pytest tests/python/test_gpu.py -v -s
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import (EVAL_DIR, KERNELS, SAMPLES, cuda_status, fixture_files, landlock_abi, leftover_processes,
                      make_request, read_fixture)
from test_adversarial import check_verdict

SAMPLE_KERNELS = [  # (kernel file, reference, backend, precisions)
    ("swish_cuda.py", "swish", "cuda", ["fp32", "fp16", "bf16"]),
    ("softmax_cuda.py", "softmax", "cuda", ["fp32"]),
    ("matmul_cuda.py", "matmul", "cuda", ["fp32"]),
    ("swish_triton.py", "swish", "triton", ["fp32", "fp16", "bf16"]),
    ("softmax_triton.py", "softmax", "triton", ["fp32", "bf16"]),
    ("matmul_triton.py", "matmul", "triton", ["fp32", "fp16"]),
]
GPU_HOSTILE = ["cuda_infinite_loop", "illegal_memory_access", "gpu_oom", "py_infinite_loop", "segfault",
               "close_result_channel", "daemon_grandchild"]
REPORT = []  # rows printed at the end of the module (with -s)


@pytest.fixture(scope="module")
def gpu_arch():
    ok, why = cuda_status()
    if not ok:
        pytest.skip(why)
    out = subprocess.run([sys.executable, "-m", "kernelwatch_eval.probe"], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)), timeout=300)
    return json.loads(out.stdout)["gpus"][0]["arch"]


def gpu_request(ref: str, code: str, sample: bool = False, **kw) -> dict:
    """`sample`: the GPU-sized reference from resources/samples (else the small test problem)."""
    base = dict(device="cuda:0", num_perf_trials=100, perf_budget_s=20.0, timeout_s=600.0)
    if sample:
        base["ref_code"] = (SAMPLES / f"{ref}_ref.py").read_text()
    base.update(kw)
    return make_request(ref, code, **base)


@pytest.fixture(scope="module")
def prebuilt(gpu_arch, cache_dir):
    """Every CUDA source of this module built at once by a compile-mode zygote (no GPU visible)."""
    from kernelwatch_eval.zygote_client import ZygoteClient
    sources = [(SAMPLES / f).read_text() for f, _r, b, _p in SAMPLE_KERNELS if b == "cuda"]
    sources += [read_fixture(KERNELS / "hostile" / f"{n}.py")[0] for n in ("cuda_infinite_loop", "illegal_memory_access")]
    t0 = time.monotonic()
    with ZygoteClient("cuda:0", cache_dir, mode="compile") as z:
        assert z.ready["mode"] == "compile"
        handles = [z.submit(make_request("relu", s, device="cuda:0", gpu_arch=gpu_arch)) for s in sources]
        results = [z.wait(h, 900) for h in handles]
    REPORT.append(f"prebuild of {len(sources)} CUDA extensions in parallel: {time.monotonic() - t0:.1f} s")
    return results


@pytest.fixture(scope="module")
def gpu_zygote(gpu_arch, cache_dir, prebuilt):
    from kernelwatch_eval.zygote_client import ZygoteClient
    z = ZygoteClient("cuda:0", cache_dir)
    yield z
    z.close()
    print("\n" + "\n".join(REPORT))


def test_compile_mode_prebuilds(prebuilt):
    for r in prebuilt:
        assert r["status"] == "compiled", r["error_message"][-2000:]
        assert r["metadata"]["cache_artifacts"] is True
        assert r["device"]["name"].startswith("compile-only")


@pytest.mark.parametrize("kernel,ref,backend,precision", [
    pytest.param(k, r, b, p, id=f"{k[:-3]}-{p}") for k, r, b, ps in SAMPLE_KERNELS for p in ps])
def test_gpu_sample(gpu_zygote, kernel, ref, backend, precision):
    code = (SAMPLES / kernel).read_text()
    res = gpu_zygote.evaluate(gpu_request(ref, code, sample=True, backend=backend, precision=precision), 600)
    REPORT.append(f"{kernel:20s} {precision:5s} {res['status']:10s} speedup={res['speedup']} "
                  f"runtime={res['runtime_ms']} base={res['baseline_runtime_ms']} flags={res['flags']} "
                  f"cache_hit={res['metadata'].get('cache_hit')} timings={res['timings']}")
    assert res["status"] == "correct", res["error_message"][-3000:]
    assert res["flags"] == [], res["metadata"].get("flag_details")
    assert res["speedup"] == pytest.approx(res["baseline_runtime_ms"] / res["runtime_ms"])
    assert res["device"]["arch"].startswith("sm_") and res["device"]["target"] == "cuda:0"
    assert res["metadata"]["timing_method"].startswith("cuda_event")
    if backend == "cuda":
        assert res["metadata"]["cache_hit"] is True  # built ahead by the compile zygote
        assert res["timings"]["compile"] < 5.0


def _gpu_cheats():
    out = []
    for p in fixture_files("cheat", "cuda"):
        out.append(pytest.param(p, id=p.stem))
    return out


@pytest.mark.parametrize("path", _gpu_cheats())
def test_gpu_cheat(gpu_zygote, path):
    src, h = read_fixture(path)
    if "load_inline" not in src and "triton" not in src and path.stem != "reference_op_gpu":
        # Let the runtime defences, not the "needs a kernel" static rule, judge this one.
        src = "from torch.utils.cpp_extension import load_inline  # noqa\n" + src
    res = gpu_zygote.evaluate(gpu_request(h["problem"], src, num_perf_trials=50, perf_budget_s=5.0), 300)
    REPORT.append(f"cheat {path.stem:28s} {res['status']:10s} flags={res['flags']}")
    check_verdict(res, h)


def _gpu_pids():
    r = subprocess.run(["nvidia-smi", "--query-compute-apps=pid", "--format=csv,noheader"],
                       capture_output=True, text=True)
    return {int(x) for x in r.stdout.split() if x.strip().isdigit()}


@pytest.mark.parametrize("name", GPU_HOSTILE)
def test_gpu_hostile(gpu_zygote, name):
    src, h = read_fixture(KERNELS / "hostile" / f"{name}.py")
    if "load_inline" not in src:
        src = "from torch.utils.cpp_extension import load_inline  # noqa\n" + src
    allowed = h["expect-status"].split()
    timeout = 10.0 if "timeout" in allowed else 120.0
    hd = gpu_zygote.submit(gpu_request(h["problem"], src, num_perf_trials=10, perf_budget_s=1.0))
    t0 = time.monotonic()
    res = gpu_zygote.wait(hd, timeout)
    wall = time.monotonic() - t0
    pid = next(e["pid"] for e in hd["events"] if e["event"] == "started")
    REPORT.append(f"hostile {name:24s} {res['status']:14s} {wall:6.1f} s  {res['error_message'][:80]!r}")
    assert res["status"] in allowed, res["error_message"][-2000:]
    assert wall <= timeout + 2.0
    end = time.monotonic() + 20
    while (leftover_processes(pid) or pid in _gpu_pids()) and time.monotonic() < end:
        time.sleep(0.2)
    assert not leftover_processes(pid) and pid not in _gpu_pids()
    ok = gpu_zygote.evaluate(gpu_request("swish", (SAMPLES / "swish_triton.py").read_text(), backend="triton",
                                         num_perf_trials=10, perf_budget_s=1.0), 300)
    assert ok["status"] == "correct", ok["error_message"][-2000:]


def test_gpu_timing_spread(gpu_zygote):
    """The same kernel in 5 separate evaluations (a fresh process each) gives speedups within 2 %
    of each other (issue 6). On an H100: matmul (~1 ms), elementwise (~0.15 ms) and the ~45 us
    softmax kernels, CUDA and Triton; the softmax kernels are as long as their host launch cost,
    which depends on the CPU the process runs on, so they show whether host time leaks in."""
    spreads = {}
    for name, backend in (("matmul", "cuda"), ("swish", "cuda"), ("softmax", "cuda"), ("softmax", "triton")):
        code = (SAMPLES / f"{name}_{backend}.py").read_text()
        speedups, cand_us, call_us = [], [], []
        for _ in range(5):
            r = gpu_zygote.evaluate(gpu_request(name, code, sample=True, backend=backend), 600)
            assert r["status"] == "correct" and not r["flags"], (r["status"], r["flags"], r["error_message"][-800:])
            assert r["metadata"]["input_guard"] is True
            speedups.append(r["speedup"])
            cand_us.append(r["runtime_ms"] * 1e3)
            call_us.append(r["metadata"]["host_call_median_ms"]["cand"] * 1e3)
        med = sorted(speedups)[2]
        spreads[f"{name}_{backend}"] = (max(speedups) - min(speedups)) / med
        REPORT.append(f"timing spread {name}_{backend} x5: speedups={['%.4f' % s for s in speedups]} "
                      f"spread={spreads[f'{name}_{backend}']:.2%} kernel_us={['%.1f' % u for u in cand_us]} "
                      f"host_call_us={['%.1f' % u for u in call_us]}")
    assert all(v <= 0.02 for v in spreads.values()), spreads


def test_gpu_oom_reports_cuda_out_of_memory(gpu_zygote):
    """Issue 15: a kernel that exhausts device memory must report CUDA's "out of memory", not
    "NVML_SUCCESS == DriverAPI::get()->nvmlInit_v2_() INTERNAL ASSERT FAILED" (NVML initialised in
    the zygote by torch's NVML-based CUDA check is unusable in the forked child; the supervisor now
    shuts it down before fork). Checked on an H100 with torch 2.11: before the fix both the
    zygote path and run_isolated gave the assert."""
    code = ("import torch\nimport torch.nn as nn\n"
            "from torch.utils.cpp_extension import load_inline  # noqa: F401\n\n"
            "class ModelNew(nn.Module):\n"
            "    def forward(self, x):\n"
            "        free, total = torch.cuda.mem_get_info()\n"
            "        big = torch.empty(int(total) * 2, dtype=torch.uint8, device=x.device)\n"
            "        return torch.relu(x) + big[:1].float()\n")
    res = gpu_zygote.evaluate(gpu_request("relu", code, num_perf_trials=5, perf_budget_s=1.0), 300)
    REPORT.append(f"gpu oom: {res['status']} {res['error_message'][:120]!r}")
    assert res["status"] == "runtime_error", res["error_message"][-2000:]
    assert "out of memory" in res["error_message"], res["error_message"][-2000:]
    assert "NVML" not in res["error_message"].split("\n")[0]


def test_gpu_oom_run_isolated(gpu_arch, tmp_path):
    """The same through run_isolated (the Modal path), in a process that ran torch's NVML check."""
    import torch
    from conftest import make_request
    from kernelwatch_eval.standalone import run_isolated
    assert torch.cuda.is_available()  # initialises NVML here (PYTORCH_NVML_BASED_CUDA_CHECK=1), not CUDA
    src, h = read_fixture(KERNELS / "hostile" / "gpu_oom.py")
    res = run_isolated(make_request(h["problem"], src, device="cuda:0", num_perf_trials=5), 120, str(tmp_path))
    assert res["status"] == "runtime_error", res["error_message"][-2000:]
    assert "out of memory" in res["error_message"], res["error_message"][-2000:]


# ------------------------------------------------------------------ issue 17: baselines, speed of light

def test_gpu_sol_elementwise_is_memory_bound_near_copy_bandwidth(gpu_zygote):
    """swish sample (4096 x 8192 fp32) with its CUDA kernel: memory bound, % of SOL plausible for a
    kernel near the copy bandwidth (the H100 copies at 3.0 of its datasheet 3.35 TB/s, ~90 %)."""
    res = gpu_zygote.evaluate(gpu_request("swish", (SAMPLES / "swish_cuda.py").read_text(), sample=True), 600)
    assert res["status"] == "correct", res["error_message"][-2000:]
    s = res["sol"]
    REPORT.append(f"sol swish_cuda: {s.get('percent')} % of {s.get('time_ms')} ms, {s.get('bound')}, "
                  f"floor {s.get('floor_ms')} ms, kernel {res['runtime_ms']} ms; peaks: {s.get('peaks')}")
    assert "unavailable" not in s, s
    assert s["device"] == res["device"]["name"] and s["precision"] == "fp32"
    assert s["bound"] == "memory" and s["flops_estimated"] is True
    assert s["bytes"] == 2 * 4 * 4096 * 8192
    assert 40.0 <= s["percent"] <= 100.0, s
    assert s["floor_ms"] < res["runtime_ms"] and "faster_than_light" not in res["flags"]
    assert "measured on this device" in s["peaks"], s["peaks"]
    assert res["metadata"]["sol"] == s


def test_gpu_sol_matmul_is_compute_bound(gpu_zygote):
    res = gpu_zygote.evaluate(gpu_request("matmul", (SAMPLES / "matmul_cuda.py").read_text(), sample=True), 600)
    assert res["status"] == "correct", res["error_message"][-2000:]
    s = res["sol"]
    REPORT.append(f"sol matmul_cuda: {s.get('percent')} % ({s.get('bound')}), {s.get('achieved_flops_per_s')} FLOP/s")
    assert s["bound"] == "compute" and s["flops"] == 2 * 2048 ** 3 and s["flops_estimated"] is False
    assert 0.0 < s["percent"] <= 100.0
    assert s["arithmetic_intensity"] == pytest.approx(s["flops"] / s["bytes"])


def test_gpu_compile_baseline_cached_on_the_second_run(gpu_zygote):
    """The swish reference under torch.compile, timed with the kernel in the same rounds; the second
    evaluation finds inductor's per-device cache."""
    code = (SAMPLES / "swish_triton.py").read_text()
    runs = [gpu_zygote.evaluate(gpu_request("swish", code, sample=True, backend="triton",
                                            baselines=["eager", "compile"]), 600) for _ in range(2)]
    for r in runs:
        assert r["status"] == "correct", r["error_message"][-2000:]
        c = r["baselines"]["compile"]
        REPORT.append(f"compile baseline swish: {c}")
        assert not c.get("error"), c
        assert c["runtime_ms"] > 0 and c["stats"]["n"] >= 10 and c["compile_s"] > 0
        assert c["speedup"] == pytest.approx(c["runtime_ms"] / r["runtime_ms"])
        assert c["speedup_ci"][0] <= c["speedup"] <= c["speedup_ci"][1]
        assert r["baselines"]["eager"]["speedup"] == r["speedup"]
        if landlock_abi() > 0:
            assert "landlock" in r["isolation"]  # compiled before the sandbox, timed inside it
    assert runs[1]["baselines"]["compile"]["cache_hit"] is True, runs[1]["metadata"].get("compile_baseline")


def test_gpu_timer_scaled_by_a_tenth_is_faster_than_light(gpu_arch, cache_dir, tmp_path):
    """tests/bench/sol_check.py on the swish CUDA sample: the honest evaluation passes; the same
    kernel evaluated by the harness with the timer reporting its calls at a tenth of their time is
    rejected as faster_than_light (the H100: ~0.15 ms honest, floor ~0.065 ms)."""
    out = tmp_path / "sol.jsonl"
    r = subprocess.run([sys.executable, str(EVAL_DIR.parents[1] / "tests" / "bench" / "sol_check.py"), str(out),
                        "--device", "cuda:0", "--only", "swish_cuda", "--trials", "30", "--budget", "5",
                        "--cache-dir", cache_dir], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    honest, scaled = [json.loads(line) for line in out.read_text().splitlines()]
    REPORT.append("faster_than_light demo: " + scaled["error_message"][:200])
    assert honest["status"] == "correct" and "faster_than_light" not in honest["flags"], honest["error_message"]
    assert scaled["status"] == "rejected" and "faster_than_light" in scaled["flags"], scaled["error_message"]
    assert scaled["runtime_ms"] < 0.8 * scaled["sol"]["floor_ms"] < 0.8 * honest["runtime_ms"]
