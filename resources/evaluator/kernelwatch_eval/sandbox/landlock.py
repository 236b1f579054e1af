"""Landlock (Linux >= 5.13) file-system sandbox for the evaluation child, via ctypes.

The child may read the whole file system except home directories (``/root``, ``/home`` and
the user's ``$HOME``) and ``$MODAL_CONFIG_PATH``; it may write only in its temp dir, its own
compile-cache key dirs, ``/dev`` (device nodes) and ``/dev/shm``. With ABI >= 6 it also may not
signal processes outside its domain; Landlock always forbids ptrace (and so reading
``/proc/<pid>/environ`` or ``/mem``) of processes outside the domain.

Paths the child needs under a denied root (a venv, the evaluator package, the cache dir) are
allowed explicitly. Unprivileged; needs no_new_privs. Disable with KERNELWATCH_LANDLOCK=0.
"""
from __future__ import annotations

import ctypes
import os
import stat
import sys

from . import procutil

SYS_create_ruleset, SYS_add_rule, SYS_restrict_self = 444, 445, 446
RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
SCOPE_SIGNAL = 1 << 1  # ABI 6

FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE
READ = READ_FILE | READ_DIR
WRITE_ALL = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG | MAKE_SOCK
             | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM | REFER | TRUNCATE)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _syscall():
    f = procutil.libc().syscall
    f.restype = ctypes.c_long
    return f


def abi_version() -> int:
    """Landlock ABI version, 0 when unavailable or disabled."""
    if os.environ.get("KERNELWATCH_LANDLOCK", "1") == "0":
        return 0
    try:
        v = _syscall()(ctypes.c_long(SYS_create_ruleset), None, ctypes.c_size_t(0),
                       ctypes.c_uint32(CREATE_RULESET_VERSION))
        return int(v) if v > 0 else 0
    except Exception:
        return 0


def _norm(p: str) -> str:
    return os.path.realpath(os.path.abspath(p))


def _is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def denied_roots() -> list:
    roots = {"/root", "/home"}
    for var in ("HOME", "KERNELWATCH_REAL_HOME"):
        h = os.environ.get(var)
        if h and h != "/":
            roots.add(h)
    try:
        import pwd
        roots.add(pwd.getpwuid(os.getuid()).pw_dir)
    except (KeyError, ImportError):
        pass
    mc = os.environ.get("MODAL_CONFIG_PATH")
    if mc:
        roots.add(mc)
    return sorted({_norm(r) for r in roots if r and _norm(r) != "/"})


def _read_rules(denied: list) -> list:
    """Paths whose subtrees are readable: everything except the denied roots."""
    rules = []

    def walk(d: str):
        try:
            names = os.listdir(d)
        except OSError:
            return
        for n in names:
            p = os.path.join(d, n)
            rp = _norm(p)  # symlinks resolved: a rule on a link applies to its target
            if any(_is_under(rp, r) for r in denied):
                continue
            if any(_is_under(r, rp) for r in denied):
                if os.path.isdir(p) and not os.path.islink(p):
                    walk(p)
                continue  # a link to an ancestor of a denied root: its real path is walked
            rules.append(p)

    walk("/")
    return rules


def needed_paths() -> list:
    """Paths the child must read even when they lie under a denied root."""
    out = [sys.prefix, sys.exec_prefix, getattr(sys, "base_prefix", sys.prefix),
           os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]  # the whole kernelwatch_eval package
    out += [p for p in sys.path if p]
    for var in ("CUDA_HOME", "CUDA_PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV",
                "CONDA_PREFIX", "TRITON_HOME"):
        for p in os.environ.get(var, "").split(os.pathsep):
            if p:
                out.append(p)
    # Already imported modules (packages as dirs, single files as files).
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if not f:
            continue
        out.append(os.path.dirname(f) if os.path.basename(f).startswith("__init__.") else f)
    return out


def restrict(writable: list, readable_extra: list = (), denied: list = None, dev_rw: bool = True) -> str:
    """Apply the sandbox to the calling process (and its future children).
    Returns '' on success, else why it was not applied."""
    abi = abi_version()
    if abi <= 0:
        return "landlock unavailable"
    handled = READ | WRITE_ALL | EXECUTE
    if abi < 2:
        handled &= ~REFER
    if abi < 3:
        handled &= ~TRUNCATE
    handled &= ~EXECUTE  # execution stays governed by DAC; reads of binaries need READ_FILE
    attr = _RulesetAttr(handled, 0, SCOPE_SIGNAL if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    sc = _syscall()
    rfd = sc(ctypes.c_long(SYS_create_ruleset), ctypes.byref(attr), ctypes.c_size_t(size),
             ctypes.c_uint32(0))
    if rfd < 0:
        return "landlock_create_ruleset failed: " + os.strerror(ctypes.get_errno())
    rfd = int(rfd)
    denied = [_norm(d) for d in denied] if denied is not None else denied_roots()
    added = 0

    def add(path: str, access: int):
        nonlocal added
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            st = os.fstat(fd)
            acc = access & handled
            if not stat.S_ISDIR(st.st_mode):
                acc &= FILE_ONLY
            if acc == 0:
                return
            pb = _PathBeneathAttr(acc, fd)
            if sc(ctypes.c_long(SYS_add_rule), ctypes.c_int(rfd), ctypes.c_int(RULE_PATH_BENEATH),
                  ctypes.byref(pb), ctypes.c_uint32(0)) == 0:
                added += 1
        finally:
            os.close(fd)

    try:
        for p in _read_rules(denied):
            add(p, READ)
        for p in list(needed_paths()) + list(readable_extra):
            rp = _norm(p)
            # Never re-open a denied root itself or one of its ancestors (e.g. sys.path == $HOME).
            if any(_is_under(r, rp) for r in denied):
                continue
            add(p, READ)
        for p in writable:
            add(p, READ | WRITE_ALL)
        if dev_rw:
            add("/dev", READ | WRITE_FILE | TRUNCATE)
            add("/dev/shm", READ | WRITE_ALL)
        if not procutil.prctl(procutil.PR_SET_NO_NEW_PRIVS, 1):
            return "PR_SET_NO_NEW_PRIVS failed"
        if sc(ctypes.c_long(SYS_restrict_self), ctypes.c_int(rfd), ctypes.c_uint32(0)) != 0:
            return "landlock_restrict_self failed: " + os.strerror(ctypes.get_errno())
    finally:
        os.close(rfd)
    return ""
