#!/usr/bin/env bash
# Pack a onedir bundle into a .deb: /opt/ecgcrt, /usr/bin/{ecgcrt,ecgcrt-gui} symlinks, a
# menu entry and hicolor icons. No maintainer scripts: dpkg's triggers (desktop-file-utils,
# the icon-cache packages) refresh the menu and icon caches, and removal leaves nothing behind.
# Usage: packaging/make_deb.sh BUNDLE_DIR VERSION OUT_DIR     (prints the .deb's path)
# DEB_COMPRESS="-Zxz -z1" by default: as fast as gzip -6 and ~20 % smaller (xz -6 gains 10 % more
# at ten times the time).
set -euo pipefail
BUNDLE="$1" VERSION="$2" OUT="$3"
HERE="$(cd "$(dirname "$0")" && pwd)"
ICONS="$HERE/../resources/icons"
ARCH="$(dpkg --print-architecture)"
STAGE="$HERE/../build/deb"
ROOT="$STAGE/ecgcrt_${VERSION}_${ARCH}"

rm -rf "$STAGE"
mkdir -p "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" "$ROOT/usr/share/doc/ecgcrt" "$ROOT/DEBIAN"
# A copy, not hard links: new links would change the bundle's inodes while make_tarball.sh reads them.
cp -a "$BUNDLE" "$ROOT/opt/ecgcrt"
ln -s /opt/ecgcrt/ecgcrt "$ROOT/usr/bin/ecgcrt"
ln -s /opt/ecgcrt/ecgcrt-gui "$ROOT/usr/bin/ecgcrt-gui"
install -m 644 "$HERE/ecgcrt.desktop" "$ROOT/usr/share/applications/ecgcrt.desktop"
for size in 48 128 256; do
    install -D -m 644 "$ICONS/ecgcrt-$size.png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/ecgcrt.png"
done
install -D -m 644 "$ICONS/ecgcrt.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/ecgcrt.svg"
install -m 644 "$HERE/debian/copyright" "$ROOT/usr/share/doc/ecgcrt/copyright"

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)"
GLIBC="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$INSTALLED_KB/" \
    -e "s/@GLIBC@/$GLIBC/" "$HERE/debian/control.in" > "$ROOT/DEBIAN/control"

DEB="$OUT/ecgcrt_${VERSION}_${ARCH}.deb"
# shellcheck disable=SC2086  # DEB_COMPRESS holds two options
dpkg-deb --root-owner-group ${DEB_COMPRESS:--Zxz -z1} --build "$ROOT" "$DEB" >/dev/null
rm -rf "$STAGE"  # a second copy of the bundle, no longer needed
echo "$DEB"
