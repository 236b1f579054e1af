"""The evaluator package's layers (kernelwatch_eval/README.md): a module imports only from its own
subpackage and the layers below it, never from a layer above or from the entry points at the top
level; the sandbox imports only the standard library (it runs before torch is imported); the top
level holds only entry points. Read from the source (ast), so lazy imports inside functions count."""
import ast
import pathlib
import sys

import pytest

PKG = pathlib.Path(__file__).resolve().parents[2] / "resources" / "evaluator" / "kernelwatch_eval"
LAYERS = ["sandbox", "loading", "checks", "measure", "evaluation"]  # lowest first
TOP = len(LAYERS)  # the entry points and the package root
LIBRARY_ENTRY_POINTS = {"standalone", "zygote_client"}  # imported by modal_app.py, tests, scripts


def _modules():
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path: pathlib.Path) -> list:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _rank(parts: list) -> int:
    """Layer of a module of the package, by its dotted path (["kernelwatch_eval", "measure", ...])."""
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def _imports(path: pathlib.Path):
    """(line, dotted target inside the package) for every import of the package, and
    (line, top-level name) for every import from outside it."""
    tree = ast.parse(path.read_text(), str(path))
    here = _dotted(path)
    package = here if path.name == "__init__.py" else here[:-1]
    inside, outside = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                (inside if parts[0] == "kernelwatch_eval" else outside).append((node.lineno, parts))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module.split(".")[0] == "kernelwatch_eval":
                base = node.module.split(".")
            else:
                outside.append((node.lineno, node.module.split(".")))
                continue
            for a in node.names:  # `from .. import measure` names a subpackage, `from . import x` a module
                inside.append((node.lineno, base + [a.name] if (PKG.parent.joinpath(*base, a.name)).exists()
                               or PKG.parent.joinpath(*base, a.name + ".py").exists() else base))
    return inside, outside


def test_every_module_is_placed():
    """Every .py file is an entry point at the top level or lives in one of the layers."""
    for p in _modules():
        parts = _dotted(p)
        if len(parts) == 1:
            continue  # the package root
        if len(parts) == 2 and p.suffix == ".py" and p.name != "__init__.py":
            src = p.read_text()
            assert '__name__ == "__main__"' in src or parts[1] in LIBRARY_ENTRY_POINTS, (
                f"{p.relative_to(PKG)} is at the top level but is no entry point: move it into one of "
                f"{LAYERS} (kernelwatch_eval/README.md)")
        else:
            assert parts[1] in LAYERS, f"{p.relative_to(PKG)}: unknown subpackage (known: {LAYERS})"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_only_lower_layers(path):
    me = _rank(_dotted(path))
    inside, _ = _imports(path)
    for line, target in inside:
        if me == TOP:
            continue  # entry points may use every layer
        assert _rank(target) <= me, (
            f"{path.relative_to(PKG)}:{line} imports {'.'.join(target)}, a higher layer than "
            f"{LAYERS[me]}/ (order: {' < '.join(LAYERS)} < entry points); move the code or pass it in")


@pytest.mark.parametrize("path", sorted((PKG / "sandbox").glob("*.py")), ids=lambda p: p.name)
def test_sandbox_is_stdlib_only(path):
    _, outside = _imports(path)
    for line, target in outside:
        assert target[0] in sys.stdlib_module_names, (
            f"sandbox/{path.name}:{line} imports {target[0]}: the sandbox layer runs before torch is "
            "imported and must stay standard-library only")
