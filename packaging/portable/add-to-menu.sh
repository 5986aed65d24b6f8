#!/bin/sh
# Add ECG-CRT from this unpacked folder to the current user's applications menu.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$APPS"
cat > "$APPS/ecgcrt.desktop.tmp" <<DESKTOP
[Desktop Entry]
Type=Application
Name=ECG-CRT
Comment=Predict response to CRT from an ECG (research use; not a medical device)
Exec="$HERE/ecgcrt-gui" %f
Icon=$HERE/ecgcrt.png
Terminal=false
Categories=Science;MedicalSoftware;
DESKTOP
mv "$APPS/ecgcrt.desktop.tmp" "$APPS/ecgcrt.desktop"
echo "ECG-CRT added to your applications menu ($APPS/ecgcrt.desktop)."
