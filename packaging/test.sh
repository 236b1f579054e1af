#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch and runs every test under AddressSanitizer +
# UBSan (the asan preset; warnings are errors): every C++ suite (Qt Test through CTest, the GUI
# ones offscreen), the parser fuzz targets (corpus replay, then 10 s of mutations each), the
# package install test and the Python evaluator's pytest suite.
# KW_TEST_PRESET=dev runs the same suite without the sanitizers; KW_FUZZ=1 adds clang's libFuzzer
# on the parsers (bounded).
# Usage: bash packaging/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
jobs=$(nproc)
preset=${KW_TEST_PRESET:-asan}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" "$@"

if [ "${KW_FUZZ:-0}" = 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  ctest --preset fuzz -j "$jobs"
fi
