"""resources/evaluator/modal_app.py: the request handling, imported WITHOUT the modal package.

Run with: /usr/bin/python3 -m pytest tests/python/test_modal_app.py
"""
from __future__ import annotations

import importlib.util
import json
import os
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
    assert s == {"gpu": "H100", "max_timeout_s": 300, "function_timeout_s": 420, "endpoint_timeout_s": 540,
                 "max_containers": 32, "legacy_deadline_s": 60}
    s = app.deploy_settings({"KERNELWATCH_MODAL_GPU": "a100-80gb:2", "KERNELWATCH_MODAL_TIMEOUT": "900",
                             "KERNELWATCH_MODAL_MAX_CONTAINERS": "4"})
    assert s["gpu"] == "A100-80GB:2" and s["function_timeout_s"] == 900 + app.FUNCTION_MARGIN_S
    assert s["max_containers"] == 4


def test_deploy_timeout_range_matches_the_cli(app):
    """`kernelwatch-cli modal deploy --timeout` takes 10..86400 s; the app took only up to 86160."""
    s = app.deploy_settings({"KERNELWATCH_MODAL_TIMEOUT": "86400"})
    assert s["function_timeout_s"] == 86400 and s["endpoint_timeout_s"] == 86400
    assert s["max_timeout_s"] == 86400 - app.FUNCTION_MARGIN_S  # the child ends inside the function


@pytest.mark.parametrize("env", [{"KERNELWATCH_MODAL_GPU": "V100"}, {"KERNELWATCH_MODAL_TIMEOUT": "5"},
                                 {"KERNELWATCH_MODAL_TIMEOUT": "abc"}, {"KERNELWATCH_MODAL_TIMEOUT": "86401"},
                                 {"KERNELWATCH_MODAL_GPU": "A100!"}, {"KERNELWATCH_MODAL_GPU": "H100:9"},
                                 {"KERNELWATCH_MODAL_GPU": "A10:5"}, {"KERNELWATCH_MODAL_MAX_CONTAINERS": "0"},
                                 {"KERNELWATCH_MODAL_MAX_CONTAINERS": "many"},
                                 {"KERNELWATCH_LEGACY_DEADLINE_S": "3"}])
def test_settings_rejected(app, env):
    with pytest.raises(ValueError):
        app.deploy_settings(env)


@pytest.mark.parametrize("text,canonical", [("h100", "H100"), ("H100!", "H100!"), ("a10g", "A10"),
                                            ("A100-40GB", "A100"), ("b200:8", "B200:8"), (" l40s ", "L40S"),
                                            ("b200+", "B200+"), ("A10:4", "A10:4")])
def test_normalize_gpu(app, text, canonical):
    assert app.normalize_gpu(text) == canonical


def test_legacy_signature(app):
    r = app.request_from_legacy_args("ref", "kern", "triton", 3, False, 10, ["Hopper"], "bf16")
    assert (r["ref_code"], r["kernel_code"], r["backend"], r["num_correct_trials"]) == ("ref", "kern", "triton", 3)
    assert r["measure_performance"] is False and r["num_perf_trials"] == 10 and r["precision"] == "bf16"
    assert r["gpu_arch"] == ["Hopper"] and r["target"] == "modal" and r["id"]


def test_arch_list_keeps_the_device_capability(app):
    """gpu_arch adds to the detected capability, never replaces it; named archs carry +PTX."""
    assert app.arch_list_for(["Hopper", "Ampere"], "9.0") == "9.0+PTX;8.0;8.6+PTX"
    assert app.arch_list_for(["Ampere"], "9.0") == "9.0;8.0;8.6+PTX"
    assert app.arch_list_for([], "8.9") == "8.9"
    assert app.arch_list_for(["sm_80", "7.5+PTX"], "9.0") == "9.0;8.0;7.5+PTX"
    assert app.arch_list_for("Ada", "") == "8.9+PTX"


def test_arch_list_is_set_per_child_not_in_the_container(app, monkeypatch):
    monkeypatch.delenv("TORCH_CUDA_ARCH_LIST", raising=False)
    seen = []

    def run_isolated(req, timeout_s, cache_dir):
        seen.append(req["gpu_arch"])
        return {"status": "correct", "device": {}, "worker": {}}

    app.evaluate_in_container(request(gpu_arch=["Ampere"]), 30, run_isolated, detected={"capability": "9.0"},
                              print_fn=lambda *a, **k: None)
    assert seen == [["9.0", "8.0", "8.6+PTX"]]
    assert "TORCH_CUDA_ARCH_LIST" not in os.environ  # nothing leaks into later requests


def test_harness_arch_list(app):
    from kernelwatch_eval.evaluation.harness import _arch_list
    assert _arch_list("9.0", None) == "9.0" and _arch_list("9.0", "sm_90") == "9.0"
    assert _arch_list("9.0", ["Ampere"]) == "9.0;8.0;8.6+PTX"
    assert _arch_list("8.0", ["Hopper", "8.0+PTX"]) == "8.0+PTX;9.0+PTX"


def test_result_ids_are_unique_across_containers(app):
    ids = {app.request_from_legacy_args("r", "k")["id"] for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) >= len("modal-") + 32 for i in ids)  # uuid4, not <ms>-<pid>


@pytest.mark.parametrize("name,mem,modal_name", [
    ("NVIDIA H100 80GB HBM3", 79.2, "H100"), ("NVIDIA H200", 139.8, "H200"), ("NVIDIA A100-SXM4-80GB", 79.3,
                                                                               "A100-80GB"),
    ("NVIDIA A100-SXM4-40GB", 39.4, "A100"), ("NVIDIA A10", 22.0, "A10"), ("NVIDIA L40S", 44.5, "L40S"),
    ("NVIDIA L4", 22.0, "L4"), ("Tesla T4", 15.0, "T4"), ("NVIDIA B200", 178.0, "B200"),
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition", 95.0, "RTX-PRO-6000"), ("Something else", 1, "")])
def test_modal_gpu_names(app, name, mem, modal_name):
    assert app.modal_gpu_name(name, mem) == modal_name


def test_results_name_the_gpu_the_container_has(app):
    """An H100 request served by an H200 (Modal may upgrade plain H100) is labelled and priced H200."""
    def run_isolated(req, timeout_s, cache_dir):
        return {"status": "correct", "device": {"name": "NVIDIA H200", "arch": "sm_90"}, "worker": {},
                "metadata": {"memory_gib": 139.8}}

    res = app.evaluate_in_container(request(gpu_type="H100"), 30, run_isolated, gpu="H100",
                                    print_fn=lambda *a, **k: None)
    assert res["device"]["target"] == "modal:H200" and res["metadata"]["requested_gpu"] == "H100"
    # No device name from the child (it failed early): what the container detected at start.
    res = app.evaluate_in_container(request(), 30, lambda *a: {"status": "compile_error", "device": {}},
                                    gpu="A100", detected={"name": "NVIDIA A100-SXM4-80GB", "modal": "A100-80GB"},
                                    print_fn=lambda *a, **k: None)
    assert res["device"]["target"] == "modal:A100-80GB" and res["device"]["name"] == "NVIDIA A100-SXM4-80GB"


def test_legacy_child_deadline_ends_before_the_callers(app):
    """kernel_rl calls evaluate through with_options(timeout=60): the child must end first."""
    s = app.deploy_settings({})
    assert app.legacy_child_timeout(s) == 60 - app.LEGACY_MARGIN_S
    s = app.deploy_settings({"KERNELWATCH_LEGACY_DEADLINE_S": "600", "KERNELWATCH_MODAL_TIMEOUT": "300"})
    assert app.legacy_child_timeout(s) == 300  # never past the class's own deadline

    def run_isolated(req, timeout_s, cache_dir):
        assert timeout_s == 52
        return {"status": "timeout", "error_message": "exceeded the 52 s timeout", "compiled": True,
                "device": {}, "worker": {}}

    res = app.evaluate_in_container(request(), 52, run_isolated, print_fn=lambda *a, **k: None,
                                    legacy_deadline_s=60)
    assert res["status"] == "timeout" and "KERNELWATCH_LEGACY_DEADLINE_S" in res["error_message"]
    assert res["metadata"]["legacy_deadline_s"] == 60


def test_legacy_results_follow_kernel_rl(app):
    """kernel_rl overwrites `cheated` with its own check and its app always says format_ok: the
    rejection must be in error_message, format_ok true."""
    def run_isolated(req, timeout_s, cache_dir):
        return {"status": "rejected", "cheated": True, "compiled": True, "correctness": False,
                "format_ok": True, "error_message": "", "flags": ["timed_output_mismatch"],
                "metadata": {"flag_details": {"timed_output_mismatch": "a timed call returned a wrong result"}},
                "device": {}, "worker": {}}

    res = app.evaluate_in_container(request(), 52, run_isolated, print_fn=lambda *a, **k: None,
                                    legacy_deadline_s=60)
    assert res["error_message"].startswith("kernelwatch rejected (timed_output_mismatch)")
    assert "a timed call returned a wrong result" in res["error_message"]
    res = app.evaluate_in_container(request(kernel_code="no model here"), 52,
                                    lambda *a: {"status": "compile_error", "format_ok": False, "device": {}},
                                    print_fn=lambda *a, **k: None, legacy_deadline_s=60)
    assert res["format_ok"] is True and res["metadata"]["kernelwatch_format_ok"] is False
    # The web endpoint keeps kernelwatch's own format_ok.
    res = app.evaluate_in_container(request(kernel_code="no model here"), 52,
                                    lambda *a: {"status": "compile_error", "format_ok": False, "device": {}},
                                    print_fn=lambda *a, **k: None)
    assert res["format_ok"] is False


class _FakeImage:
    def __init__(self, log):
        self.log = log

    def __getattr__(self, name):
        def call(*a, **k):
            self.log.append((name, a, k))
            return self
        return call


def _fake_modal(log):
    import types
    m = types.ModuleType("modal")

    class App:
        def __init__(self, name):
            log.append(("App", name))

        def cls(self, **kw):
            log.append(("cls", kw))

            def deco(c):
                def with_options(**opts):
                    log.append(("with_options", opts))
                    return c
                c.with_options = staticmethod(with_options)
                return c
            return deco

        def function(self, **kw):
            log.append(("function", kw))
            return lambda f: f

    class Image:
        @staticmethod
        def from_registry(*a, **k):
            log.append(("from_registry", a, k))
            return _FakeImage(log)

        @staticmethod
        def debian_slim(*a, **k):
            return _FakeImage([])

    m.App, m.Image = App, Image
    m.enter = lambda **k: (lambda f: f)
    m.method = lambda **k: (lambda f: f)
    m.concurrent = lambda **k: (lambda f: f)
    m.fastapi_endpoint = lambda **k: (lambda f: f)
    return m


def test_modal_objects_as_deployed(monkeypatch):
    """The deploy-time wiring, through a stand-in `modal` module: one pool per GPU (no per-request
    timeout), max_containers, restrict_modal_access, block_network, entrypoint([])."""
    log = []
    monkeypatch.setitem(sys.modules, "modal", _fake_modal(log))
    monkeypatch.setenv("KERNELWATCH_MODAL_MAX_CONTAINERS", "7")
    spec = importlib.util.spec_from_file_location("kw_modal_app_fake", APP_FILE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    (cls_kw,) = [e[1] for e in log if e[0] == "cls"]
    assert cls_kw["max_containers"] == 7 and cls_kw["restrict_modal_access"] is True
    assert cls_kw["block_network"] is True and cls_kw["timeout"] == 420
    assert ("entrypoint", ([],), {}) in log

    calls = []

    class FakeMethod:
        def remote(self, req, timeout_s):
            calls.append(timeout_s)
            return {"status": "correct"}

    mod.KernelEvaluator.evaluate_request = FakeMethod()
    out = mod.evaluate_http(request(gpu_type="L4", timeout_s=100))
    assert out["status"] == "correct" and calls == [100.0]
    assert [e[1] for e in log if e[0] == "with_options"] == [{"gpu": "L4"}]  # no timeout: one pool per GPU


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
    """End to end through the real kernelwatch_eval.standalone on the CPU (torch needed)."""
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "resources" / "evaluator"))
    standalone = pytest.importorskip("kernelwatch_eval.standalone")
    ref = (PROBLEMS / "relu.py").read_text()
    kernel = ref.replace("class Model(", "class ModelNew(")
    req = request(ref_code=ref, kernel_code=kernel, device="cpu", num_correct_trials=2, num_perf_trials=3,
                  measure_performance=False, timeout_s=120)
    printed = []
    res = app.evaluate_in_container(req, 120, lambda r, t, c: standalone.run_isolated(r, t, c, target="cpu"),
                                    cache_dir=str(tmp_path), gpu="H100", container_id="ta-LOCAL",
                                    print_fn=lambda s, flush=False: printed.append(s))
    assert res["status"] in ("correct", "rejected"), res.get("error_message")
    assert res["worker"]["container_id"] == "ta-LOCAL"
    assert printed and printed[0].startswith("KERNELWATCH_EVAL ")


def test_legacy_evaluate_method_as_deployed(monkeypatch):
    """kernel_rl's call: evaluate(ref, kernel, ...) under with_options(timeout=60). The child gets the
    legacy deadline, the result names the container's GPU (no false requested_gpu), format_ok true."""
    log = []
    monkeypatch.setitem(sys.modules, "modal", _fake_modal(log))
    spec = importlib.util.spec_from_file_location("kw_modal_app_fake_legacy", APP_FILE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from kernelwatch_eval import standalone
    seen = {}

    def fake_run_isolated(req, timeout_s, cache_dir):
        seen.update(timeout=timeout_s, req=req)
        return {"status": "timeout", "error_message": "exceeded the 52 s timeout (stage: checking)",
                "compiled": True, "format_ok": True, "device": {}, "worker": {}, "metadata": {}}

    monkeypatch.setattr(standalone, "run_isolated", fake_run_isolated)
    ev = mod.KernelEvaluator()
    ev.cache_dir, ev.container_id = "/tmp/kw-test-cache", "ta-LEGACY"
    ev.gpu = {"name": "NVIDIA A100-SXM4-80GB", "modal": "A100-80GB", "capability": "8.0", "count": 1}
    out = ev.evaluate("class Model: pass", "class ModelNew: pass", "cuda", 5, False, 100, ["Ampere"], "fp32")
    assert seen["timeout"] == 52.0 and seen["req"]["gpu_arch"] == ["8.0", "8.6+PTX"]
    assert out["status"] == "timeout" and out["format_ok"] is True and "KERNELWATCH_LEGACY_DEADLINE_S" in \
        out["error_message"]
    assert out["device"]["target"] == "modal:A100-80GB" and "requested_gpu" not in out["metadata"]
    assert out["worker"]["container_id"] == "ta-LEGACY" and out["id"].startswith("modal-")
    assert "kernel_code" not in out["request"]


@pytest.mark.parametrize("extra,needle", [
    ({"baselines": ["eager", "jit"]}, "unknown baseline 'jit'"),
    ({"baselines": ["compile"], "compile_mode": "reduce-overhead"}, "unknown compile_mode"),
])
def test_bad_baselines_are_refused_before_a_gpu_starts(app, settings, extra, needle):
    out = app.handle_http_body(request(**extra), settings, lambda *a: pytest.fail("must not evaluate"))
    assert out["status"] == "infra_error" and needle in out["error_message"]
    assert out["metadata"]["modal_cause"] == "bad_request"


def test_baselines_and_served_gpu_reach_the_child(app, settings):
    """baselines / compile_mode pass through to run_isolated unchanged, the container's GPU goes with
    them (the speed-of-light table row when the device name matches none), and the result's new
    keys come back."""
    seen = []

    def remote(req, gpu, timeout_s):
        return app.evaluate_in_container(req, timeout_s, run_isolated, gpu=gpu, detected={"modal": "H200"},
                                         print_fn=lambda *a, **k: None)

    def run_isolated(req, timeout_s, cache_dir):
        seen.append(req)
        return {"status": "correct", "device": {"name": "NVIDIA H200"}, "worker": {},
                "baselines": {"eager": {"speedup": 1.0}, "compile": {"mode": req["compile_mode"], "speedup": 0.5}},
                "sol": {"device": "NVIDIA H200", "percent": 50.0}}

    out = app.handle_http_body(request(baselines=["eager", "compile"], compile_mode="max-autotune-no-cudagraphs"),
                               settings, remote)
    (req,) = seen
    assert req["baselines"] == ["eager", "compile"] and req["compile_mode"] == "max-autotune-no-cudagraphs"
    assert req["served_gpu"] == "H200"
    assert out["baselines"]["compile"]["mode"] == "max-autotune-no-cudagraphs" and out["sol"]["percent"] == 50.0
    assert out["device"]["target"] == "modal:H200"
    assert app.empty_result({})["baselines"] is None and app.empty_result({})["sol"] is None
