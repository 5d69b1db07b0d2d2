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
# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install install-chromium "${PACKAGES# }" "browser tests will not find /usr/bin/chromium"
exit 0
