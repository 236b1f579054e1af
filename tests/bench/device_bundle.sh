#!/bin/bash
# Bundles a kernelwatch-cli built here with the shared libraries it needs that an Ubuntu 24.04
# GPU machine lacks, for the device machine (which has no curl/SQLite headers to build it):
#   bash tests/bench/device_bundle.sh build/release     -> .devcarry/{bin,lib}
# There: LD_LIBRARY_PATH=.devcarry/lib .devcarry/bin/kernelwatch-cli ... (glibc and libstdc++ of
# the newer system are used; everything else travels).
set -euo pipefail
BUILD=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEST="$ROOT/.devcarry"
grep -qx '/.devcarry/' "$ROOT/.git/info/exclude" 2>/dev/null || echo '/.devcarry/' >> "$(git -C "$ROOT" rev-parse --git-common-dir)/info/exclude"
rm -rf "$DEST" && mkdir -p "$DEST/bin" "$DEST/lib"
cp "$ROOT/$BUILD/bin/kernelwatch-cli" "$DEST/bin/" && strip "$DEST/bin/kernelwatch-cli"
ldd "$DEST/bin/kernelwatch-cli" | awk '/=> \//{print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
        libc.so*|libm.so*|libstdc++.so*|libgcc_s.so*|ld-linux*|libresolv.so*|libpthread.so*|libdl.so*|librt.so*) ;;
        *) cp -L "$lib" "$DEST/lib/" ;;
    esac
done
du -sh "$DEST"
