"""The zygote's wire protocol (PROTOCOL.md), spoken directly over its stdin/stdout."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time

import pytest

from conftest import EVAL_DIR, make_request

FD_PROBE = """import os, stat
import torch
import torch.nn as nn
print("KW_STDOUT_NOISE", flush=True)
pipes = set()
for fd in os.listdir("/proc/self/fd"):
    try:
        st = os.fstat(int(fd))
    except OSError:
        continue
    if stat.S_ISFIFO(st.st_mode):
        pipes.add(st.st_ino)
print("PIPES", len(pipes), flush=True)
print("CWD", os.getcwd(), flush=True)
class ModelNew(nn.Module):
    def forward(self, x):
        return torch.clamp_min(x, 0.0)
"""


class RawZygote:
    def __init__(self, cache_dir):
        env = dict(os.environ, PYTHONPATH=str(EVAL_DIR), CUDA_VISIBLE_DEVICES="")
        self.p = subprocess.Popen([sys.executable, "-m", "kernelwatch_eval.zygote", "--device", "cpu",
                                   "--cache-dir", cache_dir], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.buf = b""
        self.lines = []

    def send(self, obj_or_bytes):
        data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else (json.dumps(obj_or_bytes) + "\n").encode()
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def next_event(self, timeout=60.0):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no event")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    raise EOFError("zygote closed stdout")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        self.lines.append(line)
        return json.loads(line)  # every protocol line must be JSON

    def events_until_exited(self, job, timeout=120.0):
        evs = []
        while True:
            ev = self.next_event(timeout)
            if ev.get("job") == job:
                evs.append(ev)
                if ev["event"] == "exited":
                    return evs

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


@pytest.fixture
def raw(cache_dir):
    z = RawZygote(cache_dir)
    yield z
    z.close()


def test_protocol_full_job(raw):
    ready = raw.next_event(120)
    assert ready["event"] == "ready" and ready["pid"] == raw.p.pid
    assert ready["target"] == "cpu" and ready["cuda_available"] is False and ready["torch"]
    assert {"setsid", "pdeathsig", "rlimits", "tmpdir", "env_scrub"} <= set(ready["isolation"])

    raw.send({"op": "ping"})
    assert raw.next_event()["event"] == "pong"
    raw.send(b"this is not json\n")
    assert raw.next_event()["event"] == "error"
    raw.send({"op": "frobnicate"})
    assert raw.next_event()["event"] == "error"

    raw.send({"op": "eval", "job": "A", "request": make_request("relu", FD_PROBE)})
    evs = raw.events_until_exited("A")
    kinds = [e["event"] for e in evs]
    assert kinds[0] == "started" and kinds[-1] == "exited" and kinds[-2] == "result"
    stages = [e["stage"] for e in evs if e["event"] == "progress"]
    assert stages[0] == "compiling" and "checking" in stages and stages[-1] == "timing"
    started, result, exited = evs[0], evs[-2]["result"], evs[-1]
    assert started["pid"] == exited["pid"] and started["pid"] != raw.p.pid
    assert result["status"] == "correct" and result["worker"]["pid"] == started["pid"]
    assert exited["result_received"] is True and exited["channel_error"] is None
    assert exited["exit_code"] == 0 and exited["signal"] is None and exited["max_rss_kb"] > 0
    assert "KW_STDOUT_NOISE" in exited["log_tail"] and exited["log_bytes"] >= len(exited["log_tail"])
    # The child holds exactly two pipes: its log pipe (fds 1 and 2) and the result pipe; none of the
    # zygote's own (stdin, protocol) and none of other jobs'.
    assert "PIPES 2" in exited["log_tail"], exited["log_tail"]
    # The job's temp dir (its cwd) is gone.
    cwd = next(ln.split(" ", 1)[1] for ln in exited["log_tail"].splitlines() if ln.startswith("CWD "))
    assert "kw-job-" in cwd and not os.path.exists(cwd)


def test_protocol_cancel_and_shutdown(raw):
    assert raw.next_event(120)["event"] == "ready"
    hang = "import torch.nn as nn\nclass ModelNew(nn.Module):\n    def forward(self, x):\n        while True: pass\n"
    raw.send({"op": "eval", "job": "H1", "request": make_request("relu", hang)})
    raw.send({"op": "eval", "job": "H2", "request": make_request("relu", hang)})
    assert raw.next_event()["event"] == "started"
    assert raw.next_event()["event"] == "started"
    time.sleep(1.0)
    raw.send({"op": "cancel", "job": "H1"})
    evs = raw.events_until_exited("H1", 30)
    assert evs[-1]["killed_reason"] == "cancelled" and evs[-1]["signal"] == 9
    assert evs[-1]["result_received"] is False
    raw.send({"op": "eval", "job": "H1", "request": make_request("relu", hang)})  # id reusable once done
    assert raw.next_event()["event"] == "started"
    raw.send({"op": "eval", "job": "H1", "request": make_request("relu", hang)})
    assert raw.next_event()["event"] == "error"  # still running: refused
    raw.send({"op": "shutdown"})
    seen = set()
    while len(seen) < 2:
        ev = raw.next_event(30)
        if ev["event"] == "exited":
            seen.add(ev["job"])
    assert seen == {"H1", "H2"}
    assert raw.p.wait(30) == 0


def test_protocol_eof_exits(raw):
    assert raw.next_event(120)["event"] == "ready"
    raw.p.stdin.close()
    assert raw.p.wait(30) == 0
