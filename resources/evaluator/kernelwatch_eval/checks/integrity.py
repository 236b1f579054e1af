"""Runtime integrity checks: patched functions, output validity and aliasing, modified inputs,
poisoned freed memory, background threads.

Every builtin used here is bound at import time, before candidate code runs.
"""
from __future__ import annotations

import builtins
import os
import threading
import time
import types

_type, _isinstance, _len, _id, _getattr = type, isinstance, len, id, getattr
_enumerate, _list, _tuple, _sorted = enumerate, list, tuple, sorted

REJECT_FLAGS = {
    "timer_patched", "torch_patched", "inputs_modified", "output_aliases_input",
    "output_aliases_reference", "output_not_plain_tensor", "output_not_dense", "background_thread",
    "timed_output_mismatch", "tolerance_exploit", "faster_than_light",
}


class Snapshot:
    """Identity of callables in timing- and torch-related namespaces, taken before the candidate
    loads; `changed()` lists what was replaced since."""

    def __init__(self, torch):
        self.torch = torch
        self.entries = {}
        spaces = {"time": time, "builtins": builtins, "torch": torch, "torch.Tensor": torch.Tensor,
                  "torch.nn.functional": torch.nn.functional, "torch.nn.Module": torch.nn.Module,
                  "torch.cuda": torch.cuda, "threading": threading, "os": os}
        if hasattr(torch.cuda, "Event"):
            spaces["torch.cuda.Event"] = torch.cuda.Event
            spaces["torch.cuda.Stream"] = torch.cuda.Stream
        for label, ns in spaces.items():
            d = ns.__dict__ if hasattr(ns, "__dict__") else {}
            for k, v in _list(d.items()):
                if callable(v) or _isinstance(v, (staticmethod, classmethod, property)):
                    self.entries[(label, k)] = (ns, v)
        self.backend_flags = self._backend_flags()

    def _backend_flags(self):
        t = self.torch
        out = {}
        for name, getter in (
                ("cuda.matmul.allow_tf32", lambda: t.backends.cuda.matmul.allow_tf32),
                ("cudnn.allow_tf32", lambda: t.backends.cudnn.allow_tf32),
                ("cuda.matmul.allow_fp16_reduced_precision_reduction",
                 lambda: t.backends.cuda.matmul.allow_fp16_reduced_precision_reduction)):
            try:
                out[name] = bool(getter())
            except Exception:
                pass
        return out

    def changed(self) -> list:
        bad = []
        for (label, k), (ns, v) in self.entries.items():
            cur = ns.__dict__.get(k, None) if hasattr(ns, "__dict__") else None
            if cur is not v:
                bad.append(f"{label}.{k}")
        return bad

    def changed_backend_flags(self) -> list:
        now = self._backend_flags()
        return [k for k, v in self.backend_flags.items() if now.get(k) != v]

    def restore_backend_flags(self):
        t = self.torch
        for k, v in self.backend_flags.items():
            try:
                if k == "cuda.matmul.allow_tf32":
                    t.backends.cuda.matmul.allow_tf32 = v
                elif k == "cudnn.allow_tf32":
                    t.backends.cudnn.allow_tf32 = v
                else:
                    t.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = v
            except Exception:
                pass


_TIMER_NAMES = ("time.", "torch.cuda.Event", "torch.cuda.synchronize", "torch.cuda.Stream",
                "torch.cuda.current_stream", "torch.cuda.default_stream")


def classify_patches(names) -> list:
    flags = []
    if any(n.startswith(_TIMER_NAMES) for n in names):
        flags.append("timer_patched")
    if any(not n.startswith(_TIMER_NAMES) for n in names):
        flags.append("torch_patched")
    return flags


# --------------------------------------------------------------------------- tensors


def flatten(out):
    """Tensors (and other leaves) of a possibly nested tuple/list output, in order."""
    if _isinstance(out, (_tuple, _list)):
        res = []
        for o in out:
            res.extend(flatten(o))
        return res
    return [out]


def storage_range(torch, t):
    try:
        s = t.untyped_storage()
        n = s.nbytes()
    except AttributeError:
        s = t.storage()
        n = s.size() * s.element_size()
    ptr = s.data_ptr()
    return (ptr, ptr + n) if n > 0 and ptr else None


def overlaps(a, b) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def is_dense(t) -> bool:
    """Non-overlapping and dense (no stride-0 expansion, no gaps), any dim order."""
    if t.numel() <= 1:
        return True
    dims = _sorted((st, sz) for st, sz in zip(t.stride(), t.shape) if sz != 1)
    expected = 1
    for st, sz in dims:
        if st != expected:
            return False
        expected *= sz
    return True


def tensor_problem(torch, o, expected):
    """Why candidate output leaf `o` is not an acceptable stand-in for `expected` (None: fine).
    Returns (flag or None, message)."""
    if _isinstance(expected, torch.Tensor) and _type(expected) is torch.Tensor:
        if _type(o) is not torch.Tensor:
            return "output_not_plain_tensor", f"output is a {_type(o).__module__}.{_type(o).__name__}, not a plain torch.Tensor"
        if o.layout != torch.strided or o.is_sparse or _getattr(o, "is_quantized", False) or \
                _getattr(o, "is_mkldnn", False):
            return "output_not_plain_tensor", f"output layout {o.layout} is not strided"
        if o.device != expected.device:
            return "output_device_mismatch", f"output on {o.device}, expected {expected.device}"
        if o.dtype != expected.dtype:
            return "output_dtype_mismatch", f"output dtype {o.dtype}, expected {expected.dtype}"
        if _tuple(o.shape) != _tuple(expected.shape):
            return "shape", f"Output shape mismatch: Expected {_tuple(expected.shape)}, got {_tuple(o.shape)}"
        if not is_dense(o) and is_dense(expected):
            return "output_not_dense", f"output strides {o.stride()} are not dense"
        return None, ""
    if _isinstance(expected, torch.Tensor):
        return None, ""  # reference returns a subclass itself; compare values only
    return None, ""


def aliasing(torch, outs, tensors) -> bool:
    ranges = [storage_range(torch, t) for t in tensors if _isinstance(t, torch.Tensor)]
    for o in outs:
        if _isinstance(o, torch.Tensor):
            r = storage_range(torch, o)
            if any(overlaps(r, x) for x in ranges):
                return True
    return False


def inputs_changed(torch, inputs, pristine) -> bool:
    for a, b in zip(inputs, pristine):
        if _isinstance(a, torch.Tensor) and _isinstance(b, torch.Tensor):
            if a.shape != b.shape or a.dtype != b.dtype or not torch.equal(a, b):
                return True
    return False


def poison(torch, device, sizes, cuda: bool):
    """Fill freed allocator blocks with 0xFF bytes (NaN in every float format) so an output that
    is allocated but never written cannot inherit a previous result."""
    if cuda:
        torch.cuda.synchronize(device)
    blocks = []
    try:
        for n in sizes:
            for _ in range(2):
                b = torch.empty(max(int(n), 1), dtype=torch.uint8, device=device)
                b.fill_(0xFF)
                blocks.append(b)
        if cuda:
            torch.cuda.synchronize(device)
    except RuntimeError:
        pass
    del blocks


def tensor_nbytes(torch, objs):
    return [o.numel() * o.element_size() for o in objs if _isinstance(o, torch.Tensor)]


# --------------------------------------------------------------------------- threads


def thread_idents():
    return {t.ident for t in threading.enumerate()}


def new_threads(before: set, candidate_path: str):
    """(owned_by_candidate, others): alive Python threads that were not there before."""
    owned, others = [], []
    for t in threading.enumerate():
        if t.ident in before or not t.is_alive():
            continue
        fn = _getattr(t, "_target", None) or _getattr(_type(t), "run", None)
        code = _getattr(fn, "__code__", None)
        fname = _getattr(code, "co_filename", "") if code else ""
        if _isinstance(fn, types.MethodType):
            fname = _getattr(_getattr(fn.__func__, "__code__", None), "co_filename", fname)
        (owned if candidate_path and fname == candidate_path or _type(t).__module__.startswith(
            "kernel_") else others).append(t.name)
    return owned, others


def native_thread_count() -> int:
    try:
        return _len(os.listdir("/proc/self/task"))
    except OSError:
        return -1
