"""Self-consistency of the kernel_rl corpus (tests/fixtures/kernel_rl, written by kernel_rl's own
training code; see its README). Standard library only.

Run with: /usr/bin/python3 -m pytest tests/python/test_kernel_rl_corpus.py
"""
from __future__ import annotations

import json
import os
import pathlib
import struct
import sys

import pytest

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "kernel_rl"
RUNS = CORPUS / "runs"
sys.path.insert(0, str(CORPUS))

import replay  # noqa: E402
import tbwriter  # noqa: E402

RUN_NAMES = ["single_turn", "multi_turn", "crash_resume", "resume_from_batch", "partial_last_line"]
OUTCOMES = {"correct_fast", "correct", "incorrect", "compile_error", "runtime_error_cuda",
            "runtime_error_type", "modal_timeout", "modal_eval_failed", "lock_none",
            "ref_load_fail", "format_fail", "cheated"}
STATUSES = {"correct", "incorrect", "compile_error", "runtime_error", "timeout", "rejected",
            "infra_error"}
METRIC_STEPS = {
    "single_turn": [0, 1, 2, 3],
    "multi_turn": [0, 1, 2],
    "crash_resume": [0, 1, 2, 3],          # the killed process never finished step 2
    "resume_from_batch": [0, 1, 2, 1, 2],  # resume_from_batch=1 writes steps 1 and 2 again
    "partial_last_line": [0, 1],
}
CHECKPOINT_BATCHES = {
    "single_turn": [0, 1, 2, 3, 4, 4],
    "multi_turn": [0, 1, 2, 3, 3],
    "crash_resume": [0, 1, 2, 2, 3, 4, 4],      # the resume writes its start checkpoint again
    "resume_from_batch": [0, 1, 2, 3, 3, 1, 2, 3, 3],
    "partial_last_line": [0, 1, 2],
}


def status_of(rec):
    """kernelwatch's status vocabulary for a kernel_rl trace record (README: 'Truth')."""
    er = rec["eval_result"]
    msg = er.get("error_message") or ""
    md = er.get("metadata") or {}
    if er["cheated"]:
        return "rejected"
    if md.get("exception_type") == "FunctionTimeoutError":
        return "timeout"
    if msg.startswith(("Modal evaluation failed: ", "Modal execution failed: ",
                       "Evaluation returned None", "Failed to load reference code: ")):
        return "infra_error"
    if not er["format_ok"] or not er["compiled"]:
        return "compile_error"
    if er["correctness"]:
        return "correct"
    if "runtime_error" in md:
        return "runtime_error"
    return "incorrect"


def load(run):
    d = RUNS / run
    truth = [json.loads(l) for l in (d / "truth.jsonl").read_text().splitlines()]
    data = (d / "traces.jsonl").read_bytes()
    return d, truth, data


@pytest.mark.parametrize("run", RUN_NAMES)
def test_truth_covers_every_record(run):
    d, truth, data = load(run)
    pos = 0
    for t in truth:
        assert t["offset"] == pos, (t, pos)
        chunk = data[t["offset"]:t["offset"] + t["length"]]
        assert len(chunk) == t["length"]
        assert t["line_no"] == data.count(b"\n", 0, t["offset"]) + 1
        if t["cut"]:
            with pytest.raises(ValueError):
                json.loads(chunk)
            pos += t["length"]
            continue
        rec = json.loads(chunk)
        assert data[t["offset"] + t["length"]:t["offset"] + t["length"] + 1] == b"\n"
        assert (rec["problem_id"], rec["level"], rec["turn"]) == (t["problem_id"], t["level"], t["turn"])
        assert rec["reward"] == t["reward"]
        assert rec["eval_result"]["speedup"] == t["speedup"]
        assert rec["timestamp"] == t["timestamp"]
        assert status_of(rec) == t["expected_status"], t
        pos += t["length"] + 1
    assert pos == len(data)


@pytest.mark.parametrize("run", RUN_NAMES)
def test_every_line_parses_or_is_a_marked_fragment(run):
    d, truth, data = load(run)
    cut_lines = {t["line_no"] for t in truth if t["cut"]}
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines = lines[:-1]
    records_per_line = {}
    for t in truth:
        records_per_line.setdefault(t["line_no"], []).append(t)
    assert len(lines) == len(records_per_line)
    for no, line in enumerate(lines, start=1):
        if no in cut_lines:
            with pytest.raises(ValueError):
                json.loads(line)
        else:
            json.loads(line)
            assert len(records_per_line[no]) == 1


@pytest.mark.parametrize("run", RUN_NAMES)
def test_every_outcome_in_every_run(run):
    _, truth, _ = load(run)
    whole = [t for t in truth if not t["cut"]]
    assert {t["outcome"] for t in whole} == OUTCOMES
    assert {t["expected_status"] for t in whole} == STATUSES


def test_cuts_where_expected():
    _, truth, data = load("crash_resume")
    cuts = [i for i, t in enumerate(truth) if t["cut"]]
    assert len(cuts) == 1
    frag, nxt = truth[cuts[0]], truth[cuts[0] + 1]
    # the resumed process appends its next record right after the cut, on the same line
    assert nxt["line_no"] == frag["line_no"] and nxt["offset"] == frag["offset"] + frag["length"]
    assert nxt["process"] == frag["process"] + 1 and not nxt["cut"]
    assert data[nxt["offset"]:nxt["offset"] + 2] == b'{"'
    _, truth, data = load("partial_last_line")
    assert truth[-1]["cut"] and not data.endswith(b"\n")
    assert [t for t in truth if t["cut"]] == truth[-1:]
    for run in ("single_turn", "multi_turn", "resume_from_batch"):
        assert not any(t["cut"] for t in load(run)[1])


@pytest.mark.parametrize("run", RUN_NAMES)
def test_metrics_and_checkpoints(run):
    d = RUNS / run
    metrics = [json.loads(l) for l in (d / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == METRIC_STEPS[run]
    multi = run in ("multi_turn", "crash_resume")
    for m in metrics:
        assert m["progress/batch"] == m["step"] and m["mode"] == (1 if multi else 0)
        assert 30 < m["time/total"] < 600
        assert any(k.startswith("multiturn/") for k in m) == multi
        assert ("reward/mean" in m) == (not multi)
    ckpts = [json.loads(l) for l in (d / "checkpoints.jsonl").read_text().splitlines()]
    assert [c["batch"] for c in ckpts] == CHECKPOINT_BATCHES[run]
    for c in ckpts:
        assert c["state_path"].startswith("tinker://") and c["name"] in (f"{c['batch']:06d}", "final")
    # every record belongs to a step the run trained (or was training when killed)
    _, truth, _ = load(run)
    assert {t["step"] for t in truth} <= set(range(max(c["batch"] for c in ckpts) + 1))


@pytest.mark.parametrize("run", RUN_NAMES)
def test_timestamps_follow_the_scaled_clock(run):
    _, truth, _ = load(run)
    for p in {t["process"] for t in truth}:
        ts = [t["timestamp"] for t in truth if t["process"] == p]
        assert ts == sorted(ts)
    steps = {}
    for t in truth:
        steps.setdefault((t["process"], t["step"]), []).append(t["timestamp"])
    starts = sorted(min(v) for v in steps.values())
    assert all(b - a > 20 for a, b in zip(starts, starts[1:]))   # steps are minutes apart


def scalar_events(path):
    """(wall_time, step, tag) of every simple_value in an event file."""
    out = []
    for ev in tbwriter.read_events(path):
        fields = _decode(ev)
        wall = struct.unpack("<d", fields[1][0])[0]
        step = fields.get(2, [0])[0]
        for summ in fields.get(5, []):
            for val in _decode(summ).get(1, []):
                v = _decode(val)
                if 2 in v:
                    out.append((wall, step, v[1][0].decode()))
    return out


def _decode(buf):
    """Minimal protobuf field decoder: {field: [raw values]}."""
    out, pos = {}, 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = _varint(buf, pos)
        elif wire == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            n, pos = _varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError(wire)
        out.setdefault(field, []).append(v)
    return out


def _varint(buf, pos):
    shift = result = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


@pytest.mark.parametrize("run", RUN_NAMES)
def test_tensorboard_scalars(run):
    d = RUNS / run
    tb = d / "tensorboard"
    mains = sorted(tb.glob("events.out.tfevents.*"))
    processes = len({t["process"] for t in load(run)[1]})
    assert len(mains) == processes
    first = next(tbwriter.read_events(mains[0]))
    assert b"brain.Event:2" in first
    steps = []
    for m in mains:
        steps += [s for _w, s, tag in scalar_events(m) if tag == "Progress/CompletionFraction"]
    # a killed process may not have flushed its last step's events
    assert sorted(set(steps)) == sorted(set(METRIC_STEPS[run]))
    assert (tb / "Timing_Breakdown_total").is_dir()
    assert (tb / "Reward_Summary_mean").is_dir() == (run not in ("multi_turn", "crash_resume"))


@pytest.mark.parametrize("run", ["crash_resume", "multi_turn"])
def test_replay_reproduces_the_run(run, tmp_path):
    src = RUNS / run
    replay.replay(str(src), str(tmp_path), speed=1e7, chunk_pause=0.0)
    for p in src.rglob("*"):
        if p.is_file() and p.name not in replay.GENERATOR_FILES:
            assert (tmp_path / p.relative_to(src)).read_bytes() == p.read_bytes(), p
    # metrics.jsonl does not exist before the end of step 0
    events = replay.build_events(str(src))
    first_metrics = min(e[0] for e in events if e[3] == "metrics.jsonl")
    first_config = min(e[0] for e in events if e[3] == "config.json")
    step0 = [e[0] for e in events if e[3] == "traces.jsonl"]
    assert first_config <= min(step0) < first_metrics


def test_stamp_sets_recorded_mtimes(tmp_path):
    import shutil
    dst = tmp_path / "run"
    shutil.copytree(RUNS / "single_turn", dst)
    replay.stamp(str(dst))
    _, truth, _ = load("single_turn")
    mt = os.path.getmtime(dst / "traces.jsonl")
    assert abs(mt - truth[-1]["timestamp"]) < 5
    assert os.path.getmtime(dst / "config.json") < mt
