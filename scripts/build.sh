#!/bin/sh
# Bootstrap (autoreconf -fi) and configure once, then build, in the source tree.
set -e
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --enable-werror ${CPOBENCH_CONFIGURE_FLAGS:-}
make -j"$(nproc)"
