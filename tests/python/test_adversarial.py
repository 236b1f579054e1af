"""One adversarial kernel per known cheat (design.md, "Known ways kernels cheat").

Each fixture says in its header which verdicts are acceptable (`kw-expect-status`) and which
flags must appear (`kw-expect-flag`, any one of them). A cheat may never come out `correct`
without its flag, and a flagged-only cheat (a suspicion) must carry its flag.
"""
from __future__ import annotations

import pytest

from conftest import make_request, read_fixture, fixture_files


def _cases(device):
    return [pytest.param(p, id=p.stem) for p in fixture_files("cheat", device)
            if read_fixture(p)[1].get("device", "any") in ("any", device)]


def check_verdict(res, headers):
    allowed = headers["expect-status"].split()
    assert res["status"] in allowed, (res["status"], res["error_message"][:1500], res["flags"])
    want = headers.get("expect-flag", "").split()
    if want:
        assert any(f in res["flags"] for f in want), (want, res["flags"], res["error_message"][:500])
    if res["status"] == "rejected":
        assert res["cheated"] is True and res["correctness"] is False
    if res["status"] == "correct":
        assert want, "a cheat passed without any flag"


@pytest.mark.parametrize("path", _cases("cpu"))
def test_cheat_cpu(zygote, path):
    src, h = read_fixture(path)
    req = make_request(h["problem"], src, num_perf_trials=10, perf_budget_s=1.0)
    res = zygote.evaluate(req, timeout_s=120)
    check_verdict(res, h)


def test_secret_seed_changes_the_inputs(zygote):
    """Two evaluations of a seed-overfitting kernel: the secret trial differs between them,
    and the fixed-seed trials pass."""
    from conftest import KERNELS
    src, h = read_fixture(KERNELS / "cheat" / "overfit_fixed_seeds.py")
    res = zygote.evaluate(make_request("relu", src, measure_performance=False), 60)
    assert res["status"] == "incorrect"
    assert res["tests_passed"] == 4, res["metadata"]["trial_max_difference"]  # only the secret trial fails
    assert res["metadata"]["trial_max_difference"][-1] > 0
