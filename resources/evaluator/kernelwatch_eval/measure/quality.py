"""How far a speedup can be trusted: a bootstrap interval from the raw trials and a verdict on
the timing conditions (see PROTOCOL.md, "Speedup interval and timing quality").

Pure functions over lists of milliseconds plus /proc readers; no torch. numpy is used when it
imports (vectorised bootstrap, ~10 ms for 1000 trials x 1000 resamples), else a smaller
pure-Python bootstrap.
"""
from __future__ import annotations

import os
import random

try:  # bound at import (the zygote imports this before any candidate loads): a kernel that
    # patches numpy afterwards cannot change the interval
    import numpy as _np
    _NP = {"sort": _np.sort, "asarray": _np.asarray, "bincount": _np.bincount, "arange": _np.arange,
           "cumsum": _np.cumsum, "argmax": _np.argmax, "maximum": _np.maximum, "quantile": _np.quantile,
           "default_rng": _np.random.default_rng, "float64": _np.float64}
except ImportError:  # pragma: no cover - numpy is a torch dependency in practice
    _NP = None

BOOTSTRAP_SEED = 20261207  # fixed: the same trials always give the same interval
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_MAX_ELEMENTS = 2_000_000  # resamples x trials per side (memory and time cap)
LEVEL = 0.95
WIDE_RATIO = 1.25  # high / low of the interval above this: "noisy"
SPREAD_RATIO = 1.5  # p90 / p10 of one side's trials above this: "noisy"
OVERLAP_FRACTION = 0.25  # share of the slower side's trials faster than the faster side's median
MIN_TRIALS = 10
RSE_NOISY = 0.02
OTHERS_BUSY_CORES = 0.5  # other processes using this much CPU while timing on the CPU compete
BUSY_PROCESS_PCT = 10.0  # listed in busy_processes from this much CPU
TRIAL_RULE = ("Each side is timed at least num_perf_trials times, and trials are added until the "
              "relative standard error of both sides' mean is at most 0.5 %, unless the time budget "
              "(perf_budget_s) or max_perf_trials runs out first; trials / baseline_trials count the "
              "trials that ran.")


def _quantile(xs_sorted, q: float) -> float:
    n = len(xs_sorted)
    if n == 1:
        return xs_sorted[0]
    pos = q * (n - 1)
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    return xs_sorted[lo] + (xs_sorted[hi] - xs_sorted[lo]) * (pos - lo)


def _median(xs) -> float:
    return _quantile(sorted(xs), 0.5)


def _boot_medians(np: dict, rng, xs, b: int):
    """Medians of `b` resamples of `xs`, without sorting each resample: draw the indices into the
    sorted data, count them per resample (one bincount), and find the middle rank by cumulative
    count. ~4x faster than np.median over a (b, n) matrix."""
    s = np["sort"](np["asarray"](xs, dtype=np["float64"]))
    n = len(s)
    idx = rng.integers(0, n, size=(b, n))
    counts = np["bincount"]((idx + (np["arange"](b) * n)[:, None]).ravel(), minlength=b * n).reshape(b, n)
    cum = np["cumsum"](counts, axis=1)
    lo = np["argmax"](cum >= (n + 1) // 2, axis=1)  # rank (n+1)//2, 1-based: the middle (lower middle)
    if n % 2:
        return s[lo]
    hi = np["argmax"](cum >= n // 2 + 1, axis=1)
    return 0.5 * (s[lo] + s[hi])


def speedup_ci(ref, cand, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
               level: float = LEVEL):
    """[low, high]: a `level` percentile-bootstrap interval of median(ref) / median(cand), the two
    sides resampled independently. None when either side has fewer than 2 trials or a median is 0."""
    ref, cand = [float(x) for x in ref or []], [float(x) for x in cand or []]
    if len(ref) < 2 or len(cand) < 2 or _median(ref) <= 0 or _median(cand) <= 0:
        return None
    b = max(200, min(resamples, BOOTSTRAP_MAX_ELEMENTS // max(len(ref), len(cand))))
    alpha = (1.0 - level) / 2
    np = _NP
    if np is not None:
        rng = np["default_rng"](seed)
        ratios = _boot_medians(np, rng, ref, b) / np["maximum"](_boot_medians(np, rng, cand, b), 1e-300)
        low, high = np["quantile"](ratios, [alpha, 1.0 - alpha])
        return [float(low), float(high)]
    rng = random.Random(seed)
    b = min(b, max(200, 200_000 // max(len(ref), len(cand))))
    ratios = []
    for _ in range(b):
        mr = _median([ref[rng.randrange(len(ref))] for _ in ref])
        mc = _median([cand[rng.randrange(len(cand))] for _ in cand])
        ratios.append(mr / mc if mc > 0 else float("inf"))
    ratios.sort()
    return [_quantile(ratios, alpha), _quantile(ratios, 1.0 - alpha)]


# ---------------------------------------------------------------------------- /proc

def load_avg() -> list:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return [0.0, 0.0, 0.0]


def cpu_snapshot() -> dict:
    """{pid: (name, sid, cpu_ticks)} for every visible process (utime + stime of all its threads)."""
    out = {}
    try:
        pids = [int(n) for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return out
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read()
            i, j = data.index(b"("), data.rindex(b")")
            rest = data[j + 2:].split()
            out[pid] = (data[i + 1:j].decode("utf-8", "replace"), int(rest[3]), int(rest[11]) + int(rest[12]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def busy_others(before: dict, after: dict, wall_s: float, own_sid: int = None, exclude=()) -> list:
    """[(name, pid, cpu_percent)] of other processes over the interval, busiest first. Processes
    of the evaluation's own session (the kernel's helpers) and `exclude` are not "others"."""
    if wall_s <= 0:
        return []
    tck = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    own_sid = os.getsid(0) if own_sid is None else own_sid
    skip = set(exclude) | {os.getpid()}
    busy = []
    for pid, (name, sid, ticks) in after.items():
        if pid in skip or sid == own_sid:
            continue
        prev = before.get(pid)
        used = ticks - (prev[2] if prev and prev[0] == name else 0)
        pct = 100.0 * used / tck / wall_s
        if pct > 0:
            busy.append((name, pid, min(pct, 100.0 * (os.cpu_count() or 1))))
    busy.sort(key=lambda t: -t[2])
    return busy


# ---------------------------------------------------------------------------- verdict

def _fmt(x: float) -> str:
    return f"{x:.3g}"


def assess(ref, cand, ci, *, cpu_timing: bool, threads: int = 1, cpu_count: int = None, load=None,
           busy=(), stop: str = "", trials_requested: int = None) -> dict:
    """timing_quality for one result (see PROTOCOL.md). `ref`/`cand`: the kept trials in ms;
    `ci`: speedup_ci(...); `busy`: busy_others(...) over the timing window."""
    cpu_count = int(cpu_count or os.cpu_count() or 1)
    load = list(load) if load is not None else load_avg()
    reasons_noisy, reasons_bad = [], []
    n_ref, n_cand = len(ref or []), len(cand or [])
    if min(n_ref, n_cand) < MIN_TRIALS:
        reasons_noisy.append(f"only {min(n_ref, n_cand)} trials ran on one side (fewer than {MIN_TRIALS}), "
                             "too few to judge the spread")
    if ci is not None:
        low, high = ci
        if low <= 1.0 <= high:
            reasons_noisy.append(f"the 95 % interval of the speedup, {_fmt(low)}x to {_fmt(high)}x, includes "
                                 "1.0: the kernel is not measurably faster or slower than the reference")
        if low > 0 and high / low > WIDE_RATIO:
            reasons_noisy.append(f"the 95 % interval of the speedup is wide: {_fmt(low)}x to {_fmt(high)}x "
                                 f"(a factor {_fmt(high / low)})")
    for label, xs in (("kernel", cand), ("reference", ref)):
        if xs and len(xs) >= 3:
            s = sorted(xs)
            p10, p90 = _quantile(s, 0.1), _quantile(s, 0.9)
            if p10 > 0 and p90 / p10 > SPREAD_RATIO:
                reasons_noisy.append(f"the {label}'s trials spread widely: its slowest tenth took over "
                                     f"{_fmt(p90 / p10)}x its fastest tenth ({_fmt(p10)} to {_fmt(p90)} ms)")
    if n_ref >= 3 and n_cand >= 3:
        mr, mc = _median(ref), _median(cand)
        fast, slow, fast_name, slow_name = (cand, ref, "kernel", "reference") if mc <= mr else \
            (ref, cand, "reference", "kernel")
        fm = _median(fast)
        share = sum(1 for x in slow if x < fm) / len(slow)
        if share >= OVERLAP_FRACTION and abs(mr / mc - 1.0) > 0.02:
            reasons_noisy.append(f"the two distributions overlap heavily: {share:.0%} of the {slow_name}'s "
                                 f"trials were faster than the {fast_name}'s median")
    if stop in ("budget", "budget_hard"):
        for label, xs in (("kernel", cand), ("reference", ref)):
            if xs and len(xs) >= 3:
                m = sum(xs) / len(xs)
                sd = (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
                rse = sd / len(xs) ** 0.5 / m if m > 0 else 0.0
                if rse > RSE_NOISY:
                    reasons_noisy.append(f"the time budget ended before the {label}'s timing settled "
                                         f"(relative standard error {rse:.1%})")
    listed = [b for b in busy if b[2] >= BUSY_PROCESS_PCT][:3]
    others = sum(b[2] for b in busy) / 100.0
    if cpu_timing:
        names = ", ".join(f"{n} ({p}) {c:.0f}% CPU" for n, p, c in listed)
        if others >= OTHERS_BUSY_CORES and others + threads > cpu_count:
            reasons_bad.append(f"timed on the CPU while other processes competed for its {cpu_count} cores: "
                               f"they used {others:.1f} cores on average during timing, on top of the "
                               f"evaluation's {threads} thread(s)" + (f" ({names})" if names else ""))
        others_load = load[0] - threads
        if others_load >= 1.0 and others_load + threads > cpu_count:
            reasons_bad.append(f"timed on the CPU with a 1-minute load average of {load[0]:.2f} on "
                               f"{cpu_count} cores while the evaluation ran {threads} thread(s): more "
                               "runnable work than cores, so trials waited for a core")
    verdict = "unreliable" if reasons_bad else "noisy" if reasons_noisy else "reliable"
    return {"verdict": verdict, "reasons": reasons_bad + reasons_noisy, "trials": n_cand,
            "baseline_trials": n_ref, "trials_requested": trials_requested, "load_avg": load,
            "cpu_count": cpu_count, "busy_processes": [f"{n} ({p}) {c:.0f}% CPU" for n, p, c in listed],
            "stop": stop, "rule": TRIAL_RULE}
