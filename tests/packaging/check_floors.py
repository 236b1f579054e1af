#!/usr/bin/env python3
"""The floors of ARCHITECTURE.md, checked on every #include of the sources:
- every project header is included by its path from the repository root ("core/model/EvalResult.h");
- a floor includes only itself and the floors below it;
- core/ never includes Qt (kernelwatch-cli runs on GPU servers without it);
- panels speak Qt only (issue 16): a panel folder includes from core/ only core/model/ (value
  types), except its feature's bridge (ui/<feature>/<Name>Bridge.h/.cpp);
- the GUI leaves and returns to the UI thread one way (ui/base/Job.h, ui/base/UiThread.h): no
  QtConcurrent, QFutureWatcher, QThreadPool, QThread::create or invokeMethod elsewhere in ui/;
- std <-> Qt text is converted with ui/base/QtStd.h: no fromStdString / toStdString in panels and
  widgets outside bridges.
Prints each violation as FILE:LINE: what is wrong, and exits 1 when there is any.
Usage: check_floors.py [REPO]"""
import os
import re
import sys

# Floor name -> (folders, floors it may include besides itself).
FLOORS = {
    "core.base": (["core/base"], []),
    "core.model": (["core/model"], ["core.base"]),
    "core.engines": (["core/local", "core/modal", "core/watch", "core/config", "core/profile"],
                     ["core.base", "core.model"]),
    "core.usecase": (["core/usecase"], ["core.base", "core.model", "core.engines"]),
    "ui.base": (["ui/base"], ["core.*"]),
    "ui.widgets": (["ui/widgets", "ui/models"], ["core.*", "ui.base"]),
    "ui.services": (["ui/services"], ["core.*", "ui.base", "ui.widgets"]),
    "ui.panels": (["ui/submit", "ui/evaluations", "ui/charts", "ui/training", "ui/deployment",
                   "ui/settings", "ui/troubleshoot", "ui/demo"],
                  ["core.*", "ui.base", "ui.widgets", "ui.services", "ui.panels"]),
    "ui.shell": (["ui/shell"], ["core.*", "ui.*"]),
    "app": (["app"], ["core.*", "ui.*"]),
    "tests": (["tests"], ["core.*", "ui.*", "app"]),
}
INC = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
QT = re.compile(r"^(Q[A-Z]\w*|Qt\w*/|Qsci/|qcustomplot)")
PANELS = ("ui/submit/", "ui/evaluations/", "ui/charts/", "ui/training/", "ui/deployment/", "ui/settings/")
THREAD_HOP = re.compile(r"QtConcurrent|QFutureWatcher|QThreadPool|QThread::create|QMetaObject::invokeMethod")
CONVERSION = re.compile(r"QString::fromStdString|\.toStdString\(\)")


def is_bridge(rel):
    return os.path.basename(rel).split(".")[0].endswith("Bridge")


def code_lines(text):
    """(line number, line) without // comments."""
    for i, line in enumerate(text.split("\n"), 1):
        yield i, line.split("//", 1)[0]


def ui_rules(rel, text, problems):
    if not rel.startswith("ui/") or rel.startswith("ui/base/"):
        return
    for i, line in code_lines(text):
        if THREAD_HOP.search(line):
            problems.append(f"{rel}:{i}: leaves the UI thread without ui/base/Job.h / UiThread.h")
        if rel.startswith(PANELS + ("ui/widgets/", "ui/shell/")) and not is_bridge(rel) and CONVERSION.search(line):
            problems.append(f"{rel}:{i}: converts std <-> Qt outside a bridge (ui/base/QtStd.h: qs(), toStd())")


def floor_of(path):
    best = None
    for name, (dirs, _) in FLOORS.items():
        for d in dirs:
            if path == d or path.startswith(d + "/"):
                if best is None or len(d) > len(best[1]):
                    best = (name, d)
    return best[0] if best else None


def allowed(src, dst):
    if src == dst:
        return True
    for pat in FLOORS[src][1]:
        if pat == dst or (pat.endswith(".*") and dst.startswith(pat[:-1])):
            return True
    return False


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
    problems = []
    checked = 0
    for top in ("core", "ui", "app", "tests"):
        for dirpath, _, names in os.walk(os.path.join(repo, top)):
            rel_dir = os.path.relpath(dirpath, repo)
            if rel_dir.startswith("tests/fixtures"):
                continue
            for n in names:
                if not n.endswith((".h", ".cpp", ".cpp.in")):
                    continue
                rel = os.path.join(rel_dir, n)
                src_floor = floor_of(rel)
                text = open(os.path.join(repo, rel), encoding="utf-8", errors="replace").read()
                ui_rules(rel, text, problems)
                for m in INC.finditer(text):
                    checked += 1
                    line = text.count("\n", 0, m.start()) + 1
                    kind, name = m.group(1), m.group(2)
                    where = f"{rel}:{line}"
                    if kind == "<":
                        if rel.startswith("core/") and QT.match(name):
                            problems.append(f"{where}: core/ includes Qt <{name}>")
                        continue
                    if name.endswith(".moc") or name.startswith(("moc_", "ui_")):
                        continue
                    if not os.path.exists(os.path.join(repo, name)):
                        problems.append(f'{where}: "{name}" is not a path from the repository root')
                        continue
                    dst_floor = floor_of(name)
                    if (rel.startswith(PANELS) and name.startswith("core/") and not name.startswith("core/model/")
                            and not is_bridge(rel)):
                        problems.append(f"{where}: a panel reaches core through its bridge, not {name}")
                    if src_floor and dst_floor and not allowed(src_floor, dst_floor):
                        problems.append(f"{where}: {src_floor} may not include {dst_floor} ({name})")
    for p in problems:
        print(p)
    print(f"{checked} includes checked, {len(problems)} problems")
    return 1 if problems else 0


sys.exit(main())
