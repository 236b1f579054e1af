"""One evaluation without a zygote (standalone), for the Modal app and scripts.

    run_isolated(request: dict, timeout_s: float, cache_dir: str, *, target=None, method="auto",
                 threads=0, mem_limit_mb=None, landlock=True, on_progress=None) -> dict

Forks a child with the same set-up as the zygote's children (setsid, pdeathsig, rlimits, temp
dir, secrets scrubbed, Landlock), enforces the hard timeout by killing the child's process group,
and returns a full EvalResult dict (status `timeout` / `crashed` when the child did not deliver).
Never raises for anything the kernel does.

method: "fork" (fast: the caller must not have initialised CUDA), "spawn" (a fresh interpreter
running kernelwatch_eval.run_one), "auto" (fork unless a forked child could not use CUDA:
checked with a throw-away fork). Import kernelwatch_eval before torch, or set
PYTORCH_NVML_BASED_CUDA_CHECK=1, so that torch.cuda.is_available() does not poison forks.
The calling process becomes a child subreaper (PR_SET_CHILD_SUBREAPER) so that daemonised
grandchildren come back to it and are killed; it only ever waits on pids it knows.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from .evaluation.child import child_main
from .evaluation.results import STAGE_RANK, assemble
from .sandbox import procutil
from .sandbox.supervisor import Supervisor


def default_target(request: dict) -> str:
    """cpu / cuda:N from request['device'] without touching CUDA."""
    dev = str(request.get("device") or "auto")
    if dev == "cpu":
        return "cpu"
    if dev.startswith("cuda:") and dev[5:].isdigit():
        return dev
    has_gpu = os.path.exists("/dev/nvidiactl") and os.environ.get("CUDA_VISIBLE_DEVICES", None) != ""
    return "cuda:0" if has_gpu else "cpu"


def _cuda_initialised() -> bool:
    return procutil.fork_is_cuda_poisoned()


def run_isolated(request: dict, timeout_s: float, cache_dir: str, *, target: str = None,
                 method: str = "auto", threads: int = 0, mem_limit_mb: int = None, landlock: bool = True,
                 on_progress=None) -> dict:
    target = target or default_target(request)
    if method == "auto":
        method = "spawn" if target.startswith("cuda") and _cuda_initialised() else "fork"
    timeout_s = float(timeout_s or request.get("timeout_s") or 300.0)
    if method == "spawn":
        return _run_spawn(request, timeout_s, cache_dir, target, threads, mem_limit_mb, landlock)
    mem_kb = procutil.default_mem_limit_kb(mem_limit_mb)
    cfg = {"target": target, "cache_dir": os.path.abspath(cache_dir), "mode": "eval", "threads": threads,
           "landlock": landlock, "mem_limit_kb": mem_kb}
    os.makedirs(cfg["cache_dir"], exist_ok=True)
    events = {}
    stage = [""]  # the furthest stage the child reported

    def emit(ev):
        kind = ev.get("event")
        if kind == "progress":
            if STAGE_RANK.get(ev.get("stage"), 0) > STAGE_RANK.get(stage[0], 0):
                stage[0] = ev.get("stage")
            if on_progress is not None:
                try:
                    on_progress(ev.get("stage"), ev.get("detail"))
                except Exception:
                    pass
        events[kind] = ev

    sup = Supervisor(cfg, emit, own_all_children=False, child_main=child_main)
    t0 = time.monotonic()
    job = sup.spawn("job", request)
    deadline = t0 + timeout_s
    timed_out = False
    while "exited" not in events:
        now = time.monotonic()
        if not timed_out and now >= deadline and not job.reaped:
            timed_out = True
            sup.kill(job, None)
        if now > deadline + 10:  # should not happen: a SIGKILLed child is reaped at once
            sup.shutdown(1.0)
            break
        sup.step(min(0.05, max(0.0, deadline - now)) if not timed_out else 0.05)
    sup.drain_orphans(1.0)
    exited = events.get("exited", {"channel_error": "supervisor gave up", "pid": job.pid})
    result = events.get("result", {}).get("result")
    return assemble(request, target, result, exited, timed_out, timeout_s, time.monotonic() - t0,
                    last_stage=stage[0])


def _run_spawn(request, timeout_s, cache_dir, target, threads, mem_limit_mb, landlock) -> dict:
    from .evaluation.results import empty_result
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for k in list(env):
        if procutil.is_secret_name(k):
            del env[k]
    cmd = [sys.executable, "-m", "kernelwatch_eval.run_one", "--cache-dir", cache_dir, "--target", target,
           "--timeout", str(timeout_s), "--threads", str(threads)]
    if mem_limit_mb is not None:
        cmd += ["--mem-limit-mb", str(mem_limit_mb)]
    if not landlock:
        cmd.append("--no-landlock")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, start_new_session=True)
    try:
        out, err = p.communicate(json.dumps(request).encode(), timeout=timeout_s + 60)  # interpreter start
    except subprocess.TimeoutExpired:
        procutil.killpg_quiet(p.pid)
        out, err = p.communicate()
    try:
        return json.loads(out.decode())
    except ValueError:
        res = empty_result(request, target)
        res["error_message"] = "run_one gave no result: " + err.decode("utf-8", "replace")[-2000:]
        res["timings"]["total"] = time.monotonic() - t0
        return res
