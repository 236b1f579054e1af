"""Cheap pre-run size probe: how many bytes a problem's inputs and parameters take, without
allocating them (PROTOCOL.md, "Size probe").

The reference's get_inputs() / get_init_inputs() and Model(*init) run with torch's default device
set to "meta" (torch >= 2.0: `with torch.device("meta")`; older torch: the tensor factories are
given device="meta"), so a 6 GiB input costs nothing. Runs in an evaluation child (zygote op
"probe"), never in the zygote itself: the reference is user code.
"""
from __future__ import annotations

import contextlib
import os
import platform
import time

from ..loading import loader

MAX_LISTED = 16
# Request key that scales a problem down for a try on a smaller machine: the reference module's
# `batch_size` global (KernelBench's convention; get_inputs() reads it when called) is set to it.
BATCH_KEY = "input_batch_size"
# Held at once at the correctness stage's peak: the pristine inputs, the reference's and the
# candidate's clones, and a timing set; parameters of the reference and of the candidate.
INPUT_COPIES = 4
PARAM_COPIES = 2
OUTPUT_COPIES = 2  # the reference's and the candidate's
# The correctness comparison holds both outputs in float64, their difference and its abs
# (compare.diff_stats), and the tolerance-exploit check scales both again (compare.py): measured
# on level1/23_Softmax at batch_size 64 on the CPU, peak RSS 2.27 GB = torch + ~20 x the inputs.
COMPARE_F64_COPIES = 6
_FACTORIES = ("empty", "zeros", "ones", "full", "rand", "randn", "randint", "randperm", "arange", "linspace",
              "logspace", "eye", "empty_strided", "normal", "tensor", "as_tensor")


@contextlib.contextmanager
def _meta_default(torch):
    dev = torch.device("meta")
    if hasattr(dev, "__enter__"):  # torch >= 2.0
        with dev:
            yield "device_context"
        return
    saved = {}

    def wrap(fn):
        def f(*a, **k):
            k.setdefault("device", "meta")
            return fn(*a, **k)
        return f
    for name in _FACTORIES:
        fn = getattr(torch, name, None)
        if fn is not None:
            saved[name] = fn
            setattr(torch, name, wrap(fn))
    try:
        yield "factory_patch"
    finally:
        for name, fn in saved.items():
            setattr(torch, name, fn)


def _forward_on_meta(torch, model, inputs):
    """The reference's outputs as meta tensors (their sizes), or None when its forward cannot run
    on meta (data-dependent shapes, .item(), ops without a meta kernel)."""
    try:
        with torch.no_grad():
            return model(*inputs)
    except Exception:
        return None


def _tensors(torch, x, out):
    if isinstance(x, torch.Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _tensors(torch, v, out)
    elif isinstance(x, dict):
        for v in x.values():
            _tensors(torch, v, out)
    return out


def _nbytes(torch, t, dtype) -> int:
    """Bytes once on the device: float tensors are cast to the evaluation's precision."""
    size = (torch.empty((), dtype=dtype).element_size() if t.is_floating_point()
            else t.element_size())
    return int(t.numel()) * int(size)


def module_batch_size(mod):
    """The reference's module-level integer `batch_size`, or None (then inputs cannot be scaled)."""
    v = getattr(mod, "batch_size", None)
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def apply_batch_size(mod, batch_size) -> dict:
    """Scales the problem's inputs: sets the reference module's `batch_size` to `batch_size`
    (request key input_batch_size). Returns metadata.inputs_scaled; ValueError (what to do) when
    the value or the problem does not allow it."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"{BATCH_KEY} must be a whole number >= 1, got {batch_size!r}")
    original = module_batch_size(mod)
    if original is None:
        raise ValueError(f"this problem's inputs cannot be scaled ({BATCH_KEY} {batch_size}): the reference has "
                         "no module-level integer `batch_size` for get_inputs() to read; run it without "
                         "scaling on a machine with enough memory")
    mod.batch_size = batch_size
    return {"batch_size": batch_size, "original_batch_size": original,
            "note": f"inputs scaled: batch_size {original} -> {batch_size}; the speedup is not the problem's"}


def probe_sizes(ref_code: str, precision: str = "fp32", tmpdir: str = None, mem_limit_kb: int = 0,
                batch_size=None) -> dict:
    """{"status": "probed"|"probe_failed", "error_message", "sizes": {...}} (see PROTOCOL.md).
    batch_size: probe the problem scaled as request key input_batch_size would scale it."""
    import tempfile

    import torch
    t0 = time.monotonic()
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)
    out = {"status": "probe_failed", "error_message": "", "sizes": None,
           "metadata": {"torch_version": torch.__version__, "python": platform.python_version()}}
    stage = "loading the reference"
    try:
        mod, _ = loader.load_module(ref_code, "reference", tmpdir or tempfile.mkdtemp(prefix="kw-probe-"))
        original_batch = module_batch_size(mod)
        scaled = None
        if batch_size is not None:
            stage = BATCH_KEY
            scaled = apply_batch_size(mod, batch_size)
        with _meta_default(torch) as method:
            stage = "get_init_inputs()"
            torch.manual_seed(42)
            init = list(mod.get_init_inputs())
            stage = "get_inputs()"
            inputs = list(mod.get_inputs())
            stage = "Model(*get_init_inputs())"
            model = mod.Model(*init)
            stage = "Model.forward on meta tensors"
            outputs = _forward_on_meta(torch, model, inputs)
        stage = "counting"
        ins = _tensors(torch, inputs, [])
        real = [t for t in ins + _tensors(torch, init, []) if t.device.type != "meta"]
        params = list(model.parameters()) if isinstance(model, torch.nn.Module) else []
        bufs = list(model.buffers()) if isinstance(model, torch.nn.Module) else []
        input_bytes = sum(_nbytes(torch, t, dtype) for t in ins)
        param_bytes = sum(_nbytes(torch, p, dtype) for p in params)
        buffer_bytes = sum(_nbytes(torch, b, dtype) for b in bufs)
        init_bytes = sum(_nbytes(torch, t, dtype) for t in _tensors(torch, init, []))
        outs = _tensors(torch, outputs, []) if outputs is not None else None
        output_bytes = sum(_nbytes(torch, t, dtype) for t in outs) if outs is not None else None
        compare_bytes = COMPARE_F64_COPIES * sum(int(t.numel()) * 8 for t in outs) if outs is not None else 0
        peak = (INPUT_COPIES * input_bytes + PARAM_COPIES * (param_bytes + buffer_bytes)
                + OUTPUT_COPIES * (output_bytes or 0) + compare_bytes)
        sizes = {
            "precision": precision, "method": method,
            "input_bytes": input_bytes, "init_input_bytes": init_bytes,
            "param_bytes": param_bytes, "buffer_bytes": buffer_bytes, "output_bytes": output_bytes,
            "compare_bytes": compare_bytes,
            "batch_size": original_batch, "scalable": original_batch is not None, "inputs_scaled": scaled,
            "n_inputs": len(ins), "n_params": len(params),
            "inputs": [{"shape": list(t.shape), "dtype": str(dtype if t.is_floating_point() else t.dtype)
                        .replace("torch.", ""), "bytes": _nbytes(torch, t, dtype)} for t in ins[:MAX_LISTED]],
            "estimated_peak_bytes": peak,
            "estimate_rule": f"{INPUT_COPIES} x inputs + {PARAM_COPIES} x (parameters + buffers) + "
                             f"{OUTPUT_COPIES} x outputs + {COMPARE_F64_COPIES} x outputs in float64 for the "
                             "comparison (outputs when the forward ran on meta); the kernel's own memory comes "
                             "on top",
            "allocated_for_real": len(real),  # tensors get_inputs made on a real device despite meta
            "mem_limit_bytes": mem_limit_kb * 1024 if mem_limit_kb else None,
            "fits": (peak <= mem_limit_kb * 1024) if mem_limit_kb else None,
        }
        if mem_limit_kb and peak > mem_limit_kb * 1024:
            sizes["advice"] = (f"needs about {peak / 2**30:.1f} GiB, over the evaluator's memory cap of "
                               f"{mem_limit_kb / 2**20:.1f} GiB: raise it (zygote --mem-limit-mb / "
                               "KERNELWATCH_MEM_LIMIT_MB; 0 = no cap) or run it on a GPU with enough memory")
        out.update(status="probed", sizes=sizes)
    except BaseException as e:
        out["error_message"] = f"size probe failed at {stage}: " + loader.format_exception(e, 3000)
    out["timings"] = {"total": time.monotonic() - t0}
    return out


def main_in_child(request: dict, ctx):
    """Probe in an evaluation child (zygote op "probe"), deliver the result, leave."""
    try:
        res = probe_sizes(str(request.get("ref_code") or ""), str(request.get("precision") or "fp32"),
                          ctx.tmpdir, ctx.mem_limit_kb, request.get(BATCH_KEY))
    except BaseException as e:
        res = {"status": "probe_failed", "error_message": "size probe failed: " + repr(e)}
    res["id"] = request.get("id", "")
    res["isolation"] = ",".join(ctx.isolation)
    ok = ctx.channel.final(res) if ctx.channel is not None else False
    os._exit(0 if ok else 75)
