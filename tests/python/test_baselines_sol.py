"""Baselines (eager, torch.compile) and speed of light (issue 17 items 1 and 2), on the CPU.

- counting units on known problems, the GPU table, the numbers and the faster_than_light rule
  (pure functions of kernelwatch_eval.measure.speed_of_light);
- real evaluations through the zygote: the eager baseline duplicates the top-level numbers, a
  compile failure is reported in baselines.compile.error while the evaluation succeeds, the compile
  baseline itself (skipped where torch has no torch.compile), sol unavailable on the CPU with why;
- faster_than_light through the real harness run in this process, with the device facts faked (a
  GPU row whose bandwidth puts the floor between the honest time and a tenth of it) and the timer
  scaled by 0.1 for the candidate: the faked pieces exist only in this test process.
"""
from __future__ import annotations

import os
import sys
import types

import pytest

from conftest import ROOT, SAMPLES, make_request, problem_source

torch = pytest.importorskip("torch")

from kernelwatch_eval.evaluation import harness  # noqa: E402
from kernelwatch_eval.measure import baselines, speed_of_light, timing  # noqa: E402
from kernelwatch_eval.sandbox.child_setup import ChildContext  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from sol_check import ScaledTimer  # noqa: E402  (the candidate's calls reported at a tenth)

H100 = "NVIDIA H100 80GB HBM3"
HAS_COMPILE = hasattr(torch, "compile")
NO_COMPILE = f"torch {torch.__version__} has no torch.compile (needs torch >= 2.0)"
IDENTITY_RELU = problem_source("relu").replace("class Model(", "class ModelNew(")

# A reference that torch.compile turns into something else: under dynamo, is_compiling() is
# constant True, so the compiled reference doubles its output and disagrees with eager.
COMPILE_BREAKER = """
import torch
import torch.nn as nn


def _compiling():
    f = getattr(getattr(torch, "compiler", None), "is_compiling", None)
    if f is None:
        f = getattr(getattr(torch, "_dynamo", None), "is_compiling", None)
    return bool(f()) if f else False


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return torch.relu(x) * (2.0 if _compiling() else 1.0)


def get_inputs():
    return [torch.randn(8, 4096)]


def get_init_inputs():
    return []
"""


# --------------------------------------------------------------------------- counting units

class _MatMul(torch.nn.Module):
    def forward(self, a, b):
        return torch.matmul(a, b)


@pytest.mark.parametrize("m,k,n", [(16, 32, 8), (64, 64, 64), (7, 130, 3)])
def test_matmul_flops_are_2mnk(m, k, n):
    a, b = torch.randn(m, k), torch.randn(k, n)
    w = speed_of_light.count_work(torch, _MatMul(), [a, b])
    assert w["flops"] == 2 * m * n * k and w["flops_estimated"] is False
    assert w["input_bytes"] == 4 * (m * k + k * n) and w["output_bytes"] == 4 * m * n
    assert w["param_bytes"] == 0 and w["bytes"] == 4 * (m * k + k * n + m * n)
    assert w["precision"] == "fp32"


def test_batched_matmul_and_linear_and_conv():
    w = speed_of_light.count_work(torch, _MatMul(), [torch.randn(3, 16, 32), torch.randn(3, 32, 8)])
    assert w["flops"] == 2 * 3 * 16 * 32 * 8
    lin = torch.nn.Linear(64, 32)
    w = speed_of_light.count_work(torch, lin, [torch.randn(8, 64)])
    assert w["flops"] == 2 * 8 * 64 * 32
    assert w["param_bytes"] == 4 * (64 * 32 + 32)  # weights and bias count as bytes to move
    conv = torch.nn.Conv2d(3, 8, 3)
    w = speed_of_light.count_work(torch, conv, [torch.randn(2, 3, 10, 10)])
    assert w["flops"] == 2 * (2 * 8 * 8 * 8) * 3 * 9  # 2 x outputs x (Cin x kernel)


def test_convolution_share_is_counted():
    conv = torch.nn.Conv2d(3, 8, 3)
    flops, conv_flops, _ = speed_of_light.count_flops(torch, conv, [torch.randn(2, 3, 10, 10)])
    assert flops == conv_flops > 0
    _, conv_flops, _ = speed_of_light.count_flops(torch, _MatMul(), [torch.randn(8, 8), torch.randn(8, 8)])
    assert conv_flops == 0


def _backends(cudnn_tf32, matmul_tf32):
    return types.SimpleNamespace(backends=types.SimpleNamespace(
        cudnn=types.SimpleNamespace(allow_tf32=cudnn_tf32),
        cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=matmul_tf32))))


def test_fp32_convolutions_use_the_tf32_roof_where_cudnn_may():
    """On the H100, KernelBench level2/1's fp32 convolution ran at 1.02 x the fp32 roof: cuDNN runs
    fp32 convolutions on TF32 tensor cores by default. Matmuls only when allow_tf32 is set."""
    prec, why = speed_of_light.math_precision(_backends(True, False), "fp32", 100.0, 90.0, on_gpu=True)
    assert prec == "tf32" and "cudnn.allow_tf32" in why
    assert speed_of_light.math_precision(_backends(False, False), "fp32", 100.0, 90.0, True) == ("fp32", "")
    assert speed_of_light.math_precision(_backends(True, False), "fp32", 100.0, 0.0, True) == ("fp32", "")  # a matmul
    assert speed_of_light.math_precision(_backends(True, True), "fp32", 100.0, 0.0, True)[0] == "tf32"
    assert speed_of_light.math_precision(_backends(True, True), "fp32", 100.0, 90.0, on_gpu=False) == ("fp32", "")
    assert speed_of_light.math_precision(_backends(True, True), "fp16", 100.0, 90.0, True) == ("fp16", "")
    work = {"flops": 3e11, "flops_estimated": False, "bytes": 1.6e9, "input_bytes": 1e9, "output_bytes": 6e8,
            "param_bytes": 0, "precision": "tf32", "math_note": why}
    facts = {"device": {"name": H100, "row": speed_of_light.lookup(H100), "l2_bytes": 50 << 20, "measured": {}}, "work": work}
    out = speed_of_light.compute(facts, 4.39)
    assert out["precision"] == "tf32" and out["peak_flops_per_s"] == speed_of_light.lookup(H100)["tf32"]
    assert why in out["peaks"] and out["percent"] < 100


def test_elementwise_flops_are_estimated_one_per_input_element():
    w = speed_of_light.count_work(torch, torch.nn.ReLU(), [torch.randn(16, 1024)])
    assert w["flops_estimated"] is True and w["flops"] == 16 * 1024
    assert w["bytes"] == 2 * 4 * 16 * 1024


def test_precision_follows_the_tensors():
    w = speed_of_light.count_work(torch, torch.nn.Identity(), [torch.randn(8, 8).half()])
    assert w["precision"] == "fp16" and w["input_bytes"] == 2 * 64
    assert speed_of_light.precision_of(torch, [torch.randn(4).bfloat16(), torch.arange(3)]) == "bf16"
    assert speed_of_light.precision_of(torch, [torch.arange(3)]) == "fp32"  # no float tensor: fp32 roofs


# --------------------------------------------------------------------------- the table

@pytest.mark.parametrize("name,row", [
    (H100, "NVIDIA H100 SXM5"), ("NVIDIA H100 PCIe", "NVIDIA H100 PCIe"), ("NVIDIA H100 NVL", "NVIDIA H100 NVL"),
    ("NVIDIA H200", "NVIDIA H200 SXM"), ("NVIDIA H200 NVL", "NVIDIA H200 NVL"),
    ("NVIDIA A100-SXM4-40GB", "NVIDIA A100 SXM4 40GB"), ("NVIDIA A100-SXM4-80GB", "NVIDIA A100 SXM4 80GB"),
    ("NVIDIA A100-PCIE-40GB", "NVIDIA A100 PCIe 40GB"), ("NVIDIA A100 80GB PCIe", "NVIDIA A100 PCIe 80GB"),
    ("NVIDIA L40S", "NVIDIA L40S"), ("NVIDIA L4", "NVIDIA L4"), ("NVIDIA A10G", "NVIDIA A10G"),
    ("NVIDIA A10", "NVIDIA A10 "), ("Tesla T4", "NVIDIA T4"), ("NVIDIA B200", "NVIDIA B200"),
    ("NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"),
])
def test_table_lookup(name, row):
    r = speed_of_light.lookup(name)
    assert r is not None and r["row"].startswith(row), (name, r and r["row"])
    for p in ("fp32", "tf32", "fp16", "bf16", "bw"):
        assert r[p] > 0
    assert r["bf16"] >= r["fp32"] and r["bw"] > 1e11


def test_h100_row_is_the_datasheet_and_above_what_was_measured():
    r = speed_of_light.lookup(H100)
    assert (r["fp32"], r["tf32"], r["bf16"], r["bw"]) == (67e12, 494.7e12, 989.4e12, 3.35e12)
    # tests/bench/results/h100-2026-12-07-s5/gpu_roofs_probe.txt: copy 3.0 TB/s, fp32 51.6, tf32 410,
    # bf16 785 TFLOP/s: every measurement below its datasheet roof.
    for key, measured in (("bw", 3.0e12), ("fp32", 51.6e12), ("tf32", 410e12), ("bf16", 785e12)):
        assert 0.7 < measured / r[key] < 1.0


def test_unknown_gpu_and_modal_hint():
    assert speed_of_light.lookup("NVIDIA GeForce RTX 3090") is None
    assert speed_of_light.lookup("") is None
    assert speed_of_light.lookup("some renamed H200 board", "H200")["row"].startswith("NVIDIA H200 SXM")
    assert speed_of_light.lookup("unknown", "H100!")["row"].startswith("NVIDIA H100 SXM5")
    assert speed_of_light.lookup("unknown", "V100") is None


# --------------------------------------------------------------------------- the numbers

def _facts(work, name=H100, l2=50 << 20, measured=None):
    return {"device": {"name": name, "row": speed_of_light.lookup(name), "l2_bytes": l2, "measured": measured or {}},
            "work": work}


def test_memory_bound_elementwise_on_h100():
    # swish sample: 4096 x 8192 fp32 in and out
    n = 4096 * 8192
    work = {"flops": float(n), "flops_estimated": True, "input_bytes": 4 * n, "output_bytes": 4 * n,
            "param_bytes": 0, "bytes": 8.0 * n, "precision": "fp32"}
    s = speed_of_light.compute(_facts(work, measured={"copy_bytes_per_s": 3.0e12, "cached": True,
                                           "matmul_flops_per_s": {"fp32": 51.6e12}}), runtime_ms=0.1)
    assert s["bound"] == "memory" and s["precision"] == "fp32"
    assert s["time_ms"] == pytest.approx(8 * n / 3.35e12 * 1e3)
    assert s["percent"] == pytest.approx(100 * s["time_ms"] / 0.1)
    assert s["achieved_bytes_per_s"] == pytest.approx(8 * n / 1e-4)
    assert s["arithmetic_intensity"] == pytest.approx(n / (8 * n))
    # floor: inputs only (the 128 MiB output can sit in L2 only up to 50 MiB; the rest must go out)
    assert s["floor_bytes"] == 4 * n + (4 * n - (50 << 20))
    assert s["floor_ms"] == pytest.approx(s["floor_bytes"] / 3.35e12 * 1e3)
    assert "3 TB/s (90 % of the table)" in s["peaks"] and "cached" in s["peaks"]


def test_compute_bound_matmul_uses_the_precision_roof():
    n = 2048
    work = {"flops": 2.0 * n ** 3, "flops_estimated": False, "input_bytes": 8 * n * n, "output_bytes": 4 * n * n,
            "param_bytes": 0, "bytes": 12.0 * n * n, "precision": "fp32"}
    s = speed_of_light.compute(_facts(work), runtime_ms=0.35)
    assert s["bound"] == "compute" and s["peak_flops_per_s"] == 67e12
    assert s["time_ms"] == pytest.approx(2 * n ** 3 / 67e12 * 1e3)
    assert 60 < s["percent"] < 80  # the H100's eager fp32 matmul: 0.35 ms
    bf = dict(work, precision="bf16", input_bytes=4 * n * n, output_bytes=2 * n * n, bytes=6.0 * n * n)
    assert speed_of_light.compute(_facts(bf), 0.05)["peak_flops_per_s"] == 989.4e12
    # no FLOP term in the floor: a cleverer algorithm is allowed
    assert s["floor_ms"] == pytest.approx(8 * n * n / 3.35e12 * 1e3)


def test_measured_above_the_table_replaces_it():
    work = {"flops": 1.0, "flops_estimated": True, "input_bytes": 1 << 30, "output_bytes": 0, "param_bytes": 0,
            "bytes": float(1 << 30), "precision": "fp32"}
    s = speed_of_light.compute(_facts(work, measured={"copy_bytes_per_s": 5e12}), 1.0)
    assert s["peak_bytes_per_s"] == 5e12 and "measured value is used" in s["peaks"]
    assert s["floor_ms"] == pytest.approx((1 << 30) / 5e12 * 1e3)


def test_floor_leaves_out_inputs_the_outputs_do_not_depend_on():
    work = {"flops": 1.0, "flops_estimated": True, "input_bytes": 1 << 30, "output_bytes": 1 << 10,
            "param_bytes": 0, "bytes": float((1 << 30) + (1 << 10)), "precision": "fp32"}
    s = speed_of_light.compute(_facts(work), 1.0, needed_input_bytes=0)
    assert s["floor_ms"] == 0.0 and "depend on (0 of 1.02e+03 MiB)" in s["floor_rule"]
    assert not speed_of_light.faster_than_light(1e-6, s["floor_ms"])
    half = speed_of_light.compute(_facts(work), 1.0, needed_input_bytes=1 << 29)
    assert half["floor_bytes"] == 1 << 29 and half["time_ms"] == s["time_ms"]  # sol time: all bytes


def test_faster_than_light_decision():
    assert speed_of_light.faster_than_light(0.079, 0.1) and speed_of_light.faster_than_light(0.01, 0.1)
    assert not speed_of_light.faster_than_light(0.0801, 0.1) and not speed_of_light.faster_than_light(0.5, 0.1)
    assert not speed_of_light.faster_than_light(None, 0.1) and not speed_of_light.faster_than_light(0.01, 0.0)


def test_unavailable_passes_through():
    assert speed_of_light.compute({"unavailable": "why"}, 1.0) == {"unavailable": "why"}
    assert "CPU" in speed_of_light.device_facts(types.SimpleNamespace(cuda=False))["unavailable"]


# --------------------------------------------------------------------------- request keys

@pytest.mark.parametrize("req,names,mode,bad", [
    ({}, ["eager"], "default", ""),
    ({"baselines": ["compile"]}, ["eager", "compile"], "default", ""),
    ({"baselines": ["eager", "compile", "eager"], "compile_mode": "max-autotune-no-cudagraphs"},
     ["eager", "compile"], "max-autotune-no-cudagraphs", ""),
    ({"baselines": "compile"}, ["eager", "compile"], "default", ""),
    ({"baselines": ["cudagraphs"]}, None, None, "unknown baseline 'cudagraphs'"),
    ({"baselines": 3}, None, None, "must be a list"),
    ({"baselines": ["compile"], "compile_mode": "reduce-overhead"}, None, None, "unknown compile_mode"),
])
def test_parse_request(req, names, mode, bad):
    n, m, err = baselines.parse_request(req)
    if bad:
        assert bad in err
    else:
        assert (n, m, err) == (names, mode, "")


def test_bad_baseline_is_a_setup_error(zygote):
    r = zygote.evaluate(make_request("relu", IDENTITY_RELU, baselines=["fastest"]), timeout_s=120)
    assert r["status"] == "infra_error" and r["metadata"]["error_kind"] == "setup"
    assert "unknown baseline 'fastest'" in r["error_message"]


# --------------------------------------------------------------------------- real evaluations (CPU)

def _relu_sample(**kw):
    req = make_request("relu", IDENTITY_RELU, ref_code=(SAMPLES / "relu_ref.py").read_text(), num_perf_trials=10,
                       perf_budget_s=2.0, timeout_s=300.0)
    req.update(kw)
    return req


def test_eager_baseline_and_sol_unavailable_on_cpu(zygote):
    r = zygote.evaluate(_relu_sample(), timeout_s=300)
    assert r["status"] == "correct", r["error_message"]
    e = r["baselines"]["eager"]
    assert e["runtime_ms"] == r["baseline_runtime_ms"] and e["speedup"] == r["speedup"]
    assert e["speedup_ci"] == r["speedup_ci"] and e["stats"] == r["baseline_stats"]
    assert list(r["baselines"]) == ["eager"]  # compile only when asked for
    assert r["metadata"]["baselines"] == r["baselines"]
    assert "CPU" in r["sol"]["unavailable"] and r["metadata"]["sol"] == r["sol"]
    assert "faster_than_light" not in r["flags"]


def test_compile_failure_is_reported_and_the_evaluation_goes_on(zygote):
    kernel = COMPILE_BREAKER.replace("class Model(", "class ModelNew(").replace(
        "torch.relu(x) * (2.0 if _compiling() else 1.0)", "torch.relu(x)")
    req = make_request("relu", kernel, ref_code=COMPILE_BREAKER, baselines=["eager", "compile"], timeout_s=300.0)
    r = zygote.evaluate(req, timeout_s=300)
    assert r["status"] == "correct", r["error_message"]
    c = r["baselines"]["compile"]
    assert c["mode"] == "default" and c["error"].startswith("torch.compile failed")
    assert "runtime_ms" not in c and r["baselines"]["eager"]["speedup"] == r["speedup"]
    if not HAS_COMPILE:
        assert "has no torch.compile" in c["error"]
    # with torch.compile: "... differs from the eager reference's ..." (or inductor's own failure
    # where the machine cannot build its C++, which is reported the same way)


@pytest.mark.skipif(not HAS_COMPILE, reason=NO_COMPILE)
def test_compile_baseline_measured_and_cached(roomy_zygote):
    """relu sample, identity kernel: the compiled reference is timed in the same rounds; the second
    evaluation reuses inductor's cache (same problem, same device, same cache dir)."""
    zygote = roomy_zygote
    first = zygote.evaluate(_relu_sample(baselines=["eager", "compile"]), timeout_s=600)
    second = zygote.evaluate(_relu_sample(baselines=["eager", "compile"]), timeout_s=600)
    for r in (first, second):
        assert r["status"] == "correct", r["error_message"]
        c = r["baselines"]["compile"]
        assert not c.get("error"), c
        assert c["mode"] == "default" and c["runtime_ms"] > 0 and c["stats"]["n"] >= 5  # 9 on a busy 16-core H100 host
        assert c["speedup"] == pytest.approx(c["runtime_ms"] / r["runtime_ms"])
        lo, hi = c["speedup_ci"]
        assert lo <= c["speedup"] <= hi
        assert c["compile_s"] > 0
        assert r["metadata"]["compile_baseline"]["compile_s"] == pytest.approx(c["compile_s"], abs=1e-3)
    assert second["baselines"]["compile"]["cache_hit"] is True, second["metadata"]["compile_baseline"]


# --------------------------------------------------------------------------- faster_than_light

BIG_RELU = """
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return torch.relu(x)


def get_inputs():
    return [torch.randn(256, 8192)]


def get_init_inputs():
    return []
"""


TWO_INPUTS_ONE_USED = """
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, unused):
        return torch.relu(x)


def get_inputs():
    return [torch.randn(64, 1024), torch.randn(256, 1024)]


def get_init_inputs():
    return []
"""


@pytest.fixture
def in_process(tmp_path, monkeypatch):
    """Runs harness.Evaluation in this process (no fork, no sandbox) with faked device facts."""
    saved = dict(os.environ)
    state = {"bw": 1e18}

    def facts(ev):
        row = dict(speed_of_light.lookup(H100), row="test GPU (bandwidth set by the test)", bw=state["bw"])
        return {"name": "test GPU", "row": row, "l2_bytes": 0, "measured": {}}

    monkeypatch.setattr(speed_of_light, "device_facts", facts)

    def run(scaled: bool, ref=BIG_RELU, **extra):
        if scaled:
            monkeypatch.setattr(timing, "Timer", ScaledTimer)
        else:
            monkeypatch.setattr(timing, "Timer", ScaledTimer.__mro__[1])
        tmp = tmp_path / f"run{len(os.listdir(tmp_path))}"
        tmp.mkdir()
        ctx = ChildContext(target="cpu", cache_dir=str(tmp_path / "cache"), tmpdir=str(tmp), use_landlock=False,
                           threads=1)
        req = make_request("relu", ref.replace("class Model(", "class ModelNew("), ref_code=ref,
                           num_perf_trials=20, perf_budget_s=3.0, seed_secret="ftl", **extra)
        try:
            return harness.Evaluation(req, ctx).run()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    yield run, state


def test_timer_reporting_a_tenth_is_faster_than_light(in_process):
    run, state = in_process
    honest = run(scaled=False)
    assert honest["status"] == "correct", honest["error_message"]
    assert honest["sol"]["floor_ms"] < 1e-6  # huge bandwidth: no floor to speak of
    t, t_min = honest["runtime_ms"], honest["runtime_stats"]["min"]
    # CPU timing on this shared 2-core machine varies a lot between runs (load averages of 10 seen),
    # so each check keeps a wide margin of its own (on a GPU, tests/python/test_gpu.py checks both
    # at the device's real floor). Honest again, with the floor at 40 % of the fastest honest trial
    # (rejection below 32 % of it):
    state["bw"] = honest["sol"]["floor_bytes"] / (0.4 * t_min * 1e-3)
    again = run(scaled=False)
    assert again["status"] == "correct" and "faster_than_light" not in again["flags"], again["error_message"]
    assert again["sol"]["floor_ms"] == pytest.approx(0.4 * t_min)
    # The timer reporting a tenth, with the floor at the honest median (rejection below 80 % of it,
    # i.e. unless this run's kernel was 8 x slower than the honest one):
    state["bw"] = honest["sol"]["floor_bytes"] / (t * 1e-3)
    cheat = run(scaled=True)
    assert cheat["status"] == "rejected" and "faster_than_light" in cheat["flags"], cheat["error_message"]
    assert cheat["cheated"] is True and cheat["correctness"] is False
    assert "rejected (faster_than_light): measured" in cheat["error_message"]
    assert "not physically possible" in cheat["error_message"]
    assert cheat["sol"]["floor_ms"] == pytest.approx(t)
    assert cheat["runtime_ms"] < 0.8 * cheat["sol"]["floor_ms"]


def test_floor_counts_only_the_inputs_the_outputs_depend_on(in_process):
    run, _state = in_process
    r = run(scaled=False, ref=TWO_INPUTS_ONE_USED)
    assert r["status"] == "correct", r["error_message"]
    s = r["sol"]
    assert s["input_bytes"] == 4 * (64 + 256) * 1024
    assert s["floor_bytes"] == 4 * 64 * 1024 * 2  # x read, output written (no L2 in the fake device)
    assert "the inputs the outputs depend on" in s["floor_rule"]
    assert s["bytes"] == 4 * (64 + 256 + 64) * 1024  # the roofline time still counts every input


# --------------------------------------------------------------------------- the compile path, faked

class _FakeCompiled(torch.nn.Module):
    """What the fake torch.compile returns: the reference itself, optionally failing after `fail_after`
    calls (to test a compiled reference that breaks while being timed)."""

    def __init__(self, model, fail_after=None):
        super().__init__()
        self.model, self.fail_after, self.calls = model, fail_after, 0

    def forward(self, *args):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("compiled graph fell over")
        return self.model(*args)


@pytest.fixture
def fake_compile(monkeypatch):
    """torch.compile and torch._dynamo.utils.counters for a torch that has neither (1.13 here):
    lets the CPU suite run the compile baseline's path through the harness and measure/speedup.py. Where torch
    has torch.compile, test_compile_baseline_measured_and_cached runs the real thing instead."""
    if HAS_COMPILE:
        pytest.skip("torch has torch.compile: the real path is tested")
    import collections
    dyn, utils = types.ModuleType("torch._dynamo"), types.ModuleType("torch._dynamo.utils")
    utils.counters = collections.defaultdict(collections.Counter)
    dyn.utils, dyn.reset = utils, (lambda: None)
    monkeypatch.setitem(sys.modules, "torch._dynamo", dyn)
    monkeypatch.setitem(sys.modules, "torch._dynamo.utils", utils)
    monkeypatch.setattr(torch, "_dynamo", dyn, raising=False)
    seen = {"fail_after": None}

    def compile(model, mode="default"):
        seen.update(mode=mode, cache_dir=os.environ.get("TORCHINDUCTOR_CACHE_DIR"),
                    threads=os.environ.get("TORCHINDUCTOR_COMPILE_THREADS"))
        utils.counters["inductor"]["fxgraph_cache_hit"] += 1
        return _FakeCompiled(model, seen["fail_after"])

    monkeypatch.setattr(torch, "compile", compile, raising=False)
    return seen


def test_compile_baseline_is_timed_as_a_third_model(in_process, fake_compile):
    run, _state = in_process
    r = run(scaled=False, baselines=["eager", "compile"], compile_mode="max-autotune-no-cudagraphs")
    assert r["status"] == "correct", r["error_message"]
    assert fake_compile["mode"] == "max-autotune-no-cudagraphs" and fake_compile["threads"] == "1"
    # compiled with the per-device inductor cache of the evaluator's cache dir
    assert os.sep + os.path.join("cache", "inductor", "cpu") in fake_compile["cache_dir"]
    assert fake_compile["cache_dir"].endswith("-cpu-torch" + torch.__version__)
    c = r["baselines"]["compile"]
    assert c["mode"] == "max-autotune-no-cudagraphs" and c["cache_hit"] is True and c["compile_s"] >= 0
    assert c["stats"]["n"] >= 3 and c["runtime_ms"] == c["stats"]["median"]
    assert c["speedup"] == pytest.approx(c["runtime_ms"] / r["runtime_ms"])
    lo, hi = c["speedup_ci"]
    assert lo <= c["speedup"] <= hi
    assert set(r["metadata"]["rse"]) == {"ref", "cand", "compile"}
    assert r["metadata"]["compile_baseline"]["cache"]["fxgraph_cache_hit"] == 1
    assert r["baselines"]["eager"]["speedup"] == r["speedup"]


def test_compiled_reference_failing_while_timed_is_dropped(in_process, fake_compile):
    run, _state = in_process
    fake_compile["fail_after"] = 5  # warm-up in prepare() takes 3 calls, timing's warm-up fails
    r = run(scaled=False, baselines=["eager", "compile"])
    assert r["status"] == "correct", r["error_message"]
    c = r["baselines"]["compile"]
    assert c["error"].startswith("torch.compile failed while timing: RuntimeError('compiled graph fell over')")
    assert "runtime_ms" not in c and r["baselines"]["eager"]["runtime_ms"] == r["baseline_runtime_ms"]
