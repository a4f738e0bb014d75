#!/usr/bin/env bash
# Debian packages the console needs: Qt's libraries, QtWebEngine's, Chinese fonts; for the
# tests also LibreOffice (ledgers are opened by it) and poppler (PDF text).
# Installs what is missing when run as root with apt; otherwise lists it and carries on.
set -uo pipefail
mode=${1:-run}
pkgs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
      libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libasound2 libxshmfence1
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0 fonts-noto-cjk)
if [ "$mode" = test ]; then
  pkgs+=(libreoffice-calc-nogui poppler-utils)
fi
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: the user installs Qt's needs
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing system packages (install them with your package manager): ${missing[*]}" >&2
fi
