#!/bin/sh
# Bootstrap (autoreconf -fi) once, configure once into a build directory, build.
# usage: scripts/build.sh [BUILD_DIR [configure options...]]   (default: build)
set -e
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
[ -x configure ] || autoreconf -fi
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || ../configure --enable-werror ${CPOBENCH_CONFIGURE_FLAGS:-} "$@"
make -j"$(nproc)"
