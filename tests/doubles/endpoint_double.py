#!/usr/bin/env python3
"""HTTP double of kernelwatch's Modal web endpoint (stdlib only, 127.0.0.1 only).

Prints "PORT <n>" on stdout once listening, then serves until its lifetime ends, it has
answered --max-requests requests, or its stdin closes (the test that started it died).

Every path except /_stats needs the proxy auth headers Modal-Key/Modal-Secret (401 with
modal-http's own message otherwise). The first path segment picks the behaviour; query
parameters tune it:

  /ok?delay=S              200 EvalResult after S seconds
  /redirect?delay=S&hops=N POST answers 303 after S s; the result URL answers 303 to itself
                           N-1 more times, then 200 (a re-POST to it gives 400, as on Modal)
  /loop                    303 → /loopa/T → /loopb/T → /loopa/T ... forever
  /status?code=C           answers C (401/404 with modal-http's bodies, others generic)
  /flaky?fail=N&code=C     the first N POSTs of each request id answer C, then 200
  /stall                   reads the request and never answers
  /reset                   reads the request and resets the connection
  /getreset?fails=N        303 to a result URL whose first N GETs reset, then 200
  /truncated               Content-Length larger than the body, then close
  /invalid                 200 with a body that is not JSON
  /nonobject               200 with a JSON array
  /trickle?interval=S      200, the body one byte every S seconds
  /_stats                  GET: {"posts": {id: count}, "gets": n, "requests": n}
"""
import argparse
import json
import os
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATS_LOCK = threading.Lock()
STATS = {"posts": {}, "gets": 0, "requests": 0}
RESULTS = {}  # token -> (result dict, hops left, get failures left)
SHUTDOWN = threading.Event()


def make_result(req, delay):
    gpu = req.get("gpu_type") or "H100"
    return {
        "id": req.get("id", ""),
        "status": "correct",
        "format_ok": True,
        "compiled": True,
        "correctness": True,
        "tests_passed": req.get("num_correct_trials", 5),
        "tests_total": req.get("num_correct_trials", 5),
        "speedup": 1.5,
        "runtime_ms": 1.0,
        "baseline_runtime_ms": 1.5,
        "cheated": False,
        "error_message": "",
        "flags": [],
        "timings": {"queued": 0, "compile": 0, "correctness": 0, "perf": 0, "total": max(delay, 0.001)},
        "device": {"name": "NVIDIA H100 80GB HBM3 (double)", "arch": "sm_90", "target": "modal:" + gpu},
        "worker": {"pid": 1, "gpu_index": 0, "container_id": "ta-01DOUBLE000000000000000000"},
        "metadata": {"kernel_length_seen": len(req.get("kernel_code", "")),
                     "baselines_seen": req.get("baselines"), "compile_mode_seen": req.get("compile_mode")},
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "endpoint-double/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # -- helpers --
    def send_body(self, code, body, ctype="application/json", headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def redirect(self, location):
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.wfile.flush()

    def reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def authorised(self):
        key, secret = self.server.auth
        if not key:
            return True
        k, s = self.headers.get("Modal-Key"), self.headers.get("Modal-Secret")
        if not k or not s:
            self.send_body(401, "modal-http: missing credentials for proxy authorization", "text/plain")
            return False
        if k != key or s != secret:
            self.send_body(401, "modal-http: invalid credentials for proxy authorization", "text/plain")
            return False
        return True

    def count(self):
        with STATS_LOCK:
            STATS["requests"] += 1
            n = STATS["requests"]
        if n >= self.server.max_requests:
            SHUTDOWN.set()

    def sleep(self, seconds):
        SHUTDOWN.wait(seconds)

    # -- verbs --
    def do_GET(self):
        self.count()
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] == ["_stats"]:
            with STATS_LOCK:
                return self.send_body(200, json.dumps(STATS))
        if not self.authorised():
            return
        with STATS_LOCK:
            STATS["gets"] += 1
        mode = parts[0] if parts else ""
        token = parts[1] if len(parts) > 1 else ""
        if mode == "loopa":
            return self.redirect("/loopb/" + token)
        if mode == "loopb":
            return self.redirect("/loopa/" + token)
        if mode == "result":
            with STATS_LOCK:
                entry = RESULTS.get(token)
                if entry is None:
                    return self.send_body(404, "modal-http: invalid function call", "text/plain")
                result, hops, fails = entry
                if fails > 0:
                    RESULTS[token] = (result, hops, fails - 1)
                elif hops > 1:
                    RESULTS[token] = (result, hops - 1, 0)
            if fails > 0:
                return self.reset()
            if hops > 1:
                return self.redirect("/result/" + token)
            return self.send_body(200, json.dumps(result))
        return self.send_body(404, "modal-http: invalid function call", "text/plain")

    def do_POST(self):
        self.count()
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        mode = parts[0] if parts else ""
        body = self.read_body()
        if not self.authorised():
            return
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return self.send_body(422, json.dumps({"detail": "body is not JSON"}))
        rid = req.get("id", "") if isinstance(req, dict) else ""
        with STATS_LOCK:
            STATS["posts"][rid] = STATS["posts"].get(rid, 0) + 1
            nposts = STATS["posts"][rid]
        delay = float(q.get("delay", 0))
        if isinstance(req, dict) and req.get("op") == "ping":
            return self.send_body(200, json.dumps({"ok": True, "app": "kernel-rl-evaluator", "default_gpu": "H100",
                                                  "max_timeout_s": 300, "function_timeout_s": 420,
                                                  "protocol": 1}))
        if mode == "ok":
            self.sleep(delay)
            return self.send_body(200, json.dumps(make_result(req, delay)))
        if mode in ("redirect", "getreset"):
            self.sleep(delay)
            token = uuid.uuid4().hex
            hops = int(q.get("hops", 1))
            fails = int(q.get("fails", 1)) if mode == "getreset" else 0
            with STATS_LOCK:
                RESULTS[token] = (make_result(req, delay), hops, fails)
            return self.redirect("/result/" + token)
        if mode == "result":
            return self.send_body(400, json.dumps({"detail": "result URLs take GET"}))
        if mode == "loop":
            return self.redirect("/loopa/" + uuid.uuid4().hex)
        if mode == "status":
            code = int(q.get("code", 500))
            text = {401: "modal-http: missing credentials for proxy authorization",
                    404: "modal-http: invalid function call"}.get(code, "error %d" % code)
            headers = {"Retry-After": q["retry_after"]} if "retry_after" in q else None
            return self.send_body(code, text, "text/plain", headers)
        if mode == "flaky":
            if nposts <= int(q.get("fail", 1)):
                return self.send_body(int(q.get("code", 503)), "temporarily unavailable", "text/plain")
            return self.send_body(200, json.dumps(make_result(req, delay)))
        if mode == "stall":
            self.sleep(self.server.lifetime)
            return self.reset()
        if mode == "reset":
            return self.reset()
        if mode == "truncated":
            data = json.dumps(make_result(req, delay)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) + 500))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "invalid":
            return self.send_body(200, '{"status": "correct", "compiled": tr')
        if mode == "nonobject":
            return self.send_body(200, "[1, 2, 3]")
        if mode == "trickle":
            data = json.dumps(make_result(req, delay)).encode()
            interval = float(q.get("interval", 0.2))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for i in range(len(data)):
                    if SHUTDOWN.is_set():
                        break
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    self.sleep(interval)
            except OSError:
                pass
            self.close_connection = True
            return
        return self.send_body(404, "modal-http: invalid function call", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", default="wk-double-key")
    ap.add_argument("--secret", default="ws-double-secret")
    ap.add_argument("--no-auth", action="store_true")
    ap.add_argument("--lifetime", type=float, default=300.0, help="seconds before it stops by itself")
    ap.add_argument("--max-requests", type=int, default=200000)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.auth = (None, None) if args.no_auth else (args.key, args.secret)
    server.lifetime = args.lifetime
    server.max_requests = args.max_requests
    print("PORT %d" % server.server_address[1], flush=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read1(4096) if hasattr(sys.stdin.buffer, "read1") else sys.stdin.read(1):
                pass
        except (OSError, ValueError):
            pass
        SHUTDOWN.set()

    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    SHUTDOWN.wait(args.lifetime)
    SHUTDOWN.set()
    server.shutdown()
    server.server_close()
    os._exit(0)


if __name__ == "__main__":
    main()
