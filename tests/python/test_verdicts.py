"""Golden verdict cases (tests/fixtures/verdicts): the Python assembler must produce exactly the
expected status, words and flags; the C++ core runs the same files."""
from __future__ import annotations

import json

import pytest

from kernelwatch_eval.evaluation.results import assemble, format_seconds
from conftest import FIXTURES

CASES = sorted((FIXTURES / "verdicts").glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_verdict(path):
    case = json.loads(path.read_text())
    req = {"id": "golden", "kernel_code": "class ModelNew: pass", "num_correct_trials": 5}
    exited = dict(case["exit"], killed_reason="cancelled") if case["cancelled"] else case["exit"]
    res = assemble(req, "cpu", case["child_report"], exited, case["timed_out"], case["timeout_s"], 1.0,
                   last_stage=case["last_stage"], mode=case["mode"])
    exp = case["expected"]
    assert res["status"] == exp["status"]
    assert res["error_message"] == exp["error_message"]
    assert res["flags"] == exp["flags"]
    if "compiled" in exp:
        assert res["compiled"] is exp["compiled"]
    for k, v in exp.get("metadata", {}).items():
        assert res["metadata"][k] == v


def test_there_are_golden_cases():
    assert len(CASES) >= 12


@pytest.mark.parametrize("s,text", [(30, "30 s"), (300, "5 min"), (150, "2 min 30 s"), (1.5, "1.5 s"), (119, "119 s"),
                                    (0.25, "0.25 s")])
def test_format_seconds_as_the_core(s, text):
    assert format_seconds(s) == text
