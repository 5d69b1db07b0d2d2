#!/usr/bin/env bash
# Installs Debian's chromium for the Playwright tests (never `playwright install`: it downloads
# its own browser, which this network does not allow). Skips quietly when it is already there,
# and says why when it cannot install; under CI=true the browser tests then fail rather than skip.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-chromium: not root and no sudo: install Debian's 'chromium' package by hand" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" != "0" ] && SUDO="sudo -n"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get on this machine: browser tests will not find /usr/bin/chromium" >&2
  exit 0
fi
echo "install-chromium: installing Debian's chromium package (once per machine)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null \
  || echo "install-chromium: apt-get could not install chromium" >&2
exit 0
