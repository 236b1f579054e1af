"""Runs one candidate for a profiler (Nsight Compute), loaded the way an evaluation loads it:

    python3 -m kernelwatch_eval.profile_one --request REQ.json --status STATUS.json \
        [--target cuda:N] [--cache-dir D] [--warmup 2] [--calls 2] [--no-sandbox]

REQ.json is an EvalRequest (ref_code, kernel_code, backend, precision). The harness loads the
reference and the candidate (same loader, compile cache slot and Landlock sandbox as an
evaluation child), the reference's get_inputs() makes the inputs, and the candidate is called
`--warmup` times (extension builds, Triton autotuning, lazy initialisation: not profiled), then
`--calls` times inside the NVTX push/pop range "kernelwatch_candidate", so that
`ncu --nvtx --nvtx-include kernelwatch_candidate/` profiles the candidate's kernels only.

STATUS.json gets {"ok": true, "calls": N, "device": {...}} or {"ok": false, "error_kind":
"no_gpu" | "bad_input" | "compile_error" | "runtime_error" | ..., "message": "..."}.
Exit 0 when the calls ran, 2 for unusable input, 3 when the candidate could not be built or run,
4 when no CUDA device is usable.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

NVTX_RANGE = "kernelwatch_candidate"
EXIT_BAD_INPUT, EXIT_FAILED, EXIT_NO_GPU = 2, 3, 4


class _Status:
    """The status file, opened before the evaluator's sandbox closes the file system (Landlock
    would refuse to create it afterwards) and written once, at the end; the runner reads it after
    the process exits."""

    def __init__(self, path: str):
        self._f = open(path, "w", encoding="utf-8") if path else None

    def write(self, status: dict):
        if self._f is None:
            return
        self._f.seek(0)
        self._f.truncate()
        json.dump(status, self._f)
        self._f.flush()


def _fail(status: _Status, kind: str, message: str, code: int) -> int:
    status.write({"ok": False, "error_kind": kind, "message": message})
    print(f"profile_one: {message}", file=sys.stderr)
    return code


def run(request: dict, target: str, cache_dir: str, warmup: int, calls: int, sandbox: bool,
        status_path: str) -> int:
    status = _Status(status_path)
    if not target.startswith("cuda"):
        return _fail(status, "bad_input", f"target {target!r} is not a GPU: profiles are of CUDA kernels "
                     "(use cuda:N)", EXIT_BAD_INPUT)
    from .checks import correctness
    from .evaluation import harness
    from .sandbox.child_setup import ChildContext
    # The runner gives this run a private TMPDIR (PROFILE_DIR/tmp) that ncu's injected library may
    # also write to: it is the sandbox's writable temp dir. Run by hand: a fresh one.
    tmpdir = os.environ.get("TMPDIR") or tempfile.mkdtemp(prefix="kw-profile-")
    os.makedirs(tmpdir, exist_ok=True)
    os.chdir(tmpdir)
    ctx = ChildContext(target=target, cache_dir=cache_dir, tmpdir=tmpdir, mode="eval", use_landlock=sandbox)
    ev = harness.Evaluation(request, ctx)
    if not ev.res["format_ok"]:
        return _fail(status, "bad_input", "no `class ModelNew` found in the kernel source", EXIT_BAD_INPUT)
    try:
        ev._setup_device()
        ev._load_reference()
        ev._load_candidate()
    except harness.Stop:
        msg = ev.res.get("error_message") or "the candidate could not be loaded"
        if "CUDA is not available" in msg:
            return _fail(status, "no_gpu", f"no CUDA device is usable here ({msg}): profile on a machine "
                         "with an NVIDIA GPU and a CUDA build of torch", EXIT_NO_GPU)
        kind = ev.res.get("status") or "infra_error"
        return _fail(status, kind, f"{kind}: {msg}", EXIT_FAILED)
    torch = ev.torch
    try:
        inputs = correctness.make_inputs(ev, ev.secret)
        with torch.no_grad():
            for _ in range(max(0, warmup)):
                ev.new_model(*inputs)
            torch.cuda.synchronize(ev.device)
            torch.cuda.nvtx.range_push(NVTX_RANGE)
            for _ in range(max(1, calls)):
                ev.new_model(*inputs)
            torch.cuda.synchronize(ev.device)
            torch.cuda.nvtx.range_pop()
    except Exception as e:  # the kernel's own failure
        from .loading.loader import format_exception
        return _fail(status, "runtime_error", "runtime_error: the candidate raised while being profiled: "
                     + format_exception(e, 2000), EXIT_FAILED)
    status.write({"ok": True, "calls": max(1, calls), "warmup": max(0, warmup),
                                "device": ev.res["device"], "isolation": ctx.isolation,
                                "cache_hit": ev.md.get("cache_hit")})
    print(f"profile_one: {max(1, calls)} call(s) of the candidate in NVTX range {NVTX_RANGE}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="kernelwatch_eval.profile_one")
    ap.add_argument("--request", required=True, help="EvalRequest JSON file")
    ap.add_argument("--status", default="", help="where to write the status JSON")
    ap.add_argument("--target", default="cuda:0", help="cuda:N")
    ap.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "kernelwatch-cache"))
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--calls", type=int, default=2)
    ap.add_argument("--no-sandbox", action="store_true", help="no Landlock around the candidate")
    args = ap.parse_args(argv)
    try:
        with open(args.request, encoding="utf-8") as f:
            request = json.load(f)
        if not isinstance(request, dict):
            raise ValueError("the request is not a JSON object")
    except (OSError, ValueError) as e:
        return _fail(_Status(args.status), "bad_input", f"cannot read the request {args.request}: {e}", EXIT_BAD_INPUT)
    return run(request, args.target, args.cache_dir, args.warmup, args.calls, not args.no_sandbox, args.status)


if __name__ == "__main__":
    sys.exit(main())
