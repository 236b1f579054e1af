"""kernelwatch's evaluator on Modal: the app "kernel-rl-evaluator".

Deploy (reads the settings below at deploy time):

    kernelwatch-cli modal deploy --gpu H100 --timeout 300
    # = KERNELWATCH_MODAL_GPU=H100 KERNELWATCH_MODAL_TIMEOUT=300 modal deploy modal_app.py

What it serves
- class KernelEvaluator, method evaluate(ref_code, kernel_code, backend, num_correct_trials,
  measure_performance, num_perf_trials, gpu_arch, precision) -> dict: a drop-in for training code
  that already calls `modal.Cls.from_name("kernel-rl-evaluator", "KernelEvaluator")`. The dict is
  kernelwatch's EvalResult, a superset of the kernel_rl result dict.
- web endpoint evaluate_http (POST, requires_proxy_auth=True): EvalRequest JSON in, EvalResult
  JSON out; {"op": "ping"} answers the deployed settings without touching a GPU.

GPU type and timeout (decision)
- One web endpoint for every GPU type. Each request names its GPU (`gpu_type`, default: the
  deploy-time KERNELWATCH_MODAL_GPU) and its timeout (`timeout_s`); the endpoint calls
  KernelEvaluator.with_options(gpu=..., timeout=...), so Modal keeps one container pool per GPU
  type. No redeploy is needed to change the GPU type.
- The deploy-time KERNELWATCH_MODAL_TIMEOUT is the longest evaluation the app allows: the web
  function's own timeout is derived from it (it waits for the evaluation), and so is the class's
  default function timeout (timeout + FUNCTION_MARGIN_S). A request asking for more is clamped and
  its result carries a warning saying to redeploy with a larger timeout.

Isolation: every kernel runs in its own child process with a hard timeout
(kernelwatch_eval.isolated.run_isolated); a container whose child hit a CUDA fault stops taking
inputs (modal.experimental.stop_fetching_inputs), so the next kernel gets a clean GPU. Every
evaluation prints one line `KERNELWATCH_EVAL {json}` (the result without code) so that
`modal app logs` can be turned back into results.

The request handling lives in plain functions that import without the `modal` package
(tests/python/test_modal_app.py tests them); the Modal objects are defined only when `modal` is
importable.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time

APP_NAME = "kernel-rl-evaluator"
CLASS_NAME = "KernelEvaluator"
PROTOCOL_VERSION = 1
DEFAULT_GPU = "H100"
DEFAULT_TIMEOUT_S = 300
MIN_TIMEOUT_S = 10
MAX_TIMEOUT_S = 86400  # Modal's limit for a function timeout
FUNCTION_MARGIN_S = 120  # set-up around one evaluation: interpreter, imports, result hand-back
CACHE_DIR = "/tmp/kernelwatch-cache"
EVAL_MARKER = "KERNELWATCH_EVAL "

# Modal's GPU strings (design.md): canonical spelling by upper-case name.
GPU_TYPES = {
    "T4": "T4", "L4": "L4", "A10": "A10", "A10G": "A10", "L40S": "L40S", "A100": "A100",
    "A100-40GB": "A100", "A100-80GB": "A100-80GB", "RTX-PRO-6000": "RTX-PRO-6000", "H100": "H100",
    "H200": "H200", "B200": "B200",
}
# Compute capability by architecture name, as KernelBench's gpu_arch lists them.
ARCH_CAPABILITY = {"turing": "7.5", "ampere": "8.0;8.6", "ada": "8.9", "hopper": "9.0", "blackwell": "10.0;12.0"}
CUDA_FAULT_MARKERS = (
    "illegal memory access", "unspecified launch failure", "device-side assert", "misaligned address",
    "illegal instruction", "an illegal memory access", "cuda error: launch failure", "uncorrectable ecc",
    "cudaerrorillegaladdress", "xid",
)
SECRET_REQUEST_KEYS = ("seed_secret",)


# ---------------------------------------------------------------------------------------------
# Plain functions (no modal import)

def normalize_gpu(text) -> str:
    """'h100!' -> 'H100!', 'a100-80gb:4' -> 'A100-80GB:4'; ValueError for anything else."""
    t = str(text or "").strip().upper()
    count = ""
    if ":" in t:
        t, count = t.split(":", 1)
        if not count.isdigit() or not 1 <= int(count) <= 8:
            raise ValueError("GPU count in %r must be 1 to 8 (TYPE:N)" % text)
        count = ":" + str(int(count))
    pinned = t.endswith("!")
    if pinned:
        t = t[:-1]
    if t not in GPU_TYPES:
        raise ValueError("unknown GPU type %r: use one of %s" % (text, ", ".join(sorted(set(GPU_TYPES.values())))))
    name = GPU_TYPES[t]
    if pinned and name != "H100":
        raise ValueError("'!' pins only H100 (H100!), not %s" % name)
    return name + ("!" if pinned else "") + count


def deploy_settings(env=None) -> dict:
    """The deploy-time settings from KERNELWATCH_MODAL_GPU / KERNELWATCH_MODAL_TIMEOUT."""
    env = os.environ if env is None else env
    gpu = normalize_gpu(env.get("KERNELWATCH_MODAL_GPU") or DEFAULT_GPU)
    raw = str(env.get("KERNELWATCH_MODAL_TIMEOUT") or DEFAULT_TIMEOUT_S).strip()
    if not raw.isdigit() or not MIN_TIMEOUT_S <= int(raw) <= MAX_TIMEOUT_S - 2 * FUNCTION_MARGIN_S:
        raise ValueError("KERNELWATCH_MODAL_TIMEOUT must be whole seconds from %d to %d (got %r)"
                         % (MIN_TIMEOUT_S, MAX_TIMEOUT_S - 2 * FUNCTION_MARGIN_S, raw))
    max_timeout = int(raw)
    function_timeout = max_timeout + FUNCTION_MARGIN_S
    return {
        "gpu": gpu,
        "max_timeout_s": max_timeout,
        "function_timeout_s": function_timeout,
        # The web function waits for the class call, which may itself wait for a container.
        "endpoint_timeout_s": min(function_timeout + FUNCTION_MARGIN_S, MAX_TIMEOUT_S),
    }


def empty_result(request: dict) -> dict:
    return {
        "format_ok": True, "compiled": False, "correctness": False, "tests_passed": 0,
        "tests_total": int(request.get("num_correct_trials") or 0), "speedup": None, "runtime_ms": None,
        "baseline_runtime_ms": None, "cheated": False, "error_message": "",
        "code_length": len(request.get("kernel_code") or ""), "metadata": {}, "id": request.get("id", ""),
        "status": "infra_error", "flags": [], "runtime_stats": None, "baseline_stats": None,
        "timings": {"queued": 0.0, "compile": 0.0, "correctness": 0.0, "perf": 0.0, "total": 0.0},
        "device": {"name": "", "arch": "", "target": "modal:" + str(request.get("gpu_type") or "")},
        "worker": {"pid": 0, "gpu_index": -1, "container_id": os.environ.get("MODAL_TASK_ID", "")},
        "log_tail": "", "isolation": "",
    }


def infra_result(request: dict, message: str, cause: str = "") -> dict:
    r = empty_result(request)
    r["error_message"] = message
    if cause:
        r["metadata"]["modal_cause"] = cause
    return r


def request_from_legacy_args(ref_code, kernel_code, backend="cuda", num_correct_trials=5,
                             measure_performance=True, num_perf_trials=100, gpu_arch=None,
                             precision="fp32", timeout_s=None) -> dict:
    """The EvalRequest for KernelEvaluator.evaluate(...)'s positional signature."""
    req = {
        "id": "modal-%d-%d" % (int(time.time() * 1000), os.getpid()),
        "ref_code": ref_code or "", "kernel_code": kernel_code or "", "backend": backend or "cuda",
        "device": "cuda", "precision": precision or "fp32",
        "num_correct_trials": int(num_correct_trials if num_correct_trials is not None else 5),
        "measure_performance": bool(measure_performance),
        "num_perf_trials": int(num_perf_trials if num_perf_trials is not None else 100),
        "timeout_s": float(timeout_s or os.environ.get("KERNELWATCH_MODAL_TIMEOUT") or DEFAULT_TIMEOUT_S),
        "target": "modal", "gpu_type": os.environ.get("KERNELWATCH_MODAL_GPU", DEFAULT_GPU), "source": "modal",
    }
    if gpu_arch:
        req["gpu_arch"] = list(gpu_arch) if isinstance(gpu_arch, (list, tuple)) else [str(gpu_arch)]
    return req


def prepare_request(body, settings: dict):
    """Validates an EvalRequest body. Returns (request, gpu, timeout_s, warnings, error)."""
    if not isinstance(body, dict):
        return {}, settings["gpu"], 0.0, [], "the request body must be a JSON object (an EvalRequest)"
    req = dict(body)
    warnings = []
    if not req.get("ref_code") or not req.get("kernel_code"):
        return req, settings["gpu"], 0.0, warnings, "ref_code and kernel_code are required"
    try:
        gpu = normalize_gpu(req.get("gpu_type") or settings["gpu"])
    except ValueError as e:
        return req, settings["gpu"], 0.0, warnings, str(e)
    try:
        timeout_s = float(req.get("timeout_s") or settings["max_timeout_s"])
    except (TypeError, ValueError):
        return req, gpu, 0.0, warnings, "timeout_s must be a number of seconds"
    if not timeout_s > 0:
        return req, gpu, 0.0, warnings, "timeout_s must be positive"
    if timeout_s > settings["max_timeout_s"]:
        warnings.append("requested timeout %g s exceeds the deployed maximum %d s; clamped. Redeploy with "
                        "`kernelwatch-cli modal deploy --timeout %d` to allow it."
                        % (timeout_s, settings["max_timeout_s"], int(timeout_s + 0.999)))
        timeout_s = float(settings["max_timeout_s"])
    req["gpu_type"] = gpu
    req["timeout_s"] = timeout_s
    req["target"] = "modal"
    req["device"] = "cuda"
    return req, gpu, timeout_s, warnings, ""


def strip_code(result: dict) -> dict:
    """The result without code and secrets, as logged and exported."""
    r = dict(result)
    req = r.get("request")
    if isinstance(req, dict):
        req = {k: v for k, v in req.items() if k not in ("ref_code", "kernel_code") + SECRET_REQUEST_KEYS}
        r["request"] = req
    return r


def _finite(obj):
    """NaN and infinities become null: the line must be strict JSON."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def eval_log_line(result: dict) -> str:
    """`KERNELWATCH_EVAL {json}` on one line (json.dumps escapes every newline)."""
    return EVAL_MARKER + json.dumps(_finite(strip_code(result)), separators=(",", ":"), default=str,
                                    allow_nan=False)


def is_cuda_fault(result: dict) -> bool:
    """Did the child leave the GPU in a state the next kernel must not inherit?"""
    if result.get("status") not in ("crashed", "runtime_error", "timeout"):
        return False
    if result.get("status") == "timeout" and "cuda" in str(result.get("metadata", {}).get("stage", "")).lower():
        return True
    text = (str(result.get("error_message", "")) + "\n" + str(result.get("log_tail", ""))).lower()
    return any(m in text for m in CUDA_FAULT_MARKERS)


def arch_list_for(gpu_arch=None, compute_capability: str = "") -> str:
    """TORCH_CUDA_ARCH_LIST: from KernelBench's gpu_arch names, else the GPU's own capability."""
    caps = []
    for name in gpu_arch or []:
        cap = ARCH_CAPABILITY.get(str(name).strip().lower())
        if cap:
            caps += [c for c in cap.split(";") if c not in caps]
    if not caps and compute_capability:
        caps = [compute_capability.strip()]
    return ";".join(caps)


def detect_compute_capability() -> str:
    """'9.0' for an H100, from nvidia-smi: no CUDA context is created (children fork cleanly)."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        first = out.stdout.strip().splitlines()[0].strip() if out.returncode == 0 and out.stdout.strip() else ""
        return first if first.replace(".", "").isdigit() else ""
    except (OSError, subprocess.SubprocessError, IndexError):
        return ""


def evaluate_in_container(request: dict, timeout_s: float, run_isolated, *, cache_dir: str = CACHE_DIR,
                          gpu: str = "", container_id: str = "", print_fn=print) -> dict:
    """Runs one request in its own child (run_isolated), fills what the container knows, prints
    the KERNELWATCH_EVAL line. Never raises."""
    t0 = time.time()
    env_arch = ""
    try:
        if request.get("gpu_arch") and not os.environ.get("KERNELWATCH_KEEP_ARCH_LIST"):
            env_arch = arch_list_for(request.get("gpu_arch"))
        if env_arch:
            os.environ["TORCH_CUDA_ARCH_LIST"] = env_arch
        result = run_isolated(request, timeout_s, cache_dir)
        if not isinstance(result, dict):
            raise TypeError("run_isolated returned %s, not a dict" % type(result).__name__)
    except Exception as e:  # the evaluator itself failed, not the kernel
        result = infra_result(request, "evaluator error in the Modal container: %s: %s" % (type(e).__name__, e),
                              "evaluator_error")
        result["timings"]["total"] = time.time() - t0
    result.setdefault("id", request.get("id", ""))
    result["id"] = request.get("id", result["id"])
    worker = result.setdefault("worker", {})
    if isinstance(worker, dict) and container_id:
        worker["container_id"] = container_id
    device = result.setdefault("device", {})
    if isinstance(device, dict):
        device["target"] = "modal:" + (gpu or str(request.get("gpu_type") or ""))
    result["request"] = {k: v for k, v in request.items() if k not in SECRET_REQUEST_KEYS}
    try:
        print_fn(eval_log_line(result), flush=True)
    except Exception:
        pass
    return result


def _exception_result(request: dict, exc: Exception, timeout_s: float) -> dict:
    name = type(exc).__name__
    if name == "FunctionTimeoutError" or "timed out" in str(exc).lower():
        r = infra_result(request, "the Modal function hit its timeout (%g s + %d s margin): %s"
                         % (timeout_s, FUNCTION_MARGIN_S, exc), "timeout")
        r["status"] = "timeout"
        return r
    if name in ("NotFoundError",) or "Lookup failed" in str(exc):
        return infra_result(request, "%s: %s (redeploy: kernelwatch-cli modal deploy)" % (name, exc),
                            "app_not_deployed")
    return infra_result(request, "Modal call failed: %s: %s" % (name, exc), "modal_error")


def handle_http_body(body, settings: dict, evaluate_remote) -> dict:
    """The web endpoint: ping, or validate → evaluate_remote(request, gpu, timeout_s) → result.
    Never raises: every failure is an EvalResult with status infra_error (or timeout)."""
    if isinstance(body, dict) and body.get("op") == "ping":
        return {"ok": True, "app": APP_NAME, "protocol": PROTOCOL_VERSION, "default_gpu": settings["gpu"],
                "max_timeout_s": settings["max_timeout_s"], "function_timeout_s": settings["function_timeout_s"],
                "gpu_types": sorted(set(GPU_TYPES.values()))}
    request, gpu, timeout_s, warnings, error = prepare_request(body, settings)
    if error:
        return infra_result(request if isinstance(request, dict) else {}, error, "bad_request")
    try:
        result = evaluate_remote(request, gpu, timeout_s)
        if not isinstance(result, dict):
            raise TypeError("the evaluator returned %s, not a dict" % type(result).__name__)
    except Exception as e:
        result = _exception_result(request, e, timeout_s)
    if warnings:
        meta = result.setdefault("metadata", {})
        if isinstance(meta, dict):
            meta.setdefault("warnings", []).extend(warnings)
    result["id"] = request.get("id", result.get("id", ""))
    return strip_code(result)  # the client has the code; don't send it back


def retire_container() -> bool:
    """Asks Modal not to send this container more inputs (after a CUDA fault)."""
    try:
        import modal.experimental  # noqa: F401
        modal.experimental.stop_fetching_inputs()
        return True
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------
# The Modal app (only where the modal package is installed: deploy time and in containers)

try:
    import modal
except ImportError:  # tests, or a machine without Modal
    modal = None

if modal is not None:
    SETTINGS = deploy_settings()
    _HERE = pathlib.Path(__file__).resolve().parent
    _SETTINGS_ENV = {
        "KERNELWATCH_MODAL_GPU": SETTINGS["gpu"],
        "KERNELWATCH_MODAL_TIMEOUT": str(SETTINGS["max_timeout_s"]),
        "KERNELWATCH_CACHE_DIR": CACHE_DIR,
        # torch.cuda.is_available() via NVML: the container process never creates a CUDA context,
        # so kernels can run in forked children.
        "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        "PYTHONUNBUFFERED": "1",
    }

    app = modal.App(APP_NAME)

    image = (
        modal.Image.from_registry("nvidia/cuda:12.8.1-devel-ubuntu22.04", add_python="3.11")
        .apt_install("build-essential", "ninja-build", "git")
        .pip_install("torch==2.7.1", "numpy", "ninja", extra_index_url="https://download.pytorch.org/whl/cu128")
        .pip_install("triton")
        .env(_SETTINGS_ENV)
        .add_local_dir(str(_HERE / "kernelwatch_eval"), remote_path="/root/kernelwatch_eval")
    )
    web_image = modal.Image.debian_slim(python_version="3.11").pip_install("fastapi[standard]").env(_SETTINGS_ENV)

    @app.cls(image=image, gpu=SETTINGS["gpu"], timeout=SETTINGS["function_timeout_s"], scaledown_window=300)
    class KernelEvaluator:
        @modal.enter()
        def setup(self):
            sys.path.insert(0, "/root")
            import kernelwatch_eval  # noqa: F401  (before torch: keeps forks CUDA-clean)
            self.cache_dir = os.environ.get("KERNELWATCH_CACHE_DIR", CACHE_DIR)
            os.makedirs(self.cache_dir, exist_ok=True)
            self.container_id = os.environ.get("MODAL_TASK_ID", "")
            cap = detect_compute_capability()
            if cap and not os.environ.get("TORCH_CUDA_ARCH_LIST"):
                os.environ["TORCH_CUDA_ARCH_LIST"] = cap

        def _run(self, request: dict, timeout_s: float) -> dict:
            from kernelwatch_eval.isolated import run_isolated
            result = evaluate_in_container(request, timeout_s, run_isolated, cache_dir=self.cache_dir,
                                           gpu=str(request.get("gpu_type") or SETTINGS["gpu"]),
                                           container_id=self.container_id)
            if is_cuda_fault(result):
                result.setdefault("metadata", {})["container_retired"] = retire_container()
            return result

        @modal.method()
        def evaluate(self, ref_code, kernel_code, backend="cuda", num_correct_trials=5, measure_performance=True,
                     num_perf_trials=100, gpu_arch=None, precision="fp32") -> dict:
            req = request_from_legacy_args(ref_code, kernel_code, backend, num_correct_trials,
                                           measure_performance, num_perf_trials, gpu_arch, precision)
            return strip_code(self._run(req, min(float(req["timeout_s"]), SETTINGS["max_timeout_s"])))

        @modal.method()
        def evaluate_request(self, request: dict, timeout_s: float) -> dict:
            return self._run(request, float(timeout_s))

    @app.function(image=web_image, timeout=SETTINGS["endpoint_timeout_s"])
    @modal.concurrent(max_inputs=200)
    @modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)
    def evaluate_http(body: dict) -> dict:
        def remote(request, gpu, timeout_s):
            evaluator = KernelEvaluator.with_options(gpu=gpu, timeout=int(timeout_s) + FUNCTION_MARGIN_S)
            return evaluator().evaluate_request.remote(request, timeout_s)

        return handle_http_body(body, SETTINGS, remote)
