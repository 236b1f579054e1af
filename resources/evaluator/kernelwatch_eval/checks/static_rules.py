"""Comment-stripped static rules over the candidate source.

`strip_code` removes Python comments and docstrings, and C/C++ comments inside string literals
(the CUDA / C++ sources of load_inline), so a rule never fires on a comment. Each rule is
`strict` (the kernel is rejected before it runs, flag ``static:<rule>``) or `warning` (flag only).
Rules that need a GPU target (a real kernel is required) are skipped on device cpu, where
PyTorch-only candidates are legitimate.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

_C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def strip_code(src: str) -> str:
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"(?m)#[^\n]*$", "", src)
    lines = src.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))

    def off(rc):
        r, c = rc
        return starts[r - 1] + c if r - 1 < len(starts) else len(src)

    edits = []  # (start, end, replacement)
    prev_sig = tokenize.NEWLINE
    for i, tok in enumerate(toks):
        tt = tok.type
        if tt == tokenize.COMMENT:
            edits.append((off(tok.start), off(tok.end), ""))
            continue
        if tt == tokenize.STRING:
            nxt = next((t.type for t in toks[i + 1:] if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
            if prev_sig in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) and nxt in (
                    tokenize.NEWLINE, tokenize.ENDMARKER):
                edits.append((off(tok.start), off(tok.end), '""'))  # docstring / bare string
            else:
                edits.append((off(tok.start), off(tok.end), _C_COMMENT.sub(" ", tok.string)))
        if tt not in (tokenize.NL, tokenize.COMMENT):
            prev_sig = tt
    out, pos = [], 0
    for a, b, rep in edits:
        out.append(src[pos:a])
        out.append(rep)
        pos = b
    out.append(src[pos:])
    return "".join(out)


# name, severity, needs_gpu_target, backends, regex, message
_RULES = [
    ("gc_introspection", "strict", False, None,
     r"\bgc\.get_(?:objects|referrers|referents)\b|\bfrom\s+gc\s+import\b",
     "searches live objects through the garbage collector"),
    ("frame_introspection", "strict", False, None,
     r"\bsys\._getframe\b|\binspect\.(?:currentframe|stack|getouterframes|getframeinfo)\b|"
     r"\.f_back\b|\.f_locals\b|\.f_globals\b",
     "inspects the caller's frames"),
    ("threading", "strict", False, None,
     r"(?m)^\s*(?:import|from)\s+(?:threading|_thread|concurrent\.futures)\b|\bthreading\.Thread\b|"
     r"\bThreadPoolExecutor\b",
     "uses threads (work could run outside the timed region)"),
    ("no_cuda_kernel", "strict", True, ("cuda",), None,
     "backend cuda on a GPU needs a custom kernel (load_inline / __global__)"),
    ("no_triton_kernel", "strict", True, ("triton",), None,
     "backend triton needs a @triton.jit kernel"),
    ("side_stream", "warning", False, None,
     r"\btorch\.cuda\.Stream\s*\(|\bcudaStreamCreate|\btorch\.cuda\.stream\s*\(|ExternalStream",
     "creates or switches CUDA streams"),
    ("fd_tampering", "warning", False, None,
     r"\bos\.(?:close|closerange|dup2?|write|fdopen)\s*\(|/proc/self/fd",
     "manipulates raw file descriptors"),
    ("secret_access", "warning", False, None,
     r"MODAL_|\.modal\.toml|/environ\b|environ\s*\[[^\]]*(?:TOKEN|SECRET|KEY)",
     "reads credentials"),
    ("process_spawn", "warning", False, None,
     r"\bos\.(?:fork|forkpty|system|exec\w*|spawn\w*|posix_spawn\w*|setsid)\s*\(|\bsubprocess\b|\bmultiprocessing\b",
     "starts processes"),
    ("signals", "warning", False, None,
     r"\bsignal\.signal\s*\(|\bos\.kill(?:pg)?\s*\(", "handles or sends signals"),
    ("precision_downgrade", "warning", False, None,
     r"allow_tf32\s*=\s*True|set_float32_matmul_precision\s*\(\s*['\"](?:high|medium)|"
     r"allow_(?:fp16|bf16)_reduced_precision_reduction\s*=\s*True",
     "lowers the precision of fp32 math"),
    ("pointer_cache", "warning", False, None,
     r"\[[^\]\n]*\.data_ptr\(\)[^\]\n]*\]|\bid\(\s*\w+\s*\)\s*(?:in|\])",
     "keys a cache on tensor identity"),
]

_KERNEL_CUDA = re.compile(r"load_inline|cpp_extension|__global__|ctypes\.CDLL|RawKernel|\.load\(")
_KERNEL_TRITON = re.compile(r"@\s*triton\.(?:jit|autotune|heuristics)|triton\.jit\s*\(")

# Calls that move or allocate data but compute nothing.
_BENIGN = {
    "view", "reshape", "contiguous", "size", "dim", "numel", "to", "float", "half", "bfloat16", "double",
    "cuda", "cpu", "empty", "empty_like", "zeros", "zeros_like", "ones", "ones_like", "new_empty",
    "new_zeros", "full", "full_like", "flatten", "unsqueeze", "squeeze", "permute", "transpose", "t",
    "expand", "expand_as", "clone", "detach", "tuple", "list", "len", "range", "int", "super",
    "isinstance", "getattr", "print", "type", "max_", "stride", "data_ptr", "is_contiguous", "item",
    "view_as", "reshape_as", "chunk", "split", "stack", "cat", "narrow", "select", "min_", "abs_",
    "device", "dtype", "forward", "__init__", "zip", "enumerate", "dict", "str", "bool", "float32",
}
_SYNONYMS = {"mm": "matmul", "bmm": "matmul", "__matmul__": "matmul", "relu_": "relu",
             "softmax": "softmax", "_softmax": "softmax", "sigmoid_": "sigmoid", "tanh_": "tanh",
             "add_": "add", "mul_": "mul", "gelu_": "gelu"}


_BINOPS = {ast.MatMult: "matmul", ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div",
           ast.Pow: "pow"}


def _forward_ops(src: str, cls: str):
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "forward":
                    ops = set()
                    for sub in ast.walk(fn):
                        name = None
                        if isinstance(sub, ast.Call):
                            f = sub.func
                            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                        elif isinstance(sub, ast.BinOp):
                            name = _BINOPS.get(type(sub.op))
                        if name and name not in _BENIGN:
                            ops.add(_SYNONYMS.get(name, name))
                    return ops
    return None


_PATCH_ROOTS = ("torch", "time", "builtins", "numpy", "gc", "threading", "os", "sys")
_TIMER_PATHS = re.compile(r"^(?:time\.|torch\.cuda\.(?:Event|synchronize|Stream|current_stream|"
                          r"default_stream|_sleep)|torch\.cuda$)|\.elapsed_time$|\.record$")


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _patch_hits(src: str) -> list:
    """Assignments / setattr / delattr on attributes of torch, time, builtins (through aliases)."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return []
    alias = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                alias[(a.asname or a.name).split(".")[0] if not a.asname else a.asname] = (
                    a.name if a.asname else a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                alias[a.asname or a.name] = node.module + "." + a.name
    for node in ast.walk(tree):  # simple `X = torch.cuda.Event` aliases
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            d = _dotted(node.value)
            if d and d.split(".")[0] in alias:
                alias.setdefault(node.targets[0].id, alias[d.split(".")[0]] + d[len(d.split(".")[0]):])

    def resolve(d):
        if not d:
            return None
        head, _, rest = d.partition(".")
        full = alias.get(head, head if head in ("builtins", "torch", "time") else None)
        if full is None:
            return None
        full = full + ("." + rest if rest else "")
        return full if full.split(".")[0] in _PATCH_ROOTS else None

    hits = set()

    def judge(path):
        if path is None:
            return
        if _TIMER_PATHS.search(path):
            hits.add("timer_patch")
        elif not path.startswith("torch.backends.") and path.split(".")[0] in ("torch", "builtins"):
            hits.add("torch_patch")
        elif path.split(".")[0] in ("gc", "threading", "os", "sys", "numpy", "time"):
            hits.add("torch_patch")

    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign,)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and getattr(node, "value", None) is not None:
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for t in targets:
            if isinstance(t, ast.Attribute):
                judge(resolve(_dotted(t)))
                if t.attr == "elapsed_time":
                    hits.add("timer_patch")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "setattr", "delattr") and node.args:
            base = resolve(_dotted(node.args[0]))
            if base:
                a1 = node.args[1] if len(node.args) > 1 else None
                name = a1.value if isinstance(a1, ast.Constant) and isinstance(a1.value, str) else "?"
                judge(base + "." + name)
    msgs = {"timer_patch": "patches a timing function", "torch_patch": "patches torch / builtins / runtime modules"}
    return [(h, "strict", msgs[h]) for h in sorted(hits)]


def check(kernel_code: str, backend: str, gpu_target: bool, ref_code: str = "") -> list:
    """[(rule, severity, message)] that fire on `kernel_code`."""
    code = strip_code(kernel_code)
    hits = list(_patch_hits(kernel_code))
    for name, sev, needs_gpu, backends, rx, msg in _RULES:
        if needs_gpu and not gpu_target:
            continue
        if backends and backend not in backends:
            continue
        if name == "no_cuda_kernel":
            if not _KERNEL_CUDA.search(code):
                hits.append((name, sev, msg))
            continue
        if name == "no_triton_kernel":
            if not _KERNEL_TRITON.search(code):
                hits.append((name, sev, msg))
            continue
        if re.search(rx, code):
            hits.append((name, sev, msg))
    if ref_code and not _KERNEL_CUDA.search(code) and not _KERNEL_TRITON.search(code):
        cand = _forward_ops(kernel_code, "ModelNew")
        ref = _forward_ops(ref_code, "Model")
        if cand and ref and cand <= ref:
            hits.append(("reference_op_only", "warning",
                         "forward only calls the reference's own op(s): " + ", ".join(sorted(cand))))
    return hits
