"""Turning a child's (partial) result plus its exit record into a full EvalResult dict.

The C++ core does the same on its side for the zygote path; run_isolated and the Python
ZygoteClient use this.
"""
from __future__ import annotations

import signal
import time

RESULT_KEYS_DEFAULTS = {
    "format_ok": True, "compiled": False, "correctness": False, "tests_passed": 0, "tests_total": 0,
    "speedup": None, "runtime_ms": None, "baseline_runtime_ms": None, "cheated": False,
    "error_message": "", "code_length": 0, "metadata": {}, "id": "", "status": "infra_error",
    "flags": [], "runtime_stats": None, "baseline_stats": None, "log_tail": "",
    "isolation": "", "cost_usd": None, "speedup_ci": None, "timing_quality": None,
}


def _signame(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def empty_result(request: dict, target: str) -> dict:
    res = {k: (v.copy() if isinstance(v, (dict, list)) else v) for k, v in RESULT_KEYS_DEFAULTS.items()}
    code = str(request.get("kernel_code") or "")
    res.update(id=request.get("id", ""), code_length=len(code),
               tests_total=int(request.get("num_correct_trials") or 5),
               format_ok="class ModelNew" in code)
    res["timings"] = {"queued": 0.0, "compile": 0.0, "correctness": 0.0, "perf": 0.0, "total": 0.0}
    res["device"] = {"name": "", "arch": "", "target": target}
    res["worker"] = {"pid": 0, "gpu_index": -1, "container_id": ""}
    return res


def public_request(request: dict) -> dict:
    """The request as echoed in a result: no seed_secret, no sources (the caller has them)."""
    return {k: v for k, v in request.items() if k not in ("seed_secret", "ref_code", "kernel_code")}


def assemble(request: dict, target: str, result, exited: dict, timed_out: bool, timeout_s: float,
             wall_s: float) -> dict:
    """Full result for one job. `result` is the child's document or None; `exited` the exit
    record (see supervisor.py)."""
    res = empty_result(request, target)
    if isinstance(result, dict) and not timed_out:
        for k, v in result.items():
            if k in ("timings", "device", "worker") and isinstance(v, dict):
                res[k].update(v)
            else:
                res[k] = v
    else:
        if timed_out:
            res["status"] = "timeout"
            res["error_message"] = f"timed out after {timeout_s:g} s"
        else:
            res["status"] = "crashed"
            parts = []
            if exited.get("killed_reason"):
                parts.append(str(exited["killed_reason"]))
            if exited.get("signal"):
                parts.append(f"the evaluation process was killed by {_signame(exited['signal'])}")
            elif exited.get("exit_code") is not None:
                parts.append(f"the evaluation process exited with code {exited['exit_code']}")
            if exited.get("channel_error"):
                parts.append(str(exited["channel_error"]))
            res["error_message"] = "; ".join(parts) or "the evaluation process ended without a result"
        if isinstance(result, dict):  # what the child reported before the deadline
            res["compiled"] = bool(result.get("compiled"))
        res["worker"]["pid"] = exited.get("pid") or 0
    if exited.get("channel_error") and isinstance(result, dict) is False:
        res["metadata"] = dict(res.get("metadata") or {}, channel_error=exited["channel_error"])
    res["log_tail"] = exited.get("log_tail", "")
    md = dict(res.get("metadata") or {})
    md.update(log_bytes=exited.get("log_bytes", 0), max_rss_kb=exited.get("max_rss_kb", 0))
    if exited.get("killed_reason"):
        md["killed_reason"] = exited["killed_reason"]
    res["metadata"] = md
    res["timings"]["total"] = max(res["timings"].get("total") or 0.0, wall_s)
    res["finished_at"] = time.time()
    res["request"] = public_request(request)
    return res
