"""Set-up of one evaluation child, before it touches CUDA or the user's code.

Order (see PROTOCOL.md): setsid, PR_SET_PDEATHSIG(SIGKILL), stdio onto the log pipe, every
other inherited fd closed, signal dispositions reset, rlimits, fresh temp dir as cwd / TMPDIR /
HOME, secrets scrubbed. Landlock is applied later by the harness (``ChildContext.sandbox``),
once the compile-cache dirs for this kernel exist and the device is initialised.
"""
from __future__ import annotations

import os
import resource
import signal
import sys

from . import landlock, procutil

FSIZE_LIMIT = 256 << 20
NPROC_MARGIN = 512


class ChildContext:
    """What the harness needs to know about the process it runs in."""

    def __init__(self, target: str = "cpu", cache_dir: str = "", tmpdir: str = "", mode: str = "eval",
                 threads: int = 0, channel=None, use_landlock: bool = True):
        self.target = target  # "cpu" | "cuda:N" (the device named to the zygote)
        self.cache_dir = cache_dir
        self.tmpdir = tmpdir
        self.mode = mode  # "eval" | "compile"
        self.threads = threads
        self.channel = channel
        self.use_landlock = use_landlock
        self.isolation = []  # what is in force, in order
        self.denied_roots = []
        self.sandbox_error = ""
        self.mem_limit_kb = 0  # the memory cap in force (RSS poll; RLIMIT_AS on CPU slots)
        self.as_limit_bytes = 0  # RLIMIT_AS set for this child, 0 when none

    @property
    def is_cuda(self) -> bool:
        return self.target.startswith("cuda")

    @property
    def gpu_index(self) -> int:
        if not self.is_cuda:
            return -1
        try:
            return int(self.target.split(":", 1)[1])
        except (IndexError, ValueError):
            return 0

    def torch_device_index(self) -> int:
        """The index torch sees: 0 when CUDA_VISIBLE_DEVICES names one device, else N."""
        vis = os.environ.get("CUDA_VISIBLE_DEVICES")
        if vis is not None and vis.strip() and "," not in vis:
            return 0
        return max(self.gpu_index, 0)

    def progress(self, stage: str, detail: str = ""):
        if self.channel is not None:
            self.channel.progress(stage, detail)

    def sandbox(self, writable: list) -> bool:
        """Apply Landlock (when available) with `writable` plus the temp dir writable."""
        if not self.use_landlock:
            self.sandbox_error = "disabled"
            return False
        err = landlock.restrict([self.tmpdir] + list(writable), denied=self.denied_roots)
        if err:
            self.sandbox_error = err
            return False
        self.isolation.append("landlock")
        return True


def _close_fds_except(keep):
    keep = sorted(set(keep))
    lo = 0
    for k in keep:
        if k > lo:
            os.closerange(lo, k)
        lo = k + 1
    os.closerange(lo, 65536)


def _set_rlimit(which, soft):
    try:
        cur_soft, cur_hard = resource.getrlimit(which)
        hard = cur_hard if cur_hard == resource.RLIM_INFINITY or cur_hard >= soft else cur_hard
        resource.setrlimit(which, (min(soft, hard) if hard != resource.RLIM_INFINITY else soft, hard))
        return True
    except (ValueError, OSError):
        return False


def _count_user_processes(uid: int) -> int:
    n = 0
    for pid in procutil.all_pids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                n += 1
        except OSError:
            pass
    return n


def setup_child(ctx: ChildContext, result_fd: int, out_fd: int, mem_limit_kb: int = 0,
                expected_parent: int = 0):
    """Runs first thing in the forked child. Never raises for optional steps."""
    os.setsid()
    ctx.isolation.append("setsid")
    ctx.mem_limit_kb = int(mem_limit_kb or 0)
    if procutil.set_pdeathsig(signal.SIGKILL):
        ctx.isolation.append("pdeathsig")
    if expected_parent and os.getppid() != expected_parent:
        os._exit(71)  # parent died before pdeathsig was armed

    # Signals: the zygote's handlers must not run here.
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGALRM):
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over-size writes fail with EFBIG instead

    # stdio: stdin from /dev/null, stdout+stderr onto the log pipe.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    if out_fd > 2:
        os.close(out_fd)
    _close_fds_except([0, 1, 2, result_fd])
    os.set_inheritable(result_fd, False)
    try:
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
        sys.stdin = open(0, "r", closefd=False)
    except OSError:
        pass
    ctx.isolation.append("stdio_captured")

    ok = _set_rlimit(resource.RLIMIT_CORE, 0)
    ok = _set_rlimit(resource.RLIMIT_FSIZE, FSIZE_LIMIT) and ok
    if os.getuid() != 0:  # NPROC is per uid and not enforced for root
        ok = _set_rlimit(resource.RLIMIT_NPROC, _count_user_processes(os.getuid()) + NPROC_MARGIN) and ok
    if mem_limit_kb and not ctx.is_cuda and ctx.mode == "eval":
        # Address-space cap on CPU slots only (CUDA reserves huge virtual ranges).
        try:
            with open("/proc/self/statm") as f:
                vsz = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            ok = _set_rlimit(resource.RLIMIT_AS, vsz + mem_limit_kb * 1024) and ok
            ctx.as_limit_bytes = vsz + mem_limit_kb * 1024
        except (OSError, ValueError):
            pass
    if ok:
        ctx.isolation.append("rlimits")

    # Denied roots are computed from the real HOME before HOME moves to the temp dir.
    ctx.denied_roots = landlock.denied_roots()
    td = ctx.tmpdir
    os.chdir(td)
    for var in ("TMPDIR", "TMP", "TEMP", "HOME"):
        os.environ[var] = td
    for var, sub in (("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_DATA_HOME", ".local/share")):
        os.environ[var] = os.path.join(td, sub)
    os.environ.pop("MODAL_CONFIG_PATH", None)
    import tempfile
    tempfile.tempdir = td
    ctx.isolation.append("tmpdir")

    procutil.scrub_secrets()
    ctx.isolation.append("env_scrub")

    if not ctx.is_cuda or ctx.mode in ("compile", "probe"):
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # CPU slots and compile children never see a GPU
    if ctx.threads and ctx.threads > 0:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(ctx.threads)
    sys.dont_write_bytecode = True
