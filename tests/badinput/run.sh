# The bad-input corpus (cases.txt): each case's exit status and message, no
# crash (status >= 128), no hang (60 s).
. "$top_srcdir/tests/tap.sh"

R="$top_srcdir/tests/badinput"
T="$top_srcdir/tests/topo/bad"
REPORT="$top_builddir/cpobench-report"
while IFS= read -r line; do
	case "$line" in '#'*|'') continue ;; esac
	want=${line%% | *}; rest=${line#* | }
	regex=${rest%% | *}; cmd=${rest#* | }
	eval "set -- $cmd"
	prog=$1; shift
	case "$prog" in
	cpobench) out=$(cd "$tmpdir" && timeout 60 "$MPIRUN" -np 2 "$CPOBENCH" "$@" </dev/null 2>&1); rc=$? ;;
	cpobench-report) out=$(cd "$tmpdir" && timeout 60 "$REPORT" "$@" </dev/null 2>&1); rc=$? ;;
	*) not_ok "unknown program in case: $line"; continue ;;
	esac
	name="$prog $* -> $want"
	if [ "$rc" -ge 124 ]; then
		not_ok "$name: crashed or hung (status $rc)"; printf '%s\n' "$out" | tail -5 | diag
	elif [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc"; printf '%s\n' "$out" | tail -5 | diag
	elif ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
		not_ok "$name: message does not match /$regex/"; printf '%s\n' "$out" | tail -5 | diag
	else
		ok "$name"
	fi
done < "$R/cases.txt"
done_testing
