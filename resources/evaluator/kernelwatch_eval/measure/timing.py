"""Timing: CUDA events (device-wide synchronise before the end event) or perf_counter on CPU,
warm-up, cache flush before each trial, first trial discarded, adaptive trial count.

On the GPU the start event is queued behind the cache flush and a short spin kernel, so the host
has issued the timed call's kernels before the GPU reaches the start event: the window holds the
GPU's work, not the host's launch latency. That latency depends on the CPU the process runs on
(measured on the H100 host: the same Triton launch took 21-51 us on the host depending on the
vCPU), and counting it made the speedup of a ~45 us kernel change by up to 137 % between
evaluations. Host time of the call beyond the head start still shows (the GPU waits for it);
within it, only host work that does not depend on the inputs can pass unseen (reading the inputs
on the host waits for the GPU). Work queued on another stream that does not wait for the current
one could run inside the head start: the InputGuard (checks/input_guard.py) makes such work read poisoned
inputs, so its output fails the timed-output check. The KERNELWATCH_TIMING=launch environment
variable restores KernelBench's window (synchronise, start event, call: launch latency included).

Statistic used for runtime_ms / baseline_runtime_ms / speedup: the MEDIAN of the kept trials.
"""
from __future__ import annotations

import math
import os
import time

from ..checks.input_guard import InputGuard

_perf_counter = time.perf_counter  # saved before any candidate code runs
SPIN_US = 100  # GPU head start queued before the start event (covers the host's launch latency)


def stats(samples) -> dict:
    xs = sorted(samples)
    n = len(xs)
    if n == 0:
        return {"mean": None, "median": None, "std": None, "min": None, "max": None, "n": 0}
    mean = sum(xs) / n
    var = sum((x - mean) ** 2 for x in xs) / (n - 1) if n > 1 else 0.0
    med = xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])
    return {"mean": mean, "median": med, "std": math.sqrt(var), "min": xs[0], "max": xs[-1], "n": n}


def rel_std_err(samples) -> float:
    n = len(samples)
    if n < 3:
        return float("inf")
    s = stats(samples)
    if not s["mean"]:
        return float("inf")
    return s["std"] / math.sqrt(n) / s["mean"]


def _cpu_llc_bytes() -> int:
    best = 0
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for d in os.listdir(base):
            try:
                with open(os.path.join(base, d, "size")) as f:
                    s = f.read().strip()
                mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
                best = max(best, int(s.rstrip("KMG")) * mult)
            except (OSError, ValueError):
                pass
    except OSError:
        pass
    return best or (32 << 20)


class Timer:
    """Measures one call; `cuda` decides the method. All functions used are saved at construction,
    before the candidate is loaded, so a patched torch.cuda.Event / time.perf_counter does not
    change what this timer does (and checks/integrity.py reports such patches)."""

    def __init__(self, torch, device, cuda: bool):
        self.torch = torch
        self.device = device
        self.cuda = cuda
        self.covered = False
        if cuda:
            props = torch.cuda.get_device_properties(device)
            l2 = int(getattr(props, "L2_cache_size", 0) or (50 << 20))
            self.flush_bytes = max(2 * l2, 64 << 20)
            self._Event = torch.cuda.Event
            self._record = torch.cuda.Event.record
            self._elapsed = torch.cuda.Event.elapsed_time
            self._ev_sync = torch.cuda.Event.synchronize
            self._sync = torch.cuda.synchronize
            self._sleep = getattr(torch.cuda, "_sleep", None)
            self._index_select, self._index_copy = torch.index_select, torch.Tensor.index_copy_
            # torch.cuda._sleep spins for a number of clock cycles.
            clock_khz = int(getattr(props, "clock_rate", 0) or 1_500_000)
            self.spin_cycles = int(SPIN_US * clock_khz / 1000)
            self.covered = os.environ.get("KERNELWATCH_TIMING", "covered") != "launch" and self._sleep is not None
        else:
            self.flush_bytes = min(2 * _cpu_llc_bytes(), 64 << 20)
            self._sync = lambda *a, **k: None
        self._flush_buf = torch.empty(self.flush_bytes // 4, dtype=torch.int32, device=device)
        # On the GPU the flush also reads a second buffer, so that the cache is left holding clean
        # lines: a write-only flush leaves it full of dirty lines whose write-back the next kernel
        # pays for, at a cost that varies with allocation addresses (measured on H100: per-trial
        # spread 20-29 % with write-only, 6-9 % with write + read).
        self._flush_read = torch.zeros(self.flush_bytes // 4, dtype=torch.int32, device=device) if cuda else None
        self.method = ("cuda_event_covered" if self.covered else "cuda_event") if cuda else "perf_counter"

    def guard(self, tensors):
        """An InputGuard over `tensors` for time_call, or None where the window has no head start."""
        if not self.covered:
            return None
        g = InputGuard(self.torch, tensors, self._index_select, self._index_copy)
        return g if g else None

    def sync(self):
        if self.cuda:
            self._sync(self.device)

    def flush(self):
        self._flush_buf.fill_(0x5A5A5A5A)  # write >= 2x the last-level cache
        if self._flush_read is not None:
            self._flush_read.amax()

    def time_call(self, fn, args, flush=True, guard=None):
        """Flushes the caches (when asked) and times one call. Returns (out, ms, host_ms, stream_ms,
        call_ms): stream_ms is what an event recorded on the current stream right after the call
        sees (KernelBench's window); ms also covers work on other streams (device-wide synchronise
        before the end event); host_ms is the host clock over the whole trial; call_ms the host
        time until the call returned. `guard` (from guard()) poisons the inputs during the head
        start."""
        if self.cuda:
            start, end_stream, end = self._Event(enable_timing=True), self._Event(enable_timing=True), \
                self._Event(enable_timing=True)
            self._sync(self.device)
            if guard is not None:
                guard.poison()
            if flush:
                self.flush()
            if self.covered:
                self._sleep(self.spin_cycles)
            else:
                self._sync(self.device)
            if guard is not None:
                guard.restore()  # queued on the current stream, before the start event
            h0 = _perf_counter()
            self._record(start)
            out = fn(*args)
            h_call = (_perf_counter() - h0) * 1e3
            self._record(end_stream)
            self._sync(self.device)  # device-wide: work on any stream is inside the window
            self._record(end)
            self._ev_sync(end)
            h1 = _perf_counter()
            return out, self._elapsed(start, end), (h1 - h0) * 1e3, self._elapsed(start, end_stream), h_call
        if flush:
            self.flush()
        h0 = _perf_counter()
        out = fn(*args)
        h1 = _perf_counter()
        ms = (h1 - h0) * 1e3
        return out, ms, ms, ms, ms
