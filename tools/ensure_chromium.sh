#!/bin/sh
# `make chromium` (run first by `make test`): the browser tests need Debian's Chromium at $CHROMIUM.
# Present: nothing to do. Missing, and we may install (root, or passwordless sudo, and
# SYSTEM_INSTALL is not "no"): apt-get installs Debian's `chromium`. Otherwise: stop at once and
# print the exact command. A browser build is never downloaded (no `playwright install`).
set -eu
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
SYSTEM_INSTALL="${SYSTEM_INSTALL:-auto}"
# Where Debian's package puts the binary (overridable only so tests/test_makefile.py can fake apt-get).
DEBIAN_CHROMIUM="${DEBIAN_CHROMIUM:-/usr/bin/chromium}"
FIX="sudo apt-get update && sudo apt-get install -y chromium chromium-driver"

if [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; then
  exit 0
fi

stop() {
  echo "Chromium not found at $CHROMIUM: the browser tests need it. $1" >&2
  echo "Fix: $FIX" >&2
  echo "  (or point make at another binary: make test CHROMIUM=/path/to/chromium)" >&2
  exit 1
}

if [ "$SYSTEM_INSTALL" = no ]; then
  stop "Installing system packages is switched off (SYSTEM_INSTALL=no)."
fi
if [ "$CHROMIUM" != "$DEBIAN_CHROMIUM" ]; then
  stop "Debian's package installs $DEBIAN_CHROMIUM, not $CHROMIUM."
fi
if ! command -v apt-get >/dev/null 2>&1; then
  FIX="install Chromium with your system's package manager"
  stop "This system has no apt-get."
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  stop "Installing it needs root (or passwordless sudo)."
fi

echo "Chromium not found at $CHROMIUM: installing Debian's chromium (apt-get)."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver
test -x "$CHROMIUM" || stop "apt-get finished but $CHROMIUM is still missing."
