# Binding: cpobench binds unbound ranks to cores, keeps a launcher's binding,
# leaves ranks alone with --bind none, and records all of it.
. "$top_srcdir/tests/tap.sh"

# run NP MPIRUN-ARGS -- CPOBENCH-ARGS
run() {
	local np=$1; shift
	local margs=
	while [ "$1" != -- ]; do margs="$margs $1"; shift; done
	shift
	out=$("$MPIRUN" -np "$np" --oversubscribe $margs "$CPOBENCH" "$@" 2>&1)
	rc=$?
}
j() { jq -r "$@" "$tmpdir/b.json"; }

run 2 --bind-to none -- allreduce -b 8 -e 8 -n 1 -w 0 --json "$tmpdir/b.json"
expect_status 0 "unbound ranks: run"
[ "$(j .meta.mapping.binding.bound_by)" = cpobench ] && ok "unbound ranks: cpobench binds them" \
	|| not_ok "unbound ranks: bound_by $(j .meta.mapping.binding.bound_by)"
cores=$(j .meta.hwloc | sed -n 's/.* \([0-9][0-9]*\) cores\{0,1\},.*/\1/p')
pus=$(j '.meta.mapping.binding.pus_of_rank | join(" ")')
if [ "${cores:-0}" -ge 2 ]; then
	[ "$(j '.meta.mapping.binding.pus_of_rank | unique | length')" = 2 ] && ok "2 ranks on $cores cores: two different cores ($pus)" \
		|| not_ok "2 ranks on $cores cores: PUs $pus"
else
	ok "# SKIP one core: both ranks share it"
fi
expect_output "^# binding: cpobench bound each rank to one core \\(hwloc\\); PUs of rank: " "binding in the header"

run 2 --bind-to core:overload-allowed -- allreduce -b 8 -e 8 -n 1 -w 0 --json "$tmpdir/b.json"
[ "$(j .meta.mapping.binding.bound_by)" = launcher ] && ok "mpirun --bind-to core: the launcher's binding is kept" \
	|| not_ok "mpirun --bind-to core: bound_by $(j .meta.mapping.binding.bound_by)"
expect_output "^# binding: kept the launcher's binding" "... and the header says so"

run 2 --bind-to none -- allreduce --bind none -b 8 -e 8 -n 1 -w 0 --json "$tmpdir/b.json"
[ "$(j .meta.mapping.binding.bound_by)" = none ] && [ "$(j .meta.mapping.binding.policy)" = none ] \
	&& ok "--bind none: left unbound, recorded" || not_ok "--bind none: $(j -c .meta.mapping.binding)"

run 6 --bind-to none -- allreduce -b 8 -e 8 -n 1 -w 0 --json "$tmpdir/b.json"
if [ "${cores:-0}" -lt 6 ]; then
	expect_output "^# binding: cpobench bound each rank to one core \\(hwloc\\); 6 ranks on $cores cores of one machine, bound round-robin: oversubscribed timings" \
		"6 ranks on $cores cores: bound round-robin, and said so"
	[ "$(j '.meta.mapping.binding.pus_of_rank[0] == .meta.mapping.binding.pus_of_rank['"$cores"']')" = true ] \
		&& ok "round-robin: rank $cores shares rank 0's core" || not_ok "round-robin: PUs $(j -c .meta.mapping.binding.pus_of_rank)"
else
	ok "# SKIP $cores cores: 6 ranks are not oversubscribed"
	ok "# SKIP"
fi

run 2 -- allreduce --bind socket -b 8 -e 8
expect_status 2 "--bind socket refused"
expect_output "--bind: 'socket' is not a binding policy \\(expected core or none\\)" "... naming the option and the choices"
done_testing
