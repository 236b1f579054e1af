"""KernelBench-style evaluation of one candidate against its reference, inside the child.

`evaluate(request, ctx) -> result dict` (a partial EvalResult, see PROTOCOL.md). Stages:
format + static rules -> device set-up -> reference load -> sandbox -> candidate load/build
("compiling") -> correctness trials ("checking") -> timing ("timing").
"""
from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import sys
import time

from ..checks import integrity, static_rules
from ..loading import compile_cache, loader
from ..sandbox.child_setup import ChildContext
from . import sizeprobe

_monotonic = time.monotonic
INIT_SEED = 42
PREIMPORT = ("torch.utils.cpp_extension", "torch.nn.functional", "math", "numpy", "triton",
             "triton.language")


class Stop(Exception):
    """Ends the evaluation early; the result is already filled in."""


def _cpu_name(threads: int) -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"cpu ({model}, {threads} threads)"


class Evaluation:
    def __init__(self, request: dict, ctx: ChildContext):
        self.req = request
        self.ctx = ctx
        self.t_start = _monotonic()
        self.kernel_code = str(request.get("kernel_code") or "")
        self.ref_code = str(request.get("ref_code") or "")
        self.backend = str(request.get("backend") or "cuda")
        self.precision = str(request.get("precision") or "fp32")
        self.n_correct = max(1, int(request.get("num_correct_trials") or 5))
        self.notes = {}  # flag -> detail
        self.res = {
            "id": request.get("id", ""), "format_ok": loader.has_model_new(self.kernel_code),
            "compiled": False, "correctness": False, "tests_passed": 0, "tests_total": self.n_correct,
            "speedup": None, "runtime_ms": None, "baseline_runtime_ms": None, "cheated": False,
            "error_message": "", "code_length": len(self.kernel_code), "status": None, "flags": [],
            "runtime_stats": None, "baseline_stats": None, "speedup_ci": None, "timing_quality": None,
            "baselines": None, "sol": None,
            "timings": {"compile": 0.0, "correctness": 0.0, "perf": 0.0, "total": 0.0},
            "device": {"name": "", "arch": "", "target": ctx.target},
            "worker": {"pid": os.getpid(), "gpu_index": ctx.gpu_index},
            "metadata": {"backend": self.backend, "precision": self.precision, "device": ctx.target,
                         "python": platform.python_version(), "timing_statistic": "median"},
            "isolation": "",
        }
        self.md = self.res["metadata"]
        self.secret = self._secret_seed()
        self.compiled_ref = None  # baselines.CompiledReference when "compile" was asked for
        self.sol_facts = None  # speed_of_light.prepare(): device and problem facts, gathered before the candidate

    # ------------------------------------------------------------------ helpers
    def _secret_seed(self) -> int:
        s = self.req.get("seed_secret")
        raw = hashlib.sha256(str(s).encode()).digest() if s else os.urandom(32)
        return int.from_bytes(raw[:4], "little") & 0x7FFFFFFF

    def flag(self, name: str, detail: str = ""):
        if name not in self.res["flags"]:
            self.res["flags"].append(name)
        if detail:
            self.notes.setdefault(name, detail)

    def finish(self, status: str, message: str = ""):
        self.res["status"] = status
        if message and not self.res["error_message"]:
            self.res["error_message"] = message
        raise Stop()

    def setup_error(self, message: str, kind: str = "setup"):
        """Not the kernel's fault: the machine or the evaluator's settings (infra_error)."""
        self.md["error_kind"] = kind
        self.finish("infra_error", message)

    def reject(self, flag: str, detail: str):
        self.flag(flag, detail)
        self.finish("rejected", f"rejected ({flag}): {detail}")

    # ------------------------------------------------------------------ stages
    def run(self) -> dict:
        try:
            self._run()
        except Stop:
            pass
        except BaseException as e:  # a harness bug must still give a result
            self.res["status"] = "infra_error"
            self.res["error_message"] = "evaluator internal error: " + loader.format_exception(e)
        return self._finalise()

    def _run(self):
        if not self.res["format_ok"]:
            self.finish("compile_error", "no `class ModelNew` found in the kernel source")
        gpu_target = self.ctx.is_cuda and self.ctx.mode == "eval"
        hits = static_rules.check(self.kernel_code, self.backend, gpu_target, self.ref_code)
        for rule, sev, msg in hits:
            if sev == "strict":
                self.flag("static:" + rule, msg)
        strict = [f for f in self.res["flags"] if f.startswith("static:")]
        if strict:
            self.finish("rejected", "rejected by static rule(s): " + "; ".join(
                f"{f}: {self.notes.get(f, '')}" for f in strict))
        for rule, sev, msg in hits:
            if sev == "warning":
                self.flag("static:" + rule, msg)
        from ..measure import baselines
        self.baselines, self.compile_mode, bad = baselines.parse_request(self.req)
        if bad:
            self.setup_error("setup: " + bad)
        self._setup_device()
        if self.ctx.mode == "eval":
            self._load_reference()
            if self.req.get("measure_performance", True):
                self._before_candidate()
        self._load_candidate()
        if self.ctx.mode == "compile":
            self.finish("compiled")
        from ..checks import correctness
        correctness.correctness(self)
        if self.req.get("measure_performance", True):
            from ..measure import speedup
            speedup.measure(self)
        self.res["status"] = "correct"

    def _setup_device(self):
        import torch
        self.torch = torch
        self.md["torch_version"] = torch.__version__
        self.md["cuda_version"] = torch.version.cuda
        self.dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}.get(self.precision)
        if self.dtype is None:
            self.finish("infra_error", f"unknown precision {self.precision!r}")
        ctx = self.ctx
        if ctx.is_cuda and ctx.mode == "eval":
            if not torch.cuda.is_available():
                self.finish("infra_error", f"device {ctx.target} requested but CUDA is not available")
            idx = ctx.torch_device_index()
            torch.cuda.set_device(idx)
            self.device = torch.device("cuda", idx)
            props = torch.cuda.get_device_properties(self.device)
            arch = f"sm_{props.major}{props.minor}"
            arch_list = _arch_list(f"{props.major}.{props.minor}", self.req.get("gpu_arch"))
            os.environ["TORCH_CUDA_ARCH_LIST"] = arch_list  # this child only
            self.md["torch_cuda_arch_list"] = arch_list
            if arch_list != f"{props.major}.{props.minor}":
                arch = arch + "+" + arch_list  # another build: another cache key
            self.res["device"].update(name=props.name, arch=arch)
            self.md["hardware"] = props.name
            self.md["memory_gib"] = round(props.total_memory / 2**30, 1)
        elif ctx.mode == "compile":
            self.device = torch.device("cpu")
            arch = str(self.req.get("gpu_arch") or "") or "unknown"
            if arch.startswith("sm_") and arch[3:].isdigit() and len(arch) >= 5:
                os.environ["TORCH_CUDA_ARCH_LIST"] = f"{arch[3:-1]}.{arch[-1]}"
            self.res["device"].update(name="compile-only (cpu)", arch=arch)
        else:
            if ctx.threads and ctx.threads > 0:
                torch.set_num_threads(ctx.threads)
            self.device = torch.device("cpu")
            arch = "cpu"
            name = _cpu_name(torch.get_num_threads())
            self.res["device"].update(name=name, arch=arch)
            self.md["hardware"] = name
            self.md["num_threads"] = torch.get_num_threads()
        self.cuda = self.device.type == "cuda"
        self.slot = compile_cache.CacheSlot(ctx.cache_dir or os.path.join(ctx.tmpdir, "cache"),
                                    compile_cache.cache_key(self.kernel_code, self.backend, arch, torch.__version__))
        self.slot.prepare()
        self.slot.apply_env()
        self.md["cache_key"] = self.slot.key

    def _to_dev(self, x):
        torch = self.torch
        if isinstance(x, torch.Tensor):
            x = x.to(self.device)
            return x.to(self.dtype) if x.is_floating_point() else x
        if isinstance(x, (list, tuple)):
            return type(x)(self._to_dev(v) for v in x)
        return x

    def _load_reference(self):
        torch = self.torch
        try:
            self.ref_mod, _ = loader.load_module(self.ref_code, "reference", self.ctx.tmpdir)
            for name in ("Model", "get_inputs", "get_init_inputs"):
                if not hasattr(self.ref_mod, name):
                    raise RuntimeError(f"the reference program defines no `{name}`")
            if self.req.get(sizeprobe.BATCH_KEY) is not None:
                try:
                    self.md["inputs_scaled"] = sizeprobe.apply_batch_size(self.ref_mod, self.req[sizeprobe.BATCH_KEY])
                except ValueError as e:
                    self.setup_error("setup: " + str(e))
            torch.manual_seed(INIT_SEED)
            self.init_inputs = list(self.ref_mod.get_init_inputs())
            torch.manual_seed(INIT_SEED)
            self.ref_model = self.ref_mod.Model(*self._to_dev(self.init_inputs))
            self.ref_model = self.ref_model.to(device=self.device, dtype=self.dtype)
            self.ref_model.eval()
        except Stop:
            raise
        except BaseException as e:
            self.finish("infra_error", "reference program failed: " + loader.format_exception(e))

    def _before_candidate(self):
        """Facts the timing stage needs that no candidate code may influence: the device's speed
        of light and the reference's work (measure/speed_of_light.py), and the reference under torch.compile
        (measure/baselines.py). Before the sandbox, so inductor can fill its per-device cache."""
        from ..checks import correctness
        from ..measure import baselines, speed_of_light
        torch = self.torch
        self.no_grad = torch.no_grad
        try:
            example = correctness.make_inputs(self, INIT_SEED)
        except BaseException:
            return  # the correctness stage reports a failing get_inputs()
        try:
            self.sol_facts = speed_of_light.prepare(self, example)
        except Exception as e:  # never the kernel's fault, never the end of the evaluation
            self.sol_facts = {"unavailable": f"the speed of light could not be computed: {e!r}"[:300]}
        if "compile" in self.baselines:
            self.ctx.progress("compiling", f"reference with torch.compile (mode {self.compile_mode})")
            self.compiled_ref = baselines.prepare(self, example, self.compile_mode, correctness.clone_args)
        del example

    def _load_candidate(self):
        torch = self.torch
        for m in PREIMPORT:
            if m.startswith("triton") and not self.cuda:
                continue
            try:
                __import__(m)
            except Exception:
                pass
        self.md["ninja_mtime_fix"] = compile_cache.install_ninja_mtime_fix()
        if self.ctx.mode == "eval":
            self.snapshot = integrity.Snapshot(torch)
            self.threads_before = integrity.thread_idents()
            self.native_threads_before = integrity.native_thread_count()
            from ..measure.timing import Timer
            self.timer = Timer(torch, self.device, self.cuda)
        problem = cuda_setup_problem(self.kernel_code, self.ctx.mode, self.cuda) or \
            triton_setup_problem(self.kernel_code, self.ctx.mode, self.cuda)
        if problem:
            self.setup_error(problem)
        self.ctx.sandbox(self.slot.writable_dirs())
        self.ctx.progress("compiling", f"backend {self.backend}")
        t0 = _monotonic()
        waited = self.slot.lock()
        self.md["cache_lock_wait_s"] = round(waited, 3)
        cache_hit = self.slot.was_complete()
        self.md["cache_hit"] = cache_hit
        self.cand_path = ""
        try:
            try:
                mod, self.cand_path = loader.load_module(self.kernel_code, "kernel", self.ctx.tmpdir)
                if not hasattr(mod, "ModelNew"):
                    raise RuntimeError("the kernel source defines no `ModelNew` at module level")
                if self.ctx.mode == "compile":
                    try:
                        torch.manual_seed(INIT_SEED)
                        mod.ModelNew()  # extensions built in __init__ get built too
                    except BaseException:
                        pass
                else:
                    torch.manual_seed(INIT_SEED)
                    model = mod.ModelNew(*self._to_dev(self.init_inputs))
                    self.new_model = model.to(device=self.device, dtype=self.dtype)
                    self.new_model.eval()
                    if self.cuda:
                        torch.cuda.synchronize(self.device)
            except BaseException as e:
                self.res["timings"]["compile"] = _monotonic() - t0
                msg = loader.format_exception(e)
                if _is_build_error(e):
                    msg = self._compile_message(e, msg)
                if self.ctx.mode == "compile" and not _is_build_error(e):
                    self.finish("compile_skipped", "could not build ahead of time: " + msg)
                self.finish("compile_error", msg)
            self.slot.mark_complete()
        finally:
            self.slot.unlock()
        self.res["timings"]["compile"] = _monotonic() - t0
        self.res["compiled"] = True
        self.md["cache_artifacts"] = self.slot.has_artifacts()
        if self.ctx.mode == "eval":
            self.check_state("after the candidate loaded")

    def _compile_message(self, e: BaseException, fallback: str) -> str:
        """The compiler's first error first, in the kernel's own lines (compile_errors.py); the
        whole build log goes to stderr, i.e. the result's log_tail."""
        from ..loading import compile_errors
        text = str(e)
        try:
            summary, info = compile_errors.summarize(text, self.kernel_code)
        except Exception:
            return fallback
        if not summary:
            return fallback
        self.md.update(info)
        try:
            sys.stderr.write("kernelwatch: the extension's build log:\n" + text + "\n")
            sys.stderr.flush()
        except Exception:
            pass
        return summary

    def _blame_memory_cap(self):
        """An allocation that failed under the evaluator's own memory cap names the cap and how to
        raise it: a setup error when the problem (reference, inputs, harness) needed the memory,
        a note on a kernel's runtime_error."""
        res = self.res
        msg = str(res.get("error_message") or "")
        m = _ALLOC_FAILED.search(msg)
        if not m or res["status"] not in ("infra_error", "runtime_error"):
            return
        cap_kb = self.ctx.mem_limit_kb
        if not cap_kb:
            return
        tried = int(m.group(1)) if m.group(1) else 0
        self.md["memory_limit_mb"] = cap_kb // 1024
        self.md["alloc_failed_bytes"] = tried
        what = f"allocating {_gib(tried)}" if tried else "an allocation"
        how = (f"The cap is {cap_kb // 1024} MiB per evaluation (the zygote's --mem-limit-mb, or the environment "
               f"variable KERNELWATCH_MEM_LIMIT_MB; default half of RAM), enforced as RLIMIT_AS on CPU slots"
               + (f" ({_gib(self.ctx.as_limit_bytes)} of address space)" if self.ctx.as_limit_bytes else "")
               + " and by the resident-memory poll. Raise it (e.g. KERNELWATCH_MEM_LIMIT_MB="
               f"{max(2 * cap_kb // 1024, (2 * tried >> 20) + cap_kb // 1024)}; 0 = no cap) or evaluate this "
               "problem on a machine with more memory; a size probe (op \"probe\") tells the inputs' and "
               "parameters' bytes before a run.")
        if self.compiled_ref is not None and self.ctx.as_limit_bytes:
            # Seen on a 16-core H100 host (torch 2.11): inductor's compiled reference and its
            # threads took the address space of a 1.5 GiB cap before the problem's tensors did.
            how += (" torch.compile's baseline was compiled in this evaluation: inductor's code and "
                    "threads count against RLIMIT_AS too, so a cap that fits the eager run may not fit "
                    "it; evaluate with --baseline eager, or raise the cap.")
        if res["status"] == "infra_error":
            self.md["error_kind"] = "setup"
            res["error_message"] = (f"setup: this problem needs more memory than the evaluator's memory cap allows: "
                                    f"{what} failed. {how}\n\nOriginal error: {msg}")
        else:
            res["error_message"] = msg + f"\n\nNote: {what} failed under the evaluator's memory cap. {how}"

    def check_state(self, when: str):
        """Patched functions, new threads, changed backend flags."""
        patched = self.snapshot.changed()
        if patched:
            self.md["patched"] = patched[:20]
            flags = integrity.classify_patches(patched)
            self.reject(flags[0], f"{', '.join(patched[:5])} replaced {when}")
        changed = self.snapshot.changed_backend_flags()
        if changed:
            self.flag("global_state_changed", ", ".join(changed))
            self.snapshot.restore_backend_flags()
        owned, others = integrity.new_threads(self.threads_before, self.cand_path)
        if owned:
            self.reject("background_thread", f"thread(s) {owned} started by the kernel still run {when}")
        if others:
            self.flag("background_thread", f"thread(s) {others} appeared {when}")
        self.md["native_threads"] = integrity.native_thread_count()

    def _finalise(self) -> dict:
        res = self.res
        if res["status"] is None:
            res["status"] = "infra_error"
        if any(f in integrity.REJECT_FLAGS for f in res["flags"]) and res["status"] in ("correct", "incorrect"):
            res["status"] = "rejected"
        if res["status"] == "rejected":
            res["cheated"] = True
            self.md["correctness_before_rejection"] = res["correctness"]
            res["correctness"] = False
        if res["speedup"] is not None and res["speedup"] > 10.0 and "excessive_speedup" not in res["flags"]:
            res["flags"].append("excessive_speedup")
        self.md["flag_details"] = self.notes
        self.md["seed_secret_given"] = bool(self.req.get("seed_secret"))
        self.md["correctness_trials"] = f"({res['tests_passed']} / {res['tests_total']})"
        res["timings"]["total"] = _monotonic() - self.t_start
        res["isolation"] = ",".join(self.ctx.isolation)
        if "landlock" in self.ctx.isolation:
            self.md["landlock_denied_roots"] = self.ctx.denied_roots
        self._blame_memory_cap()
        if self.ctx.sandbox_error and "landlock" not in self.ctx.isolation:
            self.md["landlock"] = self.ctx.sandbox_error
        return res


# Source that compiles CUDA code through torch's extension builder (nvcc, and a CUDA arch).
_CUDA_BUILD = re.compile(r"\bcuda_sources\s*=|\bCUDAExtension\b|['\"][^'\"\n]*\.cu['\"]")
_INLINE_CUDA = re.compile(r"\bload_inline\b[\s\S]*__global__|__global__[\s\S]*\bload_inline\b")


def builds_cuda(code: str) -> bool:
    """Does this kernel build CUDA code with torch.utils.cpp_extension (load_inline with
    cuda_sources, load() of .cu files, CUDAExtension)? Comments don't count; the CUDA source
    itself is a string, so strings are searched."""
    from ..checks.static_rules import _C_COMMENT
    text = "\n".join(ln for ln in str(code or "").splitlines() if not ln.lstrip().startswith("#"))
    text = _C_COMMENT.sub("", text)
    return bool(_CUDA_BUILD.search(text) or _INLINE_CUDA.search(text))


def _nvcc_path() -> str:
    try:
        from torch.utils import cpp_extension
        home = cpp_extension.CUDA_HOME
    except Exception:
        home = None
    if home:
        p = os.path.join(home, "bin", "nvcc")
        if os.access(p, os.X_OK):
            return p
    return shutil.which("nvcc") or ""


def cuda_setup_problem(code: str, mode: str, cuda_device: bool, nvcc: str = None) -> str:
    """Why a CUDA-building kernel cannot be built or run here ('' when it can): detected before
    torch's builder fails deep inside (no GPU: "IndexError: list index out of range" from the
    arch detection; no nvcc: a CUDA_HOME error)."""
    if not builds_cuda(code):
        return ""
    if mode == "eval" and not cuda_device:
        return ("setup: this kernel builds CUDA code (load_inline with cuda_sources / .cu files), but no CUDA "
                "device is visible to this evaluation (it runs on the CPU). Pick a GPU target for it (a local "
                "cuda:N device or Modal), or submit a CPU-capable kernel (C++ only: cpp_sources without "
                "cuda_sources, or plain PyTorch).")
    nvcc = _nvcc_path() if nvcc is None else nvcc
    if not nvcc:
        return ("setup: this kernel builds CUDA code, but the CUDA compiler nvcc was not found (no CUDA_HOME / "
                "CUDA_PATH, none in /usr/local/cuda, none on PATH). Install the CUDA toolkit (nvcc) matching "
                "torch's CUDA version and set CUDA_HOME, or run it on Modal.")
    return ""


# `import triton` / `from triton... import` at the start of a line (not in a comment or string).
_TRITON_IMPORT = re.compile(r"^\s*(?:import\s+triton\b|from\s+triton\b)", re.MULTILINE)


def uses_triton(code: str) -> bool:
    """Does this kernel import Triton?"""
    return bool(_TRITON_IMPORT.search(str(code or "")))


def triton_setup_problem(code: str, mode: str, cuda_device: bool, have_triton: bool = None) -> str:
    """Why a Triton kernel cannot run here ('' when it can): found before the import fails in the
    kernel ("No module named 'triton'", which would read as the kernel's compile error) or Triton
    finds no GPU driver at its first launch."""
    if not uses_triton(code):
        return ""
    if have_triton is None:
        import importlib.util
        have_triton = importlib.util.find_spec("triton") is not None
    if not have_triton:
        return ("setup: this kernel uses Triton, but this Python has no triton package. Triton kernels run "
                "on NVIDIA GPUs: evaluate it on a machine with a GPU and a CUDA build of torch (which brings "
                "triton), or on Modal.")
    if mode == "eval" and not cuda_device:
        return ("setup: this kernel uses Triton, which compiles for GPUs only, but this evaluation runs on "
                "the CPU. Pick a GPU target for it (a local cuda:N device or Modal).")
    return ""


def _arch_list(own: str, requested) -> str:
    """TORCH_CUDA_ARCH_LIST for an eval child: the device's own capability first, then what the
    request's gpu_arch adds ('sm_90', '9.0+PTX', KernelBench names such as 'Hopper'; a string or
    a list). A request never replaces the device's capability."""
    named = {"maxwell": "5.0;5.2+PTX", "pascal": "6.0;6.1+PTX", "volta": "7.0+PTX", "turing": "7.5+PTX",
             "ampere": "8.0;8.6+PTX", "ada": "8.9+PTX", "hopper": "9.0+PTX", "blackwell": "10.0;12.0+PTX"}
    items = requested.replace(",", ";").split(";") if isinstance(requested, str) else list(requested or [])
    entries = [own]
    for it in items:
        t = str(it).strip()
        if t.lower() in named:
            entries += named[t.lower()].split(";")
            continue
        ptx = t.upper().endswith("+PTX")
        b = (t[:-4] if ptx else t).lower()
        if b.startswith("sm_") or b.startswith("compute_"):
            b = b.split("_", 1)[1]
        if b.isdigit() and len(b) >= 2:
            b = b[:-1] + "." + b[-1]
        p = b.split(".")
        if len(p) == 2 and all(x.isdigit() for x in p):
            entries.append(b + ("+PTX" if ptx else ""))
    out = []
    for e in entries:
        base = e[:-4] if e.endswith("+PTX") else e
        hit = [i for i, o in enumerate(out) if (o[:-4] if o.endswith("+PTX") else o) == base]
        if not hit:
            out.append(e)
        elif e.endswith("+PTX"):
            out[hit[0]] = e
    return ";".join(out)


_ALLOC_FAILED = re.compile(r"can't allocate memory: you tried to allocate (\d+) bytes|"
                           r"(?:^|\W)MemoryError\b|Cannot allocate memory|std::bad_alloc")


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def _is_build_error(e: BaseException) -> bool:
    import subprocess
    return isinstance(e, subprocess.CalledProcessError) or "Error building extension" in str(e) or \
        "error:" in str(e) and "ninja" in str(e)


def evaluate(request: dict, ctx: ChildContext) -> dict:
    return Evaluation(request, ctx).run()


def main_in_child(request: dict, ctx: ChildContext):
    """Evaluate, deliver the result on the channel, and leave without running any cleanup code
    that the kernel may have registered (atexit, __del__, CUDA teardown)."""
    try:
        res = evaluate(request, ctx)
    except BaseException as e:
        res = {"status": "infra_error", "error_message": "evaluator internal error: " + repr(e)}
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    ok = ctx.channel.final(res) if ctx.channel is not None else False
    os._exit(0 if ok else 75)
