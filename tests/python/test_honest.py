"""Honest kernels must pass without a single flag (a false positive is as bad as a miss)."""
from __future__ import annotations

import pytest

from conftest import KERNELS, SLOW, make_request, read_fixture


def _cases():
    out = []
    for p in sorted((KERNELS / "honest").glob("*.py")):
        _, h = read_fixture(p)
        if h.get("device", "cpu") != "cpu":
            continue
        marks = [pytest.mark.skipif(not SLOW, reason="a second cold C++ build; set KW_TEST_SLOW=1")] \
            if h.get("slow") else []
        for prec in h.get("precisions", "fp32").split():
            out.append(pytest.param(p, prec, id=f"{p.stem}-{prec}", marks=marks))
    return out


@pytest.mark.parametrize("path,precision", _cases())
def test_honest_cpu_kernel(zygote, path, precision, request):
    src, h = read_fixture(path)
    if h.get("build"):
        request.getfixturevalue("cpp_cache_runs")  # the cold build happens there, once
    req = make_request(h["problem"], src, precision=precision, seed_secret="honest-secret")
    res = zygote.evaluate(req, timeout_s=240 if h.get("build") else 60)
    assert res["status"] == "correct", (res["error_message"], res["log_tail"][-2000:])
    assert res["flags"] == [], res["metadata"].get("flag_details")
    assert res["cheated"] is False and res["correctness"] is True and res["compiled"] is True
    assert res["tests_passed"] == res["tests_total"] == 5
    assert res["metadata"]["correctness_trials"] == "(5 / 5)"
    assert res["speedup"] is not None and res["speedup"] > 0
    assert res["speedup"] == pytest.approx(res["baseline_runtime_ms"] / res["runtime_ms"])
    assert res["runtime_stats"]["n"] >= 3 and res["baseline_stats"]["n"] >= 3
    assert res["metadata"]["low_precision_check"] == "done" if precision == "fp32" else True
    assert res["device"]["arch"] == "cpu" and res["device"]["target"] == "cpu"
    for k in ("compile", "correctness", "perf", "total"):
        assert res["timings"][k] >= 0
