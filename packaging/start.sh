#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch (release preset) and starts the app.
# The local backend works at once: a sample problem and kernel are loaded in Submit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/bin/kernelwatch "$@"
