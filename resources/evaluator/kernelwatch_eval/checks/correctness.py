"""Correctness trials with the integrity defences of issue 6.

Trial i uses inputs from seed 42+i, except the last, whose seed derives from the per-evaluation
secret. Even trials run the reference first, odd trials the candidate first. Every call gets
fresh clones of the pristine inputs; freed allocator blocks are poisoned before the candidate
runs; reference outputs stay alive (their memory cannot be handed to the candidate).
"""
from __future__ import annotations

import copy
import time

from ..loading import loader
from . import compare, integrity

_monotonic = time.monotonic


def clone_args(torch, xs):
    out = []
    for x in xs:
        if isinstance(x, torch.Tensor):
            out.append(x.clone())
        elif isinstance(x, (list, tuple)):
            out.append(type(x)(clone_args(torch, x)))
        else:
            out.append(x)
    return out


def tensors_of(torch, xs):
    res = []
    for x in xs:
        if isinstance(x, torch.Tensor):
            res.append(x)
        elif isinstance(x, (list, tuple)):
            res.extend(tensors_of(torch, x))
    return res


def trial_seeds(ev) -> list:
    seeds = [42 + i for i in range(ev.n_correct)]
    seeds[-1] = ev.secret
    return seeds


def make_inputs(ev, seed: int):
    torch = ev.torch
    torch.manual_seed(seed)
    if ev.cuda:
        torch.cuda.manual_seed_all(seed)
    return list(ev._to_dev(list(ev.ref_mod.get_inputs())))


def call(ev, model, args):
    torch = ev.torch
    with ev.no_grad():
        out = model(*args)
    if ev.cuda:
        torch.cuda.synchronize(ev.device)
    return out


def correctness(ev):
    torch = ev.torch
    ev.no_grad = torch.no_grad
    ev.ctx.progress("checking", f"{ev.n_correct} trials")
    t0 = _monotonic()
    tol = compare.TOLERANCE[ev.precision]
    ev.ref_modifies_inputs = False
    ev.ref_aliases_inputs = False
    ev.out_sizes = []
    max_diffs, avg_diffs = [], []
    passed = 0
    lowp_done = False
    try:
        for i, seed in enumerate(trial_seeds(ev)):
            ev.ctx.progress("checking", f"trial {i + 1}/{ev.n_correct}")
            try:
                pristine = make_inputs(ev, seed)
            except BaseException as e:
                ev.finish("infra_error", "reference get_inputs() failed: " + loader.format_exception(e))
            ref_first = i % 2 == 0
            if ref_first:
                expected, ref_args = run_reference(ev, pristine)
            ev.timer.flush()
            integrity.poison(torch, ev.device, ev.out_sizes, ev.cuda)
            cand_args = clone_args(torch, pristine)
            try:
                out = call(ev, ev.new_model, cand_args)
            except BaseException as e:
                ev.finish("runtime_error", loader.format_exception(e))
            if not ref_first:
                ev.timer.flush()
                expected, ref_args = run_reference(ev, pristine)
            ev.check_state("during forward")
            ok, mx, avg = judge(ev, out, expected, cand_args, pristine, tol)
            max_diffs.append(mx)
            avg_diffs.append(avg)
            if ok:
                passed += 1
                if not lowp_done and ev.precision == "fp32":
                    lowp_done = True
                    lower_precision_check(ev, out, expected, pristine)
            del out, expected, ref_args, cand_args
    finally:
        ev.res["tests_passed"] = passed
        finite = [d for d in max_diffs if d == d]
        if max_diffs:
            ev.md["max_difference"] = max(finite) if finite else float("nan")
            ev.md["avg_difference"] = sum(a for a in avg_diffs if a == a) / max(1, len(avg_diffs))
            ev.md["trial_max_difference"] = max_diffs
        ev.md["tolerance"] = tol
        ev.md["reference_modifies_inputs"] = ev.ref_modifies_inputs
        ev.res["timings"]["correctness"] = _monotonic() - t0
    if passed != ev.n_correct:
        ev.finish("incorrect", f"Output mismatch in {ev.n_correct - passed} of {ev.n_correct} trials "
                               f"(max difference {ev.md.get('max_difference')}, tolerance {tol})")
    ev.res["correctness"] = True


def run_reference(ev, pristine):
    torch = ev.torch
    args = clone_args(torch, pristine)
    try:
        out = call(ev, ev.ref_model, args)
    except BaseException as e:
        ev.finish("infra_error", "reference forward failed: " + loader.format_exception(e))
    ts = tensors_of(torch, args)
    if integrity.inputs_changed(torch, ts, tensors_of(torch, pristine)):
        ev.ref_modifies_inputs = True
    leaves = integrity.flatten(out)
    if integrity.aliasing(torch, leaves, ts):
        ev.ref_aliases_inputs = True
    sizes = integrity.tensor_nbytes(torch, leaves)
    if sizes:
        ev.out_sizes = sizes
    return out, args


def judge(ev, out, expected, cand_args, pristine, tol):
    """(passed, max_diff, avg_diff) for one trial; rejects or finishes on structural problems."""
    torch = ev.torch
    outs, exps = integrity.flatten(out), integrity.flatten(expected)
    if len(outs) != len(exps):
        ev.finish("incorrect", f"Output structure mismatch: expected {len(exps)} tensor(s), got {len(outs)}")
    cand_ts = tensors_of(torch, cand_args)
    if not ev.ref_aliases_inputs and integrity.aliasing(torch, outs, cand_ts):
        ev.reject("output_aliases_input", "the output shares memory with an input")
    if integrity.aliasing(torch, outs, exps + tensors_of(torch, pristine)):
        ev.reject("output_aliases_reference", "the output shares memory with the reference's tensors")
    if not ev.ref_modifies_inputs and integrity.inputs_changed(torch, cand_ts, tensors_of(torch, pristine)):
        ev.reject("inputs_modified", "the kernel modified its inputs in place")
    ok, mx, avg = True, 0.0, 0.0
    for o, e in zip(outs, exps):
        if not isinstance(e, torch.Tensor):
            if o != e:
                ok = False
            continue
        flag, msg = integrity.tensor_problem(torch, o, e)
        if flag in ("output_not_plain_tensor", "output_not_dense"):
            ev.reject(flag, msg)
        if flag == "shape":
            ev.finish("incorrect", msg)
        if flag:
            ev.flag(flag, msg)
            ev.finish("incorrect", msg)
        d_max, d_avg = compare.diff_stats(torch, o, e)
        mx, avg = max(mx, d_max) if d_max == d_max else d_max, avg + d_avg / len(exps)
        if not compare.close(torch, o, e, tol):
            ok = False
        elif compare.tolerance_exploit(torch, o, e, tol):
            ev.reject("tolerance_exploit", "the output passes only because the values are tiny against the "
                                           "absolute tolerance; scaled to the reference it is wrong")
    return ok, mx, avg


def lower_precision_check(ev, out, expected, pristine):
    """fp32 only: compare against the reference run in float64."""
    torch = ev.torch
    try:
        model64 = copy.deepcopy(ev.ref_model).to(torch.float64)
        args64 = [x.to(torch.float64) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
                  for x in clone_args(torch, pristine)]
        ref64 = call(ev, model64, args64)
    except BaseException as e:
        ev.md["low_precision_check"] = "skipped: " + type(e).__name__
        return
    ev.md["low_precision_check"] = "done"
    for o, e32, e64 in zip(integrity.flatten(out), integrity.flatten(expected), integrity.flatten(ref64)):
        if isinstance(o, torch.Tensor) and isinstance(e64, torch.Tensor) and e64.is_floating_point():
            bad, detail = compare.low_precision(torch, o, e32, e64)
            if bad:
                ev.flag("low_precision", detail)
                return
