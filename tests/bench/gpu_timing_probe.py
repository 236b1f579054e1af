"""Diagnostic for GPU timing repeatability (issue 6): why does a ~45 us memory-bound kernel time
at two speeds, with a different mix in each process?

Runs on a CUDA machine:  python3 tests/bench/gpu_timing_probe.py [--procs N]
Each experiment runs in fresh processes (placement of buffers is per process) and prints per
process: median, share of slow trials, and how time depends on the output buffer's address
relative to the input's. Nothing here is used by the evaluator; it is the measurement behind the
evaluator's timing choices (see resources/evaluator/kernelwatch_eval/measure/timing.py).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _softmax_triton():
    """The sample Triton softmax (resources/samples/softmax_triton.py) with a caller-given output."""
    import importlib.util
    import triton
    spec = importlib.util.spec_from_file_location("kw_softmax_triton",
                                                  os.path.join(ROOT, "resources", "samples", "softmax_triton.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    def run(x, y):
        rows, cols = x.shape
        mod.softmax_kernel[(rows,)](x, y, cols, x.stride(0), BLOCK=triton.next_power_of_2(cols), num_warps=8)
        return y
    return run


def child(mode: str, trials: int) -> dict:
    import torch
    dev = torch.device("cuda:0")
    props = torch.cuda.get_device_properties(dev)
    l2 = int(getattr(props, "L2_cache_size", 0) or (50 << 20))
    flush_w = torch.empty(max(2 * l2, 64 << 20) // 4, dtype=torch.int32, device=dev)
    flush_r = torch.zeros_like(flush_w)
    spin = int(100 * (props.clock_rate or 1_500_000) / 1000)
    sm = _softmax_triton()
    x = torch.randn(4096, 4096, device=dev)
    src = [torch.randn(4096, 4096, device=dev) for _ in range(2)]
    E = torch.cuda.Event
    out = {"mode": mode, "pid": os.getpid()}

    def trial(fn, *, flush=True, covered=True):
        s, e = E(enable_timing=True), E(enable_timing=True)
        torch.cuda.synchronize()
        if flush:
            flush_w.fill_(0x5A5A5A5A)
            flush_r.amax()
        if covered:
            torch.cuda._sleep(spin)
        else:
            torch.cuda.synchronize()
        h0 = time.perf_counter()
        s.record()
        y = fn()
        hc = (time.perf_counter() - h0) * 1e3
        e.record()
        e.synchronize()
        return y, s.elapsed_time(e), hc

    if mode == "host":
        # host cost of a launch, with no cache flush or spin: where does the process run and how
        # long does the host take per call?
        pyloop = []
        for _ in range(20):
            h0 = time.perf_counter()
            acc = 0
            for i in range(20000):
                acc += i * i
            pyloop.append((time.perf_counter() - h0) * 1e3)
        y = torch.empty_like(x)
        hosts = {"triton": [], "torch": [], "empty": []}
        for _ in range(300):
            for name, fn in (("triton", lambda: sm(x, y)), ("torch", lambda: torch.softmax(x, dim=1)),
                             ("empty", lambda: torch.empty_like(x))):
                torch.cuda.synchronize()
                h0 = time.perf_counter()
                fn()
                hosts[name].append((time.perf_counter() - h0) * 1e3)
        with open("/proc/self/stat") as f:
            cpu = int(f.read().rsplit(")", 1)[1].split()[36])
        out.update({k + "_us": round(statistics.median(v[20:]) * 1e3, 1) for k, v in hosts.items()})
        out["pyloop_ms"] = round(statistics.median(pyloop), 3)
        out["cpu"] = cpu
        out["affinity"] = sorted(os.sched_getaffinity(0))[:4]
    elif mode in ("evaluator", "reshuffle"):
        # the evaluator's loop: shared input refreshed per trial, output allocated per call
        res = {"ref": [], "cand": []}
        fns = {"ref": lambda: torch.softmax(x, dim=1), "cand": lambda: sm(x, torch.empty_like(x))}
        n = 0
        for rnd in range(trials // 10):
            if mode == "reshuffle" and rnd % 2 == 0:
                # new physical placement for the input and the allocator's free blocks
                torch.cuda.synchronize()
                pad = torch.empty(int(torch.randint(1, 64, (1,))) << 20, dtype=torch.uint8, device=dev)
                x = x.clone()
                torch.cuda.empty_cache()
                del pad
            for w in (("ref", "cand") if rnd % 2 == 0 else ("cand", "ref")):
                for _ in range(10):
                    x.copy_(src[n % 2])
                    n += 1
                    y, ms, hc = trial(fns[w])
                    res[w].append((ms, hc, (y.data_ptr() - x.data_ptr()) >> 20))
                    del y
        for w, rows in res.items():
            ms = [r[0] for r in rows[3:]]
            out[w] = {"median": statistics.median(ms), "mean": statistics.fmean(ms),
                      "p10": sorted(ms)[len(ms) // 10], "p90": sorted(ms)[9 * len(ms) // 10],
                      "host_call_median": statistics.median(r[1] for r in rows),
                      "slow_share": sum(1 for m in ms if m > 1.25 * min(ms)) / len(ms),
                      "offsets_mib": sorted({r[2] for r in rows})[:8]}
            # slow share per output offset
            by = {}
            for m, _h, off in rows[3:]:
                by.setdefault(off, []).append(m)
            out[w]["by_offset"] = {str(k): round(statistics.median(v) * 1e3, 1) for k, v in sorted(by.items())[:8]}
    elif mode == "offset_scan":
        # output at a controlled offset from the input inside one pool: time vs offset
        pool = torch.empty(1 << 30, dtype=torch.uint8, device=dev)
        xin = pool[: 64 << 20].view(torch.float32).view(4096, 4096)
        xin.copy_(src[0])
        scan = {}
        for off_mib in list(range(64, 512, 2)) + [512, 576, 640, 704, 768, 832, 896, 960]:
            if (off_mib << 20) + (64 << 20) > pool.numel():
                break
            yout = pool[off_mib << 20: (off_mib + 64) << 20].view(torch.float32).view(4096, 4096)
            ms = [trial(lambda: sm(xin, yout))[1] for _ in range(12)]
            scan[off_mib] = statistics.median(ms[2:])
        vals = sorted(scan.values())
        out["scan_us"] = {str(k): round(v * 1e3, 1) for k, v in scan.items()}
        out["scan_min_us"], out["scan_max_us"] = vals[0] * 1e3, vals[-1] * 1e3
        out["scan_median_us"] = statistics.median(vals) * 1e3
        out["scan_slow_share"] = sum(1 for v in vals if v > 1.25 * vals[0]) / len(vals)
        # same output, input moved: does the input's own placement matter?
        in_scan = {}
        yout = pool[-(64 << 20):].view(torch.float32).view(4096, 4096)
        for off_mib in range(0, 256, 8):
            xi = pool[off_mib << 20: (off_mib + 64) << 20].view(torch.float32).view(4096, 4096)
            xi.copy_(src[0])
            ms = [trial(lambda: sm(xi, yout))[1] for _ in range(12)]
            in_scan[off_mib] = statistics.median(ms[2:])
        out["in_scan_us"] = {str(k): round(v * 1e3, 1) for k, v in in_scan.items()}
        # no flush / not covered: is the slowness a cold-cache or launch effect?
        yout = pool[128 << 20:192 << 20].view(torch.float32).view(4096, 4096)
        for name, kw in (("noflush", dict(flush=False)), ("launch_window", dict(covered=False))):
            ms = [trial(lambda: sm(xin, yout), **kw)[1] for _ in range(40)]
            out[name + "_median_us"] = statistics.median(ms[3:]) * 1e3
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=5)
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--modes", default="evaluator,reshuffle,offset_scan")
    ap.add_argument("--child", default=None)
    ap.add_argument("--pin", default="", help="';'-separated CPU lists: host mode pinned to each")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.trials)))
        return
    if a.pin:
        for cpus in a.pin.split(";"):
            ids = {int(c) for c in cpus.split(",")}
            for _ in range(a.procs):
                p = subprocess.run([sys.executable, __file__, "--child", "host"], capture_output=True, text=True,
                                   timeout=300, preexec_fn=lambda ids=ids: os.sched_setaffinity(0, ids))
                print("pinned", cpus, p.stdout.strip().splitlines()[-1] if p.returncode == 0 else p.stderr[-500:],
                      flush=True)
        return
    for mode in a.modes.split(","):
        procs = a.procs if mode != "offset_scan" else 2
        print(f"== {mode}", flush=True)
        for _ in range(procs):
            t0 = time.monotonic()
            p = subprocess.run([sys.executable, __file__, "--child", mode, "--trials", str(a.trials)],
                               capture_output=True, text=True, timeout=300)
            if p.returncode:
                print("child failed:", p.stderr[-2000:])
                continue
            d = json.loads(p.stdout.strip().splitlines()[-1])
            d["wall_s"] = round(time.monotonic() - t0, 1)
            print(json.dumps(d), flush=True)


if __name__ == "__main__":
    main()
