#!/usr/bin/env bash
# `make package-check`: build the packages, install the .deb into a temporary root (dpkg --root
# as root, else dpkg -x), run the installed app's self-test offscreen and `ecgcrt analyze` on the
# demo ECG, remove the package and check that nothing is left, check the size budget, and record
# build time and sizes in benchmarks/packaging.json.
# SKIP_BUILD=1 checks the packages already in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export QT_QPA_PLATFORM=offscreen
fail() { echo "package-check FAILED: $*" >&2; exit 1; }

BUILD_ARGS=()
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    start=$(date +%s)
    packaging/build.sh
    BUILD_ARGS=(--build-s "$(( $(date +%s) - start ))")
fi

VERSION="$("$PY" -c 'import ecgcrt_gui; print(ecgcrt_gui.__version__)')"
TORCH="$("$PY" -c 'import torch; print(torch.__version__)')"
case "$TORCH" in *+cpu) FLAVOUR=cpu ;; *) FLAVOUR="$("$PY" -c 'import torch; print("cuda" if torch.version.cuda else "cpu")')" ;; esac
DEB="dist/ecgcrt_${VERSION}_$(dpkg --print-architecture).deb"
TARBALL="dist/ecgcrt-${VERSION}-linux-$(uname -m).tar.xz"
[ -f "$DEB" ] && [ -f "$TARBALL" ] || fail "missing $DEB or $TARBALL"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
    touch "$ROOT/var/lib/dpkg/status"
    # --force-depends: the temporary root holds none of the system's packages.
    dpkg --root="$ROOT" --force-depends --log=/dev/null -i "$DEB" >"$WORK/dpkg.log" 2>&1 || {
        cat "$WORK/dpkg.log" >&2; fail "dpkg -i into a temporary root"; }
else
    dpkg -x "$DEB" "$ROOT"
fi
installed_bytes="$(du -sbc "$ROOT/opt" "$ROOT/usr" | tail -1 | cut -f1)"
APP="$ROOT/opt/ecgcrt"

# What the .deb puts on the system besides /opt/ecgcrt.
[ "$(readlink "$ROOT/usr/bin/ecgcrt")" = /opt/ecgcrt/ecgcrt ] || fail "/usr/bin/ecgcrt is not a link to /opt/ecgcrt/ecgcrt"
[ "$(readlink "$ROOT/usr/bin/ecgcrt-gui")" = /opt/ecgcrt/ecgcrt-gui ] || fail "/usr/bin/ecgcrt-gui is not a link to /opt/ecgcrt/ecgcrt-gui"
[ -f "$ROOT/usr/share/icons/hicolor/256x256/apps/ecgcrt.png" ] || fail "menu icon missing"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$ROOT/usr/share/applications/ecgcrt.desktop" || fail "invalid desktop entry"
fi
dpkg-deb --ctrl-tarfile "$DEB" | tar -t | grep -Eq 'postinst|postrm|prerm|preinst' && fail "unexpected maintainer scripts"

# The programs, reached through a symlink as /usr/bin reaches them.
ln -s "$APP/ecgcrt-gui" "$WORK/ecgcrt-gui"
ln -s "$APP/ecgcrt" "$WORK/ecgcrt"
t0=$(date +%s%N)
self_test="$("$WORK/ecgcrt-gui" --self-test 2>"$WORK/self_test.err")" || {
    cat "$WORK/self_test.err" >&2; fail "installed ecgcrt-gui --self-test: $self_test"; }
self_test_s=$(( ($(date +%s%N) - t0) / 1000000 ))e-3
echo "self-test: $self_test"

DEMO="$APP/_internal/ecgcrt_gui/resources/samples/00338_hr.hea"
t0=$(date +%s%N)
"$WORK/ecgcrt" analyze "$DEMO" --json - >"$WORK/analysis.json" 2>"$WORK/analyze.err" || {
    cat "$WORK/analyze.err" >&2; fail "installed ecgcrt analyze"; }
analyze_s=$(( ($(date +%s%N) - t0) / 1000000 ))e-3
"$PY" - "$WORK/analysis.json" <<'EOF' || fail "ecgcrt analyze --json - did not print an assessment"
import json, sys
result = json.load(open(sys.argv[1]))
assert result["record"]["leads"], "no leads"
assert result["prediction"]["device"], "no device"
print(f"analyze: {len(result['rpeaks'])} R-peaks, QRS {result['qrs_duration_ms']} ms, "
      f"{result['morphology']['label']}, P(response) {result['prediction']['probability']:.2f} "
      f"on {result['prediction']['device']}")
EOF

# Cart exports through the installed app: ecgdatakit's parsers are frozen in, its network is not.
[ -z "$(find "$APP" -name 'deepfade*' -print -quit)" ] || fail "ecgdatakit's network weights are in the bundle"
FORMATS_DIR="${ECGCRT_DATA:-../shared/data}/formats"
if [ -d "$FORMATS_DIR" ]; then
    for cart in ge_muse/muse_ecg1.xml philips/129DYPRG.XML hl7_aecg/Example_aECG.xml scp_ecg/Example.scp; do
        "$WORK/ecgcrt" analyze "$FORMATS_DIR/$cart" --no-predict --json - >"$WORK/cart.json" 2>"$WORK/cart.err" || {
            cat "$WORK/cart.err" >&2; fail "installed ecgcrt analyze $cart"; }
        "$PY" - "$WORK/cart.json" <<'EOF' || fail "installed ecgcrt analyze $cart: no cart reading"
import json, sys
r = json.load(open(sys.argv[1]))
cart = r["device_reading"]
assert len(r["record"]["leads"]) == 12 and cart["qrs_duration_ms"], r["record"]
print(f"cart export {r['record']['format']}: 12 leads ({len(r['record']['derived_leads'])} derived), "
      f"QRS {r['qrs_duration_ms']:.0f} ms (ours) · {cart['qrs_duration_ms']:.0f} ms (cart)")
EOF
    done
fi

# The portable archive: unpacks into one folder whose programs start from there.
mkdir "$WORK/portable"
tar -C "$WORK/portable" -xJf "$TARBALL"
PORTABLE="$WORK/portable/$(basename "$TARBALL" .tar.xz)"
"$PORTABLE/ecgcrt-gui" --help | grep -q "usage: ecgcrt-gui" || fail "portable ecgcrt-gui does not start"
"$PORTABLE/ecgcrt" --help | grep -q "usage: ecgcrt" || fail "portable ecgcrt does not start"
[ -x "$PORTABLE/add-to-menu.sh" ] && [ -f "$PORTABLE/README.txt" ] || fail "portable README or add-to-menu.sh missing"
echo "portable: $(basename "$TARBALL") unpacks and starts"

if [ -f "$ROOT/var/lib/dpkg/status" ]; then
    dpkg --root="$ROOT" --log=/dev/null -r ecgcrt >/dev/null
    left="$(find "$ROOT" -mindepth 1 -not -path "$ROOT/var" -not -path "$ROOT/var/*" | head -5)"
    [ -z "$left" ] || fail "dpkg -r ecgcrt left files behind: $left"
    echo "dpkg -r: removed cleanly"
fi

"$PY" packaging/budget.py --flavour "$FLAVOUR" --torch "$TORCH" "${BUILD_ARGS[@]}" \
    --installed-bytes "$installed_bytes" --deb "$DEB" --deb-compression "${DEB_COMPRESS:--Zxz -z1}" \
    --tarball "$TARBALL" --self-test-line "$self_test" --self-test-s "$self_test_s" --analyze-s "$analyze_s"
