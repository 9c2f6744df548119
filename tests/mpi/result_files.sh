# The DESIGN.md example: 27 rows, all pass; JSON holds the contract fields,
# the CSV the same rows; default file names go to --output-dir.
. "$top_srcdir/tests/tap.sh"

cd "$tmpdir" || exit 99
mpi 3 allreduce -b 8 -e 1M -f 4 -c --algo mpi,ring,rabenseifner --json r.json
expect_status 0 "np 3 example sweep exits 0"
[ "$(jq '.rows | length' r.json)" = 27 ] && ok "r.json has 27 rows" || not_ok "r.json has 27 rows"
[ "$(jq '[.rows[] | select(.check == "pass")] | length' r.json)" = 27 ] && ok "all 27 pass" || not_ok "all 27 pass"
[ "$(jq -r '.schema' r.json)" = cpobench.result.v1 ] && ok "schema" || not_ok "schema"
[ "$(jq -r '.fabric' r.json)" = real ] && ok "fabric real" || not_ok "fabric real"
[ "$(jq -r '.meta.ranks' r.json)" = 3 ] && ok "meta.ranks" || not_ok "meta.ranks"
[ "$(jq -r '.meta.launcher' r.json)" = mpirun ] && ok "meta.launcher mpirun" || not_ok "meta.launcher: $(jq -r .meta.launcher r.json)"
jq -e '.meta | (.command|test("allreduce -b 8")) and (.mpi_library|length>0) and (.hwloc|test("core")) and (.date|test("^20[0-9-]+T"))' r.json >/dev/null \
	&& ok "meta: command, MPI library, hwloc, date" || not_ok "meta fields"
jq -e '.rows[0] | (.algo=="mpi") and (.bytes==8) and (.count==2) and (.dtype=="float") and (.iters==100)
	and (.time_us|has("min") and has("median") and has("mean") and has("p99") and has("max"))
	and (.time_us.min <= .time_us.median and .time_us.median <= .time_us.p99 and .time_us.p99 <= .time_us.max)' r.json >/dev/null \
	&& ok "row 0 has contract fields, ordered percentiles" || not_ok "row 0 fields"
jq -e '[.rows[] | select(.time_us.median > 0) | ((.busbw_GBps / .algbw_GBps) - 4/3 | fabs) < 1e-9] | all' r.json >/dev/null \
	&& ok "busbw = algbw * 2(p-1)/p at p=3" || not_ok "busbw factor"
jq -e '[.rows[] | ((.algbw_GBps - .bytes / (.time_us.median * 1e3)) | fabs) < 1e-6] | all' r.json >/dev/null \
	&& ok "algbw = bytes / median time (GB/s = 1e9)" || not_ok "algbw"
[ "$(($(wc -l < r.csv) - 1))" = 27 ] && ok "r.csv has 27 rows" || not_ok "r.csv rows"
[ "$(tail -1 r.csv | cut -d, -f1-5)" = "rabenseifner,524288,131072,float,sum" ] && ok "CSV last row" || not_ok "CSV last row: $(tail -1 r.csv)"

mpi 2 allreduce -e 64 -n 3 -w 0 --output-dir out/sub
expect_status 0 "default file name in --output-dir"
set -- out/sub/allreduce-*.json
[ -f "$1" ] && [ -f "${1%.json}.csv" ] && ok "out/sub/allreduce-<stamp>-<id>.json and .csv written" || not_ok "default files: $(ls -R out)"
[ "$(jq '.rows | length' "$1")" = 16 ] && ok "default algos: 4 sizes (8..64 B) x 4 algos = 16 rows" || not_ok "default algos rows: $(jq '.rows | length' "$1")"
done_testing
