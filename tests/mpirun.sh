#!/bin/sh
# mpirun as the tests use it ($MPIRUN).  Under --enable-sanitizers, leak
# detection is off for MPI processes: Open MPI keeps allocations in plugins
# it unloads at MPI_Finalize, which LeakSanitizer cannot attribute or
# suppress.  ASan and UBSan errors stay fatal; leaks are checked on the
# MPI-free library's unit tests and cpobench-report.
ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" exec "$CB_REAL_MPIRUN" "$@"
