#!/usr/bin/env bash
# Build the Linux one-folder bundle with PyInstaller and pack it as
# dist/precinct-console-VERSION-linux-ARCH.tar.gz (unpack, then run ./install.sh as root, or
# start ./precinct-console straight from the folder).
#
#   bash installers/linux/build.sh            # build and pack
#   PY=/path/to/python bash installers/linux/build.sh
#
# Prints the build time and the sizes of the folder and the tarball.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PY:-.venv/bin/python}

if [ "$PY" = .venv/bin/python ]; then
  bash scripts/bootstrap.sh build          # the project plus PyInstaller, into .venv
fi
"$PY" -c 'import PyInstaller' 2>/dev/null || {
  echo "PyInstaller is missing: pip install -e '.[build]'" >&2; exit 1; }

VERSION=$("$PY" -c 'import precinct_console; print(precinct_console.__version__)')
ARCH=$(uname -m)
NAME="precinct-console-$VERSION-linux-$ARCH"

start=$(date +%s)
rm -rf dist/precinct-console build/pyinstaller
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/precinct-console.spec
built=$(date +%s)

# The tarball: the bundle plus what a Linux install needs beside it.
stage="build/tarball/$NAME"
rm -rf build/tarball && mkdir -p "$stage"
cp -a dist/precinct-console/. "$stage/"
cp installers/linux/precinct-console.desktop installers/linux/install.sh "$stage/"
cp installers/settings.example.toml "$stage/settings.example.toml"
mkdir -p "$stage/icons"
cp resources/icons/precinct-console.svg resources/icons/precinct-console-*.png "$stage/icons/"
chmod +x "$stage/install.sh" "$stage/precinct-console"
tar -C build/tarball -czf "dist/$NAME.tar.gz" "$NAME"
# IT checks the download against this before installing it on a command-room seat.
(cd dist && sha256sum "$NAME.tar.gz" > "$NAME.tar.gz.sha256")
end=$(date +%s)

folder_mb=$(du -sm dist/precinct-console | cut -f1)
tar_mb=$(du -m "dist/$NAME.tar.gz" | cut -f1)
echo "bundle:  $ROOT/dist/precinct-console (${folder_mb} MB)"
echo "tarball: $ROOT/dist/$NAME.tar.gz (${tar_mb} MB, sha256 in $NAME.tar.gz.sha256)"
echo "time:    PyInstaller $((built - start)) s, packing $((end - built)) s"
