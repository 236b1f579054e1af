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
    "baselines": None, "sol": None,
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


STAGE_RANK = {"compiling": 1, "checking": 2, "timing": 3}


def format_seconds(s: float) -> str:
    """As the C++ core's formatSeconds: '30 s', '2 min', '2 min 5 s', '1.5 s'."""
    s = float(s)
    if s >= 120 and s % 60 == 0:
        return f"{s / 60:.0f} min"
    if s >= 120:
        return f"{s // 60:.0f} min {s % 60:.0f} s"
    if s == int(s):
        return f"{s:.0f} s"
    return f"{s:.3g} s"


def _stage_reached(stage: str, at: str) -> bool:
    return STAGE_RANK.get(stage or "", 0) >= STAGE_RANK[at]


def _last_line(text: str) -> str:
    t = str(text or "").rstrip(" \n\r\t")
    line = t[t.rfind("\n") + 1:] if t else ""
    return line[:300] + "..." if len(line) > 300 else line


def _describe_signal(sig: int) -> str:
    try:
        desc = signal.strsignal(sig)
    except (ValueError, AttributeError):
        desc = None
    return f"signal {_signame(sig)}" + (f" ({desc})" if desc else "")


def verdict(result, exited: dict, timed_out: bool, timeout_s: float, last_stage: str = "",
            mode: str = "eval", cancelled: bool = False) -> dict:
    """status / error_message / compiled / metadata decided from the child's document and its
    exit record, word for word as the C++ core's assembleResult (core/local/ResultAssembly.cpp),
    so both targets tell the same story. Golden cases: tests/fixtures/verdicts/*.json."""
    exited = exited or {}
    have = isinstance(result, dict) and not (exited.get("channel_error") and not exited.get("result_received", True))
    where = " while building on the CPU" if mode == "compile" else ""
    cancelled = cancelled or exited.get("killed_reason") == "cancelled"
    if cancelled:
        return {"status": "infra_error", "error_message": "cancelled", "compiled": _stage_reached(last_stage, "checking"),
                "metadata": {}, "flags": []}
    if timed_out:
        msg = f"exceeded the {format_seconds(timeout_s)} timeout{where}"
        if last_stage:
            msg += f" (stage: {last_stage})"
        return {"status": "timeout", "error_message": msg, "compiled": _stage_reached(last_stage, "checking"),
                "metadata": {"killed_at_stage": last_stage or "start"}, "flags": []}
    if not have:
        kr, sig, ce, code = exited.get("killed_reason"), exited.get("signal"), exited.get("channel_error"), \
            exited.get("exit_code")
        if kr:
            why = f"killed by the evaluator ({kr})"
        elif sig:
            why = f"the kernel process died of {_describe_signal(sig)} without a result"
        elif ce:
            why = f"result channel error: {ce}"
        elif code:
            why = f"the kernel process exited with code {code} without a result"
        elif exited:
            why = "the kernel process exited without writing a result"
        else:
            why = "the kernel process ended without a result"
        if ce and "channel" not in why:
            why += f"; result channel: {ce}"
        tail = _last_line(exited.get("log_tail", "")) if exited else ""
        if tail:
            why += f"; last output: {tail}"
        md = {}
        if sig:
            md["signal"] = _signame(sig)
        if kr:
            md["killed_reason"] = kr
        return {"status": "crashed", "error_message": why, "compiled": _stage_reached(last_stage, "checking"),
                "metadata": md, "flags": []}
    out = {"status": result.get("status"), "error_message": str(result.get("error_message") or ""),
           "compiled": bool(result.get("compiled")), "metadata": dict(result.get("metadata") or {}),
           "flags": list(result.get("flags") or [])}
    if not out["status"] and mode != "compile":  # kernel_rl's legacy dicts carry no status
        out["status"] = "rejected" if result.get("cheated") else "compile_error" if not out["compiled"] else \
            "correct" if result.get("correctness") else "incorrect"
    if exited.get("signal"):
        out["metadata"]["exit_signal"] = _signame(exited["signal"])  # died after delivering
    return out


def assemble(request: dict, target: str, result, exited: dict, timed_out: bool, timeout_s: float,
             wall_s: float, last_stage: str = "", mode: str = "eval") -> dict:
    """Full result for one job. `result` is the child's document or None; `exited` the exit
    record (see supervisor.py); `last_stage` the last progress stage the child reported."""
    res = empty_result(request, target)
    v = verdict(result, exited, timed_out, timeout_s, last_stage, mode)
    if isinstance(result, dict) and v["status"] not in ("timeout", "crashed") and v["error_message"] != "cancelled":
        for k, val in result.items():
            if k in ("timings", "device", "worker") and isinstance(val, dict):
                res[k].update(val)
            else:
                res[k] = val
    else:
        res["worker"]["pid"] = exited.get("pid") or 0
    res.update(status=v["status"], error_message=v["error_message"], compiled=v["compiled"])
    md = dict(res.get("metadata") or {})
    md.update(v["metadata"])
    if exited.get("channel_error") and not isinstance(result, dict):
        md["channel_error"] = exited["channel_error"]
    res["log_tail"] = exited.get("log_tail", "")
    md.update(log_bytes=exited.get("log_bytes", 0), max_rss_kb=exited.get("max_rss_kb", 0))
    if exited.get("killed_reason"):
        md["killed_reason"] = exited["killed_reason"]
    res["metadata"] = md
    res["timings"]["total"] = max(res["timings"].get("total") or 0.0, wall_s)
    res["finished_at"] = time.time()
    res["request"] = public_request(request)
    return res
