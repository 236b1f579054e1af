"""The per-device zygote (see PROTOCOL.md).

    python3 -m kernelwatch_eval.zygote --device cpu|cuda:N --cache-dir DIR [--mode eval|compile]
        [--threads N] [--mem-limit-mb M] [--max-procs P] [--no-landlock] [--work-root DIR]

Reads JSON-line commands on stdin, writes JSON-line events on its original stdout (fd 1 is
pointed at fd 2 at start, so stray prints cannot corrupt the channel). Single-threaded
selector loop; never initialises CUDA.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys

from . import PROTOCOL_VERSION
from .evaluation.child import child_main
from .sandbox import landlock, procutil
from .sandbox.channel import dumps_line
from .sandbox.supervisor import Supervisor


class Zygote:
    def __init__(self, args):
        self.args = args
        self.proto_fd = os.dup(1)
        os.dup2(2, 1)  # anything printed from now on goes to stderr
        os.set_inheritable(self.proto_fd, False)
        sys.stdout = sys.stderr
        self.stdin_buf = bytearray()
        self.stop = False
        self.scrubbed = procutil.scrub_secrets()
        mem_kb = procutil.default_mem_limit_kb(args.mem_limit_mb)
        self.cfg = {"target": args.device, "cache_dir": os.path.abspath(args.cache_dir), "mode": args.mode,
                    "threads": args.threads, "landlock": not args.no_landlock, "mem_limit_kb": mem_kb,
                    "max_procs": args.max_procs, "work_root": args.work_root}
        os.makedirs(self.cfg["cache_dir"], exist_ok=True)
        self.sup = Supervisor(self.cfg, self.send, own_all_children=True, child_main=child_main)

    def send(self, obj):
        data = dumps_line(obj)
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.proto_fd, view)
            except BlockingIOError:
                continue
            except BrokenPipeError:
                self.stop = True  # the core is gone
                return
            view = view[n:]

    def isolation(self):
        iso = ["setsid", "pdeathsig", "rlimits", "tmpdir", "env_scrub", "stdio_captured", "nonce_channel"]
        if self.sup.subreaper:
            iso.append("subreaper")
        if self.cfg["mem_limit_kb"]:
            iso.append("mem_limit")
        iso.append("proc_limit")
        if self.cfg["landlock"] and landlock.abi_version() > 0:
            iso.append("landlock")
        return iso

    def ready(self):
        import torch  # noqa: F401  -- the reason the zygote exists
        import torch.utils.cpp_extension  # noqa: F401
        import torch.nn.functional  # noqa: F401
        try:
            import numpy  # noqa: F401
        except ImportError:
            pass
        if self.args.device.startswith("cuda") and self.args.mode == "eval":
            try:
                import triton  # noqa: F401
                import triton.language  # noqa: F401
            except Exception:
                pass
        from .checks import correctness  # noqa: F401
        from .evaluation import harness  # noqa: F401
        from .measure import speedup  # noqa: F401  -- pre-import for the children
        cuda_built = bool(getattr(torch.version, "cuda", None)) and torch.backends.cuda.is_built()
        vis = os.environ.get("CUDA_VISIBLE_DEVICES")
        # No CUDA call here: torch.cuda.is_available() would initialise the driver in the zygote.
        cuda_available = cuda_built and os.path.exists("/dev/nvidiactl") and vis != ""
        poisoned = procutil.fork_is_cuda_poisoned()
        if poisoned and self.args.device.startswith("cuda") and self.args.mode == "eval":
            print("kernelwatch zygote: CUDA was initialised in the zygote; forked children cannot use it",
                  file=sys.stderr)
        self.send({"event": "ready", "pid": os.getpid(), "protocol": PROTOCOL_VERSION,
                   "python": platform.python_version(), "torch": torch.__version__,
                   "cuda_available": cuda_available, "target": self.args.device, "mode": self.args.mode,
                   "isolation": self.isolation(), "secrets_scrubbed": len(self.scrubbed),
                   "cuda_fork_poisoned": poisoned})

    def on_stdin(self):
        try:
            data = os.read(0, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.stop = True
            return
        self.stdin_buf += data
        while True:
            i = self.stdin_buf.find(b"\n")
            if i < 0:
                break
            line = bytes(self.stdin_buf[:i])
            del self.stdin_buf[:i + 1]
            if line.strip():
                self.command(line)

    def command(self, line: bytes):
        try:
            cmd = json.loads(line)
            if not isinstance(cmd, dict):
                raise ValueError("not an object")
        except ValueError as e:
            self.send({"event": "error", "message": f"bad command: {e}"})
            return
        op = cmd.get("op")
        if op == "ping":
            self.send({"event": "pong", "running": len(self.sup.jobs)})
        elif op == "shutdown":
            self.stop = True
        elif op in ("eval", "probe"):
            job_id = str(cmd.get("job", ""))
            req = cmd.get("request")
            if not job_id or not isinstance(req, dict):
                self.send({"event": "error", "job": job_id, "message": "eval needs `job` and `request`"})
            elif job_id in self.sup.jobs:
                self.send({"event": "error", "job": job_id, "message": "job id already running"})
            else:
                try:
                    self.sup.spawn(job_id, req, mode="probe" if op == "probe" else None)
                except OSError as e:
                    self.send({"event": "exited", "job": job_id, "pid": None, "exit_code": None,
                               "signal": None, "log_tail": "", "log_bytes": 0, "result_received": False,
                               "channel_error": f"fork failed: {e}", "killed_reason": None,
                               "max_rss_kb": 0, "wall_s": 0})
        elif op == "cancel":
            job = self.sup.jobs.get(str(cmd.get("job", "")))
            if job is not None:
                self.sup.kill(job, "cancelled")
        else:
            self.send({"event": "error", "message": f"unknown op {op!r}"})

    def run(self):
        self.ready()
        os.set_blocking(0, False)
        self.sup.register_extra(0, self.on_stdin)
        rfd, wfd = os.pipe()
        os.set_blocking(rfd, False)
        os.set_blocking(wfd, False)
        signal.set_wakeup_fd(wfd)
        signal.signal(signal.SIGCHLD, lambda *_: None)

        def drain():
            try:
                while os.read(rfd, 4096):
                    pass
            except OSError:
                pass
        self.sup.register_extra(rfd, drain)
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, self._on_term)
        while not self.stop:
            self.sup.step(0.1)
        self.sup.shutdown()
        return 0

    def _on_term(self, *_):
        self.stop = True


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kernelwatch_eval.zygote")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--cache-dir", required=True)
    ap.add_argument("--mode", choices=("eval", "compile"), default="eval")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per child on cpu (0: torch default)")
    ap.add_argument("--mem-limit-mb", type=int, default=None, help="memory cap per child "
                    "(default: $KERNELWATCH_MEM_LIMIT_MB, else half of RAM; 0: none)")
    ap.add_argument("--max-procs", type=int, default=256)
    ap.add_argument("--no-landlock", action="store_true")
    ap.add_argument("--work-root", default=None, help="where job temp dirs go (default: $TMPDIR)")
    args = ap.parse_args(argv)
    if args.device != "cpu" and not (args.device.startswith("cuda:") and args.device[5:].isdigit()):
        ap.error("--device must be cpu or cuda:N")
    return Zygote(args).run()


if __name__ == "__main__":
    sys.exit(main())
