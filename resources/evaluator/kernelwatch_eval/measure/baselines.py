"""Baselines the candidate is timed against: eager (the reference as written, always) and the
reference under torch.compile (inductor), when the request's "baselines" names "compile".

The compiled reference is built before the candidate loads and before the Landlock sandbox is
applied (`prepare`): compile time (`compile_s`: importing inductor, compiling, the first call) is
outside every timed window but inside the evaluation's hard timeout. Inductor's caches live in a
per-device folder of the evaluator's compile cache (CACHE_DIR/inductor/<device>), so a second
evaluation of the same problem on the same device reuses the compiled code (`cache_hit`). The
candidate never gets write access to that folder (it is not among the sandbox's writable dirs, and
TORCHINDUCTOR_CACHE_DIR points into the child's temp dir once the reference is compiled), so a
kernel cannot plant code there for later evaluations. speedup.py then times the compiled reference
as a third model in the same interleaved rounds as the reference and the candidate.

A compile failure is not the kernel's fault: the baseline reads {"mode", "error"} and the
evaluation goes on.
"""
from __future__ import annotations

import os
import re
import time

from ..checks import compare, integrity

_monotonic = time.monotonic
NAMES = ("eager", "compile")
MODES = ("default", "max-autotune-no-cudagraphs")
_ENV = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR", "TORCHINDUCTOR_COMPILE_THREADS", "TORCH_WARM_POOL",
        "TORCHINDUCTOR_FX_GRAPH_CACHE", "TORCHINDUCTOR_AUTOGRAD_CACHE")


def parse_request(req: dict) -> tuple:
    """(baselines, compile_mode, error): the request's "baselines" (default ["eager"]; eager is
    always measured) and "compile_mode" (default "default"); error is '' or what to fix."""
    raw = req.get("baselines")
    if raw is None:
        raw = ["eager"]
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        return ["eager"], "default", "request.baselines must be a list of names (\"eager\", \"compile\")"
    names = []
    for b in raw:
        b = str(b).strip().lower()
        if b not in NAMES:
            return ["eager"], "default", (f"unknown baseline {b!r} in request.baselines: use \"eager\" and/or "
                                          "\"compile\"")
        if b not in names:
            names.append(b)
    if "eager" not in names:
        names.insert(0, "eager")
    mode = str(req.get("compile_mode") or "default").strip()
    if mode not in MODES:
        return names, "default", (f"unknown compile_mode {mode!r}: use one of {', '.join(MODES)}")
    return names, mode, ""


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    for line in text.splitlines():
        if line.strip():
            text = line.strip()
            break
    return f"{type(e).__name__}: {text}"[:400] if text else type(e).__name__


def inductor_root(cache_dir: str, device_name: str, arch: str, torch_version: str) -> str:
    tag = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{device_name}-{arch}-torch{torch_version}").strip("_")
    return os.path.join(cache_dir, "inductor", tag[:120])


def _counters():
    try:
        from torch._dynamo.utils import counters
        return counters
    except Exception:
        return None


def _cache_counts(counters) -> dict:
    if counters is None:
        return {}
    out = {}
    for group, key in (("inductor", "fxgraph_cache_hit"), ("inductor", "fxgraph_cache_miss"),
                       ("inductor", "fxgraph_cache_bypass"), ("aot_autograd", "autograd_cache_hit"),
                       ("aot_autograd", "autograd_cache_miss")):
        try:
            out[key] = int(counters[group][key])
        except Exception:
            pass
    return out


class CompiledReference:
    """The outcome of prepare(): `model` (callable) or `error`, plus compile_s / cache_hit."""

    def __init__(self, mode: str):
        self.mode = mode
        self.model = None
        self.error = ""
        self.compile_s = None
        self.cache_hit = False
        self.cache = {}
        self.root = ""

    def failed(self, message: str):
        self.model = None
        if not self.error:
            self.error = message

    def entry(self) -> dict:
        if self.error or self.model is None:
            return {"mode": self.mode, "error": self.error or "torch.compile failed: no compiled model"}
        return {"mode": self.mode, "compile_s": self.compile_s, "cache_hit": self.cache_hit}


def prepare(ev, example_inputs, mode: str, clone) -> CompiledReference:
    """Compile ev.ref_model with torch.compile(mode=mode), run it on `example_inputs` until warm,
    and check it against the eager reference. Never raises."""
    torch = ev.torch
    cr = CompiledReference(mode)
    if not hasattr(torch, "compile"):
        cr.failed(f"torch.compile failed: torch {torch.__version__} has no torch.compile (it needs torch >= 2.0)")
        ev.md["compile_baseline"] = {"mode": mode, "error": cr.error}
        return cr
    cr.root = inductor_root(ev.slot.cache_dir, ev.res["device"]["name"], ev.res["device"]["arch"], torch.__version__)
    saved = {k: os.environ.get(k) for k in _ENV}
    os.environ.update({"TORCHINDUCTOR_CACHE_DIR": cr.root, "TRITON_CACHE_DIR": os.path.join(cr.root, "triton"),
                       # in-process compilation: no worker pool to start (or to leave behind)
                       "TORCHINDUCTOR_COMPILE_THREADS": "1", "TORCH_WARM_POOL": "0",
                       "TORCHINDUCTOR_FX_GRAPH_CACHE": "1", "TORCHINDUCTOR_AUTOGRAD_CACHE": "1"})
    t0 = _monotonic()
    try:
        os.makedirs(os.path.join(cr.root, "triton"), exist_ok=True)
        import torch._dynamo  # noqa: F401  (imported here: its import time is part of compile_s)
        counters = _counters()
        if counters is not None:
            counters.clear()
        try:
            import torch._inductor.config as icfg
            icfg.compile_threads = 1
        except Exception:
            pass
        model = torch.compile(ev.ref_model, mode=mode)
        with ev.no_grad():
            out = model(*clone(torch, example_inputs))
            if ev.cuda:
                torch.cuda.synchronize(ev.device)
            cr.compile_s = _monotonic() - t0
            for _ in range(2):
                out = model(*clone(torch, example_inputs))
            expected = ev.ref_model(*clone(torch, example_inputs))
            if ev.cuda:
                torch.cuda.synchronize(ev.device)
        cr.cache = _cache_counts(counters)
        cr.cache_hit = (cr.cache.get("fxgraph_cache_hit", 0) + cr.cache.get("autograd_cache_hit", 0)) > 0
        tol = compare.TOLERANCE[ev.precision]
        outs, exps = integrity.flatten(out), integrity.flatten(expected)
        if len(outs) != len(exps) or not all(
                compare.close(torch, o, e, tol) if isinstance(e, torch.Tensor) else o == e for o, e in zip(outs, exps)):
            cr.failed("torch.compile failed: the compiled reference's output differs from the eager reference's "
                      f"beyond the tolerance {tol}")
        else:
            cr.model = model
    except BaseException as e:  # the reference under inductor, not the kernel
        cr.failed("torch.compile failed: " + _one_line(e))
        try:
            torch._dynamo.reset()
        except Exception:
            pass
    finally:
        if cr.compile_s is None:
            cr.compile_s = _monotonic() - t0
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        # Anything compiled from now on (the candidate's own torch.compile) stays in this child.
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(ev.ctx.tmpdir, "inductor")
    ev.md["compile_baseline"] = {"mode": mode, "compile_s": round(cr.compile_s, 3), "cache": cr.cache,
                                 "cache_dir": cr.root, "error": cr.error}
    return cr
