#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds kernelwatch (release preset: optimised, warnings never stop
# the build) and starts the app. The local backend works at once: a sample problem and kernel
# are loaded in Submit. Arguments go to the app (e.g. --screenshot FILE to render and exit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target kernelwatch kernelwatch-cli
exec build/release/bin/kernelwatch "$@"
