"""Two evaluator trees side by side on the same kernels, interleaved in one run: each evaluation is
a fresh interpreter (kernelwatch_eval.run_one), so per-process effects (buffer placement, the CPU
the process lands on) show in the spread.

    python3 tests/bench/eval_ab.py --a OLD/resources/evaluator --b resources/evaluator \
        --case softmax:triton --case softmax:cuda --case side_stream_nowait:swish --n 5

A case is SAMPLE:BACKEND (resources/samples/SAMPLE_BACKEND.py against SAMPLE_ref.py) or
FIXTURE:PROBLEM (tests/fixtures/kernels/cheat/FIXTURE.py against resources/samples/PROBLEM_ref.py).
Prints per case and tree: statuses, flags, speedups, their spread (max/min - 1), kernel and host
call times.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "resources", "samples")
CHEATS = os.path.join(ROOT, "tests", "fixtures", "kernels", "cheat")


def request(case: str, device: str) -> dict:
    name, second = case.split(":")
    sample = os.path.join(SAMPLES, f"{name}_{second}.py")
    if os.path.exists(sample):
        ref, kernel, backend = os.path.join(SAMPLES, f"{name}_ref.py"), sample, second
    else:
        ref, kernel, backend = os.path.join(SAMPLES, f"{second}_ref.py"), os.path.join(CHEATS, f"{name}.py"), "cuda"
    return {"id": f"ab-{case}", "ref_code": open(ref).read(), "kernel_code": open(kernel).read(), "backend": backend,
            "device": device, "precision": "fp32", "num_correct_trials": 5, "measure_performance": True,
            "num_perf_trials": 100, "timeout_s": 300.0, "source": "test", "problem": name}


def evaluate(tree: str, req: dict, cache: str) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    p = subprocess.run([sys.executable, "-m", "kernelwatch_eval.run_one", "--cache-dir", cache],
                       input=json.dumps(req), capture_output=True, text=True, env=env, timeout=600)
    if p.returncode != 0 or not p.stdout.strip():
        return {"status": "harness_failed", "flags": [], "error_message": p.stderr[-400:], "speedup": None}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--case", action="append", required=True)
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--device", default="cuda:0")
    a = ap.parse_args()
    cache = tempfile.mkdtemp(prefix="kw-ab-cache-")
    trees = {"A": a.a, "B": a.b}
    for case in a.case:
        req = request(case, a.device)
        rows = {k: [] for k in trees}
        for _ in range(a.n):
            for k, tree in trees.items():  # interleaved: drift hits both trees alike
                rows[k].append(evaluate(tree, req, cache))
        for k, rs in rows.items():
            sp = [r["speedup"] for r in rs if r.get("speedup")]
            spread = (max(sp) / min(sp) - 1) * 100 if sp else float("nan")
            md = [r.get("metadata", {}) for r in rs]
            print(f"{case:28s} {k}={trees[k]}")
            print(f"   status={[r['status'] for r in rs]} flags={sorted({f for r in rs for f in r['flags']})}")
            print(f"   speedups={[round(s, 4) for s in sp]} spread={spread:.2f}%")
            print(f"   kernel_us={[round((r.get('runtime_ms') or 0) * 1e3, 1) for r in rs]} "
                  f"ref_us={[round((r.get('baseline_runtime_ms') or 0) * 1e3, 1) for r in rs]} "
                  f"stop={[m.get('timing_stop') for m in md]}")
            calls = [m.get("host_call_median_ms", {}).get("cand") for m in md]
            if any(c is not None for c in calls):
                print(f"   host_call_us={[round(c * 1e3, 1) if c else None for c in calls]}")
            errs = {r["error_message"][:160] for r in rs if r["status"] not in ("correct",)}
            if errs:
                print(f"   errors={sorted(errs)}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
