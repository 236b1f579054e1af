"""Shared fixtures for the evaluator tests. Run with: /usr/bin/python3 -m pytest tests/python"""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "resources" / "evaluator"
FIXTURES = ROOT / "tests" / "fixtures"
PROBLEMS = FIXTURES / "problems"
KERNELS = FIXTURES / "kernels"
SAMPLES = ROOT / "resources" / "samples"
sys.path.insert(0, str(EVAL_DIR))

# Known fake credentials: they must never be visible to a kernel.
FAKE_SECRETS = {
    "MODAL_TOKEN_ID": "ak-kwtestTOKENID0000000000",
    "MODAL_TOKEN_SECRET": "as-kwtestTOKENSECRET000000",
    "GITHUB_TOKEN": "ghp_kwtestGITHUBTOKEN00000",
    "MY_SERVICE_API_KEY": "kwtest-api-key-0000000000",
    "Aws_Secret_Access_Key": "kwtest-aws-secret-00000000",
}
FAKE_TOML_SECRET = "as-kwtestTOMLSECRET0000000"


def read_fixture(path) -> tuple:
    """(source, headers) where headers come from leading `# kw-name: value` lines."""
    src = pathlib.Path(path).read_text()
    headers = {}
    for line in src.splitlines():
        m = re.match(r"#\s*kw-([\w-]+):\s*(.*)$", line)
        if m:
            headers[m.group(1)] = m.group(2).strip()
        elif line.strip() and not line.startswith("#"):
            break
    return src, headers


def problem_source(name: str) -> str:
    p = PROBLEMS / f"{name}.py"
    if not p.exists():
        p = SAMPLES / f"{name}_ref.py"
    return p.read_text()


def make_request(problem: str, kernel_code: str, **kw) -> dict:
    req = {"id": f"test-{problem}-{time.monotonic_ns()}", "ref_code": problem_source(problem),
           "kernel_code": kernel_code, "backend": "cuda", "device": "cpu", "precision": "fp32",
           "num_correct_trials": 5, "measure_performance": True, "num_perf_trials": 5,
           "perf_budget_s": 0.5, "timeout_s": 60.0, "source": "test", "problem": problem}
    req.update(kw)
    return req


def fixture_files(kind: str, device: str = None):
    out = []
    for p in sorted((KERNELS / kind).glob("*.py")):
        _, h = read_fixture(p)
        dev = h.get("device", "any")
        if device is None or dev in ("any", device):
            out.append(p)
    return out


def cuda_present() -> tuple:
    """(available, reason) without initialising CUDA in this process (forks must stay safe)."""
    if not os.path.exists("/dev/nvidiactl"):
        return False, "no NVIDIA GPU on this machine (/dev/nvidiactl missing)"
    r = subprocess.run([sys.executable, "-m", "kernelwatch_eval.probe"], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)), timeout=300)
    try:
        info = json.loads(r.stdout)
    except ValueError:
        return False, "probe failed: " + r.stderr[-300:]
    if not info.get("gpus"):
        return False, "torch sees no CUDA device"
    return True, ""


_CUDA = None


def cuda_status():
    global _CUDA
    if _CUDA is None:
        _CUDA = cuda_present()
    return _CUDA


def needs_cuda():
    ok, why = cuda_status()
    if not ok:
        pytest.skip(why)


def landlock_abi() -> int:
    from kernelwatch_eval.sandbox import landlock
    return landlock.abi_version()


def leftover_processes(sid: int) -> list:
    from kernelwatch_eval.sandbox import procutil
    return [pid for pid, st in procutil.process_table().items() if st[3] == sid and st[0] != "Z"]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """A fresh compile cache per session, or $KW_TEST_CACHE to keep builds between sessions
    (then the cache-hit test's first run may already be a hit, and it says so)."""
    keep = os.environ.get("KW_TEST_CACHE")
    if keep:
        os.makedirs(keep, exist_ok=True)
        return keep
    return str(tmp_path_factory.mktemp("kwcache"))


@pytest.fixture(scope="session")
def fake_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("fakehome")
    (home / ".modal.toml").write_text(
        f'[kwtest]\ntoken_id = "ak-kwtestTOMLID00000000000"\ntoken_secret = "{FAKE_TOML_SECRET}"\nactive = true\n')
    return home


@pytest.fixture(scope="session")
def zygote_env(fake_home):
    env = dict(os.environ)
    env.update(FAKE_SECRETS)
    env["HOME"] = str(fake_home)
    env["MODAL_CONFIG_PATH"] = str(fake_home / ".modal.toml")
    return env


@pytest.fixture(scope="session")
def zygote(cache_dir, zygote_env):
    """One CPU zygote for the session, started with secrets in its environment (worst case)."""
    from kernelwatch_eval.zygote_client import ZygoteClient
    z = ZygoteClient("cpu", cache_dir, env=zygote_env,
                     extra_args=["--mem-limit-mb", "1536", "--max-procs", "200"])
    yield z
    z.close()


@pytest.fixture(scope="session")
def roomy_zygote(cache_dir, zygote_env):
    """A CPU zygote whose memory cap leaves room for torch.compile: inductor's compiled code and its
    threads need more address space (RLIMIT_AS on CPU slots) than the 1.5 GiB of `zygote` on a
    many-core host (a 16-core H100 host with torch 2.11 ran out inside the cap)."""
    from kernelwatch_eval.client import ZygoteClient
    z = ZygoteClient("cpu", cache_dir, env=zygote_env,
                     extra_args=["--mem-limit-mb", "8192", "--max-procs", "400"])
    yield z
    z.close()


@pytest.fixture(scope="session")
def relu_ok_request():
    src, _ = read_fixture(KERNELS / "honest" / "relu_where.py")
    return make_request("relu", src)


SLOW = os.environ.get("KW_TEST_SLOW") == "1"


@pytest.fixture(scope="session")
def cpp_cache_runs(zygote):
    """The suite's one cold C++ build: relu_cpp evaluated twice in the session cache (miss, hit),
    after a first attempt killed mid-build (it leaves torch's `lock` baton behind, which must not
    block the builds after it)."""
    src, h = read_fixture(KERNELS / "honest" / "relu_cpp.py")
    killed = zygote.evaluate(make_request(h["problem"], src), timeout_s=4)
    assert killed["status"] == "timeout", killed["status"]
    first = zygote.evaluate(make_request(h["problem"], src), timeout_s=600)
    second = zygote.evaluate(make_request(h["problem"], src), timeout_s=600)
    return first, second
