"""End-to-end verdicts on the CPU: through the zygote, run_isolated and run_one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import (EVAL_DIR, FAKE_SECRETS, FAKE_TOML_SECRET, KERNELS, SAMPLES, make_request,
                      read_fixture)

RELU_OK = "import torch\nimport torch.nn as nn\nclass ModelNew(nn.Module):\n    def forward(self, x):\n        return {}\n"


def relu_kernel(expr: str) -> str:
    return RELU_OK.format(expr)


def test_sample_relu_is_correct(zygote):
    req = make_request("relu", (SAMPLES / "relu_kernel.py").read_text(),
                       ref_code=(SAMPLES / "relu_ref.py").read_text())
    res = zygote.evaluate(req, 60)
    assert res["status"] == "correct", res["error_message"]
    assert res["format_ok"] and res["compiled"] and res["correctness"] and not res["cheated"]
    assert res["flags"] == []
    assert res["speedup"] == pytest.approx(res["baseline_runtime_ms"] / res["runtime_ms"])
    md = res["metadata"]
    assert md["precision"] == "fp32" and md["device"] == "cpu" and md["hardware"].startswith("cpu")
    assert md["timing_statistic"] == "median" and md["timing_method"] == "perf_counter"
    assert res["worker"]["pid"] > 0 and res["worker"]["gpu_index"] == -1
    assert "setsid" in res["isolation"] and "env_scrub" in res["isolation"]
    assert res["code_length"] == len(req["kernel_code"])


def test_incorrect_reports_max_difference(zygote):
    res = zygote.evaluate(make_request("relu", relu_kernel("torch.clamp_min(x, 0.0) + 0.01")), 60)
    assert res["status"] == "incorrect" and res["compiled"] and not res["correctness"]
    assert res["metadata"]["max_difference"] == pytest.approx(0.01, rel=1e-3)
    assert res["metadata"]["avg_difference"] == pytest.approx(0.01, rel=1e-3)
    assert res["metadata"]["correctness_trials"] == "(0 / 5)"
    assert res["speedup"] is None and res["runtime_ms"] is None
    assert "mismatch" in res["error_message"].lower()


def test_partly_incorrect_counts_trials(zygote):
    # Wrong only where x[0, 0] > 0: some seeds pass, others fail.
    code = relu_kernel("torch.clamp_min(x, 0.0) + (x[0, 0] > 0).float()")
    res = zygote.evaluate(make_request("relu", code), 60)
    assert res["status"] == "incorrect"
    assert 0 < res["tests_passed"] < 5 or res["tests_passed"] == 0
    assert res["metadata"]["correctness_trials"] == f"({res['tests_passed']} / 5)"


def test_shape_mismatch(zygote):
    res = zygote.evaluate(make_request("relu", relu_kernel("torch.clamp_min(x, 0.0)[:, :10]")), 60)
    assert res["status"] == "incorrect" and "shape" in res["error_message"].lower()


def test_format_error(zygote):
    res = zygote.evaluate(make_request("relu", "import torch\nclass Model2: pass\n"), 60)
    assert res["status"] == "compile_error" and res["format_ok"] is False and not res["compiled"]


def test_compile_error_python(zygote):
    code = "import torch\nraise ImportError('no such module kernels_r_us')\nclass ModelNew: pass\n"
    res = zygote.evaluate(make_request("relu", code), 60)
    assert res["status"] == "compile_error" and not res["compiled"]
    assert "kernels_r_us" in res["error_message"]


def test_compile_error_cpp_build(zygote):
    # A real load_inline build that fails at once (bad compiler flag), through the real build path.
    code = ("import torch\nimport torch.nn as nn\nfrom torch.utils.cpp_extension import load_inline\n"
            "ext = load_inline(name='kw_bad_build', cpp_sources='torch::Tensor f(torch::Tensor x) { return x; }',"
            " functions=['f'], extra_cflags=['-fkw-no-such-flag'])\n"
            "class ModelNew(nn.Module):\n    def forward(self, x):\n        return ext.f(x)\n")
    res = zygote.evaluate(make_request("relu", code), 300)
    assert res["status"] == "compile_error", res["error_message"]
    assert "Error building extension" in res["error_message"]
    assert "kw-no-such-flag" in res["error_message"]


def test_runtime_error(zygote):
    code = relu_kernel("torch.matmul(x, x)")  # (8, 4096) @ (8, 4096): shapes do not fit
    res = zygote.evaluate(make_request("relu", code), 60)
    assert res["status"] == "runtime_error" and res["compiled"] and not res["correctness"]
    assert "RuntimeError" in res["error_message"]


def test_python_hang_times_out(zygote):
    src, _ = read_fixture(KERNELS / "hostile" / "py_infinite_loop.py")
    t0 = time.monotonic()
    res = zygote.evaluate(make_request("relu", src), 3)
    wall = time.monotonic() - t0
    assert res["status"] == "timeout" and wall < 3 + 2, wall


def test_segfault_is_crashed(zygote):
    src, _ = read_fixture(KERNELS / "hostile" / "segfault.py")
    res = zygote.evaluate(make_request("relu", src), 30)
    assert res["status"] == "crashed" and "SIGSEGV" in res["error_message"]


def test_compile_cache_hit(cpp_cache_runs):
    first, second = cpp_cache_runs
    if os.environ.get("KW_TEST_CACHE") and first["metadata"]["cache_hit"]:
        pytest.skip("KW_TEST_CACHE holds this build from an earlier session: no cold run to compare")
    assert first["status"] == "correct", first["error_message"]
    assert second["status"] == "correct", second["error_message"]
    assert first["metadata"]["cache_hit"] is False and first["metadata"]["cache_artifacts"] is True
    assert second["metadata"]["cache_hit"] is True
    assert first["metadata"]["cache_key"] == second["metadata"]["cache_key"]
    # A cold build takes tens of seconds; a hit only loads the .so.
    assert second["timings"]["compile"] < 3.0
    assert second["timings"]["compile"] * 5 < first["timings"]["compile"]


def _secret_request(fake_home):
    src, _ = read_fixture(KERNELS / "hostile" / "read_secrets.py")
    src = src.replace("@SECRET_PATHS@", repr([str(fake_home / ".modal.toml")]))
    return make_request("relu", src, measure_performance=False)


def _assert_no_secret(res):
    blob = json.dumps(res)
    for name, value in FAKE_SECRETS.items():
        assert value not in blob, f"{name} leaked to the kernel"
    assert "READ" in res["log_tail"]  # the kernel did run its probes


def test_secrets_absent_in_zygote_child(zygote, fake_home):
    res = zygote.evaluate(_secret_request(fake_home), 60)
    assert res["status"] == "correct", res["error_message"]
    _assert_no_secret(res)
    if "landlock" in res["isolation"]:
        assert FAKE_TOML_SECRET not in json.dumps(res)
    else:
        pytest.skip("Landlock not in force here: ~/.modal.toml of the real home stays readable")


def test_secrets_absent_in_run_isolated(monkeypatch, fake_home, cache_dir):
    from kernelwatch_eval.standalone import run_isolated
    for k, v in FAKE_SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HOME", str(fake_home))
    res = run_isolated(_secret_request(fake_home), 60, cache_dir)
    assert res["status"] == "correct", res["error_message"]
    _assert_no_secret(res)
    assert os.environ["MODAL_TOKEN_ID"] == FAKE_SECRETS["MODAL_TOKEN_ID"]  # the caller keeps its own
    if "landlock" in res["isolation"]:
        assert FAKE_TOML_SECRET not in json.dumps(res)


def test_run_isolated_verdicts_and_timeout(cache_dir):
    from kernelwatch_eval.standalone import run_isolated
    ok = run_isolated(make_request("relu", relu_kernel("torch.clamp_min(x, 0.0)")), 60, cache_dir)
    assert ok["status"] == "correct" and ok["speedup"] is not None
    assert ok["request"]["problem"] == "relu" and "kernel_code" not in ok["request"]
    src, _ = read_fixture(KERNELS / "hostile" / "sigterm_ignored.py")
    t0 = time.monotonic()
    res = run_isolated(make_request("relu", src), 2.0, cache_dir)
    assert res["status"] == "timeout" and time.monotonic() - t0 < 4.0
    src, _ = read_fixture(KERNELS / "hostile" / "abort.py")
    res = run_isolated(make_request("relu", src), 30, cache_dir)
    assert res["status"] == "crashed" and "SIGABRT" in res["error_message"]


def test_no_perf_and_progress(cache_dir):
    from kernelwatch_eval.standalone import run_isolated
    stages = []
    req = make_request("relu", relu_kernel("torch.clamp_min(x, 0.0)"), measure_performance=False)
    res = run_isolated(req, 60, cache_dir, on_progress=lambda s, d: stages.append(s))
    assert res["status"] == "correct" and res["speedup"] is None and res["runtime_stats"] is None
    assert stages[0] == "compiling" and "checking" in stages and "timing" not in stages


def test_run_one_fresh_interpreter(cache_dir):
    req = make_request("relu", relu_kernel("torch.clamp_min(x, 0.0)"))
    p = subprocess.run([sys.executable, "-m", "kernelwatch_eval.run_one", "--cache-dir", cache_dir],
                       input=json.dumps(req), capture_output=True, text=True, timeout=180,
                       env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)))
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(p.stdout)
    assert res["status"] == "correct" and res["speedup"] is not None
    bad = subprocess.run([sys.executable, "-m", "kernelwatch_eval.run_one"], input="[1, 2", capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)))
    assert bad.returncode == 2 and "bad request" in bad.stderr


def test_probe():
    p = subprocess.run([sys.executable, "-m", "kernelwatch_eval.probe"], capture_output=True, text=True,
                       timeout=180, env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)))
    assert p.returncode == 0
    info = json.loads(p.stdout)
    import torch
    assert info["ok"] is True and info["torch"] == torch.__version__
    assert isinstance(info["gpus"], list) and "triton" in info
    for g in info["gpus"]:
        assert g["arch"].startswith("sm_") and g["memory_gib"] > 0


def test_probe_without_torch(tmp_path):
    # An interpreter that cannot import torch: simulate with -S -I and an empty path.
    code = ("import sys; sys.path[:] = [p for p in sys.path if 'packages' not in p]; "
            f"sys.path.insert(0, {str(EVAL_DIR)!r}); import runpy; runpy.run_module('kernelwatch_eval.probe', run_name='__main__')")
    p = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    info = json.loads(p.stdout)
    assert p.returncode == 1 and info["ok"] is False and "cannot import torch" in info["error"]


def test_run_isolated_spares_the_callers_children(cache_dir):
    """run_isolated kills its job's orphans (a daemonised grandchild), never the caller's own
    children -- even ones in their own session -- and never reaps them."""
    from kernelwatch_eval.standalone import run_isolated
    mine = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        src, _ = read_fixture(KERNELS / "hostile" / "daemon_grandchild.py")
        res = run_isolated(make_request("relu", src, measure_performance=False), 60, cache_dir)
        assert res["status"] == "correct", res["error_message"]
        dpid = int(next(ln for ln in res["log_tail"].splitlines() if ln.startswith("DAEMON_PID=")).split("=")[1])
        end = time.monotonic() + 10
        while os.path.exists(f"/proc/{dpid}") and time.monotonic() < end:
            time.sleep(0.1)
        assert not os.path.exists(f"/proc/{dpid}"), "the daemonised grandchild survived (or was left a zombie)"
        assert mine.poll() is None, "run_isolated touched the caller's own child"
    finally:
        mine.kill()
        mine.wait()
