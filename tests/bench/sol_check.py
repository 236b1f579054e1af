"""Baselines and speed of light for the samples and a few KernelBench problems (issue 17).

    python3 tests/bench/sol_check.py OUT.jsonl [--device cuda:0|cpu] [--cache-dir DIR]
        [--only NAME,...] [--trials N] [--budget S] [--compile-mode default|max-autotune-no-cudagraphs]
        [--runs N] [--no-ftl-demo]

Runs the real evaluator (a zygote, a forked sandboxed child per evaluation, as the app does) with
baselines ["eager", "compile"] on
- the samples (resources/samples): relu (PyTorch-only), swish / softmax / matmul in CUDA and Triton;
- an "identity" candidate (the reference itself as ModelNew) on KernelBench level 1-2 problems
  (tests/fixtures/kernelbench_problems, copied from KernelBench; see the README there),
and prints per evaluation: status, eager ms, compile ms (compile s, cache hit), kernel ms, the
speedups against both, % of speed of light, the bound, the floor. `--runs 2` evaluates everything
twice (the second run shows inductor's cache hits). Every full result is written as one JSON line
to OUT.jsonl (EvalResult documents, request.problem / request.source set), for import into a
history store.

Then a faster_than_light demonstration: the swish CUDA sample (relu on the CPU) evaluated by the
harness in THIS process with the timer reporting the candidate's calls at a tenth of their time —
what a kernel that patched the timer would get (the evaluator's Timer saves its functions before
the candidate loads, so a real kernel's patch is already rejected as timer_patched; this injects
the effect directly). On a GPU in the table it ends `rejected` with flag faster_than_light; on the
CPU the speed of light is unavailable and it says why.

PyTorch-only candidates (relu sample, identity) get a `load_inline` import line on a GPU so the
"needs a custom kernel" static rule lets them be timed; they are flagged reference_op_only.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "resources" / "evaluator"
SAMPLES = ROOT / "resources" / "samples"
KB = ROOT / "tests" / "fixtures" / "kernelbench_problems"
sys.path.insert(0, str(EVAL_DIR))

import kernelwatch_eval  # noqa: E402,F401  (before torch: forks stay CUDA-clean)
from kernelwatch_eval.measure import timing  # noqa: E402

PASS_RULE = "from torch.utils.cpp_extension import load_inline  # noqa: F401  (sol_check: PyTorch-only candidate)\n"
SAMPLE_CASES = [  # (name, reference, kernel file, backend)
    ("relu", "relu", "relu_kernel.py", "cuda"),
    ("swish_cuda", "swish", "swish_cuda.py", "cuda"),
    ("swish_triton", "swish", "swish_triton.py", "triton"),
    ("softmax_cuda", "softmax", "softmax_cuda.py", "cuda"),
    ("softmax_triton", "softmax", "softmax_triton.py", "triton"),
    ("matmul_cuda", "matmul", "matmul_cuda.py", "cuda"),
    ("matmul_triton", "matmul", "matmul_triton.py", "triton"),
]


class ScaledTimer(timing.Timer):
    """The evaluator's Timer, except that the candidate's (ModelNew's) calls are reported at
    `scale` of their measured time."""

    scale = 0.1

    def time_call(self, fn, args, flush=True, guard=None):
        out, ms, h, s, c = super().time_call(fn, args, flush=flush, guard=guard)
        if type(fn).__name__ == "ModelNew":
            ms, h, s, c = ms * self.scale, h * self.scale, s * self.scale, c * self.scale
        return out, ms, h, s, c


def cases(gpu: bool) -> list:
    out = []
    for name, ref, kernel, backend in SAMPLE_CASES:
        code = (SAMPLES / kernel).read_text()
        if name == "relu" and gpu:
            code = PASS_RULE + code
        out.append({"name": name, "problem": f"samples/{ref}", "ref_code": (SAMPLES / f"{ref}_ref.py").read_text(),
                    "kernel_code": code, "backend": backend})
    for p in sorted(KB.glob("level*.py")):
        ref = p.read_text()
        code = (PASS_RULE if gpu else "") + ref.replace("class Model(", "class ModelNew(").replace(
            "super(Model, self)", "super(ModelNew, self)")
        level, rest = p.stem.split("_", 1)
        out.append({"name": "identity:" + p.stem, "problem": f"{level}/{rest}", "ref_code": ref, "kernel_code": code,
                    "backend": "cuda"})
    return out


def request(case: dict, args) -> dict:
    return {"id": f"solcheck-{case['name']}-{time.time_ns()}", "ref_code": case["ref_code"],
            "kernel_code": case["kernel_code"], "backend": case["backend"], "device": args.device,
            "precision": "fp32", "num_correct_trials": 5, "measure_performance": True,
            "num_perf_trials": args.trials, "perf_budget_s": args.budget, "timeout_s": args.timeout,
            "baselines": ["eager", "compile"], "compile_mode": args.compile_mode,
            "problem": case["problem"], "source": "sol_check"}


def _f(x, fmt="{:.4g}") -> str:
    return fmt.format(x) if isinstance(x, (int, float)) else "-"


def row(case: str, r: dict) -> str:
    bl = r.get("baselines") or {}
    e, c = bl.get("eager") or {}, bl.get("compile") or {}
    s = r.get("sol") or {}
    comp = (f"{_f(c.get('runtime_ms'))} ({_f(c.get('compile_s'), '{:.1f}')} s, hit={c.get('cache_hit')})"
            if "runtime_ms" in c else ("error" if c.get("error") else "-"))
    sol = (f"{_f(s.get('percent'), '{:.1f}')} % {s.get('bound', '')} floor {_f(s.get('floor_ms'))}"
           if "percent" in s else "n/a")
    return (f"{case:42s} {r.get('status', ''):13s} eager {_f(e.get('runtime_ms')):>9s}  compile {comp:28s} "
            f"kernel {_f(r.get('runtime_ms')):>9s}  "
            f"x{_f(e.get('speedup'), '{:.3f}')} / x{_f(c.get('speedup'), '{:.3f}')}"
            f"  sol {sol}  flags {','.join(r.get('flags') or []) or '-'}")


def prebuild(args, todo: list) -> None:
    """The CUDA extensions of `todo` built in parallel by a compile-mode zygote (no GPU visible), as
    the app's compile stage does, so the timed runs find them in the cache."""
    import subprocess
    from kernelwatch_eval.zygote_client import ZygoteClient
    builds = [c for c in todo if c["backend"] == "cuda" and "cuda_sources" in c["kernel_code"]]
    if not builds:
        return
    out = subprocess.run([sys.executable, "-m", "kernelwatch_eval.probe"], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)), timeout=300)
    arch = json.loads(out.stdout)["gpus"][0]["arch"]
    t0 = time.monotonic()
    with ZygoteClient(args.device, args.cache_dir, mode="compile") as z:
        handles = [z.submit(dict(request(c, args), gpu_arch=arch)) for c in builds]
        results = [z.wait(h, args.timeout) for h in handles]
    print(f"prebuilt {len(builds)} CUDA extension(s) for {arch} in {time.monotonic() - t0:.0f} s: "
          + ", ".join(f"{c['name']} {r['status']}" for c, r in zip(builds, results)), flush=True)


def ftl_demo(args, gpu: bool) -> dict:
    """The swish CUDA sample (relu sample on the CPU) through the harness in this process, with
    ScaledTimer in place of the Timer."""
    from kernelwatch_eval.evaluation import harness
    from kernelwatch_eval.sandbox.child_setup import ChildContext
    name = "swish_cuda" if gpu else "relu"
    case = next(c for c in cases(gpu) if c["name"] == name)
    req = request(case, args)
    req.update(id=f"solcheck-ftl-demo-{time.time_ns()}", baselines=["eager"], problem=case["problem"] + " (timer x0.1)")
    saved_env, saved_timer = dict(os.environ), timing.Timer
    timing.Timer = ScaledTimer
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = ChildContext(target=args.device, cache_dir=args.cache_dir, tmpdir=tmp, use_landlock=False)
            res = harness.Evaluation(req, ctx).run()
    finally:
        timing.Timer = saved_timer
        os.environ.clear()
        os.environ.update(saved_env)
    res["request"] = {k: v for k, v in req.items() if k not in ("ref_code", "kernel_code")}
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="JSON lines file for the full results")
    ap.add_argument("--device", default=None, help="cuda:0 or cpu (default: cuda:0 when a GPU is visible)")
    ap.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "kernelwatch-solcheck-cache"))
    ap.add_argument("--only", default="", help="comma-separated case names (relu, swish_cuda, identity:level1_40_...)")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--budget", type=float, default=10.0, help="timing budget per evaluation, seconds")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--compile-mode", default="default", choices=["default", "max-autotune-no-cudagraphs"])
    ap.add_argument("--runs", type=int, default=1, help="evaluate every case this many times (2: cache hits)")
    ap.add_argument("--no-ftl-demo", action="store_true")
    args = ap.parse_args(argv)
    if args.device is None:
        args.device = "cuda:0" if os.path.exists("/dev/nvidiactl") else "cpu"
    gpu = args.device.startswith("cuda")
    todo = cases(gpu)
    if args.only:
        want = {w.strip() for w in args.only.split(",") if w.strip()}
        todo = [c for c in todo if c["name"] in want]
        missing = want - {c["name"] for c in todo}
        if missing:
            print(f"sol_check: no case named {', '.join(sorted(missing))}; cases: "
                  + ", ".join(c["name"] for c in cases(gpu)), file=sys.stderr)
            return 2
    from kernelwatch_eval.zygote_client import ZygoteClient
    os.makedirs(args.cache_dir, exist_ok=True)
    if gpu:
        prebuild(args, todo)
    print(f"sol_check: device {args.device}, cache {args.cache_dir}, {len(todo)} case(s) x {args.runs} run(s), "
          f"compile mode {args.compile_mode}", flush=True)
    n = 0
    with open(args.out, "w") as out, ZygoteClient(args.device, args.cache_dir) as z:
        for run in range(args.runs):
            for case in todo:
                t0 = time.monotonic()
                r = z.evaluate(request(case, args), timeout_s=args.timeout)
                r.setdefault("request", {}).update(problem=case["problem"], source="sol_check")
                out.write(json.dumps(r, default=str) + "\n")
                out.flush()
                n += 1
                print(row(f"{case['name']} (run {run + 1})", r) + f"  [{time.monotonic() - t0:.0f} s]", flush=True)
                if r.get("status") not in ("correct",):
                    print("    " + str(r.get("error_message", ""))[:300].replace("\n", " | "), flush=True)
                s = r.get("sol") or {}
                if "unavailable" in s:
                    print(f"    sol unavailable: {s['unavailable']}", flush=True)
                elif s and run == 0:
                    print(f"    peaks: {s.get('peaks')}; {s.get('precision')} {s.get('flops'):.4g} FLOP"
                          f"{' (estimated)' if s.get('flops_estimated') else ''}, {s.get('bytes'):.4g} B, "
                          f"sol {s.get('time_ms'):.4g} ms; floor rule: {s.get('floor_rule')}", flush=True)
                c = (r.get("baselines") or {}).get("compile") or {}
                if c.get("error"):
                    print(f"    compile baseline: {c['error']}", flush=True)
        if not args.no_ftl_demo:
            r = ftl_demo(args, gpu)
            out.write(json.dumps(r, default=str) + "\n")
            n += 1
            print("faster_than_light demo (candidate's timer x0.1): " + row(r["request"]["problem"], r), flush=True)
            print("    " + (r.get("error_message") or "(no rejection)")[:400], flush=True)
            s = r.get("sol") or {}
            if "unavailable" in s:
                print(f"    sol unavailable: {s['unavailable']}", flush=True)
    print(f"sol_check: {n} result(s) written to {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
