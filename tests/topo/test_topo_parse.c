/* Topology parser: units, every key, defaults, overrides, derived bandwidth, latency, reach, counts, JSON, sha256. */
#include "config.h"
#include "tests/tap.h"
#include "topo/quantity.h"
#include "topo/topo.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void qty(const char *s, enum cb_qty k, double want)
{
	double v = -1;
	char err[400] = "";
	int rc = cb_qty_parse(s, k, &v, err, sizeof err);
	ok(rc == 0 && fabs(v - want) <= 1e-12 * fabs(want) + 1e-30, "'%s' = %g (got %g, rc %d %s)", s, want, v, rc, err);
}

static void qty_bad(const char *s, enum cb_qty k, const char *needle)
{
	double v;
	char err[400] = "";
	int rc = cb_qty_parse(s, k, &v, err, sizeof err);
	ok(rc == -1 && strstr(err, needle), "'%s' refused with '%s' (message: %s)", s, needle, err);
}

static void test_units(void)
{
	qty("900 GB/s", CB_QTY_BANDWIDTH, 900e9);
	qty("1.8 TB/s", CB_QTY_BANDWIDTH, 1.8e12);
	qty("1.8 TB/s bidirectional", CB_QTY_BANDWIDTH, 0.9e12);
	qty("1.8 TB/s bidi", CB_QTY_BANDWIDTH, 0.9e12);
	qty("400 Gb/s", CB_QTY_BANDWIDTH, 50e9);
	qty("400 Gbps", CB_QTY_BANDWIDTH, 50e9);
	qty("1.6 Tb/s", CB_QTY_BANDWIDTH, 200e9);
	qty("1.6 Tbps", CB_QTY_BANDWIDTH, 200e9);
	qty("100 Mb/s", CB_QTY_BANDWIDTH, 12.5e6);
	qty("10 MB/s", CB_QTY_BANDWIDTH, 10e6);
	qty("8 kb/s", CB_QTY_BANDWIDTH, 1e3);
	qty("8 Kb/s", CB_QTY_BANDWIDTH, 1e3);
	qty("3 kB/s", CB_QTY_BANDWIDTH, 3e3);
	qty("3 KB/s", CB_QTY_BANDWIDTH, 3e3);
	qty("64 B/s", CB_QTY_BANDWIDTH, 64);
	qty("64 b/s", CB_QTY_BANDWIDTH, 8);
	qty("1.5 PB/s", CB_QTY_BANDWIDTH, 1.5e15);
	qty("8 Pb/s", CB_QTY_BANDWIDTH, 1e15);
	qty("300 ns", CB_QTY_TIME, 300e-9);
	qty("300ns", CB_QTY_TIME, 300e-9);
	qty("1.5 us", CB_QTY_TIME, 1.5e-6);
	qty("1.5 \xc2\xb5s", CB_QTY_TIME, 1.5e-6);
	qty("2 ms", CB_QTY_TIME, 2e-3);
	qty("1 s", CB_QTY_TIME, 1);
	qty("250 ps", CB_QTY_TIME, 250e-12);
	qty("0 ns", CB_QTY_TIME, 0);
	qty("3 m", CB_QTY_LENGTH, 3);
	qty("50 cm", CB_QTY_LENGTH, 0.5);
	qty("800 mm", CB_QTY_LENGTH, 0.8);
	qty("2 km", CB_QTY_LENGTH, 2000);
	qty("15 pJ/bit", CB_QTY_ENERGY_PER_BIT, 15);
	qty("15 pJ/b", CB_QTY_ENERGY_PER_BIT, 15);
	qty("900 fJ/bit", CB_QTY_ENERGY_PER_BIT, 0.9);
	qty("0.001 nJ/bit", CB_QTY_ENERGY_PER_BIT, 1);
	qty("30 W", CB_QTY_POWER, 30);
	qty("500 mW", CB_QTY_POWER, 0.5);
	qty("1.2 kW", CB_QTY_POWER, 1200);
	qty("4.9 ns/m", CB_QTY_TIME_PER_LENGTH, 4.9e-9);
	qty("4900 ps/m", CB_QTY_TIME_PER_LENGTH, 4.9e-9);
	qty("5 us/km", CB_QTY_TIME_PER_LENGTH, 5e-9);
	qty("5000 ns/km", CB_QTY_TIME_PER_LENGTH, 5e-9);
	qty_bad("900", CB_QTY_BANDWIDTH, "has no unit");
	qty_bad("900 gb/s", CB_QTY_BANDWIDTH, "unknown unit 'gb/s'");
	qty_bad("300 nsec", CB_QTY_TIME, "unknown unit 'nsec'");
	qty_bad("3 ft", CB_QTY_LENGTH, "unknown unit 'ft'");
	qty_bad("-3 m", CB_QTY_LENGTH, "negative");
	qty_bad("fast", CB_QTY_BANDWIDTH, "is not a bandwidth");
	qty_bad("nan ns", CB_QTY_TIME, "is not a time");
	qty_bad("inf m", CB_QTY_LENGTH, "is not a length");
	qty_bad("", CB_QTY_TIME, "empty value");
	qty_bad("3 m long", CB_QTY_LENGTH, "unexpected 'long'");
	qty_bad("300 ns bidirectional", CB_QTY_TIME, "unexpected 'bidirectional'");
	qty_bad("5 W", CB_QTY_ENERGY_PER_BIT, "unknown unit 'W' for an energy per bit");
	qty_bad("1e300 TB/s", CB_QTY_BANDWIDTH, "too large");
	qty_bad("1e30 km", CB_QTY_LENGTH, "too large");

	double v;
	char err[400];
	ok(cb_ratio_parse("2:1", &v, err, sizeof err) == 0 && v == 2, "ratio 2:1 = 2");
	ok(cb_ratio_parse("3:2", &v, err, sizeof err) == 0 && v == 1.5, "ratio 3:2 = 1.5");
	ok(cb_ratio_parse("2", &v, err, sizeof err) == 0 && v == 2, "ratio 2 = 2");
	ok(cb_ratio_parse("1:2", &v, err, sizeof err) == -1 && strstr(err, "below 1:1"), "ratio 1:2 refused: %s", err);
	ok(cb_number_parse("1e12", &v, err, sizeof err) == -1 && strstr(err, "too large"), "number 1e12 refused: %s", err);
	ok(cb_ratio_parse("-2:1", &v, err, sizeof err) == -1 && strstr(err, "negative"), "ratio -2:1 refused: %s", err);
	ok(cb_ratio_parse("two", &v, err, sizeof err) == -1 && strstr(err, "not a ratio"), "ratio 'two' refused: %s", err);
	ok(cb_fraction_parse("128b/130b", &v, err, sizeof err) == 0 && fabs(v - 128. / 130) < 1e-15, "128b/130b");
	ok(cb_fraction_parse("64/66", &v, err, sizeof err) == 0 && fabs(v - 64. / 66) < 1e-15, "64/66");
	ok(cb_fraction_parse("97%", &v, err, sizeof err) == 0 && fabs(v - 0.97) < 1e-15, "97%%");
	ok(cb_fraction_parse("0.97", &v, err, sizeof err) == 0 && v == 0.97, "0.97");
	ok(cb_fraction_parse("1.2", &v, err, sizeof err) == -1 && strstr(err, "outside (0, 1]"), "1.2 refused: %s", err);
	ok(cb_fraction_parse("x", &v, err, sizeof err) == -1 && strstr(err, "not an efficiency"), "x refused: %s", err);
	int b;
	ok(cb_bool_parse("yes", &b, err, sizeof err) == 0 && b == 1, "yes");
	ok(cb_bool_parse("off", &b, err, sizeof err) == 0 && b == 0, "off");
	ok(cb_bool_parse("maybe", &b, err, sizeof err) == -1 && strstr(err, "yes/no"), "maybe refused");
	long l;
	ok(cb_long_parse("-4", 1, 10, &l, err, sizeof err) == -1 && strstr(err, "negative"), "long -4 refused: %s", err);
	ok(cb_long_parse("4x", 1, 10, &l, err, sizeof err) == -1 && strstr(err, "whole number"), "long 4x refused: %s", err);
}

static void test_sha256(void)
{
	static const struct { size_t n; const char *hex; } as[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
		{ 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	};
	char hex[65];
	cb_sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256('')");
	cb_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256('abc')");
	const char *s448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	cb_sha256_hex(s448, strlen(s448), hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256(448-bit FIPS vector)");
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
		cb_sha256_hex(a, as[i].n, hex);
		is_str(hex, as[i].hex, "sha256('a' x %zu)", as[i].n);
	}
	free(a);
}

/* Every key of every section, values chosen to be distinguishable. */
static const char *every_key =
	"; every key\n"
	"[topology]\n"
	"name = every-key\n"
	"description = a file with every key\n"
	"endpoints = 1000\n"
	"endpoints_per_node = 4\n"
	"fec = 80 ns\n"
	"propagation = 5 ns/m\n"
	"switch_energy = 7 pJ/bit\n"
	"\n"
	"[tier rack]\n"
	"group_size = 72\n"
	"lanes = 36\n"
	"lane_rate = 200 Gb/s\n"
	"encoding = 128b/130b\n"
	"hops = 1\n"
	"switch_latency = 300 ns\n"
	"endpoint_latency = 100 ns\n"
	"cable = 1 m\n"
	"medium = copper\n"
	"lower_medium = copper\n"
	"oversubscription = 1\n"
	"rails = 1\n"
	"rail_aligned = no\n"
	"links_per_endpoint = 18\n"
	"switch_radix = 72\n"
	"network = nvlink\n"
	"fec = 90 ns\n"
	"propagation = 4 ns/m\n"
	"\n"
	"[tier leaf]\n"
	"group_size = 288\n"
	"bandwidth = 100 GB/s\n"
	"lane_rate = 200 Gb/s\n"
	"hops = 1\n"
	"switch_latency = 150 ns\n"
	"endpoint_latency = 50 ns\n"
	"cable = 30 m\n"
	"medium = cpo\n"
	"lower_medium = pluggable\n"
	"oversubscription = 2:1\n"
	"rails = 2\n"
	"rail_aligned = yes\n"
	"switch_radix = 144\n"
	"network = ib\n"
	"\n"
	"[tier spine]\n"
	"group_size = 1000\n"
	"bandwidth = 800 Gb/s\n"
	"lane_rate = 200 Gb/s\n"
	"switch_latency = 150 ns\n"
	"cable = 100 m\n"
	"medium = pluggable\n"
	"\n"
	"[media cpo]\n"
	"energy = 4 pJ/bit\n"
	"host_serdes = 1 pJ/bit\n"
	"latency = 3 ns\n"
	"power = 6 W\n"
	"power_at = 800 Gb/s\n"
	"failure_rate = 0.25\n"
	"propagation = 5.1 ns/m\n"
	"reach_200g = 20 m\n"
	"reach_400g = 10 m\n"
	"source = test figures\n";

static void test_every_key(void)
{
	struct cb_topo t;
	char err[600] = "";
	int rc = cb_topo_parse_string(every_key, "every.ini", &t, err, sizeof err);
	ok(rc == 0, "file with every key parses (%s)", err);
	if (rc)
		return;
	is_str(t.name, "every-key", "name");
	is_str(t.description, "a file with every key", "description");
	is_num(t.endpoints, 1000, 0, "endpoints");
	is_num(t.endpoints_per_node, 4, 0, "endpoints_per_node");
	is_num(t.fec_s, 80e-9, 1e-18, "fec");
	is_num(t.prop_s_per_m, 5e-9, 1e-18, "propagation");
	is_num(t.switch_pj_per_bit, 7, 0, "switch_energy");
	is_num(t.ntiers, 3, 0, "three tiers in file order");
	const struct cb_tier *r = &t.tier[0], *l = &t.tier[1], *s = &t.tier[2];
	is_str(r->name, "rack", "tier 0 name");
	is_num(r->line, 11, 0, "tier 0 line");
	is_num(r->group_size, 72, 0, "group_size");
	is_num(r->lanes, 36, 0, "lanes");
	is_num(r->lane_gbps, 200, 1e-9, "lane_rate in Gb/s");
	is_num(r->encoding, 128. / 130, 1e-15, "encoding");
	is_num(r->bw_Bps, 36 * 200e9 / 8 * 128 / 130, 1, "derived bandwidth = lanes x lane_rate x encoding");
	is_num(r->hops, 1, 0, "hops");
	is_num(r->switch_s, 300e-9, 1e-18, "switch_latency");
	is_num(r->endpoint_s, 100e-9, 1e-18, "endpoint_latency");
	is_num(r->cable_m, 1, 0, "cable");
	ok(r->medium == CB_MEDIUM_COPPER && r->lower_medium == CB_MEDIUM_COPPER, "medium, lower_medium");
	is_num(r->oversub, 1, 0, "oversubscription");
	is_num(r->rails, 1, 0, "rails");
	is_num(r->rail_aligned, 0, 0, "rail_aligned no");
	is_num(r->links_per_endpoint, 18, 0, "links_per_endpoint");
	is_num(r->switch_radix, 72, 0, "switch_radix");
	is_str(r->network, "nvlink", "network");
	is_num(r->fec_s, 90e-9, 1e-18, "tier fec overrides topology fec");
	is_num(r->prop_s_per_m, 4e-9, 1e-18, "tier propagation overrides topology propagation");
	is_num(l->bw_Bps, 100e9, 0, "bandwidth given directly");
	is_num(l->lanes, 0, 0, "lanes 0 when bandwidth is given");
	is_num(l->oversub, 2, 0, "oversubscription 2:1");
	is_num(l->rails, 2, 0, "rails 2");
	is_num(l->links_per_endpoint, 2, 0, "links_per_endpoint defaults to rails");
	is_num(l->rail_aligned, 1, 0, "rail_aligned yes");
	ok(l->medium == CB_MEDIUM_CPO && l->lower_medium == CB_MEDIUM_PLUGGABLE, "cpo over pluggable");
	is_num(l->fec_s, 80e-9, 1e-18, "tier fec defaults to the topology's");
	is_num(l->prop_s_per_m, 5e-9, 1e-18, "tier propagation defaults to the topology's");
	is_num(s->bw_Bps, 100e9, 0, "800 Gb/s = 100 GB/s");
	is_str(s->network, "ib", "network defaults to the previous tier's");
	is_num(s->hops, 3, 0, "hops default: second tier of a folded Clos = 3");
	is_num(s->switch_radix, 0, 0, "switch_radix default 0 (not modelled)");
	const struct cb_media *c = &t.media[CB_MEDIUM_CPO];
	is_num(c->pj_per_bit, 4, 0, "media override: energy");
	is_num(c->host_serdes_pj_per_bit, 1, 0, "media override: host_serdes");
	is_num(c->latency_s, 3e-9, 1e-18, "media override: latency");
	is_num(c->watts_per_port, 6, 0, "media override: power");
	is_num(c->watts_port_gbps, 800, 1e-9, "media override: power_at");
	is_num(c->failure_rel, 0.25, 0, "media override: failure_rate");
	is_num(c->prop_s_per_m, 5.1e-9, 1e-18, "media override: propagation");
	is_num(cb_media_reach_m(c, 200, NULL), 20, 0, "media override: reach_200g replaces the default");
	is_num(cb_media_reach_m(c, 400, NULL), 10, 0, "media override: reach_400g adds an entry");
	is_str(c->source, "test figures", "media override: source");
	ok(t.media_overridden[CB_MEDIUM_CPO] && !t.media_overridden[CB_MEDIUM_PLUGGABLE], "only cpo marked overridden");
	struct cb_media def[CB_MEDIUM_COUNT];
	cb_media_defaults(def);
	is_num(t.media[CB_MEDIUM_PLUGGABLE].pj_per_bit, def[CB_MEDIUM_PLUGGABLE].pj_per_bit, 0, "pluggable keeps its default");
	char hex[65];
	cb_sha256_hex(every_key, strlen(every_key), hex);
	is_str(t.sha256, hex, "sha256 of the text");
}

static const char *minimal =
	"[tier a]\n"
	"group_size = 8\n"
	"bandwidth = 400 GB/s\n"
	"lane_rate = 100 Gb/s\n"
	"switch_latency = 200 ns\n"
	"cable = 1 m\n"
	"medium = aec\n"
	"[tier b]\n"
	"group_size = 64\n"
	"bandwidth = 50 GB/s\n"
	"lane_rate = 100 Gb/s\n"
	"switch_latency = 100 ns\n"
	"cable = 10 m\n"
	"medium = lpo\n"
	"[tier c]\n"
	"group_size = 512\n"
	"bandwidth = 50 GB/s\n"
	"lane_rate = 100 Gb/s\n"
	"switch_latency = 100 ns\n"
	"cable = 50 m\n"
	"medium = pluggable\n"
	"[media aec]\n"
	"latency = 40 ns\n";

static void test_defaults_and_latency(void)
{
	struct cb_topo t;
	char err[600] = "";
	int rc = cb_topo_parse_string(minimal, "dir/minimal.ini", &t, err, sizeof err);
	ok(rc == 0, "minimal file parses (%s)", err);
	if (rc)
		return;
	is_str(t.name, "minimal", "name defaults to the file name without directory and extension");
	is_num(t.endpoints, 512, 0, "endpoints default: outermost group size");
	is_num(t.fec_s, 100e-9, 1e-18, "fec default 100 ns");
	is_num(t.switch_pj_per_bit, 9, 0, "switch_energy default 9 pJ/bit");
	is_num(t.tier[0].encoding, 1, 0, "encoding default 1");
	is_num(t.tier[0].oversub, 1, 0, "oversubscription default 1");
	is_num(t.tier[0].rails, 1, 0, "rails default 1");
	is_num(t.tier[0].rail_aligned, 0, 0, "rail_aligned default no");
	is_num(t.tier[0].endpoint_s, 0, 0, "endpoint_latency default 0");
	is_str(t.tier[0].network, "fabric", "network default 'fabric'");
	ok(t.tier[1].lower_medium == CB_MEDIUM_LPO, "lower_medium defaults to medium");
	is_num(t.tier[0].hops, 1, 0, "hops default tier 0: 1");
	is_num(t.tier[1].hops, 3, 0, "hops default tier 1: 3");
	is_num(t.tier[2].hops, 5, 0, "hops default tier 2: 5");
	is_num(t.tier[0].prop_s_per_m, 4.3e-9, 1e-18, "aec propagation 4.3 ns/m (copper)");
	is_num(t.tier[2].prop_s_per_m, 4.9e-9, 1e-18, "pluggable propagation 4.9 ns/m (fibre)");
	is_num(t.media[CB_MEDIUM_AEC].latency_s, 40e-9, 1e-18, "aec latency overridden");
	ok(strstr(t.media[CB_MEDIUM_AEC].source, "overridden in dir/minimal.ini:22"), "override noted in source: %s",
	   t.media[CB_MEDIUM_AEC].source);

	/* tier c: 5 hops x 100 ns; links: 2 aec (1 m), 2 lpo (10 m), 2 pluggable (50 m). */
	struct cb_latency_parts p;
	cb_tier_latency_parts(&t, 2, &p);
	double media = 2 * (2 * 40e-9) + 2 * (2 * 2e-9) + 2 * (2 * 50e-9);
	double prop = 2 * 1 * 4.3e-9 + 2 * 10 * 4.9e-9 + 2 * 50 * 4.9e-9;
	is_num(p.hops, 5, 0, "tier c: 5 hops");
	is_num(p.links, 6, 0, "tier c: 6 links");
	is_num(p.switch_s, 500e-9, 1e-18, "tier c: switch term");
	is_num(p.media_s, media, 1e-15, "tier c: media term");
	is_num(p.fec_s, 6 * 100e-9, 1e-15, "tier c: FEC per link");
	is_num(p.prop_s, prop, 1e-15, "tier c: propagation term");
	is_num(p.total_s, 500e-9 + media + 600e-9 + prop, 1e-15, "tier c: total = sum of terms");
	is_num(cb_tier_latency_s(&t, 2), p.total_s, 0, "cb_tier_latency_s = parts total");
	cb_tier_latency_parts(&t, 0, &p);
	is_num(p.total_s, 200e-9 + 2 * 80e-9 + 2 * 100e-9 + 2 * 4.3e-9, 1e-15, "tier a latency");

	double reach, used;
	const struct cb_media *cu = &t.media[CB_MEDIUM_COPPER], *lpo = &t.media[CB_MEDIUM_LPO];
	ok(cb_media_reach_m(cu, 200, &used) == 1 && used == 200, "copper reach 1 m at 200G");
	ok(cb_media_reach_m(cu, 100, &used) == 2 && used == 100, "copper reach 2 m at 100G");
	ok(cb_media_reach_m(cu, 50, &used) == 2 && used == 100, "copper at 50G: the next higher rate's figure (100G, 2 m)");
	ok(cb_media_reach_m(cu, 10, &used) == 7 && used == 25, "copper at 10G: 25G's 7 m");
	ok(cb_media_reach_m(lpo, 200, &used) == 500 && used == 100, "lpo at 200G: above every entry, the highest (100G) is used");
	ok(cb_media_reach_m(cu, 200.0000000001, &used) == 1 && used == 200, "rounding noise on the lane rate is ignored");
	ok(cb_tier_reach_ok(&t, 0, &reach) && reach == 7, "aec 1 m at 100G: within 7 m");
	ok(cb_tier_reach_ok(&t, 1, &reach) && reach == 500, "lpo 10 m: within 500 m");

	struct cb_topo_counts c;
	cb_topo_count(&t, 50, &c);
	ok(c.used[0] && c.used[1] && !c.used[2], "50 endpoints cross tiers a and b (64), not c");
	is_num(c.groups[0], 7, 0, "ceil(50/8) groups at tier a");
	is_num(c.groups[1], 1, 0, "one group at tier b");
	is_num(c.links[0], 50, 0, "tier a links");
	is_num(c.links[2], 0, 0, "tier c not counted");
	is_num(c.switches[0], -1, 0, "no radix: switches not modelled");
	is_num(c.ends_by_medium[CB_MEDIUM_LPO], 100, 0, "lpo ends = 2 x links");
	is_num(c.optical_ports, 100, 0, "optical ports = lpo ends");
	cb_topo_count(&t, 1000, &c);
	ok(c.exceeds, "1000 endpoints exceed the outermost group");
}

static void test_counts_reach_shipped(const char *srcdir)
{
	char path[1024], err[600];
	struct cb_topo t;
	snprintf(path, sizeof path, "%s/topologies/gb200-nvl72-pluggable.ini", srcdir);
	ok(cb_topo_load(path, &t, err, sizeof err) == 0, "gb200-nvl72-pluggable loads (%s)", err);
	is_num(t.tier[0].bw_Bps, 900e9, 1, "NVL72: 36 x 200 Gb/s = 900 GB/s per direction");
	is_num(cb_tier_latency_s(&t, 0), 708.6e-9, 1e-12, "NVL72 one-way ~700 ns");
	struct cb_topo_counts c;
	cb_topo_count(&t, 9216, &c);
	is_num(c.switches[0], 128 * 18, 0, "18 NVLink switch chips per rack");
	is_num(c.links[1], 9216, 0, "one leaf link per GPU");
	is_num(c.switches[1], 128, 0, "leaves: 2 x 9216 ports / 144");
	is_num(c.switches[2], 64, 0, "spines: 9216 / 144");
	is_num(c.optical_ports, 4 * 9216, 0, "optical ports: 2 ends x (leaf + spine) links");
	cb_topo_count(&t, 72, &c);
	ok(c.used[0] && !c.used[1] && !c.used[2] && c.optical_ports == 0, "72 GPUs: one rack, no scale-out counted");
	const char *cases[][2] = { { "rubin-ultra-nvl576-copper", "0" }, { "rubin-ultra-nvl576-hybrid", "1" },
				   { "scaleout-1m-cpo", "1" }, { "scaleout-1m-pluggable", "1" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ok(cb_topo_load(cases[i][0], &t, err, sizeof err) == 0, "%s loads by name (%s)", cases[i][0], err);
		int all = 1;
		for (int k = 0; k < t.ntiers; k++)
			all &= cb_tier_reach_ok(&t, k, NULL);
		ok(all == (cases[i][1][0] == '1'), "%s: reach %s", cases[i][0], all ? "feasible" : "infeasible");
	}
	cb_topo_load("rubin-ultra-nvl576-copper", &t, err, sizeof err);
	double reach;
	ok(!cb_tier_reach_ok(&t, 1, &reach) && reach == 1 && t.tier[1].cable_m == 5, "NVL576 copper: 5 m > 1 m");
	cb_topo_load("scaleout-1m-cpo", &t, err, sizeof err);
	cb_topo_count(&t, t.endpoints, &c);
	is_num(c.switches[0] + c.switches[1] + c.switches[2], 16384 + 16384 + 8192, 0, "1M CPO: 40,960 switches");
	is_num(c.ends_by_medium[CB_MEDIUM_PLUGGABLE], 4L * 1048576, 0, "1M CPO: one pluggable per NIC link");
}

static void test_json(void)
{
	struct cb_topo t;
	char err[600];
	cb_topo_parse_string(every_key, "every.ini", &t, err, sizeof err);
	json_t *j = cb_topo_to_json(&t);
	ok(j != NULL, "cb_topo_to_json returns an object");
	is_str(json_string_value(json_object_get(j, "name")), "every-key", "json name");
	is_str(json_string_value(json_object_get(j, "sha256")), t.sha256, "json sha256");
	json_t *tiers = json_object_get(j, "tiers");
	is_num(json_array_size(tiers), 3, 0, "json tiers");
	json_t *leaf = json_array_get(tiers, 1);
	is_str(json_string_value(json_object_get(leaf, "medium")), "cpo", "json tier medium");
	is_str(json_string_value(json_object_get(leaf, "lower_medium")), "pluggable", "json tier lower_medium");
	is_num(json_real_value(json_object_get(leaf, "bw_GBps")), 100, 1e-9, "json bw_GBps");
	is_num(json_real_value(json_object_get(leaf, "bw_uplink_GBps")), 50, 1e-9, "json uplink after 2:1");
	is_num(json_real_value(json_object_get(json_object_get(leaf, "latency_ns"), "total")), cb_tier_latency_s(&t, 1) * 1e9,
	       1e-6, "json latency total");
	ok(json_is_true(json_object_get(leaf, "reach_ok")) == 0, "json reach_ok false (30 m > 20 m cpo override)");
	ok(json_object_get(json_object_get(j, "media"), "cpo") && !json_object_get(json_object_get(j, "media"), "aec"),
	   "json media: only the media used");
	json_decref(j);
}

static void test_text_forms(void)
{
	struct cb_topo t;
	char err[600];
	const char *crlf = "\xef\xbb\xbf[tier  x  ]\r\ngroup_size = 4\r\nbandwidth = 1 GB/s ; inline\r\nhops = 0\r\ncable = 0 m\r\n"
			   "medium = COPPER\r\n";
	ok(cb_topo_parse_string(crlf, "crlf.ini", &t, err, sizeof err) == 0, "BOM, CRLF, inline comment, upper-case medium (%s)", err);
	is_str(t.tier[0].name, "x", "section name trimmed");
	is_num(t.tier[0].bw_Bps, 1e9, 0, "value before an inline comment");
	ok(cb_topo_parse_string("", "empty.ini", &t, err, sizeof err) == -1 && strstr(err, "empty.ini:1: no tiers"),
	   "empty file: %s", err);
	ok(cb_topo_parse_string("; only a comment\n", "c.ini", &t, err, sizeof err) == -1 && strstr(err, "c.ini:1: no tiers"),
	   "comment-only file: %s", err);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_lookup(const char *srcdir)
{
	char path[1024], err[1200], dir[] = "/tmp/cb-topo-test.XXXXXX";
	struct cb_topo t;
	snprintf(path, sizeof path, "%s/topologies/local.ini", srcdir);
	char *text = slurp(path);
	ok(text && strcmp(text, cb_topo_local_text) == 0, "built-in local is byte-identical to topologies/local.ini");
	ok(cb_topo_parse_string(cb_topo_local_text, "local (built in)", &t, err, sizeof err) == 0 && t.tier[0].group_size == 2,
	   "built-in local parses: domains of 2 (%s)", err);
	free(text);

	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof path, "%s/mine.ini", dir);
	FILE *f = fopen(path, "w");
	fputs(minimal, f);
	fclose(f);
	setenv("CPOBENCH_TOPOLOGY_PATH", dir, 1);
	ok(cb_topo_load("mine", &t, err, sizeof err) == 0 && strcmp(t.path, path) == 0, "name found in $CPOBENCH_TOPOLOGY_PATH (%s)",
	   t.path);
	/* A file named like a shipped topology shadows it. */
	snprintf(path, sizeof path, "%s/local.ini", dir);
	f = fopen(path, "w");
	fputs(minimal, f);
	fclose(f);
	ok(cb_topo_load("local", &t, err, sizeof err) == 0 && t.ntiers == 3, "$CPOBENCH_TOPOLOGY_PATH comes first");
	unlink(path);
	snprintf(path, sizeof path, "%s/mine.ini", dir);
	unlink(path);
	rmdir(dir);
	unsetenv("CPOBENCH_TOPOLOGY_PATH");
	ok(cb_topo_load("no-such-topology", &t, err, sizeof err) == -1 && strstr(err, "topology 'no-such-topology' not found") &&
	   strstr(err, "/topologies"), "unknown name: %s", err);
	ok(cb_topo_load("/nonexistent/x.ini", &t, err, sizeof err) == -1 && strstr(err, "/nonexistent/x.ini: cannot open"),
	   "missing file: %s", err);
}

int main(void)
{
	const char *srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	test_units();
	test_sha256();
	test_every_key();
	test_defaults_and_latency();
	test_counts_reach_shipped(srcdir);
	test_json();
	test_text_forms();
	test_lookup(srcdir);
	return tap_done();
}
