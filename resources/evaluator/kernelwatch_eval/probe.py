"""Environment probe: `python3 -m kernelwatch_eval.probe` prints one JSON object.

{"ok": true, "python": "3.11.2", "torch": "2.5.1", "torch_cuda": "12.4" | null,
 "triton": true, "triton_version": "3.1.0" | null, "gpus": [{"index", "name", "arch", "memory_gib"}],
 "landlock_abi": 6, "cpu_count": 16}
Exit 0 when torch imports; otherwise prints {"ok": false, "error": "..."} and exits 1.
This process may initialise CUDA (it is separate from the zygotes).
"""
from __future__ import annotations

import json
import os
import platform
import sys


def probe() -> dict:
    out = {"ok": False, "python": platform.python_version(), "executable": sys.executable,
           "cpu_count": os.cpu_count()}
    try:
        import torch
    except Exception as e:  # ImportError, or a broken install raising something else
        out["error"] = (f"this Python ({sys.executable}) cannot import torch: {type(e).__name__}: {e}. "
                        "Install PyTorch for it (e.g. `pip install torch`, or `apt install python3-torch` "
                        "on Debian) or choose another interpreter with --python.")
        return out
    out.update(ok=True, torch=torch.__version__, torch_cuda=getattr(torch.version, "cuda", None))
    try:
        import triton
        out["triton"], out["triton_version"] = True, getattr(triton, "__version__", None)
    except Exception:
        out["triton"], out["triton_version"] = False, None
    gpus = []
    try:
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                p = torch.cuda.get_device_properties(i)
                gpus.append({"index": i, "name": p.name, "arch": f"sm_{p.major}{p.minor}",
                             "memory_gib": round(p.total_memory / 2**30, 1)})
    except Exception as e:
        out["cuda_error"] = f"{type(e).__name__}: {e}"
    out["gpus"] = gpus
    try:
        from .sandbox import landlock
        out["landlock_abi"] = landlock.abi_version()
    except Exception:
        out["landlock_abi"] = 0
    return out


def main() -> int:
    fd = os.dup(1)
    os.dup2(2, 1)  # torch / triton chatter goes to stderr
    res = probe()
    os.write(fd, (json.dumps(res) + "\n").encode())
    return 0 if res.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
