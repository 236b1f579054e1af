"""One evaluation in a fresh interpreter (the "fresh process per kernel" baseline):

    python3 -m kernelwatch_eval.run_one [--cache-dir D] [--target cpu|cuda:N] [--timeout S] \
        < request.json > result.json

Reads one EvalRequest JSON object on stdin, prints one full EvalResult JSON object on stdout.
Exit 0 when a result was printed (whatever the verdict), 2 for unreadable input.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="kernelwatch_eval.run_one")
    ap.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "kernelwatch-cache"))
    ap.add_argument("--target", default=None, help="cpu | cuda:N (default: from request.device)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds (default: request.timeout_s)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--mem-limit-mb", type=int, default=None)
    ap.add_argument("--no-landlock", action="store_true")
    args = ap.parse_args(argv)
    try:
        request = json.loads(sys.stdin.read())
        if not isinstance(request, dict):
            raise ValueError("the request is not a JSON object")
    except ValueError as e:
        print(f"run_one: bad request: {e}", file=sys.stderr)
        return 2
    out_fd = os.dup(1)
    os.dup2(2, 1)  # keep stray prints off the result
    import torch  # noqa: F401  -- imported here so the child does not pay for it again
    from .standalone import run_isolated
    from .sandbox.channel import dumps_line
    res = run_isolated(request, args.timeout or float(request.get("timeout_s") or 300.0), args.cache_dir,
                       target=args.target, method="fork", threads=args.threads, mem_limit_mb=args.mem_limit_mb,
                       landlock=not args.no_landlock)
    os.write(out_fd, dumps_line(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
