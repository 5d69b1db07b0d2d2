#!/usr/bin/env bash
# Installs Debian's chromium for the Playwright tests and the pack's charts (never `playwright
# install`: it downloads its own browser, which this network does not allow), and
# fonts-wqy-zenhei, the font the PDF pack sets Chinese, Japanese and Korean in (a TrueType
# collection reportlab can embed; Noto CJK's CFF outlines it cannot). Skips quietly when both
# are there, and says why when it cannot install; under CI=true the browser tests then fail
# rather than skip.
set -u
PACKAGES=""
[ -x /usr/bin/chromium ] || PACKAGES="chromium"
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || PACKAGES="$PACKAGES fonts-wqy-zenhei"
if [ -z "$PACKAGES" ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-chromium: not root and no sudo: install Debian's$PACKAGES by hand" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" != "0" ] && SUDO="sudo -n"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get on this machine: browser tests will not find /usr/bin/chromium" >&2
  exit 0
fi
echo "install-chromium: installing Debian's$PACKAGES (once per machine)"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # PACKAGES is a list of package names
$SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $PACKAGES >/dev/null \
  || echo "install-chromium: apt-get could not install$PACKAGES" >&2
exit 0
