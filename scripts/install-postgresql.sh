#!/usr/bin/env bash
# Installs Debian's postgresql for the tests, which start a throwaway cluster of their own with
# its initdb and pg_ctl (tests/postgres.py); the product itself needs only a server's URL. Skips
# quietly when the server programs are there, and says why when it cannot install; under
# CI=true the PostgreSQL tests then fail rather than skip.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
# Only the programs: the tests make their own cluster, so the packaged one is not started.
apt_install install-postgresql postgresql "the PostgreSQL tests will not find initdb"
exit 0
