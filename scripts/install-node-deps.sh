#!/usr/bin/env bash
# Installs the Node tools the tests use (axe-core, for tests/browser/test_accessibility.py) from
# package-lock.json with `npm ci`. Does nothing when node_modules is already up to date with the
# lock file. Without npm it says so and exits 0; under CI=true the accessibility test then fails
# rather than skips, so a CI run cannot go green without having run axe.
set -u
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
cd "$here/.." || exit 1
AXE=node_modules/axe-core/axe.min.js
if [ -f "$AXE" ] && [ ! "$AXE" -ot package-lock.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-node-deps: npm not installed: the accessibility tests will not find $AXE" >&2
  exit 0
fi
echo "install-node-deps: npm ci (axe-core for the accessibility tests)"
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "install-node-deps: npm ci failed" >&2
  exit 1
fi
# npm ci keeps the package's own file dates: mark the install as newer than the lock file.
touch "$AXE"
