"""Parent side of evaluation children, shared by the zygote and run_isolated.

Forks one child per job, drains its log pipe (tail kept, bytes counted, never blocks) and its
result pipe, reaps it (wait4, max RSS), enforces memory / process-count caps, kills what the job
left behind (its process group, its session, and -- as a child subreaper -- orphans that were
reparented to us), removes its temp dir, and emits events:

  started  {job, pid}
  progress {job, stage, detail}
  result   {job, result}                 (only a result that came through the channel intact)
  exited   {job, pid, exit_code, signal, log_tail, log_bytes, result_received, channel_error,
            killed_reason, max_rss_kb, wall_s}   (always last for a job)
"""
from __future__ import annotations

import errno
import os
import secrets
import selectors
import shutil
import signal
import tempfile
import time

from . import procutil
from .channel import ResultParser

LOG_TAIL = 8192
READ_CHUNK = 1 << 20
REAP_GRACE_S = 0.5
SCAN_PERIOD_S = 0.5
DEFAULT_MAX_PROCS = 256
_DEBUG = os.environ.get("KERNELWATCH_DEBUG") == "1"


def _dbg(msg):
    if _DEBUG:
        os.write(2, f"[kw {time.monotonic():.3f}] {msg}\n".encode())


class Job:
    def __init__(self, job_id: str, request: dict):
        self.id = job_id
        self.request = request
        self.pid = 0
        self.tmpdir = ""
        self.out_fd = -1
        self.res_fd = -1
        self.parser = ResultParser(secrets.token_hex(16))
        self.tail = bytearray()
        self.log_bytes = 0
        self.status = None  # wait status
        self.rusage = None
        self.reaped_at = 0.0
        self.killed_reason = None
        self.started = time.monotonic()
        self.done = False
        self.peak_rss_kb = 0

    @property
    def reaped(self):
        return self.status is not None


class Supervisor:
    def __init__(self, cfg: dict, emit, own_all_children: bool, child_main):
        # child_main(request, result_fd, out_fd, tmpdir, nonce, cfg, expected_parent) runs in each
        # forked child and never returns (evaluation.child.child_main): the supervisor knows
        # processes, not evaluations.
        self.child_main = child_main
        self.cfg = cfg
        self.emit = emit
        self.own_all = own_all_children
        self.sel = selectors.DefaultSelector()
        self.jobs = {}
        self.by_pid = {}
        self.orphans = set()  # killed orphans still to reap (non-own_all mode)
        self.last_scan = 0.0
        self.last_mem = 0.0
        self.subreaper = procutil.set_child_subreaper()
        # Without own_all (run_isolated inside some other program) the caller may have children of
        # its own: only processes that were not our children before, are not in our session and
        # are not job children count as orphans of our jobs (job processes are never in the
        # caller's session: the child calls setsid() first).
        self.my_sid = os.getsid(0)
        self.preexisting = set() if own_all_children else {
            pid for pid, st in procutil.process_table().items() if st[1] == os.getpid()}
        self.mem_limit_kb = int(cfg.get("mem_limit_kb") or 0)
        self.max_procs = int(cfg.get("max_procs") or DEFAULT_MAX_PROCS)

    # ------------------------------------------------------------------ spawning
    def spawn(self, job_id: str, request: dict, mode: str = None) -> Job:
        """Fork a child for one job; `mode` overrides the configured one ("probe": size probe)."""
        job = Job(job_id, request)
        cfg = dict(self.cfg, mode=mode) if mode else self.cfg
        root = self.cfg.get("work_root") or None
        job.tmpdir = tempfile.mkdtemp(prefix="kw-job-", dir=root)
        out_r, out_w = os.pipe()
        res_r, res_w = os.pipe()
        me = os.getpid()
        procutil.release_nvml()  # the child must initialise NVML itself (see procutil.release_nvml)
        pid = os.fork()
        if pid == 0:  # ---- child
            try:
                os.close(out_r)
                os.close(res_r)
                self.child_main(request, res_w, out_w, job.tmpdir, job.parser.nonce, cfg, me)
            finally:
                os._exit(70)
        os.close(out_w)
        os.close(res_w)
        job.pid, job.out_fd, job.res_fd = pid, out_r, res_r
        for fd, kind in ((out_r, "out"), (res_r, "res")):
            os.set_blocking(fd, False)
            self.sel.register(fd, selectors.EVENT_READ, (kind, job))
        self.jobs[job_id] = job
        self.by_pid[pid] = job
        self.emit({"event": "started", "job": job_id, "pid": pid})
        return job

    def register_extra(self, fd: int, callback):
        self.sel.register(fd, selectors.EVENT_READ, ("cb", callback))

    def kill(self, job: Job, reason: str = None):
        _dbg(f"kill {job.id} {reason}")
        if reason and not job.killed_reason:
            job.killed_reason = reason
        procutil.stop_and_kill(job.pid)

    def running(self) -> bool:
        return bool(self.jobs)

    # ------------------------------------------------------------------ loop step
    def step(self, timeout: float):
        try:
            ready = self.sel.select(timeout)
        except InterruptedError:
            ready = []
        for key, _ in ready:
            kind, obj = key.data
            if kind == "cb":
                obj()
            elif kind == "out":
                self._read_out(obj)
            else:
                self._read_res(obj)
        self._reap()
        now = time.monotonic()
        if self.jobs and now - self.last_mem >= 0.1:
            self.last_mem = now
            self._check_memory()
        if now - self.last_scan >= SCAN_PERIOD_S and (self.jobs or self.orphans):
            self.last_scan = now
            self._scan()
        for job in list(self.jobs.values()):
            if job.reaped and (now - job.reaped_at > REAP_GRACE_S or (job.out_fd < 0 and job.res_fd < 0)):
                self._finish(job)

    def _close(self, job: Job, which: str):
        fd = job.out_fd if which == "out" else job.res_fd
        if fd < 0:
            return
        try:
            self.sel.unregister(fd)
        except (KeyError, ValueError):
            pass
        os.close(fd)
        if which == "out":
            job.out_fd = -1
        else:
            job.res_fd = -1

    def _read_out(self, job: Job):
        for _ in range(8):  # at most 8 MiB per turn, so one flood cannot starve the others
            try:
                data = os.read(job.out_fd, READ_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._close(job, "out")
                return
            job.log_bytes += len(data)
            job.tail += data[-LOG_TAIL:]
            if len(job.tail) > LOG_TAIL:
                del job.tail[:-LOG_TAIL]

    def _read_res(self, job: Job):
        while True:
            try:
                data = os.read(job.res_fd, READ_CHUNK)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:
                job.parser.eof()
                self._close(job, "res")
                break
            job.parser.feed(data)
        for stage, detail in job.parser.progress:
            self.emit({"event": "progress", "job": job.id, "stage": stage, "detail": detail})
        job.parser.progress.clear()

    # ------------------------------------------------------------------ reaping / limits
    def _reap(self):
        if self.own_all:
            while True:
                try:
                    pid, status, ru = os.wait4(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                except OSError as e:
                    if e.errno == errno.EINTR:
                        continue
                    break
                if pid == 0:
                    break
                job = self.by_pid.get(pid)
                if job is not None and not job.reaped:
                    self._on_exit(job, status, ru)
            return
        for job in list(self.jobs.values()):
            if not job.reaped:
                r = procutil.reap_pid(job.pid)
                if r is not None:
                    self._on_exit(job, r[0] if r[0] != "gone" else 0, r[1])
        for pid in list(self.orphans):
            if procutil.reap_pid(pid) is not None:
                self.orphans.discard(pid)

    def _on_exit(self, job: Job, status, ru):
        _dbg(f"reaped {job.id} status {status}")
        job.status = status
        job.rusage = ru
        job.reaped_at = time.monotonic()
        # Whatever the job left behind in its process group or session goes now.
        procutil.killpg_quiet(job.pid)
        self._cleanup_session(job.pid)
        _dbg(f"cleaned {job.id}")

    def _is_orphan(self, pid: int, ppid: int, sid: int) -> bool:
        if ppid != os.getpid() or pid in self.by_pid:
            return False
        if self.own_all:
            return True
        return pid not in self.preexisting and sid != self.my_sid

    def _running_sids(self):
        return {j.pid for j in self.jobs.values() if not j.reaped}

    def _cleanup_session(self, sid: int):
        table = procutil.process_table()
        keep = self._running_sids()
        me, mypg = os.getpid(), os.getpgrp()
        for pid, (state, ppid, pgid, psid) in table.items():
            if pid == me or pid in self.by_pid:
                continue
            orphan = self._is_orphan(pid, ppid, psid)
            if psid == sid or (orphan and psid not in keep):
                procutil.kill_quiet(pid)
                if pgid not in keep and pgid != mypg and pgid != sid:
                    procutil.killpg_quiet(pgid)
                if orphan and not self.own_all:
                    self.orphans.add(pid)

    def _scan(self):
        """Process-count cap per job, and orphans whose job is gone."""
        table = procutil.process_table()
        counts = {}
        for pid, (_s, _pp, _pg, sid) in table.items():
            counts[sid] = counts.get(sid, 0) + 1
        for job in self.jobs.values():
            if not job.reaped and counts.get(job.pid, 0) > self.max_procs:
                self.kill(job, f"process_limit: more than {self.max_procs} processes")
        me = os.getpid()
        keep = self._running_sids()
        for pid, (state, ppid, pgid, sid) in table.items():
            if self._is_orphan(pid, ppid, sid) and sid not in keep:
                procutil.kill_quiet(pid)
                if not self.own_all:
                    self.orphans.add(pid)

    def _check_memory(self):
        if not self.mem_limit_kb:
            return
        for job in self.jobs.values():
            if job.reaped:
                continue
            rss = procutil.rss_kb(job.pid)
            job.peak_rss_kb = max(job.peak_rss_kb, rss)
            if rss > self.mem_limit_kb:
                self.kill(job, f"memory_limit: resident {rss // 1024} MiB over the {self.mem_limit_kb // 1024} MiB cap")

    # ------------------------------------------------------------------ finishing
    def _finish(self, job: Job):
        _dbg(f"finish {job.id}")
        if job.res_fd >= 0:
            self._read_res(job)
        if job.out_fd >= 0:
            self._read_out(job)
        self._close(job, "out")
        if job.res_fd >= 0:
            job.parser.eof()
        self._close(job, "res")
        result = job.parser.final_result()
        error = job.parser.error
        if result is None and error is None:
            error = "the child exited without a result"
        _rmtree(job.tmpdir)  # before `exited`: once the core hears of it, nothing of the job is left
        if result is not None:
            self.emit({"event": "result", "job": job.id, "result": result})
        st = job.status if isinstance(job.status, int) else 0
        exit_code = os.WEXITSTATUS(st) if os.WIFEXITED(st) else None
        sig = os.WTERMSIG(st) if os.WIFSIGNALED(st) else None
        max_rss = max(job.peak_rss_kb, int(job.rusage.ru_maxrss) if job.rusage else 0)
        self.emit({"event": "exited", "job": job.id, "pid": job.pid, "exit_code": exit_code, "signal": sig,
                   "log_tail": bytes(job.tail).decode("utf-8", "replace"), "log_bytes": job.log_bytes,
                   "result_received": result is not None, "channel_error": error,
                   "killed_reason": job.killed_reason, "max_rss_kb": max_rss,
                   "wall_s": round(time.monotonic() - job.started, 3)})
        job.done = True
        self.jobs.pop(job.id, None)
        self.by_pid.pop(job.pid, None)

    def drain_orphans(self, wait_s: float = 1.0):
        """Reap orphans that were killed but not collected yet (no zombies left to the caller)."""
        end = time.monotonic() + wait_s
        while self.orphans and time.monotonic() < end:
            self._reap()
            if self.orphans:
                time.sleep(0.02)

    def shutdown(self, wait_s: float = 5.0):
        for job in list(self.jobs.values()):
            self.kill(job, "shutdown")
        end = time.monotonic() + wait_s
        while self.jobs and time.monotonic() < end:
            self.step(0.05)
        for job in list(self.jobs.values()):
            job.status = job.status if job.reaped else (signal.SIGKILL & 0x7F)
            self._finish(job)


def _rmtree(path: str):
    if not path:
        return

    def onerror(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=onerror)
