#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch with AddressSanitizer + UBSan (warnings are
# errors) and runs every test: C++ (Qt Test through CTest) and Python (pytest).
# Usage: bash packaging/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
jobs=$(nproc)
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" "$@"
