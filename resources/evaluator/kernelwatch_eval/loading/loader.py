"""Loading the reference program and the candidate as modules from source."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import traceback

_MODELNEW = re.compile(r"(?m)^\s*class\s+ModelNew\b")


def has_model_new(code: str) -> bool:
    return bool(_MODELNEW.search(code or ""))


def load_module(code: str, stem: str, directory: str):
    """Write `code` to DIRECTORY/STEM_<hash>.py and import it as a fresh module (triton's
    `inspect.getsource` needs a real file; tracebacks show the right lines)."""
    h = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    name = f"{stem}_{h}"
    path = os.path.join(directory, name + ".py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(code)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return mod, path


def format_exception(exc: BaseException, limit_chars: int = 6000) -> str:
    """Type and message first (load_inline puts the compiler output in the message), then the
    traceback's last frames."""
    msg = f"{type(exc).__name__}: {exc}"
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-6))
    text = msg if len(msg) >= limit_chars else msg + "\n\n" + tb
    if len(text) > limit_chars:
        half = limit_chars // 2
        text = text[:half] + "\n...\n" + text[-half:]
    return text
