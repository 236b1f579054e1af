"""resources/evaluator/modal_app.py: the request handling, imported WITHOUT the modal package.

Run with: /usr/bin/python3 -m pytest tests/python/test_modal_app.py
"""
from __future__ import annotations

import importlib.util
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP_FILE = ROOT / "resources" / "evaluator" / "modal_app.py"
PROBLEMS = ROOT / "tests" / "fixtures" / "problems"


@pytest.fixture(scope="module")
def app():
    saved = sys.modules.get("modal", "absent")
    sys.modules["modal"] = None  # `import modal` raises ImportError even where modal is installed
    try:
        spec = importlib.util.spec_from_file_location("kw_modal_app_under_test", APP_FILE)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        if saved == "absent":
            del sys.modules["modal"]
        else:
            sys.modules["modal"] = saved
    assert mod.modal is None
    assert not hasattr(mod, "app")  # no Modal objects without modal
    return mod


@pytest.fixture
def settings(app):
    return app.deploy_settings({"KERNELWATCH_MODAL_GPU": "h100", "KERNELWATCH_MODAL_TIMEOUT": "300"})


def request(**kw):
    r = {"id": "req-1", "ref_code": "class Model: pass\n", "kernel_code": "class ModelNew: pass\n",
         "backend": "cuda", "timeout_s": 60, "gpu_type": "", "seed_secret": "s3cr3t-seed"}
    r.update(kw)
    return r


def test_settings_defaults_and_derivation(app):
    s = app.deploy_settings({})
    assert s == {"gpu": "H100", "max_timeout_s": 300, "function_timeout_s": 420, "endpoint_timeout_s": 540}
    s = app.deploy_settings({"KERNELWATCH_MODAL_GPU": "a100-80gb:2", "KERNELWATCH_MODAL_TIMEOUT": "900"})
    assert s["gpu"] == "A100-80GB:2" and s["function_timeout_s"] == 900 + app.FUNCTION_MARGIN_S


@pytest.mark.parametrize("env", [{"KERNELWATCH_MODAL_GPU": "V100"}, {"KERNELWATCH_MODAL_TIMEOUT": "5"},
                                 {"KERNELWATCH_MODAL_TIMEOUT": "abc"}, {"KERNELWATCH_MODAL_TIMEOUT": "86400"},
                                 {"KERNELWATCH_MODAL_GPU": "A100!"}, {"KERNELWATCH_MODAL_GPU": "H100:9"}])
def test_settings_rejected(app, env):
    with pytest.raises(ValueError):
        app.deploy_settings(env)


@pytest.mark.parametrize("text,canonical", [("h100", "H100"), ("H100!", "H100!"), ("a10g", "A10"),
                                            ("A100-40GB", "A100"), ("b200:8", "B200:8"), (" l40s ", "L40S")])
def test_normalize_gpu(app, text, canonical):
    assert app.normalize_gpu(text) == canonical


def test_legacy_signature(app):
    r = app.request_from_legacy_args("ref", "kern", "triton", 3, False, 10, ["Hopper"], "bf16")
    assert (r["ref_code"], r["kernel_code"], r["backend"], r["num_correct_trials"]) == ("ref", "kern", "triton", 3)
    assert r["measure_performance"] is False and r["num_perf_trials"] == 10 and r["precision"] == "bf16"
    assert r["gpu_arch"] == ["Hopper"] and r["target"] == "modal" and r["id"]
    assert app.arch_list_for(["Hopper", "Ampere"]) == "9.0;8.0;8.6"
    assert app.arch_list_for([], "8.9") == "8.9"


def test_ping(app, settings):
    out = app.handle_http_body({"op": "ping"}, settings, lambda *a: pytest.fail("no evaluation for a ping"))
    assert out["ok"] and out["app"] == "kernel-rl-evaluator" and out["max_timeout_s"] == 300
    assert out["default_gpu"] == "H100" and out["protocol"] == app.PROTOCOL_VERSION


def test_request_goes_to_remote_with_gpu_and_timeout(app, settings):
    calls = []

    def remote(req, gpu, timeout_s):
        calls.append((req, gpu, timeout_s))
        return {"status": "correct", "compiled": True, "correctness": True, "id": "other",
                "request": dict(req)}

    out = app.handle_http_body(request(gpu_type="l4"), settings, remote)
    assert len(calls) == 1
    req, gpu, timeout_s = calls[0]
    assert gpu == "L4" and timeout_s == 60.0 and req["target"] == "modal" and req["device"] == "cuda"
    assert out["status"] == "correct" and out["id"] == "req-1"
    # Code and the seed secret are not sent back.
    assert "kernel_code" not in out["request"] and "seed_secret" not in out["request"]
    assert "s3cr3t-seed" not in json.dumps(out)


def test_default_gpu_and_timeout_clamped_with_warning(app, settings):
    seen = {}

    def remote(req, gpu, timeout_s):
        seen.update(gpu=gpu, timeout=timeout_s)
        return {"status": "correct", "metadata": {}}

    out = app.handle_http_body(request(timeout_s=1000), settings, remote)
    assert seen == {"gpu": "H100", "timeout": 300.0}
    (warning,) = out["metadata"]["warnings"]
    assert "exceeds the deployed maximum 300 s" in warning and "--timeout 1000" in warning


@pytest.mark.parametrize("body,needle", [
    ([1, 2], "JSON object"),
    (request(kernel_code=""), "required"),
    (request(gpu_type="V100"), "unknown GPU type"),
    (request(timeout_s="soon"), "number of seconds"),
    (request(timeout_s=-1), "positive"),
])
def test_bad_requests_are_infra_errors(app, settings, body, needle):
    out = app.handle_http_body(body, settings, lambda *a: pytest.fail("must not evaluate"))
    assert out["status"] == "infra_error" and needle in out["error_message"]
    assert out["metadata"]["modal_cause"] == "bad_request"


def test_remote_failures_classified(app, settings):
    class FunctionTimeoutError(Exception):
        pass

    class NotFoundError(Exception):
        pass

    def raises(exc):
        def remote(*a):
            raise exc
        return remote

    t = app.handle_http_body(request(), settings, raises(FunctionTimeoutError("Task's input hit its timeout")))
    assert t["status"] == "timeout" and t["id"] == "req-1"
    n = app.handle_http_body(request(), settings, raises(NotFoundError("Lookup failed for Cls 'KernelEvaluator'")))
    assert n["status"] == "infra_error" and "kernelwatch-cli modal deploy" in n["error_message"]
    g = app.handle_http_body(request(), settings, raises(RuntimeError("boom")))
    assert g["status"] == "infra_error" and "boom" in g["error_message"]
    bad = app.handle_http_body(request(), settings, lambda *a: "not a dict")
    assert bad["status"] == "infra_error"


def test_evaluate_in_container_prints_one_eval_line(app):
    printed = []

    def run_isolated(req, timeout_s, cache_dir):
        assert timeout_s == 30 and cache_dir == "/tmp/x"
        return {"status": "incorrect", "compiled": True, "speedup": float("nan"), "runtime_ms": float("inf"),
                "error_message": "max diff 1.0\nline two", "device": {"name": "GPU"}, "worker": {}}

    res = app.evaluate_in_container(request(gpu_type="H100"), 30, run_isolated, cache_dir="/tmp/x", gpu="H100",
                                    container_id="ta-TEST", print_fn=lambda s, flush=False: printed.append(s))
    assert res["worker"]["container_id"] == "ta-TEST" and res["device"]["target"] == "modal:H100"
    assert res["id"] == "req-1" and "seed_secret" not in res["request"]
    (line,) = printed
    assert line.startswith("KERNELWATCH_EVAL {") and "\n" not in line
    payload = json.loads(line[len("KERNELWATCH_EVAL "):])
    assert payload["status"] == "incorrect" and payload["speedup"] is None and payload["runtime_ms"] is None
    assert "kernel_code" not in payload["request"] and "ref_code" not in payload["request"]
    assert "s3cr3t-seed" not in line


def test_evaluate_in_container_never_raises(app):
    printed = []

    def broken(*a):
        raise OSError("no space left on device")

    res = app.evaluate_in_container(request(), 30, broken, print_fn=lambda s, flush=False: printed.append(s))
    assert res["status"] == "infra_error" and "no space left" in res["error_message"]
    assert len(printed) == 1


@pytest.mark.parametrize("result,fault", [
    ({"status": "crashed", "error_message": "CUDA error: an illegal memory access was encountered"}, True),
    ({"status": "runtime_error", "log_tail": "RuntimeError: CUDA error: device-side assert triggered"}, True),
    ({"status": "runtime_error", "error_message": "shape mismatch"}, False),
    ({"status": "correct", "error_message": "illegal memory access"}, False),
    ({"status": "crashed", "error_message": "signal SIGSEGV"}, False),
])
def test_cuda_fault_detection(app, result, fault):
    assert app.is_cuda_fault(result) is fault


def test_retire_container_without_modal(app):
    assert app.retire_container() is False


def test_real_isolated_run_on_cpu(app, tmp_path):
    """End to end through the real kernelwatch_eval.isolated on the CPU (torch needed)."""
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "resources" / "evaluator"))
    isolated = pytest.importorskip("kernelwatch_eval.isolated")
    ref = (PROBLEMS / "relu.py").read_text()
    kernel = ref.replace("class Model(", "class ModelNew(")
    req = request(ref_code=ref, kernel_code=kernel, device="cpu", num_correct_trials=2, num_perf_trials=3,
                  measure_performance=False, timeout_s=120)
    printed = []
    res = app.evaluate_in_container(req, 120, lambda r, t, c: isolated.run_isolated(r, t, c, target="cpu"),
                                    cache_dir=str(tmp_path), gpu="H100", container_id="ta-LOCAL",
                                    print_fn=lambda s, flush=False: printed.append(s))
    assert res["status"] in ("correct", "rejected"), res.get("error_message")
    assert res["worker"]["container_id"] == "ta-LOCAL"
    assert printed and printed[0].startswith("KERNELWATCH_EVAL ")
