#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch and runs every test:
#  1. the dev preset (warnings are errors): every C++ suite (Qt Test through CTest, GUI ones
#     offscreen), the package install test and the Python evaluator's pytest suite;
#  2. the asan-core preset: the core library, the CLI and their suites again under
#     AddressSanitizer + UBSan, with each parser fuzz target fuzzing for 10 s (KW_ASAN=0 skips it).
# KW_TEST_PRESET=asan runs step 1 with the GUI under the sanitizers too (slower); KW_FUZZ=1 adds
# clang's libFuzzer on the parsers (bounded).
# Usage: bash packaging/test.sh [extra ctest arguments for step 1]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
jobs=$(nproc)
preset=${KW_TEST_PRESET:-dev}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" "$@"

if [ "${KW_ASAN:-1}" = 1 ] && [ "$preset" = dev ]; then
  cmake --preset asan-core >/dev/null
  cmake --build --preset asan-core -j "$jobs"
  ctest --preset asan-core -j "$jobs"
fi

if [ "${KW_FUZZ:-0}" = 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  ctest --preset fuzz -j "$jobs"
fi
