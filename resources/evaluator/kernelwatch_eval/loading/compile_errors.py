"""Compiler errors of torch.utils.cpp_extension builds, told in the candidate's own lines.

torch's "Error building extension" message holds ninja's log: the compiler command line (twice:
ninja's progress line and its FAILED echo), then the diagnostics. load_inline writes the source
strings into main.cpp / cuda.cu of the build dir (with a few #include lines in front), so a
diagnostic's file:line is mapped back to the kernel file by finding the erroring line, with the
lines around it, in the kernel source (the source strings are written verbatim in the file).

summarize(text, kernel_code) -> (message, info):
  message: "kernel:34:30: error: ..." (the compiler's FIRST error, mapped), the source line, where
  it came from, then the other diagnostics without command lines;
  info: {"compile_error_line": 34 | None, "compile_error_column": 30 | None,
         "compile_error_file": "main.cpp", "compile_error_source_line": 14, "compile_errors": N}
"""
from __future__ import annotations

import os
import re

_GCC = re.compile(r"^(?P<file>[^\s:][^:\n]*?\.(?:cpp|cc|cxx|c|cu|cuh|h|hpp|inc)):(?P<line>\d+):(?:(?P<col>\d+):)?"
                  r"\s*(?:fatal\s+)?error:\s*(?P<msg>.*)$")
_NVCC = re.compile(r"^(?P<file>[^\s(][^(\n]*?\.(?:cu|cuh|cpp|h|hpp))\((?P<line>\d+)\):\s*(?:catastrophic\s+)?"
                   r"error:?\s*(?P<msg>.*)$")
_ANY_ERROR = re.compile(r"\berror\b", re.I)
_COMMAND = re.compile(r"^\s*(?:\[\d+/\d+\]\s|FAILED:|ninja: |(?:\S*/)?(?:c\+\+|g\+\+|gcc|clang\+\+|nvcc|"
                      r"x86_64-linux-gnu-g\+\+)\s+-)")
CONTEXT = 4  # lines on each side used to place a line in the kernel file
MAX_DIAGNOSTIC_LINES = 40


def first_error(text: str):
    """(file, line, column|None, message) of the first compiler error, or None."""
    for raw in str(text or "").splitlines():
        ln = raw.strip()
        m = _GCC.match(ln) or _NVCC.match(ln)
        if m:
            col = m.groupdict().get("col")
            return m.group("file"), int(m.group("line")), int(col) if col else None, m.group("msg").strip()
    return None


def _read_lines(path: str):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return None


def _excerpt_line(text: str, line: int) -> str:
    """gcc prints '   14 |         o[i] = ...' under a diagnostic: the line's text without the file."""
    m = re.search(r"(?m)^\s*%d \| (.*)$" % line, text or "")
    return m.group(1) if m else ""


def map_to_kernel(gen_lines, line: int, kernel_code: str):
    """Kernel-file line (1-based) holding generated line `line` (1-based), or None: the kernel
    line equal to it (whitespace-trimmed) with the most equal neighbours within CONTEXT lines."""
    if not gen_lines or not 1 <= line <= len(gen_lines):
        return None
    target = gen_lines[line - 1].strip()
    if not target:
        return None
    klines = str(kernel_code or "").splitlines()
    best, best_score = None, -1
    for k, kl in enumerate(klines):
        if kl.strip() != target:
            continue
        score = 0
        for d in range(1, CONTEXT + 1):
            for g, kk in ((line - 1 - d, k - d), (line - 1 + d, k + d)):
                if 0 <= g < len(gen_lines) and 0 <= kk < len(klines) and gen_lines[g].strip() == klines[kk].strip():
                    score += 1
        if score > best_score:
            best, best_score = k + 1, score
    return best


def diagnostics(text: str) -> list:
    """The build log without command lines and ninja's chatter, repeated blocks once."""
    out, seen = [], set()
    for raw in str(text or "").splitlines():
        if not raw.strip() or _COMMAND.match(raw):
            continue
        if raw.startswith("Error building extension") or raw.startswith("RuntimeError: Error building"):
            continue
        if raw in seen and (_GCC.match(raw.strip()) or _NVCC.match(raw.strip()) or "In function" in raw):
            continue
        seen.add(raw)
        out.append(raw)
    return out


def summarize(text: str, kernel_code: str):
    """(message, info) for a build failure's text (see the module doc); message '' when the text
    holds no compiler error with a file and line."""
    text = str(text or "")
    first = first_error(text)
    if first is None:
        return "", {}
    path, line, col, msg = first
    base = os.path.basename(path)
    gen = _read_lines(path)
    if gen is None:  # the build dir is gone: gcc's own excerpt of the line
        ex = _excerpt_line(text, line)
        gen = [""] * (line - 1) + [ex] if ex else None
    kline = map_to_kernel(gen, line, kernel_code)
    n_errors = sum(1 for ln in text.splitlines() if _GCC.match(ln.strip()) or _NVCC.match(ln.strip()))
    src = gen[line - 1] if gen and 1 <= line <= len(gen) else ""
    where = f"{base}:{line}" + (f":{col}" if col else "")
    if kline:
        head = f"kernel:{kline}" + (f":{col}" if col else "") + f": error: {msg}"
        origin = f"(the compiler's first error, at {where} of the extension's build, which is line {kline} of " \
                 f"the kernel source)"
    else:
        head = f"{where}: error: {msg}"
        origin = "(the compiler's first error; its line is not in the kernel source verbatim)"
    parts = [head]
    if src.strip():
        parts.append(f"    {kline or line} | {src.rstrip()}")
    parts.append(origin)
    build_dir = os.path.dirname(path)
    diag = [d.replace(build_dir + "/", "") if build_dir else d
            for d in diagnostics(text) if not d.startswith("Traceback")]
    cut = [i for i, d in enumerate(diag) if d.startswith("The above exception") or d.startswith("subprocess.")]
    if cut:
        diag = diag[:cut[0]]
    if len(diag) > MAX_DIAGNOSTIC_LINES:
        diag = diag[:MAX_DIAGNOSTIC_LINES] + [f"... ({len(diag) - MAX_DIAGNOSTIC_LINES} more lines; the whole "
                                               "compiler output is in the log)"]
    if n_errors > 1:
        parts.append(f"{n_errors} errors in all. Compiler output (command lines left out; the whole log is in "
                     "log_tail):")
    else:
        parts.append("Compiler output (command lines left out; the whole log is in log_tail):")
    parts += diag
    info = {"compile_error_line": kline, "compile_error_column": col if kline else None,
            "compile_error_file": base, "compile_error_source_line": line, "compile_errors": n_errors}
    return "\n".join(parts), info
