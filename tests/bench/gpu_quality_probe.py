#!/usr/bin/env python3
"""Prints, for the sample kernels on a GPU, what a user sees about a speedup's trustworthiness:
the speedup, its 95 % interval, the timing verdict and the trials that ran. One fresh isolated
run per case (run_isolated, the Modal path's runner), each twice.
Usage: python3 tests/bench/gpu_quality_probe.py"""
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "resources", "evaluator"))

from kernelwatch_eval.standalone import run_isolated  # noqa: E402

SAMPLES = os.path.join(ROOT, "resources", "samples")


def read(path):
    with open(path) as f:
        return f.read()


def main():
    cache = tempfile.mkdtemp(prefix="kw-probe-")
    cases = [("matmul", "matmul_cuda.py", "cuda"), ("softmax", "softmax_triton.py", "triton"),
             ("swish", "swish_cuda.py", "cuda")]
    for name, kernel, backend in cases + cases:
        req = {"id": "probe-" + kernel, "ref_code": read(os.path.join(SAMPLES, name + "_ref.py")),
               "kernel_code": read(os.path.join(SAMPLES, kernel)), "backend": backend, "device": "cuda:0",
               "precision": "fp32", "num_correct_trials": 5, "measure_performance": True,
               "num_perf_trials": 100, "timeout_s": 300.0, "source": "probe", "problem": name}
        r = run_isolated(req, 600, cache)
        q = r.get("timing_quality") or {}
        print(json.dumps({"case": kernel, "status": r["status"], "speedup": r.get("speedup"),
                          "speedup_ci": r.get("speedup_ci"), "verdict": q.get("verdict"),
                          "reasons": q.get("reasons"), "trials": q.get("trials"),
                          "baseline_trials": q.get("baseline_trials"),
                          "device": r.get("device", {}).get("name")}), flush=True)


if __name__ == "__main__":
    main()
