#!/bin/sh
# Install what cpobench needs to build, test and plot, on Debian/Ubuntu.
# Only missing packages are installed; apt-get runs through sudo when not root.
# Required packages must install; optional ones (verbs, SimGrid, gnuplot,
# clang's libFuzzer, Slurm) are tried one by one and may be absent elsewhere.
set -e
required="build-essential autoconf automake pkg-config openmpi-bin libopenmpi-dev
libhwloc-dev libjansson-dev libinih-dev jq"
optional="libibverbs-dev gnuplot-nox libsimgrid-dev simgrid clang libclang-rt-14-dev"
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$p"
	done
}
need=$(missing $required)
want=$(missing $optional)
[ -z "$need$want" ] && exit 0
command -v apt-get >/dev/null || { echo "deps.sh: apt-get not found; install: $need$want" >&2; exit 1; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ -n "$need" ]; then
	echo "deps.sh: installing $need"
	$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
for p in $want; do
	$SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 || echo "deps.sh: optional package $p not available" >&2
done
exit 0
