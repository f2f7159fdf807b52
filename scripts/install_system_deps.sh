#!/usr/bin/env bash
# Installs the Debian packages the test suite and the app need, when they are missing.
set -euo pipefail
packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# WeasyPrint (report PDFs) loads Pango through cffi; fonts so text has glyphs.
compgen -G '/usr/lib/*/libpango-1.0.so.0' >/dev/null || packages+=(libpango-1.0-0)
compgen -G '/usr/lib/*/libpangoft2-1.0.so.0' >/dev/null || packages+=(libpangoft2-1.0-0)
compgen -G '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' >/dev/null || packages+=(fonts-dejavu-core)
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${packages[*]}. Install them with: sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
echo "Installing ${packages[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
