"""Low-level process helpers: prctl, /proc scanning, killing process trees, env scrubbing.

Pure stdlib (ctypes); safe to import before torch.
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import signal

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> bool:
    f = libc().prctl
    f.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    f.restype = ctypes.c_int
    return f(option, arg2, arg3, arg4, arg5) == 0


def set_child_subreaper() -> bool:
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def set_pdeathsig(sig: int = signal.SIGKILL) -> bool:
    return prctl(PR_SET_PDEATHSIG, int(sig))


# --------------------------------------------------------------------------- secrets

_SECRET_RE = re.compile(r"^MODAL_|TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_RE.search(name))


def _env_block_range():
    """(env_start, env_end) of this process's initial environment block, from /proc/self/stat."""
    try:
        with open("/proc/self/stat", "rb") as f:
            data = f.read()
        fields = data[data.rindex(b")") + 2:].split()
        # fields[0] is field 3 (state); env_start is field 50, env_end field 51.
        return int(fields[47]), int(fields[48])
    except (OSError, ValueError, IndexError):
        return None


def scrub_secrets() -> list:
    """Remove secret-looking variables from os.environ (unsetenv at the C level too), from
    posix.environ (Python's startup copy) and zero their bytes in the initial environment
    block, which /proc/<pid>/environ shows. Returns the names removed."""
    import posix

    removed = [k for k in list(os.environ) if is_secret_name(k)]
    for k in removed:
        try:
            del os.environ[k]  # calls unsetenv()
        except KeyError:
            pass
    # posix.environ keeps the bytes copy Python made at start-up.
    penv = getattr(posix, "environ", None)
    if isinstance(penv, dict):
        for k in list(penv):
            name = k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)
            if is_secret_name(name):
                penv.pop(k, None)
    # Zero the secret entries in the initial environment block (the memory that
    # /proc/self/environ reads). glibc no longer points at them after unsetenv().
    rng = _env_block_range()
    if rng:
        start, end = rng
        try:
            with open("/proc/self/environ", "rb") as f:
                block = f.read()
            off = 0
            for entry in block.split(b"\0"):
                name = entry.split(b"=", 1)[0].decode("utf-8", "replace")
                if entry and is_secret_name(name) and start + off + len(entry) <= end:
                    ctypes.memset(start + off, 0, len(entry))
                off += len(entry) + 1
        except (OSError, ValueError):
            pass
    return removed


# --------------------------------------------------------------------------- /proc


def proc_stat(pid: int):
    """(state, ppid, pgid, sid) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        rest = data[data.rindex(b")") + 2:].split()
        return rest[0].decode(), int(rest[1]), int(rest[2]), int(rest[3])
    except (OSError, ValueError, IndexError):
        return None


def all_pids():
    try:
        return [int(n) for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return []


def process_table():
    """{pid: (state, ppid, pgid, sid)} for every visible process."""
    out = {}
    for pid in all_pids():
        st = proc_stat(pid)
        if st is not None:
            out[pid] = st
    return out


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            parts = f.read().split()
        return int(parts[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


def descendants(table: dict, roots) -> set:
    """Every pid in `table` that descends from one of `roots` (roots excluded)."""
    children = {}
    for pid, st in table.items():
        children.setdefault(st[1], []).append(pid)
    out, stack = set(), list(roots)
    while stack:
        p = stack.pop()
        for c in children.get(p, ()):
            if c not in out:
                out.add(c)
                stack.append(c)
    return out


def kill_quiet(pid: int, sig: int = signal.SIGKILL) -> bool:
    if pid <= 1:
        return False
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def killpg_quiet(pgid: int, sig: int = signal.SIGKILL) -> bool:
    if pgid <= 1 or pgid == os.getpgrp():
        return False
    try:
        os.killpg(pgid, sig)
        return True
    except OSError:
        return False


def stop_and_kill(pid: int):
    """Kill an evaluation child and freeze its process group: SIGSTOP to the group (stopped
    processes neither fork nor compete for CPU), then SIGKILL to the child alone, so it dies at
    once even when hundreds of siblings would otherwise be tearing down their memory at the same
    time. The group gets its SIGKILL when the child has been reaped (supervisor) -- callers
    without a supervisor should also `killpg_quiet(pid)` after that."""
    killpg_quiet(pid, signal.SIGSTOP)
    kill_quiet(pid, signal.SIGKILL)


def reap_pid(pid: int):
    """Non-blocking wait4 on one pid: (status, rusage) or None when not exited yet."""
    try:
        p, status, ru = os.wait4(pid, os.WNOHANG)
    except ChildProcessError:
        return ("gone", None)
    except OSError as e:
        if e.errno == errno.EINTR:
            return None
        return ("gone", None)
    if p == 0:
        return None
    return (status, ru)


def available_memory_kb() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 8 * 1024 * 1024


NVML_ERROR_UNINITIALIZED = 1


def release_nvml(max_calls: int = 16) -> int:
    """Shut NVML down in this process (before a fork) when it is loaded and initialised.

    torch's NVML-based CUDA check (PYTORCH_NVML_BASED_CUDA_CHECK=1, which keeps the zygote
    CUDA-free) calls nvmlInit() and never nvmlShutdown(), so the zygote holds an initialised NVML
    with open /dev/nvidia* descriptors. A forked child inherits that state, closes every inherited
    fd (child_setup.setup_child), and then nvmlInit_v2() fails in it with NVML_ERROR_OPERATING_SYSTEM
    (17): torch's allocator calls it on CUDA out-of-memory to list processes, so the kernel's OOM
    surfaced as "NVML_SUCCESS == DriverAPI::get()->nvmlInit_v2_() INTERNAL ASSERT FAILED" instead
    of CUDA's message (seen on an H100 with torch 2.11). With NVML shut down in the parent, the
    child initialises its own. Reference-counted: call until it answers UNINITIALIZED. Never
    loads the library; returns the number of successful shutdowns."""
    try:
        lib = ctypes.CDLL("libnvidia-ml.so.1", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except OSError:
        return 0  # not loaded in this process: nothing to release
    try:
        fn = lib.nvmlShutdown
    except AttributeError:
        return 0
    fn.restype = ctypes.c_int
    n = 0
    for _ in range(max_calls):
        if fn() != 0:
            break
        n += 1
    return n


MEM_LIMIT_ENV = "KERNELWATCH_MEM_LIMIT_MB"


def default_mem_limit_kb(mem_limit_mb=None) -> int:
    """The per-evaluation memory cap in KiB: --mem-limit-mb / mem_limit_mb when given, else
    $KERNELWATCH_MEM_LIMIT_MB, else half of RAM; 0 means no cap."""
    if mem_limit_mb is None:
        raw = os.environ.get(MEM_LIMIT_ENV, "").strip()
        if raw.isdigit():
            mem_limit_mb = int(raw)
    if mem_limit_mb is not None:
        return max(0, int(mem_limit_mb)) * 1024
    return available_memory_kb() // 2


def fork_is_cuda_poisoned() -> bool:
    """True when a child forked from this process could not use CUDA (torch has initialised the
    CUDA driver here and marks forks as bad). Checked in a throw-away forked child."""
    import sys
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    try:
        if torch.cuda.is_initialized():
            return True
    except Exception:
        return False
    pid = os.fork()
    if pid == 0:
        try:
            bad = bool(torch.cuda._is_in_bad_fork())
        except Exception:
            bad = False
        os._exit(1 if bad else 0)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1
