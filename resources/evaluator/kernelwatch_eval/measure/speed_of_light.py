"""Speed of light: the least time a problem's work can take on the device it was timed on.

Two numbers per problem and device (see PROTOCOL.md, "Speed of light"):
- `time_ms`, the roofline time of the reference's work: max(bytes / peak bandwidth, FLOPs / peak
  FLOP/s for the precision used), from the datasheet peaks of the GPU (GPU_TABLE). `percent` is
  100 * time_ms / the kernel's runtime; `bound` says which term is larger.
- `floor_ms`, the physically least time of ANY correct kernel: only the bytes that must move
  (inputs, which the timer's cache flush leaves in DRAM, plus the part of the outputs that does not
  fit in L2) over the most generous bandwidth (datasheet or measured, whichever is higher), and no
  FLOP term (a kernel may use a better algorithm than the reference). A kernel timed below
  FTL_FACTOR x floor_ms is flagged `faster_than_light`: its time cannot be real.

The facts about the device (table row, a short measurement of copy bandwidth and matmul throughput,
cached on disk per device) and about the problem (FLOPs, bytes) are gathered before the candidate
is loaded (`prepare`), so no candidate code can change them.
"""
from __future__ import annotations

import json
import os
import re
import time

FTL_FACTOR = 0.8  # a candidate median below this fraction of floor_ms is flagged faster_than_light
MEASURE_VERSION = 1
T = 1e12
G = 1e9

# Datasheet peaks, DENSE (NVIDIA lists tensor-core figures "with sparsity" at twice these):
# FLOP/s per precision ("fp32" = non-tensor FP32 cores; "tf32"/"fp16"/"bf16"/"fp8" = tensor cores,
# FP32 accumulate) and memory bandwidth in bytes/s. `match`: a regular expression on the upper-case
# CUDA device name (torch.cuda.get_device_properties().name); the first matching row wins.
# `modal`: Modal's name for the GPU (used when the device name matches no row, see lookup()).
GPU_TABLE = [
    {"row": "NVIDIA H100 NVL (datasheet)", "match": r"\bH100\b.*\bNVL\b", "modal": "",
     "fp32": 60 * T, "tf32": 417.5 * T, "fp16": 835.5 * T, "bf16": 835.5 * T, "fp8": 1670.5 * T, "bw": 3.9 * T},
    {"row": "NVIDIA H100 PCIe (datasheet)", "match": r"\bH100\b.*PCIE", "modal": "",
     "fp32": 51.2 * T, "tf32": 378 * T, "fp16": 756 * T, "bf16": 756 * T, "fp8": 1513 * T, "bw": 2.0 * T},
    {"row": "NVIDIA H100 SXM5 (datasheet)", "match": r"\bH100\b", "modal": "H100",
     "fp32": 67 * T, "tf32": 494.7 * T, "fp16": 989.4 * T, "bf16": 989.4 * T, "fp8": 1978.9 * T, "bw": 3.35 * T},
    {"row": "NVIDIA H200 NVL (datasheet)", "match": r"\bH200\b.*\bNVL\b", "modal": "",
     "fp32": 60 * T, "tf32": 417.5 * T, "fp16": 835.5 * T, "bf16": 835.5 * T, "fp8": 1670.5 * T, "bw": 4.8 * T},
    {"row": "NVIDIA H200 SXM (datasheet)", "match": r"\bH200\b", "modal": "H200",
     "fp32": 67 * T, "tf32": 494.7 * T, "fp16": 989.4 * T, "bf16": 989.4 * T, "fp8": 1978.9 * T, "bw": 4.8 * T},
    {"row": "NVIDIA B200 (HGX B200 datasheet, per GPU)", "match": r"\bB200\b", "modal": "B200",
     "fp32": 75 * T, "tf32": 1125 * T, "fp16": 2250 * T, "bf16": 2250 * T, "fp8": 4500 * T, "bw": 8.0 * T},
    {"row": "NVIDIA A100 SXM4 80GB (datasheet)", "match": r"A100.*SXM.*80\s*GB", "modal": "A100-80GB",
     "fp32": 19.5 * T, "tf32": 156 * T, "fp16": 312 * T, "bf16": 312 * T, "bw": 2039 * G},
    {"row": "NVIDIA A100 SXM4 40GB (datasheet)", "match": r"A100.*SXM", "modal": "A100",
     "fp32": 19.5 * T, "tf32": 156 * T, "fp16": 312 * T, "bf16": 312 * T, "bw": 1555 * G},
    {"row": "NVIDIA A100 PCIe 80GB (datasheet)", "match": r"A100.*(80\s*GB.*PCIE|PCIE.*80\s*GB)", "modal": "",
     "fp32": 19.5 * T, "tf32": 156 * T, "fp16": 312 * T, "bf16": 312 * T, "bw": 1935 * G},
    {"row": "NVIDIA A100 PCIe 40GB (datasheet)", "match": r"A100.*PCIE", "modal": "",
     "fp32": 19.5 * T, "tf32": 156 * T, "fp16": 312 * T, "bf16": 312 * T, "bw": 1555 * G},
    {"row": "NVIDIA L40S (datasheet)", "match": r"\bL40S\b", "modal": "L40S",
     "fp32": 91.6 * T, "tf32": 183 * T, "fp16": 362.05 * T, "bf16": 362.05 * T, "fp8": 733 * T, "bw": 864 * G},
    {"row": "NVIDIA L4 (datasheet)", "match": r"\bL4\b", "modal": "L4",
     "fp32": 30.3 * T, "tf32": 60 * T, "fp16": 121 * T, "bf16": 121 * T, "fp8": 242.5 * T, "bw": 300 * G},
    # AWS's A10 variant: same memory as the A10, about half its tensor throughput (published
    # A10G specification figures; NVIDIA publishes no datasheet for it).
    {"row": "NVIDIA A10G (published specifications)", "match": r"\bA10G\b", "modal": "",
     "fp32": 31.52 * T, "tf32": 35 * T, "fp16": 70 * T, "bf16": 70 * T, "bw": 600 * G},
    {"row": "NVIDIA A10 (datasheet)", "match": r"\bA10\b", "modal": "A10",
     "fp32": 31.2 * T, "tf32": 62.5 * T, "fp16": 125 * T, "bf16": 125 * T, "bw": 600 * G},
    # Turing: no TF32 and no BF16 tensor cores; those run at the FP32 rate.
    {"row": "NVIDIA T4 (datasheet)", "match": r"\bT4\b", "modal": "T4",
     "fp32": 8.1 * T, "tf32": 8.1 * T, "fp16": 65 * T, "bf16": 8.1 * T, "bw": 320 * G},
    # GeForce Ada: tensor figures with FP32 accumulate (the Ada whitepaper's table).
    {"row": "NVIDIA GeForce RTX 4090 (Ada whitepaper)", "match": r"RTX\s*4090", "modal": "",
     "fp32": 82.6 * T, "tf32": 82.6 * T, "fp16": 165.2 * T, "bf16": 165.2 * T, "fp8": 330.3 * T, "bw": 1008 * G},
]
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8")


def lookup(device_name: str, modal_name: str = ""):
    """The GPU_TABLE row for a CUDA device name, else the row of a Modal GPU name, else None."""
    n = str(device_name or "").upper()
    for row in GPU_TABLE:
        if n and re.search(row["match"], n):
            return row
    m = str(modal_name or "").upper().rstrip("!").split(":")[0]
    for row in GPU_TABLE:
        if m and row["modal"] and row["modal"].upper() == m:
            return row
    return None


def precision_of(torch, tensors) -> str:
    """The precision of the floating-point tensor(s) holding the most bytes ('fp32' when none)."""
    names = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16", torch.float64: "fp64"}
    for attr in ("float8_e4m3fn", "float8_e5m2"):
        if hasattr(torch, attr):
            names[getattr(torch, attr)] = "fp8"
    by = {}
    for t in tensors:
        if isinstance(t, torch.Tensor) and t.dtype in names:
            by[names[t.dtype]] = by.get(names[t.dtype], 0) + t.numel() * t.element_size()
    return max(by, key=by.get) if by else "fp32"


# --------------------------------------------------------------------------- counting work

def _tensors(torch, obj) -> list:
    if isinstance(obj, torch.Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _tensors(torch, o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _tensors(torch, o)]
    return []


def _nbytes(ts) -> int:
    return sum(t.numel() * t.element_size() for t in ts)


def _prod(xs) -> int:
    p = 1
    for x in xs:
        p *= int(x)
    return p


def _dispatch_flops(torch, model, args) -> tuple:
    """(FLOPs, of which in convolutions) of matmuls and convolutions seen by a TorchDispatchMode,
    for torch versions without torch.utils.flop_counter (< 2.1); the same formulas (2 FLOPs per
    multiply-add)."""
    from torch.utils._python_dispatch import TorchDispatchMode
    aten = torch.ops.aten
    total = [0, 0]

    def mm(a, b):
        return 2 * _prod(a.shape) * b.shape[-1]

    def bmm(a, b):
        return 2 * _prod(a.shape) * b.shape[-1]

    def conv(x, w, out, transposed):
        if transposed:  # weight (Cin, Cout/groups, k...): every input element meets Cout/groups x k
            return 2 * x.numel() * w.shape[1] * _prod(w.shape[2:])
        return 2 * out.numel() * w.shape[1] * _prod(w.shape[2:])

    class Counter(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            p = getattr(func, "overloadpacket", None)
            if p is aten.mm:
                total[0] += mm(args[0], args[1])
            elif p is aten.addmm:
                total[0] += mm(args[1], args[2])
            elif p is aten.bmm:
                total[0] += bmm(args[0], args[1])
            elif p is aten.baddbmm:
                total[0] += bmm(args[1], args[2])
            elif p in (aten.convolution, getattr(aten, "_convolution", None)):
                n = conv(args[0], args[1], out, bool(args[6]))
                total[0] += n
                total[1] += n
            return out

    with Counter():
        model(*args)
    return total[0], total[1]


def count_flops(torch, model, args) -> tuple:
    """(FLOPs of one forward, of which in convolutions, counter name):
    torch.utils.flop_counter.FlopCounterMode where torch has it, else the dispatch fallback."""
    try:
        from torch.utils.flop_counter import FlopCounterMode
    except ImportError:
        flops, conv = _dispatch_flops(torch, model, args)
        return flops, conv, "dispatch_fallback"
    with FlopCounterMode(display=False) as fc:
        model(*args)
    per_op = fc.get_flop_counts().get("Global", {})
    conv = sum(int(n) for op, n in per_op.items() if "convolution" in str(op))
    return int(fc.get_total_flops()), conv, "flop_counter"


def math_precision(torch, precision: str, flops: float, conv_flops: float, on_gpu: bool):
    """(the precision the reference's arithmetic runs at, why): fp32 convolutions run on TF32
    tensor cores where cuDNN may use them, PyTorch's default (torch.backends.cudnn.allow_tf32 is
    True), and so do fp32 matmuls where torch.backends.cuda.matmul.allow_tf32 is on (off by
    default). Measured on an H100: KernelBench level2/1's fp32 convolution ran at 1.02 x the fp32
    roof, which only the TF32 roof explains."""
    if precision != "fp32" or not on_gpu or flops <= 0:
        return precision, ""
    backends = getattr(torch, "backends", None)
    if conv_flops > 0.5 * flops and getattr(getattr(backends, "cudnn", None), "allow_tf32", False):
        return "tf32", "fp32 convolutions on TF32 tensor cores (torch.backends.cudnn.allow_tf32, the default)"
    matmul = getattr(getattr(backends, "cuda", None), "matmul", None)
    if conv_flops <= 0.5 * flops and getattr(matmul, "allow_tf32", False):
        return "tf32", "fp32 matmuls on TF32 tensor cores (torch.backends.cuda.matmul.allow_tf32 is on)"
    return precision, ""


def count_work(torch, model, args, no_grad=None) -> dict:
    """What one forward of the reference reads, writes and computes (outside any timing):
    bytes = inputs read once + outputs written once + parameters and buffers; FLOPs from the
    counter, or 1 per input element (`flops_estimated`) where it counts none (elementwise ops,
    reductions, softmax: the counter only knows matmuls, convolutions and attention)."""
    no_grad = no_grad or torch.no_grad
    with no_grad():
        flops, conv_flops, counter = count_flops(torch, model, args)
        out = model(*args)
    ins, outs = _tensors(torch, list(args)), _tensors(torch, out)
    params = [p for p in model.parameters()] + [b for b in model.buffers()]
    estimated = flops <= 0
    if estimated:
        flops = sum(t.numel() for t in ins)
    on_gpu = any(getattr(t, "is_cuda", False) for t in ins + params)
    precision, math_note = math_precision(torch, precision_of(torch, ins + params), 0 if estimated else flops,
                                          conv_flops, on_gpu)
    w = {"flops": float(flops), "flops_estimated": estimated, "flop_counter": counter,
         "input_bytes": _nbytes(ins), "output_bytes": _nbytes(outs), "param_bytes": _nbytes(params),
         "precision": precision, "math_note": math_note}
    w["bytes"] = float(w["input_bytes"] + w["output_bytes"] + w["param_bytes"])
    return w


# --------------------------------------------------------------------------- measuring the device

def _sanitize(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(s)).strip("_") or "device"


def measure_device(torch, device) -> dict:
    """Copy bandwidth on a 1 GiB buffer and 8192^3 matmul throughput per precision, best of a few
    CUDA-event-timed runs. Raises on failure (e.g. not enough free memory)."""
    def best(fn, reps):
        fn()
        torch.cuda.synchronize(device)
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        ms = float("inf")
        for _ in range(reps):
            s.record()
            fn()
            e.record()
            e.synchronize()
            ms = min(ms, s.elapsed_time(e))
        return ms

    out = {"version": MEASURE_VERSION, "torch": torch.__version__, "measured_at": time.time()}
    n = 1 << 28  # 1 GiB of fp32
    a = torch.empty(n, dtype=torch.float32, device=device).fill_(1.0)
    b = torch.empty_like(a)
    ms = best(lambda: b.copy_(a), 10)
    out["copy_bytes_per_s"] = 2 * n * 4 / (ms * 1e-3)
    a = b = None  # freed before the matmuls
    old = torch.backends.cuda.matmul.allow_tf32
    m = 8192
    flops = {}
    try:
        for name, dt, tf32 in (("fp32", torch.float32, False), ("tf32", torch.float32, True),
                               ("bf16", torch.bfloat16, False), ("fp16", torch.float16, False)):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            x = torch.randn(m, m, device=device, dtype=dt)
            y = torch.randn(m, m, device=device, dtype=dt)
            ms = best(lambda: torch.mm(x, y), 3)
            flops[name] = 2 * m ** 3 / (ms * 1e-3)
            x = y = None
    finally:
        torch.backends.cuda.matmul.allow_tf32 = old
    out["matmul_flops_per_s"] = flops
    torch.cuda.empty_cache()
    return out


def measured_peaks(torch, device, name: str, cache_root: str) -> dict:
    """measure_device() once per device name, cached in CACHE_ROOT/sol/<name>.json; the cached
    document gets "cached": true. {"error": why} when the measurement failed (not cached)."""
    path = os.path.join(cache_root, "sol", _sanitize(name) + ".json")
    try:
        with open(path) as f:
            doc = json.load(f)
        if isinstance(doc, dict) and doc.get("version") == MEASURE_VERSION and doc.get("copy_bytes_per_s"):
            doc["cached"] = True
            return doc
    except (OSError, ValueError):
        pass
    try:
        doc = measure_device(torch, device)
    except Exception as e:  # out of memory on a busy or small GPU: the table alone is used
        try:
            torch.cuda.empty_cache()
        except Exception:
            pass
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
    doc["device"] = name
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.replace(tmp, path)
    except OSError:
        pass
    doc["cached"] = False
    return doc


def device_facts(ev) -> dict:
    """{"name", "row", "l2_bytes", "measured"} for the evaluation's device, or {"unavailable": why}.
    Called before the candidate loads."""
    if not getattr(ev, "cuda", False):
        return {"unavailable": "timed on the CPU: the speed of light is computed for known GPUs only (a "
                               "CPU's peak bandwidth and FLOP/s are not in kernelwatch's table)"}
    torch = ev.torch
    props = torch.cuda.get_device_properties(ev.device)
    row = lookup(props.name, str(ev.req.get("served_gpu") or ""))
    if row is None:
        return {"unavailable": f"GPU {props.name!r} is not in kernelwatch's table of known GPUs "
                               "(kernelwatch_eval/measure/speed_of_light.py GPU_TABLE): add a row with its "
                               "datasheet peaks"}
    measured = measured_peaks(torch, ev.device, props.name, ev.slot.cache_dir)
    return {"name": props.name, "row": row, "l2_bytes": int(getattr(props, "L2_cache_size", 0) or 0),
            "measured": measured}


def prepare(ev, example_inputs) -> dict:
    """Device facts and the reference's work, before the candidate loads; {"unavailable": why}
    when no speed of light can be given."""
    dev = device_facts(ev)
    if "unavailable" in dev:
        return dev
    try:
        work = count_work(ev.torch, ev.ref_model, example_inputs)
    except Exception as e:
        return {"unavailable": f"counting the reference's work failed: {type(e).__name__}: {e}"[:300]}
    return {"device": dev, "work": work}


# --------------------------------------------------------------------------- the numbers

def _tb(x: float) -> str:
    return f"{x / 1e12:.3g} TB/s"


def _tf(x: float) -> str:
    return f"{x / 1e12:.4g} TFLOP/s"


def compute(facts: dict, runtime_ms: float, needed_input_bytes=None) -> dict:
    """The result's "sol" object from prepare()'s facts and the candidate's median runtime.
    `needed_input_bytes`: the bytes of the input tensors the outputs depend on (speedup.py finds an
    input unneeded when replacing it alone leaves the reference's outputs unchanged; no kernel has
    to read such an input, so floor_ms leaves it out); None: all inputs."""
    if not facts or "unavailable" in facts:
        return {"unavailable": (facts or {}).get("unavailable", "no device facts")}
    dev, work = facts["device"], facts["work"]
    row, meas = dev["row"], dev.get("measured") or {}
    prec = work["precision"]
    peak_flops = row.get(prec) or row["fp32"]
    peak_bw = row["bw"]
    notes = [f"table: {row['row']}: {prec} {_tf(peak_flops)}, {_tb(peak_bw)}"]
    if work.get("math_note"):
        notes.append(work["math_note"])
    m_bw = float(meas.get("copy_bytes_per_s") or 0.0)
    m_fl = float((meas.get("matmul_flops_per_s") or {}).get(prec) or 0.0)
    if m_bw:
        when = "cached" if meas.get("cached") else "now"
        notes.append(f"measured on this device ({when}): copy {_tb(m_bw)} ({100 * m_bw / peak_bw:.0f} % of the "
                     "table)" + (f", matmul {prec} {_tf(m_fl)} ({100 * m_fl / peak_flops:.0f} %)" if m_fl else ""))
    elif meas.get("error"):
        notes.append(f"measurement failed ({meas['error']}): table only")
    # A measurement above the datasheet means the row is wrong for this device: the roof can't be
    # below what was reached.
    if m_bw > 1.05 * peak_bw:
        peak_bw = m_bw
        notes.append("bandwidth above the table: the measured value is used")
    if m_fl > 1.05 * peak_flops:
        peak_flops = m_fl
        notes.append("matmul above the table: the measured value is used")
    t_mem = work["bytes"] / peak_bw
    t_cmp = work["flops"] / peak_flops
    time_ms = 1e3 * max(t_mem, t_cmp)
    l2 = int(dev.get("l2_bytes") or 0)
    need_in = work["input_bytes"] if needed_input_bytes is None else min(work["input_bytes"], needed_input_bytes)
    floor_bytes = need_in + max(0, work["output_bytes"] - l2)
    floor_bw = max(row["bw"], m_bw)
    rt_s = float(runtime_ms) * 1e-3 if runtime_ms else 0.0
    out = {"device": dev["name"], "precision": prec, "flops": work["flops"],
           "flops_estimated": bool(work["flops_estimated"]), "bytes": work["bytes"],
           "peak_flops_per_s": peak_flops, "peak_bytes_per_s": peak_bw, "peaks": "; ".join(notes),
           "time_ms": time_ms, "bound": "memory" if t_mem >= t_cmp else "compute",
           "percent": 100.0 * time_ms / float(runtime_ms) if runtime_ms else None,
           "arithmetic_intensity": work["flops"] / work["bytes"] if work["bytes"] else None,
           "achieved_flops_per_s": work["flops"] / rt_s if rt_s else None,
           "achieved_bytes_per_s": work["bytes"] / rt_s if rt_s else None,
           "floor_ms": 1e3 * floor_bytes / floor_bw,
           "floor_bytes": float(floor_bytes),
           "floor_rule": ("inputs" if need_in == work["input_bytes"] else
                          f"the inputs the outputs depend on ({need_in / 2**20:.3g} of "
                          f"{work['input_bytes'] / 2**20:.3g} MiB)")
           + f" + outputs beyond L2 ({l2 / 2**20:.0f} MiB) at {_tb(floor_bw)}; no FLOP term",
           "input_bytes": float(work["input_bytes"]), "output_bytes": float(work["output_bytes"]),
           "param_bytes": float(work["param_bytes"]), "flop_counter": work.get("flop_counter", ""),
           "l2_bytes": l2, "measured_bytes_per_s": m_bw or None, "measured_flops_per_s": m_fl or None}
    return out


def faster_than_light(runtime_ms, floor_ms) -> bool:
    """Is a measured median physically impossible (below FTL_FACTOR x floor_ms)?"""
    return bool(runtime_ms) and bool(floor_ms) and float(runtime_ms) < FTL_FACTOR * float(floor_ms)


def ftl_message(runtime_ms: float, sol: dict) -> str:
    return (f"measured {runtime_ms:.4g} ms, but the bytes that must move ({sol['floor_bytes'] / 2**20:.3g} MiB: "
            f"{sol['floor_rule']}) take at least {sol['floor_ms']:.4g} ms on {sol['device']}; a time below "
            f"{FTL_FACTOR:g} x that is not physically possible (the timing was tampered with or the work was "
            "skipped)")
