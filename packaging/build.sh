#!/usr/bin/env bash
# Build the onedir bundle (build/bundle/ecgcrt), then the Linux packages into dist/:
#   dist/ecgcrt_<version>_<arch>.deb and dist/ecgcrt-<version>-linux-<machine>.tar.xz
# Usage: packaging/build.sh [--bundle-only]     PY=path/to/python overrides .venv/bin/python.
# The bundle carries whichever torch $PY has (CPU or CUDA wheel): see packaging/BUILDING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
BUNDLE=build/bundle/ecgcrt

# torch's hook imports every torch submodule to list them; their deprecation notices are noise here.
PYTHONWARNINGS=ignore::DeprecationWarning "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --workpath build/pyinstaller --distpath build/bundle build.spec

# Strip torch's libraries here, not with strip=True in the spec: stripping every binary
# breaks numpy's OpenBLAS, while torch's unstripped symbols are ~90 MB of dead weight.
# matplotlib's extension modules and those of its dependencies kiwisolver and contourpy come
# with their symbols too (kiwisolver's with 5 MB of debug information, 0.2 MB stripped).
if command -v strip >/dev/null; then
    find "$BUNDLE/_internal/torch/lib" -type f -name '*.so*' -exec strip --strip-unneeded {} +
    find "$BUNDLE/_internal/matplotlib" "$BUNDLE/_internal/kiwisolver" "$BUNDLE/_internal/contourpy" \
        -type f -name '*.so' -exec strip --strip-unneeded {} +
fi
[ "${1:-}" = "--bundle-only" ] && exit 0

VERSION="$("$PY" -c 'import ecgcrt_gui; print(ecgcrt_gui.__version__)')"
mkdir -p dist
# The two compressors are single-threaded: run them side by side.
packaging/make_deb.sh "$BUNDLE" "$VERSION" dist & deb=$!
packaging/make_tarball.sh "$BUNDLE" "$VERSION" dist & tarball=$!
wait "$deb" || { wait "$tarball"; exit 1; }
wait "$tarball"
