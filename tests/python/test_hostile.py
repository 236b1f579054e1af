"""Hostile kernels (issue 7): each ends with the right verdict within its timeout + 2 s, leaves
no process behind, changes nothing outside its temp dir, and the next honest kernel on the same
zygote evaluates correctly."""
from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from conftest import (EVAL_DIR, KERNELS, fixture_files, landlock_abi, leftover_processes, make_request,
                      read_fixture)


def _cases():
    return [pytest.param(p, id=p.stem) for p in fixture_files("hostile", "cpu")]


def _run(zygote, req, timeout):
    h = zygote.submit(req)
    t0 = time.monotonic()
    res = zygote.wait(h, timeout)
    wall = time.monotonic() - t0
    pid = next(e["pid"] for e in h["events"] if e["event"] == "started")
    return res, wall, pid, h["events"]


def _wait_gone(pred, seconds=3.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


@pytest.mark.parametrize("path", _cases())
def test_hostile_kernel(zygote, relu_ok_request, cache_dir, fake_home, tmp_path, path):
    src, h = read_fixture(path)
    allowed = h["expect-status"].split()
    escape = []
    if "@ESCAPE_PATHS@" in src:
        tag = uuid.uuid4().hex[:10]
        escape = [f"/tmp/kw_escape_{tag}.txt", str(EVAL_DIR / f"kw_escape_{tag}.txt"),
                  os.path.join(cache_dir, f"kw_escape_{tag}.txt"), str(fake_home / f"kw_escape_{tag}.txt"),
                  str(tmp_path / f"kw_escape_{tag}.txt")]
        src = src.replace("@ESCAPE_PATHS@", repr(escape))
    if "@SECRET_PATHS@" in src:
        src = src.replace("@SECRET_PATHS@", repr([str(fake_home / ".modal.toml")]))
    if path.stem == "kill_parent" and landlock_abi() < 6:
        pytest.skip("needs Landlock signal scoping (ABI >= 6) to stop the kernel from killing the zygote")
    timeout = 4.0 if allowed == ["timeout"] else 20.0 if path.stem == "fork_bomb" else 90.0
    req = make_request(h["problem"], src, num_perf_trials=5, perf_budget_s=0.5)
    res, wall, pid, events = _run(zygote, req, timeout)

    assert res["status"] in allowed, (res["status"], res["error_message"][:1500], res["log_tail"][-800:])
    assert wall <= timeout + 2.0, wall
    assert events[-1]["event"] == "exited"
    assert _wait_gone(lambda: not leftover_processes(pid), 20.0), leftover_processes(pid)
    if res["status"] in ("correct", "incorrect"):
        assert res["flags"] == [] or all(f.startswith("static:") for f in res["flags"]), res["flags"]

    stem = path.stem
    if stem == "stdout_flood":
        assert res["metadata"]["log_bytes"] >= 1 << 30
        assert len(res["log_tail"].encode()) <= 8192 and "FLOOD_DONE" in res["log_tail"]
    elif stem == "daemon_grandchild":
        line = next(ln for ln in res["log_tail"].splitlines() if ln.startswith("DAEMON_PID="))
        dpid = int(line.split("=", 1)[1])
        assert _wait_gone(lambda: not os.path.exists(f"/proc/{dpid}") or
                          open(f"/proc/{dpid}/stat").read().split(") ")[1][0] == "Z"), "daemon survived"
    elif stem == "memory_hog":
        assert res["metadata"]["max_rss_kb"] < (1536 + 512) * 1024, res["metadata"]["max_rss_kb"]
    elif stem == "fork_bomb":
        assert "process_limit" in res["error_message"] or res["status"] == "timeout"
    elif stem in ("close_result_channel", "hard_exit"):
        assert "without a result" in res["error_message"]
    elif stem == "garbage_result_channel":
        assert "result channel" in res["error_message"]
        assert res["speedup"] is None and res["correctness"] is False
    elif stem == "fake_result_stdout":
        assert res["speedup"] is None and '"speedup": 100.0' in res["log_tail"]
    elif stem == "write_outside":
        if "landlock" not in res["isolation"]:
            pytest.skip("Landlock not available: writes outside the temp dir are not prevented here")
        for p in escape:
            assert not os.path.exists(p), f"kernel wrote {p}"
        assert res["log_tail"].count("DENIED") >= len(escape)
    elif stem == "read_secrets":
        from conftest import FAKE_SECRETS, FAKE_TOML_SECRET
        blob = json.dumps(res)
        assert not any(v in blob for v in FAKE_SECRETS.values())
        if "landlock" in res["isolation"]:
            assert FAKE_TOML_SECRET not in blob
    elif stem == "kill_parent":
        assert "KILL_DENIED" in res["log_tail"]
        assert zygote.ping() is not None

    # The zygote survives and the next honest kernel evaluates correctly.
    ok = zygote.evaluate(dict(relu_ok_request, id=f"after-{stem}"), 60)
    assert ok["status"] == "correct", ok["error_message"]


def test_concurrent_jobs_on_one_zygote(zygote, relu_ok_request):
    """Two jobs at once (a CPU slot with concurrency 2): a hang does not block an honest job."""
    src, _ = read_fixture(KERNELS / "hostile" / "py_infinite_loop.py")
    hang = zygote.submit(make_request("relu", src))
    good = zygote.submit(dict(relu_ok_request, id="concurrent-ok"))
    res_good = zygote.wait(good, 60)
    res_hang = zygote.wait(hang, 2.0)
    assert res_good["status"] == "correct"
    assert res_hang["status"] == "timeout"
