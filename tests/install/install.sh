# make install DESTDIR=...: programs, data (topologies, presets, plots, slurm templates), man pages and
# docs land where they belong, the installed programs run, man cpobench renders, uninstall removes all.
. "$top_srcdir/tests/tap.sh"

dest=$tmpdir/dest
if ${MAKE:-make} -C "$top_builddir" install DESTDIR="$dest" >"$tmpdir/install.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	not_ok "make install DESTDIR=..."; tail -20 "$tmpdir/install.log" | diag
	done_testing; exit 1
fi
bin=$dest$CB_INST_BINDIR data=$dest$CB_INST_PKGDATADIR man1=$dest$CB_INST_MANDIR/man1 doc=$dest$CB_INST_DOCDIR

for p in cpobench cpobench-report cpobench-emulate; do
	[ -x "$top_builddir/$p" ] || continue   # cpobench-emulate only with SimGrid
	[ -x "$bin/$p" ] && ok "bin/$p installed" || not_ok "bin/$p installed"
done
for t in sweep-1node sweep-multinode sweep-mpirun emulate report; do
	[ -f "$data/slurm/$t.sbatch" ] && ok "share/cpobench/slurm/$t.sbatch" || not_ok "share/cpobench/slurm/$t.sbatch"
done
# every data file shipped in these source directories is installed under share/cpobench/ (same path)
for d in topologies presets plots; do
	[ -d "$top_srcdir/$d" ] || continue
	missing=$(cd "$top_srcdir" && find "$d" -type f ! -name '*.am' ! -name '*.md' ! -name '*.c' ! -name '*.h' \
		! -name '*.sh' ! -name '.*' | while read -r f; do [ -f "$data/$f" ] || echo "$f"; done)
	[ -z "$missing" ] && ok "every file of $d/ installed in share/cpobench/$d/" ||
		{ not_ok "files of $d/ not installed"; printf '%s\n' "$missing" | diag; }
done
for m in cpobench cpobench-report; do
	[ -f "$man1/$m.1" ] && ok "man1/$m.1 installed" || not_ok "man1/$m.1 installed"
done
[ -f "$doc/README.md" ] && ok "doc/README.md installed" || not_ok "doc/README.md installed"

# the installed programs run
out=$("$bin/cpobench" --version 2>&1)
[ "$out" = "cpobench $(cat "$top_srcdir/VERSION")" ] && ok "installed cpobench --version" || { not_ok "cpobench --version: $out"; }
out=$("$bin/cpobench-report" --version 2>&1)
[ "$out" = "cpobench-report $(cat "$top_srcdir/VERSION")" ] && ok "installed cpobench-report --version" || not_ok "cpobench-report --version: $out"
[ "$("$bin/cpobench" --list-kernels)" = "$("$top_builddir/cpobench" --list-kernels)" ] &&
	ok "installed cpobench --list-kernels" || not_ok "--list-kernels differs"
out=$(cd "$tmpdir" && "$MPIRUN" -np 2 --oversubscribe "$bin/cpobench" allreduce -e 64 -n 2 -w 0 -c --json run.json 2>&1)
rc=$?
expect_status 0 "mpirun -np 2 installed cpobench allreduce -c"
jq -e '(.rows | length) >= 4 and ([.rows[] | select(.check != "pass")] | length == 0)' "$tmpdir/run.json" >/dev/null 2>&1 &&
	ok "installed cpobench wrote checked rows, all pass" || not_ok "installed run result"

# the installed data is found by name (CPOBENCH_TOPOLOGY_PATH stands in for the prefix under DESTDIR)
if [ -f "$data/topologies/gb200-nvl72-cpo.ini" ]; then
	out=$(CPOBENCH_TOPOLOGY_PATH=$data/topologies "$bin/cpobench-report" topo gb200-nvl72-cpo 2>&1)
	printf '%s\n' "$out" | grep -q "^# topology: gb200-nvl72-cpo ($data/topologies/gb200-nvl72-cpo.ini" &&
		ok "installed cpobench-report reads share/cpobench/topologies/ by name" ||
		{ not_ok "installed topology lookup"; printf '%s\n' "$out" | head -5 | diag; }
fi

# man cpobench renders (man-db, else groff)
if command -v man >/dev/null; then
	out=$(MANPATH=$dest$CB_INST_MANDIR MANWIDTH=80 man -P cat cpobench 2>&1)
elif command -v groff >/dev/null; then
	out=$(groff -man -Tutf8 "$man1/cpobench.1" 2>&1)
else
	out=skip
fi
if [ "$out" = skip ]; then
	ok "# SKIP man cpobench: neither man nor groff installed"
else
	printf '%s\n' "$out" | grep -Eq 'cpobench +- +collective-communication +benchmarks' &&
		printf '%s\n' "$out" | grep -q 'EXIT STATUS' && ok "man cpobench renders (NAME, EXIT STATUS)" ||
		{ not_ok "man cpobench renders"; printf '%s\n' "$out" | head -20 | diag; }
fi
if command -v groff >/dev/null; then
	warn=$(for m in "$man1"/*.1; do groff -man -Tutf8 -ww -z "$m" 2>&1; done)
	[ -z "$warn" ] && ok "man pages: no groff warnings" || { not_ok "groff warnings"; printf '%s\n' "$warn" | diag; }
fi

${MAKE:-make} -C "$top_builddir" uninstall DESTDIR="$dest" >"$tmpdir/uninstall.log" 2>&1
left=$(find "$dest" -type f | head -5)
[ -z "$left" ] && ok "make uninstall removes every file" || { not_ok "files left after uninstall"; printf '%s\n' "$left" | diag; }

if command -v python3 >/dev/null; then
	out=$(python3 "$top_srcdir/tests/install/spack_recipe.py" "$top_srcdir/contrib/spack/package.py" 2>&1)
	rc=$?
	expect_status 0 "contrib/spack/package.py: variants verbs/simgrid, dependencies, configure arguments"
else
	ok "# SKIP spack recipe check: no python3"
fi
done_testing
