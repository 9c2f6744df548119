#!/bin/sh
# Every malformed topology under tests/topo/bad/ is refused with exit 2 and
# "FILE:LINE: what was expected", as its first line ("; expect: LINE: text") says.
. "$top_srcdir/tests/topo/tap-lite.sh"
cd "$top_srcdir/tests/topo" || exit 1
n=0
for f in bad/*.ini; do
	n=$((n + 1))
	expect=$(sed -n '1s/^; expect: //p' "$f")
	line=${expect%%:*}
	text=${expect#*: }
	if [ -z "$expect" ] || [ "$line" = "$expect" ]; then
		not_ok "$f has no '; expect: LINE: text' first line"
		continue
	fi
	report topo "$f"
	if [ "$rc" -ne 2 ]; then
		not_ok "$f: exit $rc, expected 2"
		printf '%s\n' "$out" | diag
	elif ! printf '%s\n' "$out" | grep -Fq -- "$f:$line: "; then
		not_ok "$f: message does not name $f:$line"
		printf '%s\n' "$out" | diag
	elif ! printf '%s\n' "$out" | grep -Fq -- "$text"; then
		not_ok "$f: message lacks '$text'"
		printf '%s\n' "$out" | diag
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		not_ok "$f: more than one line of output"
		printf '%s\n' "$out" | diag
	else
		ok "$f: $line: $text"
	fi
done
if [ "$n" -ge 25 ]; then ok "corpus has $n malformed files (>= 25)"; else not_ok "corpus has only $n files"; fi
done_testing
