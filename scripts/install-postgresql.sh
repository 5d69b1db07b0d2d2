#!/usr/bin/env bash
# Installs Debian's postgresql for the tests, which start a throwaway cluster of their own with
# its initdb and pg_ctl (tests/postgres.py); the product itself needs only a server's URL. Skips
# quietly when the server programs are there, and says why when it cannot install; under
# CI=true the PostgreSQL tests then fail rather than skip.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-postgresql: not root and no sudo: install Debian's postgresql by hand" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" != "0" ] && SUDO="sudo -n"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-postgresql: no apt-get on this machine: the PostgreSQL tests will not find initdb" >&2
  exit 0
fi
echo "install-postgresql: installing Debian's postgresql (once per machine)"
export DEBIAN_FRONTEND=noninteractive
# Only the programs: the tests make their own cluster, so the packaged one is not started.
$SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q postgresql >/dev/null \
  || echo "install-postgresql: apt-get could not install postgresql" >&2
exit 0
