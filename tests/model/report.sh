#!/bin/sh
# cpobench-report report/plot: every file from the committed samples, calibration and model
# errors computed as documented, gnuplot really run (or its absence handled), bad input refused.
. "$top_srcdir/tests/tap.sh"
R="$top_builddir/cpobench-report"
D="$top_srcdir/tests/model/data"
run() { out=$("$R" "$@" 2>&1); rc=$?; }

plots="a-busbw-allreduce-sample b-latency-allreduce-sample a-busbw-pingpong-sample b-latency-pingpong-sample
a-busbw-emulated-sample b-latency-emulated-sample c-check-allreduce-sample c-check-emulated-sample d-allreduce-size d-alltoall-size e-energy-gpus e-power-gpus
f-allreduce-gpus g-kvcache h-reach i-headline"

o="$tmpdir/report"
run report "$D/allreduce-sample.json" "$D/pingpong-sample.json" "$D/emulated-sample.json" --out "$o"
expect_status 0 "report from the committed samples"
expect_output "^$o: report.md, 16 plots" "summary line names report.md and 16 plots"
[ -s "$o/report.md" ] && ok "report.md written" || not_ok "report.md missing"
missing=""
for p in $plots; do for ext in gp dat; do [ -s "$o/$p.$ext" ] || missing="$missing $p.$ext"; done; done
[ -z "$missing" ] && ok "a script and data for each of the 16 plots" || not_ok "missing:$missing"
for f in headline.csv projection-gpus.csv model-check.csv calibration.csv; do
	[ -s "$o/$f" ] && ok "table $f" || not_ok "table $f missing"
done

if command -v gnuplot >/dev/null 2>&1; then
	bad=""
	for p in $plots; do
		sig=$(od -An -c -N4 "$o/$p.png" 2>/dev/null | tr -d ' ')
		size=$(wc -c < "$o/$p.png" 2>/dev/null || echo 0)
		[ "$sig" = "211PNG" ] && [ "$size" -gt 15000 ] || bad="$bad $p.png($sig,$size)"
		grep -q '<svg' "$o/$p.svg" 2>/dev/null || bad="$bad $p.svg"
	done
	[ -z "$bad" ] && ok "16 PNGs (signature, > 15 kB) and SVGs rendered by gnuplot" || not_ok "plots:$bad"
	n=$(grep -c '^!\[.*\](.*\.png)$' "$o/report.md")
	[ "$n" -eq 16 ] && ok "report.md embeds the 16 plots" || not_ok "report.md embeds $n plots"
else
	echo "ok $((tap_n + 1)) # SKIP gnuplot not on PATH"; tap_n=$((tap_n + 1))
	echo "ok $((tap_n + 1)) # SKIP gnuplot not on PATH"; tap_n=$((tap_n + 1))
fi

# Sections and labels
for s in "## 1. Headline" "## 2. Measured and emulated" "## 3. Model checks" "## 4. Projections per medium" \
	"## 5. KV-cache" "## 6. Reach" "## 7. Sources"; do
	grep -q "^$s" "$o/report.md" && ok "section: $s" || not_ok "section missing: $s"
done
grep -q 'What CPO changes.\*\* On a scale-out link CPO saves only' "$o/report.md" && ok "headline states CPO's small time gain" \
	|| not_ok "headline text"
grep -q 'checked against emulation on this topology (emulated-sample' "$o/report.md" \
	&& ok "projection on gb200-nvl72-pluggable labelled as checked against emulation" || not_ok "check label"
grep -q 'Serviceability (assumption' "$o/report.md" && ok "serviceability assumption stated" || not_ok "serviceability"

# Calibration: the model rows of the measured all-reduce are 2(p-1)(alpha + (n/p)/B) at p = 2 (ring,
# rabenseifner without fold: 2 x (alpha + n/2/B)), from the exact fit in calibration.csv.
fit=$(awk -F, 'NR==2{print $3, $4}' "$o/calibration.csv")
set -- $fit
alpha=$1 bw=$2
awk -v a="$alpha" -v b="$bw" 'BEGIN{exit !(a > 1e-7 && a < 1e-4 && b > 1e8 && b < 1e12)}' \
	&& ok "ping-pong fit: alpha $alpha s, $bw B/s" || not_ok "fit out of range: $fit"
bad=$(awk -F, -v a="$alpha" -v b="$bw" 'NR>1 && $1 ~ /allreduce-sample/ && ($5=="ring" || $5=="rabenseifner") {
	m = 2 * (a + ($7 / 2) / b) * 1e6; e = 100 * ($9 - $8) / $8;
	if (($9 - m) / m > 1e-6 || ($9 - m) / m < -1e-6 || (e - $10) > 1e-3 || (e - $10) < -1e-3) print NR": "$0 }' "$o/model-check.csv")
n=$(awk -F, 'NR>1 && $1 ~ /allreduce-sample/ && ($5=="ring" || $5=="rabenseifner")' "$o/model-check.csv" | wc -l)
[ -z "$bad" ] && [ "$n" -eq 20 ] && ok "20 measured rows: model = 2(alpha + n/2/B), error = (model-measured)/measured" \
	|| { not_ok "calibrated predictions ($n rows)"; echo "$bad" | diag; }
# Emulated sample: times are the model x 1.10 (ring) and x 0.95 (rabenseifner).
errs=$(awk -F, 'NR>1 && $1 ~ /emulated-sample/ {printf "%s:%.2f ", $5, $10}' "$o/model-check.csv")
[ "$errs" = "ring:-9.09 ring:-9.09 rabenseifner:5.26 rabenseifner:5.26 " ] \
	&& ok "emulated vs model errors: $errs" || not_ok "emulated errors: '$errs'"

# Without the emulated result the projection is labelled as never checked.
run report "$D/allreduce-sample.json" --out "$tmpdir/r2" --optics pluggable,cpo
expect_status 0 "report without calibration"
grep -q 'never checked on this topology' "$tmpdir/r2/report.md" && ok "unchecked projection labelled" || not_ok "label"
grep -q 'not calibrated' "$tmpdir/r2/report.md" && ok "no ping-pong: says the model was not calibrated" || not_ok "calib label"

# plot: the plots and tables without report.md
run plot "$D/allreduce-sample.json" --out "$tmpdir/p"
expect_status 0 "plot"
[ ! -e "$tmpdir/p/report.md" ] && [ -s "$tmpdir/p/f-allreduce-gpus.gp" ] && ok "plot writes plots, no report.md" \
	|| not_ok "plot output"

# No gnuplot on PATH: tables, scripts and report still written, plots skipped with a warning.
out=$(PATH=/nonexistent "$R" report "$D/allreduce-sample.json" --out "$tmpdir/ng" 2>&1); rc=$?
expect_status 0 "report without gnuplot"
expect_output 'warning: gnuplot not found on PATH: 10 plots not rendered' "warning names the missing gnuplot"
[ -s "$tmpdir/ng/report.md" ] && [ -s "$tmpdir/ng/i-headline.gp" ] && [ -s "$tmpdir/ng/i-headline.dat" ] && \
	[ ! -e "$tmpdir/ng/i-headline.png" ] && ok "scripts, data and report.md written, no PNG" || not_ok "no-gnuplot output"
grep -q 'for f in \*.gp; do gnuplot' "$tmpdir/ng/report.md" && ok "report.md says how to render" || not_ok "render hint"

# Bad input: exit 2, file (and row) named.
run report "$D/corrupt.json" --out "$tmpdir/x"
expect_status 2 "corrupt file refused"
expect_output "corrupt.json:1:[0-9]+: not valid JSON" "corrupt: file:line named"
run report "$D/truncated.json" --out "$tmpdir/x"
expect_status 2 "truncated file refused"
expect_output "truncated.json:[0-9]+:[0-9]+: not valid JSON" "truncated: file:line named"
run report "$D/other-schema.json" --out "$tmpdir/x"
expect_status 2 "another schema refused"
expect_output "other-schema.json: schema is 'cpobench.other.v9', expected 'cpobench.result.v1'" "schema named"
run report "$D/bad-row.json" --out "$tmpdir/x"
expect_status 2 "row without time_us refused"
expect_output "bad-row.json: row 3: time_us" "file and row named"
run report "$D/no-such.json" --out "$tmpdir/x"
expect_status 2 "missing file refused"
run report "$D/allreduce-sample.json"
expect_status 2 "missing --out refused"
expect_output "--out DIR is required" "message names --out"
run report "$D/allreduce-sample.json" --out /proc/cpobench-no
expect_status 2 "unwritable --out refused"
expect_output "--out /proc/cpobench-no: cannot create" "message names the directory"
run report --out "$tmpdir/x" --optics fiber
expect_status 2 "unknown optics refused"
done_testing
