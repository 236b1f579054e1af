"""The result channel between an evaluation child and its parent (zygote or run_isolated).

Child side: JSON lines on a dedicated pipe fd, each tagged with a per-job nonce that the parent
generated before fork: ``{"n": NONCE, "stage": ..., "detail": ...}`` progress lines and one
``{"n": NONCE, "result": {...}}``. Parent side: lines without the nonce, invalid JSON, a second
result or an over-long line mark the channel as tampered, and the result is then void.
"""
from __future__ import annotations

import json
import math
import os
import stat

MAX_LINE = 8 << 20


def _clean(o):
    """JSON-safe copy: NaN/inf -> None, tuples -> lists, unknown objects -> str."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, (str, int, bool)) or o is None:
        return o
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple, set)):
        return [_clean(v) for v in o]
    try:
        f = float(o)
        return f if math.isfinite(f) else None
    except (TypeError, ValueError):
        return str(o)


def dumps_line(obj) -> bytes:
    return (json.dumps(_clean(obj), ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


class ResultChannel:
    """Child side. Writes are blocking and complete (the parent always drains)."""

    def __init__(self, fd: int, nonce: str):
        self._fd = fd
        self._nonce = nonce
        try:
            st = os.fstat(fd)
            self._ident = (st.st_dev, st.st_ino)
        except OSError:
            self._ident = None

    def intact(self) -> bool:
        try:
            st = os.fstat(self._fd)
        except OSError:
            return False
        return stat.S_ISFIFO(st.st_mode) and (st.st_dev, st.st_ino) == self._ident

    def _write(self, obj) -> bool:
        if not self.intact():
            return False
        data = dumps_line(dict(obj, n=self._nonce))
        try:
            view = memoryview(data)
            while view:
                k = os.write(self._fd, view)
                view = view[k:]
            return True
        except OSError:
            return False

    def progress(self, stage: str, detail: str = "") -> bool:
        return self._write({"stage": stage, "detail": detail})

    def final(self, result: dict) -> bool:
        return self._write({"result": result})


class ResultParser:
    """Parent side: feed bytes, collect progress and the (single) result."""

    def __init__(self, nonce: str):
        self.nonce = nonce
        self.buf = bytearray()
        self.result = None
        self.error = None  # first channel error, str
        self.tampered = False
        self.progress = []  # (stage, detail) not yet consumed

    def _fail(self, why: str):
        if self.error is None:
            self.error = why
        self.tampered = True

    def feed(self, data: bytes):
        if self.tampered:
            return
        self.buf += data
        while True:
            i = self.buf.find(b"\n")
            if i < 0:
                if len(self.buf) > MAX_LINE:
                    self._fail("result channel line over %d bytes" % MAX_LINE)
                    self.buf.clear()
                return
            line = bytes(self.buf[:i])
            del self.buf[:i + 1]
            self._line(line)
            if self.tampered:
                self.buf.clear()
                return

    def _line(self, line: bytes):
        if not line.strip():
            return
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._fail("garbage on result channel: %r" % line[:80])
            return
        if not isinstance(obj, dict) or obj.get("n") != self.nonce:
            self._fail("unauthenticated line on result channel: %r" % line[:80])
            return
        if "result" in obj:
            if self.result is not None:
                self._fail("second result on result channel")
                self.result = None
                return
            if not isinstance(obj["result"], dict):
                self._fail("result is not a JSON object")
                return
            self.result = obj["result"]
        elif "stage" in obj:
            if self.result is None:
                self.progress.append((str(obj.get("stage")), str(obj.get("detail") or "")))
        else:
            self._fail("unknown line on result channel: %r" % line[:80])

    def eof(self):
        if self.buf.strip() and not self.tampered:
            self._fail("incomplete line on result channel: %r" % bytes(self.buf[:80]))
        self.buf.clear()

    def final_result(self):
        return None if self.tampered else self.result
