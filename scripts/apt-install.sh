# Sourced by the install-*.sh scripts: apt_install NAME PACKAGES WITHOUT installs Debian's
# PACKAGES with apt-get (as root, or through sudo without a password), NAME heading its messages
# and WITHOUT saying what fails where it cannot. It never fails the make target that runs it:
# under CI=true the tests that need the packages fail instead, which says more.
# shellcheck shell=bash
apt_install() {
  local name=$1 packages=$2 without=$3 sudo=""
  if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
    echo "$name: not root and no sudo: install Debian's $packages by hand" >&2
    return 0
  fi
  [ "$(id -u)" != "0" ] && sudo="sudo -n"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: no apt-get on this machine: $without" >&2
    return 0
  fi
  echo "$name: installing Debian's $packages (once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086  # packages is a list of package names
  $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q $packages >/dev/null \
    || echo "$name: apt-get could not install $packages" >&2
  return 0
}
