"""resources/evaluator/modal_app.py under the REAL modal SDK, served the way a Modal container serves it.

The app file is imported with modal importable (so `app`, `KernelEvaluator` and the `evaluate_http`
web function are real Modal objects), and evaluate_http is driven through Modal's own container-side
wrapper: modal._runtime.user_code_imports.construct_webhook_callable → asgi.magic_fastapi_app (FastAPI)
→ asgi.asgi_app_wrapper, with the request body handed in as Modal's container I/O manager hands it.

Needs a modal-client source tree (`py/` with its protos compiled):
    KERNELWATCH_MODAL_SDK=/path/to/modal-client/py \
    KERNELWATCH_MODAL_SDK_DEPS=/path/to/extra/deps[:more] \
    /usr/bin/python3 -m pytest tests/python/test_modal_app_sdk.py
Skipped when KERNELWATCH_MODAL_SDK is unset (CI has no SDK). The CPU evaluation also needs torch.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP_FILE = ROOT / "resources" / "evaluator" / "modal_app.py"
PROBLEMS = ROOT / "tests" / "fixtures" / "problems"
SDK = os.environ.get("KERNELWATCH_MODAL_SDK", "")

pytestmark = pytest.mark.skipif(
    not SDK, reason="KERNELWATCH_MODAL_SDK is not set: no modal-client source tree to import (see "
                    "tests/fixtures/modal/README.md); CI has none")


@pytest.fixture(scope="module")
def sdk():
    paths = [SDK] + [p for p in os.environ.get("KERNELWATCH_MODAL_SDK_DEPS", "").split(os.pathsep) if p]
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    import modal
    from modal._runtime import user_code_imports
    from modal._runtime.execution_context import _set_current_context_ids
    from modal._utils.async_utils import synchronizer
    assert pathlib.Path(modal.__file__).resolve().is_relative_to(pathlib.Path(SDK).resolve()), modal.__file__
    return modal, user_code_imports, _set_current_context_ids, synchronizer._translate_in


@pytest.fixture(scope="module")
def app_module(sdk):
    modal = sdk[0]
    saved = {k: os.environ.pop(k) for k in ("KERNELWATCH_MODAL_GPU", "KERNELWATCH_MODAL_TIMEOUT") if k in os.environ}
    try:
        spec = importlib.util.spec_from_file_location("kw_modal_app_under_sdk", APP_FILE)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        os.environ.update(saved)
    assert mod.modal is modal
    return mod


class BodyIO:
    """What Modal's ContainerIOManager gives the ASGI wrapper: the HTTP request body, then nothing."""

    def __init__(self, body: bytes):
        self.body = body

        class get_data_in:
            @staticmethod
            async def aio(_function_call_id, _attempt_token):
                yield {"type": "http.request", "body": self.body, "more_body": False}
                await asyncio.sleep(3600)

        self.get_data_in = get_data_in


def post(sdk, app_module, body: dict) -> tuple[int, dict]:
    modal, user_code_imports, set_ids, impl = sdk
    fn = impl(app_module.evaluate_http)  # the _Function behind the blocking wrapper, as the container has it
    cfg = fn._webhook_config
    wrapped, _lifespan = user_code_imports.construct_webhook_callable(
        fn.get_raw_f(), cfg, BodyIO(json.dumps(body).encode()))
    set_ids(["in-kwtest"], ["fc-kwtest"], ["attempt-kwtest"])
    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json")], "http_version": "1.1", "scheme": "https",
             "server": ("kernel-lab--kernel-rl-evaluator-evaluate-http.modal.run", 443)}

    async def collect():
        return [m async for m in wrapped(scope)]

    messages = asyncio.run(asyncio.wait_for(collect(), 300))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body_bytes = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], json.loads(body_bytes)


def test_app_objects_are_real_modal_objects(sdk, app_module):
    modal = sdk[0]
    from modal_proto import api_pb2
    assert isinstance(app_module.app, modal.App) and app_module.app.name == "kernel-rl-evaluator"
    cfg = sdk[3](app_module.evaluate_http)._webhook_config
    assert cfg.type == api_pb2.WEBHOOK_TYPE_FUNCTION and cfg.method == "POST"
    assert cfg.requires_proxy_auth
    assert "evaluate_http" in app_module.app.registered_functions
    assert "KernelEvaluator" in app_module.app.registered_classes


def test_ping_through_modal_asgi_wrapper(sdk, app_module):
    status, body = post(sdk, app_module, {"op": "ping"})
    assert status == 200
    assert body["ok"] is True and body["app"] == "kernel-rl-evaluator"
    assert body["default_gpu"] == "H100" and body["max_timeout_s"] == 300
    assert "H100" in body["gpu_types"]


def test_bad_request_is_an_eval_result(sdk, app_module):
    status, body = post(sdk, app_module, {"id": "bad-1", "kernel_code": "x"})
    assert status == 200
    assert body["status"] == "infra_error" and body["id"] == "bad-1"


def test_cpu_evaluation_through_modal_asgi_wrapper(sdk, app_module, tmp_path, monkeypatch):
    """A real evaluation: evaluate_http → (in place of the GPU class's .remote, which needs Modal's servers)
    the container's evaluate_in_container with kernelwatch_eval.standalone on the CPU."""
    pytest.importorskip("torch")
    monkeypatch.syspath_prepend(str(ROOT / "resources" / "evaluator"))
    standalone = pytest.importorskip("kernelwatch_eval.standalone")
    seen = {}

    class LocalEvaluator:
        def __init__(self, **options):
            seen["options"] = options

        def __call__(self):
            return self

        @property
        def evaluate_request(self):
            return self

        def remote(self, request, timeout_s):
            seen["request"] = dict(request)
            request = dict(request, device="cpu")
            return app_module.evaluate_in_container(
                request, timeout_s, lambda r, t, c: standalone.run_isolated(r, t, c, target="cpu"),
                cache_dir=str(tmp_path), gpu=seen["options"]["gpu"], container_id="ta-KWTEST")

    monkeypatch.setattr(app_module.KernelEvaluator, "with_options", lambda **kw: LocalEvaluator(**kw),
                        raising=False)
    ref = (PROBLEMS / "relu.py").read_text()
    kernel = ref.replace("class Model(", "class ModelNew(")
    status, body = post(sdk, app_module, {
        "id": "sdk-cpu-1", "ref_code": ref, "kernel_code": kernel, "backend": "cuda", "gpu_type": "l4",
        "timeout_s": 120, "num_correct_trials": 2, "num_perf_trials": 3, "measure_performance": False})
    assert status == 200
    assert seen["options"] == {"gpu": "L4", "timeout": 120 + app_module.FUNCTION_MARGIN_S}
    assert seen["request"]["device"] == "cuda" and seen["request"]["target"] == "modal"
    assert body["id"] == "sdk-cpu-1"
    assert body["status"] in ("correct", "rejected"), body.get("error_message")
    assert body["device"]["target"] == "modal:L4" and body["worker"]["container_id"] == "ta-KWTEST"
    assert "ref_code" not in json.dumps(body.get("request", {}))
