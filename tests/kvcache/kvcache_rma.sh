# kvcache put/get where the MPI library has no one-sided path between the ranks: refused with
# one line and exit 2, never an MPI abort or a hang.  Open MPI 4.x over TCP between nodes is
# such a library (MPI_Win_create: MPI_ERR_WIN); on one machine the same failure comes from
# restricting Open MPI to its TCP transport (btl tcp,self) and the osc/rdma component.
. "$top_srcdir/tests/tap.sh"

case $("$MPIRUN" --version 2>&1 | head -1) in
*"Open MPI"*" 4."*) ;;
*) skip_all "needs Open MPI 4.x to make RMA fail on one machine" ;;
esac
export OMPI_MCA_btl=tcp,self OMPI_MCA_osc=rdma
mpi() {  # tap.sh's, bounded: a hang is a failure, not a stuck suite
	local np=$1; shift
	out=$(timeout 120 "$MPIRUN" -np "$np" --oversubscribe "$CPOBENCH" "$@" </dev/null 2>&1)
	rc=$?
}
small="--model custom:4,4,16,hidden=256 --isl 64 --block-tokens 4 --prefill-tps 1e7 -n 1 -w 0"

for mech in put get send,put; do
	rm -f "$tmpdir/r.json"
	mpi 2 kvcache $small --mech $mech --json "$tmpdir/r.json"
	expect_status 2 "--mech $mech without an RMA path: exit 2"
	m=${mech#send,}
	expect_output "^cpobench kvcache: rank 0: --mech $m: MPI_Win_create failed \(MPI_ERR_WIN: invalid window\) \(first on rank [01]\): this MPI library offers no one-sided \(RMA\) path between these ranks .*; use --mech send$" \
		"--mech $mech: names the failing call, says why, suggests --mech send"
	lines=$(printf '%s\n' "$out" | grep -c "cpobench kvcache")
	[ "$lines" = 1 ] && ok "--mech $mech: said once" || not_ok "--mech $mech: said $lines times"
	printf '%s\n' "$out" | grep -q "MPI_ERRORS_ARE_FATAL\|An error occurred in" && not_ok "--mech $mech: MPI aborted" ||
		ok "--mech $mech: no MPI abort"
	[ ! -e "$tmpdir/r.json" ] && ok "--mech $mech: refused before measuring (no result file)" ||
		not_ok "--mech $mech: result file written"
done
mpi 3 kvcache $small --mech send --tp-p 1 --tp-d 2 -c --json "$tmpdir/r.json"
expect_status 0 "--mech send works on the same transport (TP1 -> TP2, --check)"
done_testing
