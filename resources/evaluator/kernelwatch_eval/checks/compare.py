"""Numerical comparison of candidate and reference outputs (KernelBench tolerances) plus the
tolerance-exploit and lower-precision checks."""
from __future__ import annotations

import math

TOLERANCE = {"fp32": 1e-4, "fp16": 1e-2, "bf16": 1e-2}
EPS32 = 1.1920929e-07
# Lower-precision check: flag when the candidate's error against a float64 reference is this many
# times the fp32 reference's own error (and above a few dozen fp32 ulps of the output scale).
LOWP_FACTOR = 32.0
LOWP_ULPS = 64.0
# Tolerance-exploit check: scale-normalised tolerance, this many times looser than the plain one.
EXPLOIT_LOOSEN = 10.0


def diff_stats(torch, o, e):
    """(max_abs_diff, mean_abs_diff) in float64; NaN when either has NaN/inf mismatches."""
    if o.numel() == 0:
        return 0.0, 0.0
    d = (o.detach().to(torch.float64) - e.detach().to(torch.float64)).abs()
    return float(d.max().item()), float(d.mean().item())


def close(torch, o, e, tol: float) -> bool:
    if o.dtype != e.dtype or tuple(o.shape) != tuple(e.shape):
        return False
    if o.numel() == 0:
        return True
    if o.dtype in (torch.float16, torch.bfloat16):
        o, e = o.float(), e.float()
    return bool(torch.allclose(o, e, atol=tol, rtol=tol))


def tolerance_exploit(torch, o, e, tol: float) -> bool:
    """True when zeros would pass the plain check (the outputs are tiny against atol) yet the
    candidate's output is wrong once both are scaled to the reference's magnitude."""
    if e.numel() == 0 or not e.is_floating_point():
        return False
    e64 = e.detach().to(torch.float64)
    scale = float(e64.abs().max().item())
    if not math.isfinite(scale) or scale == 0.0:
        return False
    if not bool(torch.allclose(torch.zeros_like(e64), e64, atol=tol, rtol=tol)):
        return False  # the plain check already discriminates
    o64 = o.detach().to(torch.float64)
    loose = tol * EXPLOIT_LOOSEN
    return not bool(torch.allclose(o64 / scale, e64 / scale, atol=loose, rtol=loose))


def low_precision(torch, o, e32, e64):
    """(flagged, detail) comparing candidate and fp32 reference errors against float64."""
    if o.numel() == 0 or not e64.is_floating_point():
        return False, ""
    ref64 = e64.detach().to(torch.float64)
    scale = float(ref64.abs().max().item())
    if not math.isfinite(scale) or scale == 0.0:
        return False, ""
    err_ref = float((e32.detach().to(torch.float64) - ref64).abs().max().item())
    err_c = float((o.detach().to(torch.float64) - ref64).abs().max().item())
    if not (math.isfinite(err_ref) and math.isfinite(err_c)):
        return False, ""
    bound = max(LOWP_FACTOR * err_ref, LOWP_ULPS * EPS32 * scale)
    if err_c > bound:
        return True, f"error vs float64 {err_c:.3g} > {bound:.3g} (fp32 reference error {err_ref:.3g})"
    return False, ""
