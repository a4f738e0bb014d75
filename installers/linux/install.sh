#!/usr/bin/env bash
# Install Precinct Console from the unpacked tarball: the program under /opt, a command on the
# PATH, the menu entry and the icons. Run as root from the unpacked folder:
#
#   sudo ./install.sh              install or upgrade (user data and settings are kept)
#   sudo ./install.sh --uninstall  remove the program (user data and settings are kept)
#
# PREFIX (default /opt/precinct-console) and BINDIR (default /usr/local/bin) can be set.
# The embedded database lives in each user's ~/.local/share/PrecinctConsole and the
# machine-wide settings in /etc/precinct-console/settings.toml: neither is touched here.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-/opt/precinct-console}
BINDIR=${BINDIR:-/usr/local/bin}
SHARE=${SHARE:-/usr/share}

if [ "$(id -u)" != 0 ] && [ -z "${ALLOW_USER_INSTALL:-}" ]; then
  echo "run as root (sudo ./install.sh), or set PREFIX, BINDIR, SHARE and ALLOW_USER_INSTALL=1" >&2
  exit 1
fi

uninstall() {
  rm -f "$BINDIR/precinct-console" "$SHARE/applications/precinct-console.desktop"
  for size in 16 24 32 48 64 128 256; do
    rm -f "$SHARE/icons/hicolor/${size}x${size}/apps/precinct-console.png"
  done
  rm -f "$SHARE/icons/hicolor/scalable/apps/precinct-console.svg"
  rm -rf "$PREFIX"
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$SHARE/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = --uninstall ]; then
  uninstall
  echo "Precinct Console removed (user databases and /etc/precinct-console kept)"
  exit 0
fi

# Upgrade: replace the program folder whole, so no file of an older version lingers.
tmp="$PREFIX.new.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
cp -a "$HERE/." "$tmp/"
rm -rf "$PREFIX"
mv "$tmp" "$PREFIX"

mkdir -p "$BINDIR" "$SHARE/applications"
ln -sfn "$PREFIX/precinct-console" "$BINDIR/precinct-console"
sed "s|^Exec=.*|Exec=$PREFIX/precinct-console|; s|^TryExec=.*|TryExec=$PREFIX/precinct-console|" \
  "$HERE/precinct-console.desktop" > "$SHARE/applications/precinct-console.desktop"
for size in 16 24 32 48 64 128 256; do
  mkdir -p "$SHARE/icons/hicolor/${size}x${size}/apps"
  cp "$HERE/icons/precinct-console-$size.png" "$SHARE/icons/hicolor/${size}x${size}/apps/precinct-console.png"
done
mkdir -p "$SHARE/icons/hicolor/scalable/apps"
cp "$HERE/icons/precinct-console.svg" "$SHARE/icons/hicolor/scalable/apps/precinct-console.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$SHARE/icons/hicolor" 2>/dev/null || true

if [ ! -f /etc/precinct-console/settings.toml ] && [ "$(id -u)" = 0 ]; then
  echo "note: for a shared database, copy settings.example.toml to /etc/precinct-console/settings.toml and edit it"
fi
echo "Precinct Console $("$PREFIX/precinct-console" --version | cut -d' ' -f2) installed in $PREFIX"
