#!/bin/bash
# Renders the issue-13 screenshots from any kernelwatch tree with the same code and inputs:
#   render_shots.sh TREE LIBDIR PREFIX OUTDIR
# TREE: a checkout (headers); LIBDIR: its built libkwui.a and libkwcore.a (build/<preset>/lib);
# PREFIX: before | after. "before" was rendered from dc01503 (the commit before the issue-13
# GUI merge 754ee9e) with the release build of a clean clone of it; "after" from this branch.
set -euo pipefail
tree=$1 lib=$2 prefix=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
qt=/usr/include/x86_64-linux-gnu/qt6
L=/usr/lib/x86_64-linux-gnu
work=$(mktemp -d)
inc=()
for d in ui core core/local core/modal core/watch core/config core/usecase; do inc+=(-I"$tree/$d"); done
nice -n 19 g++ -std=c++20 -O0 -fPIC -DQT_NO_KEYWORDS -DQT_CORE_LIB -DQT_GUI_LIB -DQT_WIDGETS_LIB -DQT_TESTLIB_LIB "${inc[@]}" -isystem $qt -isystem $qt/QtWidgets \
  -isystem $qt/QtCore -isystem $qt/QtGui -isystem $qt/QtTest -isystem $L/qt6/mkspecs/linux-g++ \
  -c "$here/render_shots.cpp" -o "$work/shots.o"
g++ "$work/shots.o" -o "$work/shots" "$lib/libkwui.a" "$lib/libkwcore.a" $L/libcurl.so $L/libsqlite3.so \
  $L/libyaml-cpp.so.0.7.0 $L/libQt6Concurrent.so.6 $L/libQCustomPlotQt6.so.2.1.0 $L/libQt6PrintSupport.so.6 \
  $L/libQt6Widgets.so.6 $L/libQt6Gui.so.6 $L/libQt6Test.so.6 $L/libQt6Core.so.6 $L/libqscintilla2_qt6.so -lpthread
mkdir -p "$out"
"$work/shots" "$out" "$here/../../../tests/fixtures" "$prefix"
