"""Failures blamed on the right party (issue C): setup errors that name the fix, compile errors
mapped to the candidate's own lines, the memory cap, the size probe."""
from __future__ import annotations

import pytest

from kernelwatch_eval import harness
from conftest import SAMPLES, make_request

CUDA_KERNEL = (SAMPLES / "swish_cuda.py").read_text()


def test_builds_cuda_detection():
    assert harness.builds_cuda(CUDA_KERNEL)
    assert not harness.builds_cuda("import torch\nclass ModelNew: pass\n")
    cpp_only = ("from torch.utils.cpp_extension import load_inline\n"
                "m = load_inline(name='x', cpp_sources='int f(){return 1;}', functions=['f'])\nclass ModelNew: pass\n")
    assert not harness.builds_cuda(cpp_only)
    assert not harness.builds_cuda("# cuda_sources= in a comment\nclass ModelNew: pass\n")


def test_cuda_setup_problem_messages():
    assert harness.cuda_setup_problem(CUDA_KERNEL, "eval", True, nvcc="/usr/local/cuda/bin/nvcc") == ""
    no_gpu = harness.cuda_setup_problem(CUDA_KERNEL, "eval", False, nvcc="/usr/bin/nvcc")
    assert "no CUDA device is visible" in no_gpu and "GPU target" in no_gpu and "CPU-capable" in no_gpu
    no_nvcc = harness.cuda_setup_problem(CUDA_KERNEL, "compile", False, nvcc="")
    assert "nvcc was not found" in no_nvcc and "CUDA toolkit" in no_nvcc
    assert harness.cuda_setup_problem("class ModelNew: pass", "eval", False, nvcc="") == ""


def test_cuda_kernel_on_a_machine_without_gpu_is_a_setup_error(tmp_path):
    """Was: compile_error "IndexError: list index out of range" from inside torch."""
    from kernelwatch_eval.isolated import run_isolated
    res = run_isolated(make_request("swish", CUDA_KERNEL, ref_code=(SAMPLES / "swish_ref.py").read_text()),
                       120, str(tmp_path), target="cpu")
    assert res["status"] == "infra_error", (res["status"], res["error_message"][:500])
    assert res["metadata"]["error_kind"] == "setup"
    assert "no CUDA device is visible" in res["error_message"]
    assert res["timings"]["compile"] < 5
