#!/usr/bin/env bash
# Builds the .deb from a configured, built tree, unpacks it into a temporary root and starts both
# executables from there: versions print, the CLI finds the installed evaluator package and
# sample, the GUI renders a panel offscreen, the desktop entry validates.
# Usage: test_package.sh BUILD_DIR
set -euo pipefail
build=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cd "$build"
cpack -G DEB -B "$root/pkg" >"$root/cpack.log" 2>&1 || { cat "$root/cpack.log"; exit 1; }
deb=$(ls "$root"/pkg/kernelwatch_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb -f "$deb" Depends | grep -q python3-torch || { echo "Depends lacks python3-torch"; exit 1; }
dpkg-deb -x "$deb" "$root/inst"
prefix=$(dirname "$(dirname "$(find "$root/inst" -name kernelwatch-cli -type f | head -1)")")
cli=$prefix/bin/kernelwatch-cli
gui=$prefix/bin/kernelwatch
"$cli" --version | grep -q "kernelwatch-cli" || { echo "cli --version failed"; exit 1; }
"$gui" --version | grep -q "kernelwatch" || { echo "gui --version failed"; exit 1; }
# Without a display: help prints, and starting the window says what to do (not Qt's plugin abort).
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$gui" --help | grep -q -- "--screenshot" ||
  { echo "gui --help failed without a display"; exit 1; }
rc=0; env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$gui" >/dev/null 2>"$root/nodisplay.txt" || rc=$?
[ "$rc" = 2 ] && grep -q "no display to open a window on" "$root/nodisplay.txt" ||
  { echo "gui without a display: exit $rc"; cat "$root/nodisplay.txt"; exit 1; }
# The installed CLI must find the installed evaluator, not the source tree's.
env -u KERNELWATCH_EVALUATOR_DIR XDG_DATA_HOME="$root/data" "$cli" doctor --json >"$root/doctor.json" || true
grep -q "\"evaluator_dir\": \"$prefix/share/kernelwatch/evaluator\"" "$root/doctor.json" ||
  { echo "installed CLI did not find its evaluator:"; cat "$root/doctor.json"; exit 1; }
test -f "$prefix/share/kernelwatch/evaluator/modal_app.py"
# Every module of the evaluator package, subpackages included (the Modal image ships the same tree).
src=$(cd "$(dirname "$0")/../../resources/evaluator" && pwd)
(cd "$src" && find kernelwatch_eval -name '*.py' -not -path '*/__pycache__/*') | while read -r f; do
  test -f "$prefix/share/kernelwatch/evaluator/$f" || { echo "evaluator module not installed: $f"; exit 1; }
done
test -f "$prefix/share/man/man1/kernelwatch-cli.1"
test -f "$prefix/share/icons/hicolor/256x256/apps/kernelwatch.png"
desktop-file-validate "$prefix/share/applications/kernelwatch.desktop"
env -u KERNELWATCH_EVALUATOR_DIR QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$root/data" XDG_CONFIG_HOME="$root/config" \
  "$gui" --screenshot "$root/shot.png" --panel settings >/dev/null 2>&1
test -s "$root/shot.png"
echo "installed package OK: both executables start from $prefix"
