"""A Python implementation of the core's side of the zygote protocol (PROTOCOL.md).

Used by the tests and benchmarks, and a reference for the C++ LocalBackend:

    with ZygoteClient("cpu", cache_dir) as z:
        result = z.evaluate(request, timeout_s=60)       # full EvalResult dict
        jobs = [z.submit(r) for r in requests]; results = [z.wait(j, 60) for j in jobs]

The client owns the deadline: when a job runs past it, it kills the child's process group and
the child (SIGKILL) and reports `timeout`.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from .evaluation.results import STAGE_RANK, assemble
from .sandbox import procutil

PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ZygoteClient:
    def __init__(self, device: str = "cpu", cache_dir: str = "/tmp/kernelwatch-cache", *, mode: str = "eval",
                 extra_args=(), env: dict = None, python: str = None, ready_timeout: float = 120.0):
        self.device = device
        self.mode = mode
        e = dict(os.environ if env is None else env)
        e["PYTHONPATH"] = PKG_PARENT + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
        if device == "cpu" or mode == "compile":
            e["CUDA_VISIBLE_DEVICES"] = ""
        elif device.startswith("cuda:"):
            e["CUDA_VISIBLE_DEVICES"] = device.split(":", 1)[1]
        cmd = [python or sys.executable, "-m", "kernelwatch_eval.zygote", "--device", device,
               "--cache-dir", cache_dir, "--mode", mode, *extra_args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=e, start_new_session=True)
        self.events = {}  # job -> Queue
        self.other = queue.Queue()
        self.stderr_tail = bytearray()
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        threading.Thread(target=self._read_events, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.ready = self._wait_other("ready", ready_timeout)
        if self.ready is None:
            self.close()
            raise RuntimeError("zygote did not become ready: " + self.stderr_tail.decode("utf-8", "replace")[-3000:])

    def _read_events(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                self.other.put({"event": "bad_line", "line": line[:200]})
                continue
            job = ev.get("job")
            if job and ev.get("event") in ("started", "progress", "result", "exited"):
                with self.lock:
                    q = self.events.setdefault(job, queue.Queue())
                q.put(ev)
            else:
                self.other.put(ev)
        self.other.put({"event": "eof"})

    def _read_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self.stderr_tail += chunk
            del self.stderr_tail[:-65536]

    def _wait_other(self, kind, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                ev = self.other.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                return None
            if ev.get("event") == kind:
                return ev
            if ev.get("event") == "eof":
                return None
        return None

    def send(self, obj):
        try:
            self.proc.stdin.write((json.dumps(obj) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as e:
            rc = self.proc.poll()
            raise RuntimeError(f"the zygote is gone (exit status {rc}): "
                               + self.stderr_tail.decode("utf-8", "replace")[-4000:]) from e

    def ping(self, timeout=10.0):
        self.send({"op": "ping"})
        return self._wait_other("pong", timeout)

    def submit(self, request: dict, op: str = "eval") -> dict:
        job = f"j{next(self.ids)}"
        with self.lock:
            self.events.setdefault(job, queue.Queue())
        self.send({"op": op, "job": job, "request": request})
        return {"job": job, "request": request, "submitted": time.monotonic(), "events": []}

    def probe(self, request: dict, timeout_s: float = 60.0) -> dict:
        """The size probe (op "probe"): the child's probe document, or {"status": "probe_failed"}
        with the exit record when none came."""
        handle = self.submit(request, op="probe")
        q = self.events[handle["job"]]
        result, exited, end = None, None, time.monotonic() + timeout_s
        while exited is None and time.monotonic() < end:
            try:
                ev = q.get(timeout=0.05)
            except queue.Empty:
                continue
            if ev["event"] == "started":
                pid = ev["pid"]
            elif ev["event"] == "result":
                result = ev["result"]
            elif ev["event"] == "exited":
                exited = ev
        if exited is None:
            procutil.stop_and_kill(pid)
        with self.lock:
            self.events.pop(handle["job"], None)
        return result if isinstance(result, dict) else {"status": "probe_failed", "exited": exited,
                                                         "error_message": "the probe child gave no result"}

    def wait(self, handle: dict, timeout_s: float) -> dict:
        """Waits for the job, killing it at `timeout_s` after its `started` event."""
        q = self.events[handle["job"]]
        started_at, pid, result, exited, timed_out = None, None, None, None, False
        hard_end = time.monotonic() + timeout_s + 120  # zygote wedged: give up
        while exited is None:
            now = time.monotonic()
            if started_at is not None and not timed_out and now >= started_at + timeout_s:
                timed_out = True
                procutil.stop_and_kill(pid)  # the zygote SIGKILLs the group once the child is reaped
                if os.environ.get("KERNELWATCH_DEBUG") == "1":
                    print(f"[client {time.monotonic():.3f}] killed {pid}", file=sys.stderr)
            if now > hard_end:
                exited = {"channel_error": "no exited event from the zygote", "pid": pid}
                break
            try:
                ev = q.get(timeout=0.05)
            except queue.Empty:
                continue
            handle["events"].append(ev)
            kind = ev["event"]
            if kind == "started":
                started_at, pid = time.monotonic(), ev["pid"]
                if os.environ.get("KERNELWATCH_DEBUG") == "1":
                    print(f"[client {started_at:.3f}] started {pid}", file=sys.stderr)
            elif kind == "result":
                result = ev["result"]
            elif kind == "exited":
                exited = ev
                if timed_out:
                    procutil.killpg_quiet(pid)
        wall = time.monotonic() - (started_at or handle["submitted"])
        stages = [e.get("stage") for e in handle["events"] if e.get("event") == "progress"]
        last = max(stages, key=lambda s: STAGE_RANK.get(s, 0), default="") or ""
        res = assemble(handle["request"], self.device, result, exited, timed_out,
                       timeout_s, wall, last_stage=last if STAGE_RANK.get(last) else "", mode=self.mode)
        res["timings"]["queued"] = max(0.0, (started_at or handle["submitted"]) - handle["submitted"])
        with self.lock:
            self.events.pop(handle["job"], None)
        return res

    def evaluate(self, request: dict, timeout_s: float = None) -> dict:
        return self.wait(self.submit(request), float(timeout_s or request.get("timeout_s") or 300.0))

    def close(self, timeout=10.0):
        if self.proc.poll() is None:
            try:
                self.send({"op": "shutdown"})
                self.proc.stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
