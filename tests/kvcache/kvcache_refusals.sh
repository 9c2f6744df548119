# kvcache refuses bad input with one line naming the option or file:line, exit 2; verbs without a device.
. "$top_srcdir/tests/tap.sh"

bad() { # np want-regex args...
	local np=$1 want=$2; shift 2
	mpi "$np" kvcache "$@"
	expect_status 2 "kvcache $* -> exit 2"
	expect_output "$want" "kvcache $* -> /$want/"
	local lines
	lines=$(printf '%s\n' "$out" | grep -c "cpobench kvcache")
	[ "$lines" -le 1 ] && ok "said once" || not_ok "said $lines times"
}
small="--isl 64 -n 1 -w 0"
bad 1 "--kv-dtype: unknown KV element type 'fp4' \(expected bf16 or fp8\)" --kv-dtype fp4
bad 1 "--model: unknown model 'llama-9' \(presets in .*models.ini: llama-3.1-8b, " --model llama-9
bad 1 "--tp-p 3: must divide the model's 8 KV heads" --tp-p 3 --prefill 1 --decode 1 $small
bad 1 "--prefill 2 x --tp-p 1 \+ --decode 2 x --tp-d 1 = 4 ranks, but the run has 1" --prefill 2 --decode 2
bad 2 "--placement cross: 1 prefill and 1 decode ranks do not fit in disjoint domains" --placement cross $small
bad 1 "--granularity: unknown granularity 'page'" --granularity desc,page
bad 1 "--mech: unknown mechanism 'rdma'" --mech rdma
bad 4 "--placement same: prefill and decode need 4 ranks in one domain, the largest has 2" \
	--prefill 1 --tp-p 2 --decode 1 --tp-d 2 --placement same --domain-size 2 $small
bad 2 "-c/--check: a round needs .* more than --pool-mib 64" -c --pool-mib 64 --model llama-3.1-70b --isl 128 --requests 4
bad 2 "--pool-mib 1: a decode rank needs .* for one 4096-token request" --pool-mib 1
bad 1 "--dtype: unknown type 'bf16'" --dtype bf16

# preset files: errors name file:line
printf '[m]\nattention = gqa\nlayers = 2\nkv_heads = 2\nhead_dim = 8\nhidden = 64\ncolour = red\n' > "$tmpdir/p.ini"
bad 1 "$tmpdir/p.ini:7: \[m\]: unknown key 'colour'" --presets "$tmpdir/p.ini" --model m
printf '[m]\nattention = gqa\nlayers = 2\nkv_heads = 2\n' > "$tmpdir/q.ini"
bad 1 "$tmpdir/q.ini:1: \[m\]: attention = gqa needs kv_heads and head_dim" --presets "$tmpdir/q.ini" --model m
CPOBENCH_DATADIR=$tmpdir/none mpi 1 kvcache $small
expect_status 2 "CPOBENCH_DATADIR without presets -> exit 2"
expect_output "cannot read presets file $tmpdir/none/presets/models.ini" "names the missing file"

# -b/-e/-f do not apply (the axis is --isl): said in the header, recorded, not refused
mpi 2 kvcache --model custom:2,2,8,hidden=64 --isl 16 --prefill-tps 1e6 -n 1 -w 0 -b 8 -e 1M --json "$tmpdir/s.json"
expect_status 0 "-b/-e with kvcache: runs"
expect_output "^# note: -b/-e/-f do not apply to kvcache \(its sweep axis is --isl" "-b/-e: the header says they are ignored"
jq -e '.meta.kvcache.sizes_ignored == true and (.rows | length == 1 and .[0].count == 16)' "$tmpdir/s.json" >/dev/null &&
	ok "-b/-e: one row at --isl 16, sizes_ignored in meta" || not_ok "-b/-e rows: $(jq -c '[.rows[].count]' "$tmpdir/s.json")"

# verbs: builds; without an RDMA device it refuses clearly
mpi 1 kvcache --mech verbs $small
expect_status 2 "--mech verbs without a device -> exit 2"
expect_output "--mech verbs: (libibverbs found no RDMA device|this cpobench was built without libibverbs)" "verbs says why"

mpi 1 kvcache --help
expect_status 0 "kvcache --help"
expect_output "--granularity LIST" "help lists --granularity"
done_testing
