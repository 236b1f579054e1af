"""Entry point of a forked evaluation child (never returns)."""
from __future__ import annotations

import os
import traceback

from ..sandbox.channel import ResultChannel
from ..sandbox.child_setup import ChildContext, setup_child


def child_main(request: dict, result_fd: int, out_fd: int, tmpdir: str, nonce: str, cfg: dict,
               expected_parent: int):
    code = 70
    try:
        ctx = ChildContext(target=cfg.get("target", "cpu"), cache_dir=cfg.get("cache_dir", ""),
                           tmpdir=tmpdir, mode=cfg.get("mode", "eval"), threads=int(cfg.get("threads") or 0),
                           use_landlock=bool(cfg.get("landlock", True)))
        setup_child(ctx, result_fd, out_fd, int(cfg.get("mem_limit_kb") or 0), expected_parent)
        ctx.channel = ResultChannel(result_fd, nonce)
        if ctx.mode == "probe":
            from . import sizeprobe
            ctx.sandbox([])
            sizeprobe.main_in_child(request, ctx)  # exits
        from . import harness
        harness.main_in_child(request, ctx)  # exits
    except BaseException:
        try:
            os.write(2, ("kernelwatch child set-up failed:\n" + traceback.format_exc()).encode())
        except OSError:
            pass
    os._exit(code)
