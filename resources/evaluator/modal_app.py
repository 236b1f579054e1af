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
  KernelEvaluator.with_options(gpu=...) -- the GPU only: every distinct option set is its own
  autoscaled container pool, so a per-request timeout would split the pool. The request's timeout
  is enforced by the child's own deadline (run_isolated kills it), inside the class's deploy-time
  function timeout. No redeploy is needed to change the GPU type.
- The deploy-time KERNELWATCH_MODAL_TIMEOUT (10 to 86400 s, the CLI's range) is the longest
  evaluation the app allows: the web function's own timeout is derived from it (it waits for the
  evaluation), and so is the class's function timeout (timeout + FUNCTION_MARGIN_S, at most Modal's
  86400 s; an evaluation then gets at most 86400 - FUNCTION_MARGIN_S). A request asking for more
  is clamped and its result carries a warning saying to redeploy with a larger timeout.
- KERNELWATCH_MODAL_MAX_CONTAINERS (default 32): the class's max_containers cap, per GPU pool.
- The legacy `evaluate` method: kernel_rl calls it through `with_options(timeout=int(modal_timeout))`
  (60 s in every shipped config), a limit the container cannot see. Its child deadline is
  KERNELWATCH_LEGACY_DEADLINE_S (deploy time, default 60) minus LEGACY_MARGIN_S for start-up and
  hand-back, so an overlong kernel ends as a `timeout` result (and a KERNELWATCH_EVAL line) before
  Modal kills the container. Its results follow kernel_rl's app: `format_ok` is true (the caller
  checked the format before sending), and a kernel kernelwatch rejected says why in
  `error_message` (kernel_rl overwrites `cheated` with its own check).
- Results name the GPU the container really has (`device.target` = "modal:H200" when an H100
  request was served by an H200; `metadata.requested_gpu` then keeps the request), from the
  child's device name, else nvidia-smi.
- TORCH_CUDA_ARCH_LIST is set per child by the harness: the device's own capability plus the
  archs a caller names in `gpu_arch` (KernelBench names such as "Hopper" expand as torch's
  named archs do, with +PTX); the container's environment is never changed.
- Baselines and speed of light (issue 17): a request's "baselines" / "compile_mode" are checked
  before a container starts (kernelwatch_eval.measure.baselines owns the rule) and passed to the child
  unchanged; the container adds "served_gpu" (its GPU's Modal name) so the speed-of-light table
  row is found even for a device name the table does not spell; results carry "baselines" and
  "sol" like local ones (PROTOCOL.md).
- The class runs with restrict_modal_access=True (untrusted kernels must not hold the workspace
  identity) and block_network=True (compilation and evaluation need no network).

Isolation: every kernel runs in its own child process with a hard timeout
(kernelwatch_eval.standalone.run_isolated); a container whose child hit a CUDA fault stops taking
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
import uuid

APP_NAME = "kernel-rl-evaluator"
CLASS_NAME = "KernelEvaluator"
PROTOCOL_VERSION = 1
DEFAULT_GPU = "H100"
DEFAULT_TIMEOUT_S = 300
MIN_TIMEOUT_S = 10
MAX_TIMEOUT_S = 86400  # Modal's limit for a function timeout (and the CLI's --timeout bound)
FUNCTION_MARGIN_S = 120  # set-up around one evaluation: interpreter, imports, result hand-back
DEFAULT_MAX_CONTAINERS = 32
LEGACY_DEADLINE_DEFAULT_S = 60  # kernel_rl's modal_timeout in every shipped config
LEGACY_MARGIN_S = 8  # method start, fork, result assembly and hand-back before the caller's limit
MIN_CHILD_TIMEOUT_S = 5
CACHE_DIR = "/tmp/kernelwatch-cache"
EVAL_MARKER = "KERNELWATCH_EVAL "

# Modal's GPU strings (design.md): canonical spelling by upper-case name.
GPU_TYPES = {
    "T4": "T4", "L4": "L4", "A10": "A10", "A10G": "A10", "L40S": "L40S", "A100": "A100",
    "A100-40GB": "A100", "A100-80GB": "A100-80GB", "RTX-PRO-6000": "RTX-PRO-6000", "H100": "H100",
    "H200": "H200", "B200": "B200", "B200+": "B200+",
}
MAX_GPU_COUNT = {"A10": 4}  # Modal: at most 4 A10s per container; 8 of the others
# TORCH_CUDA_ARCH_LIST entries by architecture name, as torch's cpp_extension expands its named
# archs (KernelBench's set_gpu_arch passes these names straight to TORCH_CUDA_ARCH_LIST).
ARCH_CAPABILITY = {"maxwell": "5.0;5.2+PTX", "pascal": "6.0;6.1+PTX", "volta": "7.0+PTX", "turing": "7.5+PTX",
                   "ampere": "8.0;8.6+PTX", "ada": "8.9+PTX", "hopper": "9.0+PTX", "blackwell": "10.0;12.0+PTX"}
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
    if count and int(count[1:]) > MAX_GPU_COUNT.get(name, 8):
        raise ValueError("%s allows at most %d GPUs per container (%s:N)" % (name, MAX_GPU_COUNT[name], name))
    return name + ("!" if pinned else "") + count


def _whole(env, key, default, lo, hi, what):
    raw = str(env.get(key) or default).strip()
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise ValueError("%s must be %s from %d to %d (got %r)" % (key, what, lo, hi, raw))
    return int(raw)


def deploy_settings(env=None) -> dict:
    """The deploy-time settings from KERNELWATCH_MODAL_GPU / KERNELWATCH_MODAL_TIMEOUT."""
    env = os.environ if env is None else env
    gpu = normalize_gpu(env.get("KERNELWATCH_MODAL_GPU") or DEFAULT_GPU)
    # The CLI's `modal deploy --timeout` takes 10..86400 s: the same range here.
    deployed = _whole(env, "KERNELWATCH_MODAL_TIMEOUT", DEFAULT_TIMEOUT_S, MIN_TIMEOUT_S, MAX_TIMEOUT_S,
                      "whole seconds")
    function_timeout = min(deployed + FUNCTION_MARGIN_S, MAX_TIMEOUT_S)
    max_timeout = min(deployed, function_timeout - FUNCTION_MARGIN_S)  # the child ends inside the function
    return {
        "gpu": gpu,
        "max_timeout_s": max_timeout,
        "function_timeout_s": function_timeout,
        # The web function waits for the class call, which may itself wait for a container.
        "endpoint_timeout_s": min(function_timeout + FUNCTION_MARGIN_S, MAX_TIMEOUT_S),
        "max_containers": _whole(env, "KERNELWATCH_MODAL_MAX_CONTAINERS", DEFAULT_MAX_CONTAINERS, 1, 100000,
                                 "a whole number"),
        "legacy_deadline_s": _whole(env, "KERNELWATCH_LEGACY_DEADLINE_S", LEGACY_DEADLINE_DEFAULT_S,
                                    MIN_CHILD_TIMEOUT_S + LEGACY_MARGIN_S, MAX_TIMEOUT_S, "whole seconds"),
    }


def legacy_child_timeout(settings: dict) -> float:
    """The child deadline on the legacy path: before the caller's Modal timeout
    (KERNELWATCH_LEGACY_DEADLINE_S) by LEGACY_MARGIN_S, and never past the class's own."""
    return float(max(MIN_CHILD_TIMEOUT_S, min(settings["max_timeout_s"],
                                             settings["legacy_deadline_s"] - LEGACY_MARGIN_S)))


def empty_result(request: dict) -> dict:
    return {
        "format_ok": True, "compiled": False, "correctness": False, "tests_passed": 0,
        "tests_total": int(request.get("num_correct_trials") or 0), "speedup": None, "runtime_ms": None,
        "baseline_runtime_ms": None, "cheated": False, "error_message": "",
        "code_length": len(request.get("kernel_code") or ""), "metadata": {}, "id": request.get("id", ""),
        "status": "infra_error", "flags": [], "runtime_stats": None, "baseline_stats": None,
        "speedup_ci": None, "timing_quality": None, "baselines": None, "sol": None,
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


def new_result_id() -> str:
    """Unique across containers (a time + pid id collided: every container's process has the same
    pid)."""
    return "modal-" + uuid.uuid4().hex


def request_from_legacy_args(ref_code, kernel_code, backend="cuda", num_correct_trials=5,
                             measure_performance=True, num_perf_trials=100, gpu_arch=None,
                             precision="fp32", timeout_s=None, gpu_type=None) -> dict:
    """The EvalRequest for KernelEvaluator.evaluate(...)'s positional signature."""
    req = {
        "id": new_result_id(),
        "ref_code": ref_code or "", "kernel_code": kernel_code or "", "backend": backend or "cuda",
        "device": "cuda", "precision": precision or "fp32",
        "num_correct_trials": int(num_correct_trials if num_correct_trials is not None else 5),
        "measure_performance": bool(measure_performance),
        "num_perf_trials": int(num_perf_trials if num_perf_trials is not None else 100),
        "timeout_s": float(timeout_s or os.environ.get("KERNELWATCH_MODAL_TIMEOUT") or DEFAULT_TIMEOUT_S),
        "target": "modal", "gpu_type": gpu_type or os.environ.get("KERNELWATCH_MODAL_GPU", DEFAULT_GPU),
        "source": "modal",
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
    bad = _baselines_problem(req)
    if bad:
        return req, gpu, 0.0, warnings, bad
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


def _baselines_problem(req: dict) -> str:
    """What is wrong with the request's "baselines" / "compile_mode" ('' when fine), checked before
    a GPU container starts; the evaluator (kernelwatch_eval.measure.baselines) owns the rule. Both pass
    through to the child unchanged; where the package is not importable the child checks them."""
    try:
        from kernelwatch_eval.measure.baselines import parse_request
    except ImportError:
        return ""
    return parse_request(req)[2]


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


def _arch_entries(item) -> list:
    """'Hopper' -> ['9.0+PTX']; 'sm_90' / '9.0' / '9.0+PTX' / '90' -> themselves as X.Y[+PTX]."""
    t = str(item or "").strip()
    if not t:
        return []
    named = ARCH_CAPABILITY.get(t.lower())
    if named:
        return named.split(";")
    ptx = t.upper().endswith("+PTX")
    base = t[:-4] if ptx else t
    base = base.lower()
    if base.startswith("sm_") or base.startswith("compute_"):
        base = base.split("_", 1)[1]
    if base.isdigit() and len(base) >= 2:
        base = base[:-1] + "." + base[-1]
    parts = base.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return []
    return [base + ("+PTX" if ptx else "")]


def arch_list_for(gpu_arch=None, compute_capability: str = "") -> str:
    """TORCH_CUDA_ARCH_LIST for one evaluation: the GPU's own capability first (a caller's
    gpu_arch never replaces it), then the archs the caller named. '+PTX' wins over the same
    arch without it."""
    if isinstance(gpu_arch, str):
        gpu_arch = gpu_arch.replace(",", ";").split(";")
    entries = _arch_entries(compute_capability) + [e for a in (gpu_arch or []) for e in _arch_entries(a)]
    out = []
    for e in entries:
        base = e[:-4] if e.endswith("+PTX") else e
        for i, o in enumerate(out):
            if (o[:-4] if o.endswith("+PTX") else o) == base:
                if e.endswith("+PTX"):
                    out[i] = e
                break
        else:
            out.append(e)
    return ";".join(out)


# (substring of the CUDA device name, Modal GPU name); first match wins.
_GPU_NAME_MAP = (("H200", "H200"), ("H100", "H100"), ("H800", "H100"), ("B200", "B200"), ("B300", "B200+"),
                 ("RTX PRO 6000", "RTX-PRO-6000"), ("L40S", "L40S"), ("L4", "L4"), ("A10G", "A10"),
                 ("A10", "A10"), ("T4", "T4"))


def modal_gpu_name(device_name: str, memory_gib=None) -> str:
    """Modal's name for a CUDA device name: 'NVIDIA H100 80GB HBM3' -> 'H100',
    'NVIDIA A100-SXM4-80GB' -> 'A100-80GB'; '' when unknown."""
    n = str(device_name or "").upper()
    if "A100" in n:
        big = "80GB" in n.replace(" ", "") or (memory_gib is not None and float(memory_gib) > 50)
        return "A100-80GB" if big else "A100"
    for key, name in _GPU_NAME_MAP:
        if key in n:
            return name
    return ""


def served_gpu(requested: str, device_name: str = "", memory_gib=None, detected: str = "") -> str:
    """The GPU a result is labelled and priced with: the one the container has (from the child's
    device name, else what the container detected at start), with the request's :N count."""
    req = str(requested or "")
    count = ":" + req.split(":", 1)[1] if ":" in req else ""
    real = modal_gpu_name(device_name, memory_gib) or str(detected or "").split(":", 1)[0]
    return (real + count) if real else req


def detect_gpu() -> dict:
    """{"name": 'NVIDIA H100 80GB HBM3', "modal": 'H100', "capability": '9.0', "count": 1} from
    nvidia-smi: no CUDA context is created (children fork cleanly); {} when it fails."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,compute_cap",
                              "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=20)
        lines = [ln for ln in out.stdout.strip().splitlines() if ln.strip()] if out.returncode == 0 else []
        name, mem_mib, cap = [x.strip() for x in lines[0].split(",")[:3]]
        mem_gib = float(mem_mib) / 1024 if mem_mib.replace(".", "").isdigit() else None
        return {"name": name, "modal": modal_gpu_name(name, mem_gib), "count": len(lines),
                "capability": cap if cap.replace(".", "").isdigit() else ""}
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return {}


def detect_compute_capability() -> str:
    """'9.0' for an H100 (nvidia-smi; no CUDA context)."""
    return detect_gpu().get("capability", "")


def legacy_conventions(result: dict, request: dict, child_timeout_s: float, caller_deadline_s: float) -> dict:
    """kernel_rl's drop-in conventions for the legacy `evaluate` method (see the module doc)."""
    md = result.setdefault("metadata", {})
    if not isinstance(md, dict):
        md = result["metadata"] = {}
    md["kernelwatch_format_ok"] = result.get("format_ok")
    result["format_ok"] = True  # kernel_rl's app: the caller extracted the code and checked its format
    if result.get("status") == "rejected":
        flags = [f for f in result.get("flags") or [] if f != "excessive_speedup"] or ["integrity"]
        msg = str(result.get("error_message") or "")
        if not msg.lower().startswith("rejected"):
            details = md.get("flag_details") or {}
            msg = "; ".join("%s: %s" % (f, details.get(f, "")) for f in flags) + (" -- " + msg if msg else "")
            msg = "rejected (" + ", ".join(flags) + "): " + msg
        result["error_message"] = "kernelwatch " + msg if not msg.startswith("kernelwatch") else msg
    if result.get("status") == "timeout":
        md["legacy_deadline_s"] = caller_deadline_s
        result["error_message"] = (str(result.get("error_message") or "timed out") +
                                   " (the legacy evaluate method stops a kernel %d s before the caller's %d s Modal "
                                   "timeout; deploy with KERNELWATCH_LEGACY_DEADLINE_S set to kernel_rl's "
                                   "modal_timeout)" % (int(caller_deadline_s - child_timeout_s), caller_deadline_s))
    return result


def evaluate_in_container(request: dict, timeout_s: float, run_isolated, *, cache_dir: str = CACHE_DIR,
                          gpu: str = "", container_id: str = "", print_fn=print, detected: dict = None,
                          legacy_deadline_s: float = 0.0) -> dict:
    """Runs one request in its own child (run_isolated), fills what the container knows, prints
    the KERNELWATCH_EVAL line. Never raises. `detected`: detect_gpu() of this container.
    `legacy_deadline_s` > 0: the legacy method's conventions (legacy_conventions)."""
    t0 = time.time()
    detected = detected or {}
    try:
        if detected.get("modal"):
            # The speed-of-light table row when the device name itself matches none
            # (kernelwatch_eval.measure.speed_of_light).
            request = dict(request, served_gpu=detected["modal"])
        if request.get("gpu_arch"):
            # Per child: the harness sets TORCH_CUDA_ARCH_LIST from the device plus these.
            request = dict(request, gpu_arch=arch_list_for(request.get("gpu_arch"),
                                                           detected.get("capability", "")).split(";"))
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
    requested = gpu or str(request.get("gpu_type") or "")
    if isinstance(device, dict):
        md = result.get("metadata") if isinstance(result.get("metadata"), dict) else {}
        real = served_gpu(requested, device.get("name", ""), md.get("memory_gib"), detected.get("modal", ""))
        device["target"] = "modal:" + real
        if not device.get("name") and detected.get("name"):
            device["name"] = detected["name"]
        if real.split(":")[0] != requested.rstrip("!").split(":")[0] and requested:
            result.setdefault("metadata", {})["requested_gpu"] = requested
    if legacy_deadline_s:
        legacy_conventions(result, request, timeout_s, legacy_deadline_s)
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
                "max_containers": settings.get("max_containers"),
                "legacy_deadline_s": settings.get("legacy_deadline_s"),
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
        "KERNELWATCH_MODAL_MAX_CONTAINERS": str(SETTINGS["max_containers"]),
        "KERNELWATCH_LEGACY_DEADLINE_S": str(SETTINGS["legacy_deadline_s"]),
        "KERNELWATCH_CACHE_DIR": CACHE_DIR,
        # torch.cuda.is_available() via NVML: the container process never creates a CUDA context,
        # so kernels can run in forked children.
        "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        "PYTHONUNBUFFERED": "1",
    }

    app = modal.App(APP_NAME)

    image = (
        modal.Image.from_registry("nvidia/cuda:12.8.1-devel-ubuntu22.04", add_python="3.11")
        .entrypoint([])  # no CUDA image banner in every container's log
        .apt_install("build-essential", "ninja-build", "git")
        .pip_install("torch==2.7.1", "numpy", "ninja", extra_index_url="https://download.pytorch.org/whl/cu128")
        .pip_install("triton")
        .env(_SETTINGS_ENV)
        .add_local_dir(str(_HERE / "kernelwatch_eval"), remote_path="/root/kernelwatch_eval")
    )
    web_image = (modal.Image.debian_slim(python_version="3.11").pip_install("fastapi[standard]").env(_SETTINGS_ENV)
                 # request checks shared with the evaluator (baselines / compile_mode)
                 .add_local_dir(str(_HERE / "kernelwatch_eval"), remote_path="/root/kernelwatch_eval"))

    @app.cls(image=image, gpu=SETTINGS["gpu"], timeout=SETTINGS["function_timeout_s"], scaledown_window=300,
             max_containers=SETTINGS["max_containers"], restrict_modal_access=True, block_network=True)
    class KernelEvaluator:
        @modal.enter()
        def setup(self):
            sys.path.insert(0, "/root")
            import kernelwatch_eval  # noqa: F401  (before torch: keeps forks CUDA-clean)
            self.cache_dir = os.environ.get("KERNELWATCH_CACHE_DIR", CACHE_DIR)
            os.makedirs(self.cache_dir, exist_ok=True)
            self.container_id = os.environ.get("MODAL_TASK_ID", "")
            self.gpu = detect_gpu()  # the device this container really has (nvidia-smi, no CUDA context)

        def _run(self, request: dict, timeout_s: float, legacy_deadline_s: float = 0.0) -> dict:
            from kernelwatch_eval.standalone import run_isolated
            result = evaluate_in_container(request, timeout_s, run_isolated, cache_dir=self.cache_dir,
                                           gpu=str(request.get("gpu_type") or SETTINGS["gpu"]),
                                           container_id=self.container_id, detected=self.gpu,
                                           legacy_deadline_s=legacy_deadline_s)
            if is_cuda_fault(result):
                result.setdefault("metadata", {})["container_retired"] = retire_container()
            return result

        @modal.method()
        def evaluate(self, ref_code, kernel_code, backend="cuda", num_correct_trials=5, measure_performance=True,
                     num_perf_trials=100, gpu_arch=None, precision="fp32") -> dict:
            child_timeout = legacy_child_timeout(SETTINGS)
            # The caller chose the GPU through with_options, which the container cannot see: the
            # request is labelled with the GPU it has (no false metadata.requested_gpu).
            req = request_from_legacy_args(ref_code, kernel_code, backend, num_correct_trials,
                                           measure_performance, num_perf_trials, gpu_arch, precision,
                                           timeout_s=child_timeout,
                                           gpu_type=self.gpu.get("modal") or SETTINGS["gpu"])
            return strip_code(self._run(req, child_timeout, float(SETTINGS["legacy_deadline_s"])))

        @modal.method()
        def evaluate_request(self, request: dict, timeout_s: float) -> dict:
            return self._run(request, float(timeout_s))

    @app.function(image=web_image, timeout=SETTINGS["endpoint_timeout_s"])
    @modal.concurrent(max_inputs=200)
    @modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)
    def evaluate_http(body: dict) -> dict:
        def remote(request, gpu, timeout_s):
            # The GPU only: each distinct option set is a separate container pool. The request's
            # timeout is the child's deadline inside the deploy-time function timeout.
            cls = KernelEvaluator if gpu == SETTINGS["gpu"] else KernelEvaluator.with_options(gpu=gpu)
            return cls().evaluate_request.remote(request, timeout_s)

        return handle_http_body(body, SETTINGS, remote)
