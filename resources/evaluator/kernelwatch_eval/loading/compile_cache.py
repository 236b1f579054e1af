"""Content-addressed compile cache: one directory per key, one fcntl lock per key.

key = sha256(kernel source, backend, arch, torch version)[:24]
DIR/torch_extensions/<key>  -> TORCH_EXTENSIONS_DIR
DIR/triton/<key>            -> TRITON_CACHE_DIR
DIR/locks/<key>.lock        -> flock held while the candidate module loads (builds)
A marker file ``.kw_complete`` inside the extension dir says a build finished there.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import time

MARKER = ".kw_complete"
KEY_SALT = "kernelwatch-cache-v1"


def cache_key(kernel_code: str, backend: str, arch: str, torch_version: str) -> str:
    h = hashlib.sha256()
    for part in (KEY_SALT, backend, arch, torch_version, kernel_code):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:24]


class CacheSlot:
    def __init__(self, cache_dir: str, key: str):
        self.cache_dir = os.path.abspath(cache_dir)
        self.key = key
        self.ext_dir = os.path.join(self.cache_dir, "torch_extensions", key)
        self.triton_dir = os.path.join(self.cache_dir, "triton", key)
        self.lock_path = os.path.join(self.cache_dir, "locks", key + ".lock")
        self._lock_fd = -1

    def prepare(self):
        for d in (self.ext_dir, self.triton_dir, os.path.dirname(self.lock_path)):
            os.makedirs(d, exist_ok=True)

    def apply_env(self):
        os.environ["TORCH_EXTENSIONS_DIR"] = self.ext_dir
        os.environ["TRITON_CACHE_DIR"] = self.triton_dir

    def writable_dirs(self):
        return [self.ext_dir, self.triton_dir, os.path.dirname(self.lock_path)]

    def was_complete(self) -> bool:
        return os.path.exists(os.path.join(self.ext_dir, MARKER))

    def has_artifacts(self) -> bool:
        for d in (self.ext_dir, self.triton_dir):
            for _root, _dirs, files in os.walk(d):
                if any(f != MARKER and not f.endswith(".lock") for f in files):
                    return True
        return False

    def mark_complete(self):
        if self.has_artifacts():
            try:
                with open(os.path.join(self.ext_dir, MARKER), "w") as f:
                    f.write(str(time.time()))
            except OSError:
                pass

    def lock(self, timeout_s: float = 3600.0) -> float:
        """Take the per-key lock (blocking); returns seconds waited."""
        t0 = time.monotonic()
        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._clear_stale_batons()
                return time.monotonic() - t0
            except BlockingIOError:
                if time.monotonic() - t0 > timeout_s:
                    raise TimeoutError("compile cache lock " + self.lock_path)
                time.sleep(0.05)

    def _clear_stale_batons(self):
        """torch.utils.cpp_extension serialises builds with a `lock` *file* in the build dir
        (FileBaton) that stays behind when the building process is killed (timeout, cancel), and
        every later build of that extension then waits for it forever. Holding this key's flock
        means no other process is building it, so any baton here is stale."""
        for root, _dirs, files in os.walk(self.ext_dir):
            if "lock" in files:
                try:
                    os.unlink(os.path.join(root, "lock"))
                except OSError:
                    pass

    def unlock(self):
        if self._lock_fd >= 0:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            finally:
                os.close(self._lock_fd)
                self._lock_fd = -1


_STATE = ".kw_srcstate.json"


def install_ninja_mtime_fix():
    """Make cache hits survive torch versions that rewrite main.cpp / cuda.cu / build.ninja on every
    load_inline call (torch < 2.1 does; the fresh mtime makes ninja rebuild everything).

    Wraps torch.utils.cpp_extension._run_ninja_build: before ninja runs, every file in the build
    dir whose content matches the state recorded after the last successful build gets its old
    mtime back; after a successful build the state is recorded again. A no-op where torch
    already leaves unchanged sources alone. Installed by the harness before the candidate loads."""
    import hashlib
    import json

    try:
        from torch.utils import cpp_extension as ce
    except Exception:
        return False
    orig = getattr(ce, "_run_ninja_build", None)
    if orig is None or getattr(orig, "_kw_wrapped", False):
        return False

    def digest(p):
        with open(p, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def tracked(d):
        try:
            return [n for n in os.listdir(d) if n.endswith((".cpp", ".cu", ".ninja", ".h", ".cuh"))]
        except OSError:
            return []

    def run(*args, **kwargs):
        d = kwargs.get("build_directory", args[0] if args else None)
        state_path = os.path.join(d, _STATE) if d else None
        if state_path and os.path.exists(state_path):
            try:
                with open(state_path) as f:
                    state = json.load(f)
                for n in tracked(d):
                    p = os.path.join(d, n)
                    old = state.get(n)
                    if old and old[0] == digest(p):
                        os.utime(p, ns=(old[1], old[1]))
            except (OSError, ValueError):
                pass
        out = orig(*args, **kwargs)
        if state_path:
            try:
                state = {}
                for n in tracked(d):
                    p = os.path.join(d, n)
                    state[n] = [digest(p), os.stat(p).st_mtime_ns]
                with open(state_path, "w") as f:
                    json.dump(state, f)
            except OSError:
                pass
        return out

    run._kw_wrapped = True
    ce._run_ninja_build = run
    return True
