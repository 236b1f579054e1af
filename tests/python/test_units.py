"""Unit tests of the evaluator's pure parts (no child processes)."""
from __future__ import annotations

import json
import os

import pytest
import torch

from kernelwatch_eval.checks import compare, integrity, static_rules
from kernelwatch_eval.checks.input_guard import InputGuard, positions
from kernelwatch_eval.evaluation.results import assemble
from kernelwatch_eval.loading import compile_cache
from kernelwatch_eval.measure import timing
from kernelwatch_eval.sandbox import channel, procutil
from conftest import EVAL_DIR as EVAL


# ------------------------------------------------------------------ static rules
def rules(code, backend="cuda", gpu=False, ref=""):
    return {r for r, _sev, _m in static_rules.check(code, backend, gpu, ref)}


def test_static_comments_and_docstrings_do_not_fire():
    code = ('"""gc.get_objects() and time.perf_counter = 0 in a docstring"""\n'
            "import torch\n# gc.get_objects()\n# time.perf_counter = f\n"
            "src = '''\n// torch.cuda.Stream() in a C comment\n/* threading.Thread */\n__global__ void k(){}\n'''\n"
            "def f(x: torch.Tensor = None):\n    return x\n")
    assert rules(code) == set()


@pytest.mark.parametrize("code,rule", [
    ("import time\ntime.perf_counter = lambda: 0\n", "timer_patch"),
    ("import time as t\nt.perf_counter = lambda: 0\n", "timer_patch"),
    ("from time import perf_counter\nimport torch\ntorch.cuda.synchronize = lambda *a: None\n", "timer_patch"),
    ("import torch\nsetattr(torch.cuda, 'synchronize', lambda: None)\n", "timer_patch"),
    ("import torch\nE = torch.cuda.Event\nE.elapsed_time = lambda a, b: 0.001\n", "timer_patch"),
    ("import torch\ntorch.relu = lambda x: x\n", "torch_patch"),
    ("import torch.nn.functional as F\nF.softmax = None\n", "torch_patch"),
    ("import builtins\nbuiltins.isinstance = None\n", "torch_patch"),
    ("import gc\nx = gc.get_objects()\n", "gc_introspection"),
    ("import sys\nf = sys._getframe(1)\n", "frame_introspection"),
    ("import threading\n", "threading"),
    ("from concurrent.futures import ThreadPoolExecutor\n", "threading"),
    ("import torch\ns = torch.cuda.Stream()\n", "side_stream"),
    ("import os\nos.closerange(3, 100)\n", "fd_tampering"),
    ("import os\nt = os.environ['MODAL_TOKEN_ID']\n", "secret_access"),
    ("import os\nos.fork()\n", "process_spawn"),
    ("import torch\ntorch.backends.cuda.matmul.allow_tf32 = True\n", "precision_downgrade"),
])
def test_static_rule_fires(code, rule):
    assert rule in rules(code)


def test_static_strictness_and_gpu_only_rules():
    sev = {r: s for r, s, _ in static_rules.check("import gc\ngc.get_objects()\n", "cuda", False)}
    assert sev["gc_introspection"] == "strict"
    plain = "import torch\nclass ModelNew:\n    def forward(self, x):\n        return x.clamp_min(0)\n"
    assert "no_cuda_kernel" not in rules(plain, gpu=False)  # PyTorch-only is fine on cpu
    assert "no_cuda_kernel" in rules(plain, gpu=True)
    assert "no_triton_kernel" in rules(plain, backend="triton", gpu=True)
    trit = "import triton\n@triton.jit\ndef k(x):\n    pass\n"
    assert "no_triton_kernel" not in rules(trit, backend="triton", gpu=True)
    # Benign torch.backends settings and annotations are not patches.
    assert rules("import torch\ntorch.backends.cudnn.benchmark = True\n") == set()


def test_reference_op_only():
    ref = "import torch\nclass Model:\n    def forward(self, a, b):\n        return torch.matmul(a, b)\n"
    same = "import torch\nclass ModelNew:\n    def forward(self, a, b):\n        return (a @ b).contiguous()\n"
    other = "import torch\nclass ModelNew:\n    def forward(self, a, b):\n        return torch.einsum('ik,kj->ij', a, b)\n"
    assert "reference_op_only" in rules(same, ref=ref)
    assert "reference_op_only" not in rules(other, ref=ref)


# ------------------------------------------------------------------ result channel
def test_channel_roundtrip_and_tampering():
    r, w = os.pipe()
    ch = channel.ResultChannel(w, "n1")
    assert ch.progress("checking", "trial 1/5")
    assert ch.final({"status": "correct", "speedup": float("nan")})
    os.close(w)
    p = channel.ResultParser("n1")
    p.feed(os.read(r, 65536))
    p.eof()
    os.close(r)
    assert p.progress == [("checking", "trial 1/5")]
    assert p.final_result() == {"status": "correct", "speedup": None}
    for junk in (b"not json\n", b'{"result": {"status": "correct"}}\n', b'{"n": "wrong", "result": {}}\n'):
        q = channel.ResultParser("n1")
        q.feed(junk + channel.dumps_line({"n": "n1", "result": {"status": "incorrect"}}))
        assert q.final_result() is None and q.tampered and q.error
    q = channel.ResultParser("n1")
    line = channel.dumps_line({"n": "n1", "result": {"a": 1}})
    q.feed(line + line)
    assert q.final_result() is None and "second result" in q.error
    q = channel.ResultParser("n1")
    q.feed(line[:-5])
    q.eof()
    assert q.final_result() is None and "incomplete" in q.error


def test_channel_refuses_replaced_fd(tmp_path):
    r, w = os.pipe()
    ch = channel.ResultChannel(w, "n")
    os.close(w)
    f = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT)  # likely reuses the number
    try:
        assert not ch.final({"status": "correct"})
        assert os.path.getsize(tmp_path / "x") == 0
    finally:
        os.close(f)
        os.close(r)


# ------------------------------------------------------------------ numerics
def test_compare_and_tolerance_exploit():
    e = torch.randn(64, 64) * 1e-6
    assert compare.close(torch, torch.zeros_like(e), e, 1e-4)  # zeros pass the plain check...
    assert compare.tolerance_exploit(torch, torch.zeros_like(e), e, 1e-4)  # ...and are caught
    honest = e * (1 + 1e-6)
    assert not compare.tolerance_exploit(torch, honest, e, 1e-4)
    big = torch.randn(64, 64)
    assert not compare.tolerance_exploit(torch, big + 1e-5, big, 1e-4)  # not vacuous: no check
    mx, avg = compare.diff_stats(torch, big + 0.5, big)
    assert abs(mx - 0.5) < 1e-6 and abs(avg - 0.5) < 1e-6
    assert not compare.close(torch, big.half(), big, 1e-2)  # dtype mismatch is never close


def test_low_precision_check():
    x = torch.randn(256, 256, dtype=torch.float64) * 0.02
    e64 = x * 1.5
    e32 = (x.float() * 1.5)
    honest = (x.float() * 0.5 + x.float())  # different op order, fp32
    half = (x.half() * 1.5).float()
    assert not compare.low_precision(torch, honest, e32, e64)[0]
    assert compare.low_precision(torch, half, e32, e64)[0]


def test_stats_and_rse():
    s = timing.stats([1.0, 2.0, 3.0, 4.0])
    assert s["median"] == 2.5 and s["mean"] == 2.5 and s["n"] == 4 and s["min"] == 1.0
    assert timing.rel_std_err([1.0] * 10) == 0.0
    assert timing.rel_std_err([1.0, 2.0]) == float("inf")


# ------------------------------------------------------------------ integrity helpers
def test_input_guard_poisons_then_restores_exactly():
    x = torch.randn(64, 33)
    half = torch.randn(5).half()
    ints = torch.arange(10)
    strided = torch.randn(8, 8).t()
    before = [t.clone() for t in (x, half, ints, strided)]
    g = InputGuard(torch, [x, half, ints, strided, "not a tensor"], torch.index_select, torch.Tensor.index_copy_)
    assert len(g.items) == 2  # integers and non-contiguous views are left alone
    g.poison()
    flat = x.view(-1)
    changed = (flat != before[0].view(-1)) | torch.isnan(flat)
    assert 0 < int(changed.sum()) <= 256
    assert bool(changed[0]) and bool(changed[-1])  # spread over the whole tensor
    assert torch.isnan(flat).any() and (flat == 3.0e4).any() and (flat == -3.0e4).any()
    assert int(((half != before[1]) | torch.isnan(half)).sum()) == 1  # a small tensor gets one position
    # a computation that reads poisoned inputs gives a result far from the true one
    assert not torch.allclose(x * torch.sigmoid(x), before[0] * torch.sigmoid(before[0]), equal_nan=False)
    g.restore()
    for t, b in zip((x, half, ints, strided), before):
        assert torch.equal(t, b)
    # tensors sharing storage are put back exactly too
    y = torch.randn(16, 16)
    y_before = y.clone()
    g2 = InputGuard(torch, [y, y.view(-1), y[2:]], torch.index_select, torch.Tensor.index_copy_)
    g2.poison()
    assert not torch.equal(y, y_before)
    g2.restore()
    assert torch.equal(y, y_before)
    # positions stay inside large tensors (a float32 linspace rounds past the end above 2**24)
    for numel in (1, 7, 8, 9, 2049, 2**24 + 3, 2**28 + 5, 3 * 2**30 + 1):
        ps = positions(numel)
        assert ps[0] == 0 and ps[-1] == (numel - 1 if len(ps) > 1 else 0) and len(ps) <= 256
        assert all(a < b for a, b in zip(ps, ps[1:])) and ps[-1] < numel
    # the timer hands out a guard only for the covered GPU window
    assert timing.Timer(torch, "cpu", False).guard([x]) is None


def test_integrity_tensor_checks():
    x = torch.randn(4, 8)

    class Sub(torch.Tensor):
        pass

    assert integrity.tensor_problem(torch, x.clone().as_subclass(Sub), x)[0] == "output_not_plain_tensor"
    assert integrity.tensor_problem(torch, x[:1].expand(4, 8), x)[0] == "output_not_dense"
    assert integrity.tensor_problem(torch, x.t().contiguous().t(), x)[0] is None  # dense, other order
    assert integrity.tensor_problem(torch, x.double(), x)[0] == "output_dtype_mismatch"
    assert integrity.tensor_problem(torch, x[:2], x)[0] == "shape"
    assert integrity.aliasing(torch, [x[1:3]], [x])
    assert not integrity.aliasing(torch, [x.clone()], [x])
    y = x.clone()
    y[0, 0] += 1
    assert integrity.inputs_changed(torch, [y], [x])
    assert not integrity.inputs_changed(torch, [x.clone()], [x])


def test_snapshot_detects_patches():
    import time
    snap = integrity.Snapshot(torch)
    assert snap.changed() == []
    orig = time.perf_counter
    try:
        time.perf_counter = lambda: 0.0
        assert "time.perf_counter" in snap.changed()
        assert integrity.classify_patches(snap.changed()) == ["timer_patched"]
    finally:
        time.perf_counter = orig
    orig_relu = torch.relu
    try:
        torch.relu = lambda x: x
        assert integrity.classify_patches(snap.changed()) == ["torch_patched"]
    finally:
        torch.relu = orig_relu
    assert snap.changed() == []


# ------------------------------------------------------------------ misc
def test_cache_key_and_slot(tmp_path):
    k1 = compile_cache.cache_key("src", "cuda", "sm_90", "2.5")
    assert k1 == compile_cache.cache_key("src", "cuda", "sm_90", "2.5") and len(k1) == 24
    assert len({k1, compile_cache.cache_key("src2", "cuda", "sm_90", "2.5"), compile_cache.cache_key("src", "triton", "sm_90", "2.5"),
                compile_cache.cache_key("src", "cuda", "sm_80", "2.5"), compile_cache.cache_key("src", "cuda", "sm_90", "2.6")}) == 5
    s = compile_cache.CacheSlot(str(tmp_path), k1)
    s.prepare()
    s.lock()
    s.unlock()
    assert not s.was_complete()
    s.mark_complete()  # no artifacts: not marked
    assert not s.was_complete()
    open(os.path.join(s.ext_dir, "ext.so"), "w").close()
    s.mark_complete()
    assert s.was_complete()


def test_secret_names_and_scrub(monkeypatch):
    for n in ("MODAL_TOKEN_ID", "github_token", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "modal_profile"):
        assert procutil.is_secret_name(n)
    for n in ("PATH", "HOME", "CUDA_VISIBLE_DEVICES", "TORCH_CUDA_ARCH_LIST", "PYTHONPATH"):
        assert not procutil.is_secret_name(n)


def test_assemble_timeout_and_crash():
    req = {"id": "x", "kernel_code": "class ModelNew: pass", "num_correct_trials": 5, "seed_secret": "s"}
    ex = {"pid": 5, "exit_code": None, "signal": 11, "log_tail": "tail", "log_bytes": 4,
          "channel_error": "the child exited without a result"}
    r = assemble(req, "cpu", None, ex, False, 10, 1.0)
    assert r["status"] == "crashed" and "SIGSEGV" in r["error_message"] and r["log_tail"] == "tail"
    assert "seed_secret" not in r["request"] and "kernel_code" not in r["request"]
    r = assemble(req, "cpu", {"status": "correct"}, ex, True, 10, 11.0)
    assert r["status"] == "timeout" and "10 s" in r["error_message"]
    json.dumps(r)


def test_landlock_denies_home_through_symlinks(tmp_path):
    """A denied home under a symlinked ancestor stays unreadable; writes outside the allowed dirs fail."""
    import subprocess
    import sys
    from kernelwatch_eval.sandbox import landlock
    if landlock.abi_version() <= 0:
        pytest.skip("Landlock not available on this kernel")
    home = tmp_path / "real" / "home"
    home.mkdir(parents=True)
    (home / ".modal.toml").write_text("token_secret = 'x'\n")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "other.txt").write_text("readable\n")
    work = tmp_path / "work"
    work.mkdir()
    code = f"""
import sys
sys.path.insert(0, {str(EVAL)!r})
from kernelwatch_eval.sandbox import landlock
assert landlock.restrict([{str(work)!r}]) == ""
def can_read(p):
    try:
        open(p).read(); return True
    except OSError:
        return False
def can_write(p):
    try:
        open(p, "w").write("x"); return True
    except OSError:
        return False
print(can_read({str(home / '.modal.toml')!r}), can_read({str(tmp_path / 'link' / 'home' / '.modal.toml')!r}),
      can_read({str(tmp_path / 'other.txt')!r}), can_write({str(work / 'ok.txt')!r}),
      can_write({str(tmp_path / 'escape.txt')!r}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, HOME=str(home)))
    assert out.stdout.split() == ["False", "False", "True", "True", "False"], out.stderr


def test_stale_torch_baton_is_cleared(tmp_path):
    """A build killed mid-way leaves torch's `lock` baton; taking the key's flock removes it."""
    s = compile_cache.CacheSlot(str(tmp_path), "k" * 24)
    s.prepare()
    d = os.path.join(s.ext_dir, "kw_ext")
    os.makedirs(d)
    open(os.path.join(d, "lock"), "w").close()
    s.lock()
    try:
        assert not os.path.exists(os.path.join(d, "lock"))
    finally:
        s.unlock()


def test_nvml_released_before_every_fork(monkeypatch, tmp_path):
    """Issue 15: an NVML initialised in the zygote (torch's NVML-based CUDA check) is unusable in
    a child that closed its inherited fds, so CUDA OOM surfaced as an NVML INTERNAL ASSERT. The
    parent shuts NVML down right before forking."""
    from kernelwatch_eval.sandbox import supervisor
    assert procutil.release_nvml() == 0  # not loaded here: a no-op that never loads it
    order = []
    monkeypatch.setattr(supervisor.procutil, "release_nvml", lambda *a: order.append("release") or 0)

    def no_fork():
        order.append("fork")
        raise OSError("fork refused by the test")
    monkeypatch.setattr(supervisor.os, "fork", no_fork)
    sup = supervisor.Supervisor({"target": "cpu", "cache_dir": str(tmp_path), "work_root": str(tmp_path)},
                                lambda ev: None, own_all_children=False,
                                child_main=lambda *a: None)
    with pytest.raises(OSError):
        sup.spawn("j", {})
    assert order == ["release", "fork"]
