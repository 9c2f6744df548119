# Bad options get one clear message and exit status 2, never a crash or a hang.
. "$top_srcdir/tests/tap.sh"

refused "unknown kernel 'allreduse' \(expected one of: allreduce" allreduse
refused "unknown algorithm 'tree' for allreduce \(expected mpi, ring, rabenseifner, hier\)" allreduce --algo ring,tree
refused "--dtype: unknown type 'half'" allreduce --dtype half
refused "--op: unknown operator 'prod'" allreduce --op prod
refused "-b/--min-bytes \(1 MiB\) is larger than -e/--max-bytes \(1 KiB\)" allreduce -b 1M -e 1K
refused "-n/--iters: 0 is out of range" allreduce -n 0
refused "-e/--max-bytes: '12Q' is not a size" allreduce -e 12Q
refused "unknown option '--bogus'" allreduce --bogus
refused "needs .* per rank .* but only .* is available" allreduce -b 7G -e 7G
refused "more than an MPI count can hold" allreduce -b 1T -e 1T --dtype double --off-cache -n 1 --algo mpi -w 0 --json /dev/null/never
refused "usage: cpobench KERNEL" 
touch "$tmpdir/file"
refused "cannot create directory $tmpdir/file" allreduce --output-dir "$tmpdir/file/sub" -n 1 -e 8
mpi 1 --help
expect_status 0 "--help exits 0"
expect_output "allreduce +element-wise reduction" "--help lists kernels"
mpi 1 allreduce --help
expect_status 0 "allreduce --help exits 0"
expect_output "--algo LIST .*mpi,ring,rabenseifner" "allreduce --help lists algorithms"
done_testing
