#!/usr/bin/env bash
# Installs every Debian 12 package that kernelwatch needs to build, run and test.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # parser fuzzing (libFuzzer)
  clang libclang-rt-14-dev
  # GUI (Qt 6, plots, code editors)
  qt6-base-dev qt6-base-dev-tools libgl-dev libqcustomplot-dev libqscintilla2-qt6-dev
  qt6-qpa-plugins fonts-dejavu-core
  # core
  libcurl4-openssl-dev nlohmann-json3-dev libsqlite3-dev libyaml-cpp-dev
  # Python evaluator (CPU torch + C++ extension builds through load_inline)
  python3 python3-torch libtorch-dev pybind11-dev python3-dev python3-pytest python3-numpy
  # headless GUI tests, packaging checks
  xvfb xauth desktop-file-utils dpkg-dev file
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: need root to install: ${missing[*]}" >&2
    echo "setup: run this script as root or install sudo" >&2
    exit 1
  fi
fi
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
