#!/bin/sh
# Install what cpobench needs to build, test and plot, on Debian/Ubuntu.
# Only missing packages are installed; apt-get runs through sudo when not root.
set -e
pkgs="build-essential autoconf automake pkg-config openmpi-bin libopenmpi-dev
libhwloc-dev libjansson-dev libinih-dev libibverbs-dev jq gnuplot-nox
libsimgrid-dev simgrid"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
command -v apt-get >/dev/null || { echo "deps.sh: apt-get not found; install:$missing" >&2; exit 1; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps.sh: installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
