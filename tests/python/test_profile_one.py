"""kernelwatch_eval.profile_one: the program Nsight Compute profiles (runs the candidate inside an
NVTX range). Runs it as ncu would, in a fresh interpreter; GPU cases skip without a GPU."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import EVAL_DIR, SAMPLES, cuda_status, needs_cuda


def run_profile_one(tmp_path, request, *extra):
    req = tmp_path / "request.json"
    req.write_text(json.dumps(request))
    status = tmp_path / "status.json"
    env = dict(os.environ, PYTHONPATH=str(EVAL_DIR))
    r = subprocess.run([sys.executable, "-m", "kernelwatch_eval.profile_one", "--request", str(req),
                        "--status", str(status), "--cache-dir", str(tmp_path / "cache"), *extra],
                       capture_output=True, text=True, env=env, timeout=600)
    return r, json.loads(status.read_text()) if status.exists() else None


def sample_request(name, backend="cuda"):
    return {"id": "profile-test", "ref_code": (SAMPLES / f"{name}_ref.py").read_text(),
            "kernel_code": (SAMPLES / f"{name}_{'triton' if backend == 'triton' else 'cuda'}.py").read_text(),
            "backend": backend, "precision": "fp32"}


def test_cpu_target_is_refused_with_a_reason(tmp_path):
    r, st = run_profile_one(tmp_path, sample_request("swish"), "--target", "cpu")
    assert r.returncode == 2
    assert st == {"ok": False, "error_kind": "bad_input", "message": st["message"]}
    assert "not a GPU" in st["message"]


def test_unreadable_request_is_bad_input(tmp_path):
    req = tmp_path / "request.json"
    req.write_text("[1, 2")
    status = tmp_path / "status.json"
    r = subprocess.run([sys.executable, "-m", "kernelwatch_eval.profile_one", "--request", str(req),
                        "--status", str(status)], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(EVAL_DIR)), timeout=120)
    assert r.returncode == 2
    assert json.loads(status.read_text())["error_kind"] == "bad_input"


def test_no_model_new_is_bad_input(tmp_path):
    req = sample_request("swish")
    req["kernel_code"] = "import torch\n"
    r, st = run_profile_one(tmp_path, req, "--target", "cuda:0")
    assert r.returncode == 2 and "ModelNew" in st["message"]


def test_without_a_gpu_the_status_says_no_gpu(tmp_path):
    if cuda_status()[0]:
        pytest.skip("this machine has a GPU")
    r, st = run_profile_one(tmp_path, sample_request("swish"), "--target", "cuda:0")
    assert r.returncode == 4, r.stderr
    assert st["error_kind"] == "no_gpu" and "no CUDA device" in st["message"]


def test_swish_cuda_runs_inside_the_nvtx_range_on_a_gpu(tmp_path):
    needs_cuda()
    r, st = run_profile_one(tmp_path, sample_request("swish"), "--target", "cuda:0", "--calls", "2")
    assert r.returncode == 0, r.stderr
    assert st["ok"] and st["calls"] == 2
    assert "kernelwatch_candidate" in r.stdout
