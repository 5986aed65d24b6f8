#!/usr/bin/env bash
# Pack a onedir bundle into a portable .tar.xz that runs from wherever it is unpacked,
# with a README and a script that adds a menu entry for the current user.
# Usage: packaging/make_tarball.sh BUNDLE_DIR VERSION OUT_DIR     (prints the archive's path)
set -euo pipefail
BUNDLE="$1" VERSION="$2" OUT="$3"
HERE="$(cd "$(dirname "$0")" && pwd)"
NAME="ecgcrt-${VERSION}-linux-$(uname -m)"
STAGE="$HERE/../build/tarball"

rm -rf "$STAGE"
mkdir -p "$STAGE/extra"
install -m 644 "$HERE/portable/README.txt" "$STAGE/extra/README.txt"
install -m 755 "$HERE/portable/add-to-menu.sh" "$STAGE/extra/add-to-menu.sh"
install -m 644 "$HERE/../resources/icons/ecgcrt-256.png" "$STAGE/extra/ecgcrt.png"

# xz -1: as fast as gzip -6 and ~20 % smaller, which keeps the archive within its 300 MB budget.
TARBALL="$OUT/$NAME.tar.xz"
# The bundle and the extras go under one top folder $NAME; the transforms rename member paths
# only ("S": symlink targets such as ecgcrt-gui -> ecgcrt stay as they are).
tar --owner=0 --group=0 --transform "s,^$(basename "$BUNDLE"),$NAME,S" --transform "s,^extra,$NAME,S" \
    -C "$(dirname "$BUNDLE")" -cf - "$(basename "$BUNDLE")" -C "$STAGE" extra | xz -1 -T1 > "$TARBALL.tmp"
mv "$TARBALL.tmp" "$TARBALL"
echo "$TARBALL"
