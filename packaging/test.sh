#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch (dev preset, warnings are errors) and runs every
# test: C++ (Qt Test through CTest) and Python (pytest). KW_TEST_PRESET=asan runs the same suite
# under AddressSanitizer + UBSan.
# Usage: bash packaging/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
jobs=$(nproc)
preset=${KW_TEST_PRESET:-dev}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" "$@"

# Parser fuzzing with libFuzzer (clang), each target for a bounded time: KW_FUZZ=1.
if [ "${KW_FUZZ:-0}" = 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  ctest --preset fuzz -j "$jobs"
fi
