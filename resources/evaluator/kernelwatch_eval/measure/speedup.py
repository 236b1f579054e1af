"""Timing of reference and candidate in the same process by the same method.

Two secret-seeded input sets are copied into fixed input buffers in turn before each trial
(outside the timed window), so a kernel that caches its output by input pointer returns stale
values; every timed candidate output is checked against the reference output for its set.
Reference and candidate alternate in blocks (ref,cand / cand,ref / ...) to cancel drift; the
reference under torch.compile, when asked for (baselines.py), joins the rotation as a third model
(ref,cand,compile / cand,compile,ref / compile,ref,cand). Each model: 3 warm-up calls; cache
flushed before every trial; the first timed trial discarded;
trials added until both have >= num_perf_trials and a relative standard error <= 0.5 %, or the
time budget or trial cap is reached. runtime_ms / baseline_runtime_ms are MEDIANS.
"""
from __future__ import annotations

import time

from ..checks import compare, correctness, integrity
from . import quality
from .timing import rel_std_err, stats

_monotonic = time.monotonic
WARMUP = 3
TARGET_RSE = 0.005
EXCESSIVE_SPEEDUP = 10.0


def _copy_in(torch, buf, src):
    for b, s in zip(buf, src):
        if isinstance(b, torch.Tensor):
            b.copy_(s)
        elif isinstance(b, (list, tuple)):
            _copy_in(torch, b, s)


def _median(xs):
    return stats(xs)["median"] if xs else None


def measure(ev):
    torch = ev.torch
    t0 = _monotonic()
    req = ev.req
    base = max(1, int(req.get("num_perf_trials") or 100))
    max_trials = int(req.get("max_perf_trials") or max(base, 10 * base))
    timeout = float(req.get("timeout_s") or 300.0)
    budget = float(req.get("perf_budget_s") or min(60.0, max(5.0, 0.3 * timeout)))
    tol = compare.TOLERANCE[ev.precision]
    timer = ev.timer
    ev.ctx.progress("timing", f"{base} trials each")

    sets = [correctness.make_inputs(ev, (ev.secret + 1 + k) & 0x7FFFFFFF) for k in range(2)]
    expected = [correctness.call(ev, ev.ref_model, correctness.clone_args(torch, s)) for s in sets]
    sizes = integrity.tensor_nbytes(torch, integrity.flatten(expected[0]))
    shared = correctness.clone_args(torch, sets[0])
    guard = timer.guard(correctness.tensors_of(torch, shared))
    models = {"ref": ev.ref_model, "cand": ev.new_model}
    compiled = getattr(ev, "compiled_ref", None)
    if compiled is not None and compiled.model is not None:
        models["compile"] = compiled.model  # the reference under torch.compile, timed like the others
    names = list(models)
    # One input buffer shared by every model (refreshed before every trial), so that the effect
    # of input addresses on memory performance is the same for all.
    buffers = {w: shared for w in names}
    times = {w: [] for w in names}
    host = {w: [] for w in names}
    call = {w: [] for w in names}
    stream = {w: [] for w in names}
    count = {w: 0 for w in names}

    def run(which, n, timed=True):
        model, buf = models[which], buffers[which]
        integrity.poison(torch, ev.device, sizes, ev.cuda)
        for _ in range(n):
            k = count[which] % 2
            count[which] += 1
            _copy_in(torch, buf, sets[k])
            try:
                with ev.no_grad():
                    out, ms, h_ms, s_ms, c_ms = timer.time_call(model, buf, guard=guard)
            except BaseException as e:
                if which == "compile":  # the compiled reference failed: drop it, not the kernel's fault
                    compiled.failed("torch.compile failed while timing: " + repr(e)[:300])
                    names.remove("compile")
                    return
                if which == "ref":
                    ev.finish("infra_error", "reference failed while timing: " + repr(e))
                from ..loading import loader
                ev.finish("runtime_error", "failed while timing: " + loader.format_exception(e))
            if which == "cand":
                recheck(ev, out, expected[k], tol)
                if not ev.ref_modifies_inputs and integrity.inputs_changed(
                        torch, correctness.tensors_of(torch, buf), correctness.tensors_of(torch, sets[k])):
                    ev.reject("inputs_modified", "the kernel modified its inputs while being timed")
            del out
            if timed:
                if count[which] > WARMUP + 1:  # first timed trial discarded
                    times[which].append(ms)
                    host[which].append(h_ms)
                    call[which].append(c_ms)
                    stream[which].append(s_ms)

    procs_before, t_procs = quality.cpu_snapshot(), _monotonic()
    try:
        for which in list(names):
            run(which, WARMUP)
        block = max(1, min(10, base))
        rnd = 0
        while True:
            # ref,cand / cand,ref with two models; rotations of ref,cand,compile with three
            r = rnd % len(names)
            for which in names[r:] + names[:r]:
                if which in names:
                    run(which, block)
            rnd += 1
            n = min(len(times[w]) for w in names)
            elapsed = _monotonic() - t0
            cur = stream if ev.cuda else times  # the window normally reported
            if n >= base and max(rel_std_err(cur[w]) for w in names) <= TARGET_RSE:
                ev.md["timing_stop"] = "rse"
                break
            if n >= max_trials:
                ev.md["timing_stop"] = "max_trials"
                break
            if elapsed > budget and n >= min(base, 3):
                ev.md["timing_stop"] = "budget"
                break
            if elapsed > 2 * budget and n >= 1:
                ev.md["timing_stop"] = "budget_hard"
                break
        ev.check_state("after timing")
    finally:
        ev.res["timings"]["perf"] = _monotonic() - t0
    busy = quality.busy_others(procs_before, quality.cpu_snapshot(), _monotonic() - t_procs)

    window = "current_stream"
    if ev.cuda:
        window = side_stream_check(ev, times, stream, host)
        ev.md["stream_median_ms"] = {w: _median(stream[w]) for w in names}
        ev.md["device_sync_median_ms"] = {w: _median(times[w]) for w in names}
        if window == "current_stream":
            times = stream
    ev.md["timing_window"] = window if ev.cuda else "host"
    rs, cs = stats(times["ref"]), stats(times["cand"])
    ev.res["baseline_stats"], ev.res["runtime_stats"] = rs, cs
    ev.res["baseline_runtime_ms"], ev.res["runtime_ms"] = rs["median"], cs["median"]
    if rs["median"] and cs["median"]:
        ev.res["speedup"] = rs["median"] / cs["median"]
    ev.md["timing_method"] = timer.method
    ev.md["l2_flush_bytes"] = timer.flush_bytes
    ev.md["rse"] = {w: rel_std_err(times[w]) for w in names}
    ev.md["host_median_ms"] = {"ref": _median(host["ref"]), "cand": _median(host["cand"])}
    ev.md["host_call_median_ms"] = {"ref": _median(call["ref"]), "cand": _median(call["cand"])}
    ev.md["input_guard"] = bool(guard)
    ev.md["perf_trials_requested"] = base
    if rs["median"] and cs["median"]:
        ci = quality.speedup_ci(times["ref"], times["cand"])
        tq = quality.assess(times["ref"], times["cand"], ci, cpu_timing=not ev.cuda,
                            threads=int(ev.md.get("num_threads") or 1), busy=busy,
                            stop=ev.md.get("timing_stop", ""), trials_requested=base)
        ev.res["speedup_ci"], ev.res["timing_quality"] = ci, tq
        # Mirrored in metadata: the C++ core keeps metadata whole but drops unknown top-level keys.
        ev.md["speedup_ci"], ev.md["timing_quality"] = ci, tq
    if ev.res["speedup"] and ev.res["speedup"] > EXCESSIVE_SPEEDUP:
        ev.flag("excessive_speedup", f"speedup {ev.res['speedup']:.1f}x is above {EXCESSIVE_SPEEDUP:g}x")
    report_baselines(ev, times, names)
    speed_of_light(ev, cs["median"], sets, expected)


def report_baselines(ev, times, names):
    """result.baselines (mirrored in metadata): eager always, compile when it was asked for."""
    cand = times["cand"]
    cm = _median(cand)
    bl = {"eager": {"runtime_ms": ev.res["baseline_runtime_ms"], "stats": ev.res["baseline_stats"],
                    "speedup": ev.res["speedup"], "speedup_ci": ev.res["speedup_ci"]}}
    compiled = getattr(ev, "compiled_ref", None)
    if compiled is not None:
        entry = compiled.entry()
        if "compile" in names and not compiled.error:
            st = stats(times["compile"])
            entry.update(runtime_ms=st["median"], stats=st,
                         speedup=st["median"] / cm if st["median"] and cm else None,
                         speedup_ci=quality.speedup_ci(times["compile"], cand) if cm else None)
        bl["compile"] = entry
    ev.res["baselines"] = ev.md["baselines"] = bl


def speed_of_light(ev, runtime_ms, sets, expected):
    """result.sol (mirrored in metadata) and the faster_than_light rejection."""
    from . import speed_of_light
    facts = getattr(ev, "sol_facts", None)
    if facts is None:
        return
    needed = needed_input_bytes(ev, sets, expected) if "unavailable" not in facts else None
    s = speed_of_light.compute(facts, runtime_ms, needed)
    ev.res["sol"] = ev.md["sol"] = s
    if "unavailable" not in s and speed_of_light.faster_than_light(runtime_ms, s["floor_ms"]):
        ev.reject("faster_than_light", speed_of_light.ftl_message(runtime_ms, s))


def _same(torch, a, b) -> bool:
    a, b = integrity.flatten(a), integrity.flatten(b)
    return len(a) == len(b) and all(
        torch.equal(x, y) if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) else x == y
        for x, y in zip(a, b))


def needed_input_bytes(ev, sets, expected) -> int:
    """Bytes of the (top-level) input tensors the reference's outputs depend on: input i is
    unneeded when the first timing set with input i alone taken from the second set gives the
    first set's outputs again (a few reference calls, outside timing). Parts of a tensor that the
    outputs ignore still count as needed."""
    torch = ev.torch
    total = 0
    for i, (x0, x1) in enumerate(zip(sets[0], sets[1])):
        if not isinstance(x0, torch.Tensor):
            continue
        n = x0.numel() * x0.element_size()
        if torch.equal(x0, x1):  # the same values in both sets: this test cannot tell
            total += n
            continue
        mixed = list(sets[0])
        mixed[i] = x1
        try:
            out = correctness.call(ev, ev.ref_model, correctness.clone_args(torch, mixed))
        except Exception:
            total += n
            continue
        if not _same(torch, out, expected[0]):
            total += n
    return total


def recheck(ev, out, exp, tol):
    torch = ev.torch
    outs, exps = integrity.flatten(out), integrity.flatten(exp)
    if len(outs) != len(exps):
        ev.reject("timed_output_mismatch", "a timed call returned a different output structure")
    for o, e in zip(outs, exps):
        if isinstance(e, torch.Tensor):
            flag, msg = integrity.tensor_problem(torch, o, e)
            if flag in ("output_not_plain_tensor", "output_not_dense"):
                ev.reject(flag, msg + " (timed call)")
            if flag or not compare.close(torch, o, e, tol):
                ev.reject("timed_output_mismatch",
                          "a timed call returned a wrong result: an output cached across calls, or work "
                          "on another stream that does not wait for the current one (it ran before the "
                          "timed window and read guarded inputs)")


def side_stream_check(ev, times, stream, host) -> str:
    """Each trial has two end events: one recorded on the current stream right after the call
    (KernelBench's window) and one recorded after a device-wide synchronise (covers every stream,
    plus the host round trip of the synchronise). For a kernel that works on the current stream
    the two differ by that round trip only, the same as for the reference; then the current-stream
    window is reported (it has no host jitter). Any extra gap means work on other streams: then
    the device-wide window is reported for both, and a large gap is flagged `side_stream_work`.
    Returns the window used."""
    gaps = {}
    for w in ("ref", "cand"):
        g = [t - s for t, s in zip(times[w], stream[w])]
        gaps[w] = _median(g) or 0.0
    ev.md["stream_gap_ms"] = gaps
    cand_ms = _median(times["cand"]) or 0.0
    cand_stream_ms = _median(stream["cand"]) or 0.0
    extra = gaps["cand"] - gaps["ref"]
    # The synchronise round trip itself jitters by tens of microseconds (measured on H100), so
    # only an excess above 50 us and 10 % of the kernel's time switches the window.
    window = "device_sync" if extra > max(0.05, 0.10 * cand_stream_ms) else "current_stream"
    if gaps["cand"] > 2 * gaps["ref"] + 0.02 and gaps["cand"] > 0.25 * cand_ms:
        ev.flag("side_stream_work", f"{gaps['cand']:.3f} ms of the candidate's time is not on the current stream")
        window = "device_sync"
    hc = _median(host["cand"]) or 0.0
    if cand_ms < 0.5 * hc - 0.1:
        ev.flag("timer_mismatch", f"event time {cand_ms:.3f} ms vs host clock {hc:.3f} ms")
    return window
