#!/bin/sh
# Installs the Debian packages named as arguments when they are missing:
# with apt-get as root, through sudo otherwise, or says exactly what to run.
set -eu

missing=""
for package in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $package" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "cashdrawerd: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	run="sudo"
else
	echo "cashdrawerd: these packages are missing:$missing" >&2
	echo "cashdrawerd: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once, then install.
# Another apt run (unattended upgrades, a parallel build) holds the lock: wait for it.
apt="apt-get -o DPkg::Lock::Timeout=600"
if ! $run $apt install -y --no-install-recommends $missing; then
	$run $apt update
	$run $apt install -y --no-install-recommends $missing
fi
