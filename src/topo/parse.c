/* Topology files: INI (inih) -> struct cb_topo, every error as "file:line: what was expected". */
#include "config.h"
#include "topo/quantity.h"
#include "topo/topo.h"

#include <ctype.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tier_key {
	TK_GROUP_SIZE, TK_BANDWIDTH, TK_LANES, TK_LANE_RATE, TK_ENCODING, TK_HOPS, TK_SWITCH_LATENCY,
	TK_ENDPOINT_LATENCY, TK_CABLE, TK_MEDIUM, TK_LOWER_MEDIUM, TK_OVERSUB, TK_RAILS, TK_RAIL_ALIGNED,
	TK_LINKS_PER_ENDPOINT, TK_SWITCH_RADIX, TK_NETWORK, TK_FEC, TK_PROPAGATION, TK_COUNT
};
static const char *const tier_keys[TK_COUNT] = {
	"group_size", "bandwidth", "lanes", "lane_rate", "encoding", "hops", "switch_latency",
	"endpoint_latency", "cable", "medium", "lower_medium", "oversubscription", "rails", "rail_aligned",
	"links_per_endpoint", "switch_radix", "network", "fec", "propagation",
};

enum topo_key { OK_NAME, OK_DESCRIPTION, OK_ENDPOINTS, OK_ENDPOINTS_PER_NODE, OK_FEC, OK_PROPAGATION, OK_SWITCH_ENERGY, OK_COUNT };
static const char *const topo_keys[OK_COUNT] = {
	"name", "description", "endpoints", "endpoints_per_node", "fec", "propagation", "switch_energy",
};

enum media_key { MK_ENERGY, MK_HOST_SERDES, MK_LATENCY, MK_POWER, MK_POWER_AT, MK_FAILURE_RATE, MK_PROPAGATION, MK_SOURCE, MK_REACH, MK_COUNT };
static const char *const media_keys[MK_COUNT] = {
	"energy", "host_serdes", "latency", "power", "power_at", "failure_rate", "propagation", "source", "reach_<rate>g",
};

enum section_kind { SEC_NONE, SEC_TOPOLOGY, SEC_TIER, SEC_MEDIA };

struct parse_state {
	struct cb_topo *t;
	const char *fname;
	/* reader */
	const char *text;
	size_t pos;
	int line;          /* line last handed to inih */
	int header_line;   /* line of the last "[section]" header read */
	int line_too_long;
	/* current section */
	char section[128];
	int in_section;
	int section_line;  /* header line of the current section */
	enum section_kind kind;
	int tier;
	enum cb_medium medium;
	/* what was seen, with lines, for duplicates and required keys */
	int topo_line;
	int topo_key_line[OK_COUNT];
	int tier_key_line[CB_TOPO_MAX_TIERS][TK_COUNT];
	int media_line[CB_MEDIUM_COUNT];
	int media_key_line[CB_MEDIUM_COUNT][MK_COUNT + CB_MEDIA_MAX_REACH];
	int fec_given, prop_given;
	/* first error */
	int err_line;
	char err[512];
};

static int fail(struct parse_state *ps, int line, const char *fmt, ...)
{
	if (ps->err_line)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err, sizeof ps->err, fmt, ap);
	va_end(ap);
	ps->err_line = line > 0 ? line : 1;
	return 0;
}

/* Reader for ini_parse_stream: hands inih one line at a time so we know the line number. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	const char *p = ps->text + ps->pos;
	if (!*p)
		return NULL;
	size_t n = strcspn(p, "\n");
	size_t take = n + (p[n] == '\n');
	ps->line++;
	if (n >= (size_t)num - 1) {
		if (!ps->line_too_long)
			ps->line_too_long = ps->line;
		n = (size_t)num - 2;
	}
	memcpy(str, p, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	ps->pos += take;
	const char *q = str;
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == '[')
		ps->header_line = ps->line;
	return str;
}

static int find_key(const char *const *keys, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], name) == 0)
			return i;
	return -1;
}

static void key_list(const char *const *keys, int n, char *buf, size_t len)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && k + 1 < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? ", " : "", keys[i]);
}

/* A new section starts: decide its kind and register tiers/media. */
static int begin_section(struct parse_state *ps, const char *section)
{
	struct cb_topo *t = ps->t;
	int line = ps->header_line;
	snprintf(ps->section, sizeof ps->section, "%s", section);
	ps->in_section = 1;
	ps->section_line = ps->header_line;
	char word[32] = "", arg[96] = "";
	if (sscanf(section, "%31s %95[^\n]", word, arg) < 1) {
		ps->kind = SEC_NONE;
		return fail(ps, line, "empty section name (expected [topology], [tier NAME] or [media MEDIUM])");
	}
	for (size_t n = strlen(arg); n > 0 && isspace((unsigned char)arg[n - 1]); n--)
		arg[n - 1] = '\0';
	if (strcmp(word, "topology") == 0 && !arg[0]) {
		if (ps->topo_line)
			return fail(ps, line, "duplicate [topology] section (first at line %d)", ps->topo_line);
		ps->topo_line = line;
		ps->kind = SEC_TOPOLOGY;
		return 1;
	}
	if (strcmp(word, "tier") == 0) {
		if (!arg[0])
			return fail(ps, line, "[tier] needs a name (expected [tier NAME], e.g. [tier nvlink])");
		for (int i = 0; i < t->ntiers; i++)
			if (strcmp(t->tier[i].name, arg) == 0)
				return fail(ps, line, "duplicate tier name '%s' (first at line %d; expected unique tier names)", arg,
					    t->tier[i].line);
		if (strlen(arg) >= sizeof t->tier[0].name)
			return fail(ps, line, "tier name '%s' is too long (expected at most %zu characters)", arg,
				    sizeof t->tier[0].name - 1);
		if (t->ntiers == CB_TOPO_MAX_TIERS)
			return fail(ps, line, "too many tiers (expected at most %d)", CB_TOPO_MAX_TIERS);
		ps->tier = t->ntiers++;
		struct cb_tier *T = &t->tier[ps->tier];
		memset(T, 0, sizeof *T);
		snprintf(T->name, sizeof T->name, "%s", arg);
		T->line = line;
		ps->kind = SEC_TIER;
		return 1;
	}
	if (strcmp(word, "media") == 0) {
		enum cb_medium m;
		if (!arg[0] || cb_medium_parse(arg, &m) != 0)
			return fail(ps, line, "unknown medium '%s' in [media] (expected [media copper|aec|pluggable|lpo|cpo])", arg);
		if (ps->media_line[m])
			return fail(ps, line, "duplicate [media %s] section (first at line %d)", cb_medium_name(m), ps->media_line[m]);
		ps->media_line[m] = line;
		ps->medium = m;
		ps->kind = SEC_MEDIA;
		return 1;
	}
	ps->kind = SEC_NONE;
	return fail(ps, line, "unknown section [%s] (expected [topology], [tier NAME] or [media MEDIUM])", section);
}

#define TRY(call)                                                                            \
	do {                                                                                 \
		if ((call) != 0)                                                             \
			return fail(ps, ps->line, "%s = %s: %s", name, value, msg);          \
	} while (0)

static int topo_key(struct parse_state *ps, int k, const char *name, const char *value)
{
	struct cb_topo *t = ps->t;
	char msg[400];
	long v;
	switch (k) {
	case OK_NAME:
		if (!*value || strlen(value) >= sizeof t->name)
			return fail(ps, ps->line, "name = '%s': expected 1 to %zu characters", value, sizeof t->name - 1);
		snprintf(t->name, sizeof t->name, "%s", value);
		break;
	case OK_DESCRIPTION:
		snprintf(t->description, sizeof t->description, "%s", value);
		break;
	case OK_ENDPOINTS:
		TRY(cb_long_parse(value, 1, 1L << 40, &v, msg, sizeof msg));
		t->endpoints = v;
		break;
	case OK_ENDPOINTS_PER_NODE:
		TRY(cb_long_parse(value, 1, 1L << 20, &v, msg, sizeof msg));
		t->endpoints_per_node = v;
		break;
	case OK_FEC:
		TRY(cb_qty_parse(value, CB_QTY_TIME, &t->fec_s, msg, sizeof msg));
		ps->fec_given = 1;
		break;
	case OK_PROPAGATION:
		TRY(cb_qty_parse(value, CB_QTY_TIME_PER_LENGTH, &t->prop_s_per_m, msg, sizeof msg));
		ps->prop_given = 1;
		break;
	case OK_SWITCH_ENERGY:
		TRY(cb_qty_parse(value, CB_QTY_ENERGY_PER_BIT, &t->switch_pj_per_bit, msg, sizeof msg));
		break;
	}
	return 1;
}

static int medium_value(struct parse_state *ps, const char *name, const char *value, enum cb_medium *out)
{
	if (cb_medium_parse(value, out) != 0)
		return fail(ps, ps->line, "%s = %s: unknown medium (expected copper, aec, pluggable, lpo or cpo)", name, value);
	return 1;
}

static int tier_key(struct parse_state *ps, int k, const char *name, const char *value)
{
	struct cb_tier *T = &ps->t->tier[ps->tier];
	char msg[400];
	long v;
	double d;
	switch (k) {
	case TK_GROUP_SIZE:
		TRY(cb_long_parse(value, 1, 1L << 40, &v, msg, sizeof msg));
		T->group_size = v;
		break;
	case TK_BANDWIDTH:
		TRY(cb_qty_parse(value, CB_QTY_BANDWIDTH, &T->bw_Bps, msg, sizeof msg));
		if (T->bw_Bps <= 0)
			return fail(ps, ps->line, "bandwidth = %s: expected a bandwidth > 0", value);
		break;
	case TK_LANES:
		TRY(cb_long_parse(value, 1, 1 << 20, &v, msg, sizeof msg));
		T->lanes = (int)v;
		break;
	case TK_LANE_RATE:
		TRY(cb_qty_parse(value, CB_QTY_BANDWIDTH, &d, msg, sizeof msg));
		if (d <= 0)
			return fail(ps, ps->line, "lane_rate = %s: expected a lane rate > 0 (e.g. '200 Gb/s')", value);
		T->lane_gbps = d * 8 / 1e9;
		break;
	case TK_ENCODING:
		TRY(cb_fraction_parse(value, &T->encoding, msg, sizeof msg));
		break;
	case TK_HOPS:
		TRY(cb_long_parse(value, 0, 64, &v, msg, sizeof msg));
		T->hops = (int)v;
		T->hops_given = 1;
		break;
	case TK_SWITCH_LATENCY:
		TRY(cb_qty_parse(value, CB_QTY_TIME, &T->switch_s, msg, sizeof msg));
		break;
	case TK_ENDPOINT_LATENCY:
		TRY(cb_qty_parse(value, CB_QTY_TIME, &T->endpoint_s, msg, sizeof msg));
		break;
	case TK_CABLE:
		TRY(cb_qty_parse(value, CB_QTY_LENGTH, &T->cable_m, msg, sizeof msg));
		break;
	case TK_MEDIUM:
		return medium_value(ps, name, value, &T->medium);
	case TK_LOWER_MEDIUM:
		return medium_value(ps, name, value, &T->lower_medium);
	case TK_OVERSUB:
		TRY(cb_ratio_parse(value, &T->oversub, msg, sizeof msg));
		break;
	case TK_RAILS:
		TRY(cb_long_parse(value, 1, 64, &v, msg, sizeof msg));
		T->rails = (int)v;
		break;
	case TK_RAIL_ALIGNED:
		TRY(cb_bool_parse(value, &T->rail_aligned, msg, sizeof msg));
		break;
	case TK_LINKS_PER_ENDPOINT:
		TRY(cb_number_parse(value, &T->links_per_endpoint, msg, sizeof msg));
		if (T->links_per_endpoint <= 0 || T->links_per_endpoint > 4096)
			return fail(ps, ps->line, "links_per_endpoint = %s: expected a number > 0 and <= 4096", value);
		break;
	case TK_SWITCH_RADIX:
		TRY(cb_long_parse(value, 2, 1 << 20, &v, msg, sizeof msg));
		T->switch_radix = (int)v;
		break;
	case TK_NETWORK:
		if (!*value || strlen(value) >= sizeof T->network || strpbrk(value, " \t"))
			return fail(ps, ps->line, "network = '%s': expected one word of 1 to %zu characters", value,
				    sizeof T->network - 1);
		snprintf(T->network, sizeof T->network, "%s", value);
		break;
	case TK_FEC:
		TRY(cb_qty_parse(value, CB_QTY_TIME, &T->fec_s, msg, sizeof msg));
		break;
	case TK_PROPAGATION:
		TRY(cb_qty_parse(value, CB_QTY_TIME_PER_LENGTH, &T->prop_s_per_m, msg, sizeof msg));
		break;
	}
	return 1;
}

/* "reach_200g" -> 200; -1 if the key is not a reach key. */
static double reach_key_rate(const char *name)
{
	if (strncmp(name, "reach_", 6) != 0)
		return -1;
	char *e;
	double r = strtod(name + 6, &e);
	if (e == name + 6 || (*e != 'g' && *e != 'G') || e[1] || !(r > 0 && r <= 1e6))
		return -1;
	return r;
}

static int media_key(struct parse_state *ps, const char *name, const char *value)
{
	struct cb_media *m = &ps->t->media[ps->medium];
	char msg[400];
	double rate = reach_key_rate(name);
	int k = find_key(media_keys, MK_COUNT - 1, name);
	if (k < 0 && rate < 0) {
		char keys[300];
		key_list(media_keys, MK_COUNT, keys, sizeof keys);
		return fail(ps, ps->line, "unknown key '%s' in [media %s] (expected one of: %s)", name, cb_medium_name(ps->medium),
			    keys);
	}
	int slot = k;
	if (k < 0) {
		int i;
		for (i = 0; i < m->nreach; i++)
			if (m->reach[i].lane_gbps == rate)
				break;
		if (i == m->nreach) {
			if (m->nreach == CB_MEDIA_MAX_REACH)
				return fail(ps, ps->line, "%s: too many reach entries for %s (expected at most %d lane rates)", name,
					    cb_medium_name(ps->medium), CB_MEDIA_MAX_REACH);
			m->reach[m->nreach].lane_gbps = rate;
			m->reach[m->nreach].reach_m = 0;
			m->nreach++;
		}
		slot = MK_COUNT + i;
		if (ps->media_key_line[ps->medium][slot])
			return fail(ps, ps->line, "duplicate key '%s' (first at line %d)", name,
				    ps->media_key_line[ps->medium][slot]);
		ps->media_key_line[ps->medium][slot] = ps->line;
		TRY(cb_qty_parse(value, CB_QTY_LENGTH, &m->reach[i].reach_m, msg, sizeof msg));
	} else {
		if (ps->media_key_line[ps->medium][slot])
			return fail(ps, ps->line, "duplicate key '%s' (first at line %d)", name,
				    ps->media_key_line[ps->medium][slot]);
		ps->media_key_line[ps->medium][slot] = ps->line;
		double d;
		switch (k) {
		case MK_ENERGY: TRY(cb_qty_parse(value, CB_QTY_ENERGY_PER_BIT, &m->pj_per_bit, msg, sizeof msg)); break;
		case MK_HOST_SERDES: TRY(cb_qty_parse(value, CB_QTY_ENERGY_PER_BIT, &m->host_serdes_pj_per_bit, msg, sizeof msg)); break;
		case MK_LATENCY: TRY(cb_qty_parse(value, CB_QTY_TIME, &m->latency_s, msg, sizeof msg)); break;
		case MK_POWER: TRY(cb_qty_parse(value, CB_QTY_POWER, &m->watts_per_port, msg, sizeof msg)); break;
		case MK_POWER_AT:
			TRY(cb_qty_parse(value, CB_QTY_BANDWIDTH, &d, msg, sizeof msg));
			if (d <= 0)
				return fail(ps, ps->line, "power_at = %s: expected a port speed > 0 (e.g. '1.6 Tb/s')", value);
			m->watts_port_gbps = d * 8 / 1e9;
			break;
		case MK_FAILURE_RATE: TRY(cb_number_parse(value, &m->failure_rel, msg, sizeof msg)); break;
		case MK_PROPAGATION: TRY(cb_qty_parse(value, CB_QTY_TIME_PER_LENGTH, &m->prop_s_per_m, msg, sizeof msg)); break;
		case MK_SOURCE:
			snprintf(m->source, sizeof m->source, "%s", value);
			break;
		}
	}
	if (!ps->t->media_overridden[ps->medium] && k != MK_SOURCE) {
		size_t n = strlen(m->source);
		snprintf(m->source + n, sizeof m->source - n, "; overridden in %s:%d", ps->fname, ps->media_line[ps->medium]);
	}
	ps->t->media_overridden[ps->medium] = 1;
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	if (ps->err_line)
		return 1;  /* keep only the first error; inih goes on reading */
	if (!ps->in_section || ps->header_line != ps->section_line) {
		if (!section[0])
			return fail(ps, ps->line, "key '%s' outside a section (expected [topology], [tier NAME] or [media MEDIUM] first)",
				    name);
		if (!begin_section(ps, section))
			return 0;
	}
	char keys[400];
	int k;
	switch (ps->kind) {
	case SEC_TOPOLOGY:
		k = find_key(topo_keys, OK_COUNT, name);
		if (k < 0) {
			key_list(topo_keys, OK_COUNT, keys, sizeof keys);
			return fail(ps, ps->line, "unknown key '%s' in [topology] (expected one of: %s)", name, keys);
		}
		if (ps->topo_key_line[k])
			return fail(ps, ps->line, "duplicate key '%s' (first at line %d)", name, ps->topo_key_line[k]);
		ps->topo_key_line[k] = ps->line;
		return topo_key(ps, k, name, value);
	case SEC_TIER:
		k = find_key(tier_keys, TK_COUNT, name);
		if (k < 0) {
			key_list(tier_keys, TK_COUNT, keys, sizeof keys);
			return fail(ps, ps->line, "unknown key '%s' in [tier %s] (expected one of: %s)", name,
				    ps->t->tier[ps->tier].name, keys);
		}
		if (ps->tier_key_line[ps->tier][k])
			return fail(ps, ps->line, "duplicate key '%s' (first at line %d)", name, ps->tier_key_line[ps->tier][k]);
		ps->tier_key_line[ps->tier][k] = ps->line;
		return tier_key(ps, k, name, value);
	case SEC_MEDIA:
		return media_key(ps, name, value);
	case SEC_NONE:
		break;
	}
	return 0;
}

/* After the last line: defaults, derived values and the checks that need the whole file. */
static int finish(struct parse_state *ps)
{
	struct cb_topo *t = ps->t;
	if (!t->ntiers)
		return fail(ps, ps->line, "no tiers (expected at least one [tier NAME] section)");
	if (!ps->fec_given)
		t->fec_s = 100e-9;            /* RS(544,514) KP4 ~100 ns per link (estimate, 50-150) */
	if (!ps->prop_given)
		t->prop_s_per_m = 0;          /* resolved per tier from the medium below */
	if (!ps->topo_key_line[OK_SWITCH_ENERGY])
		t->switch_pj_per_bit = 9;     /* Tomahawk 5 ~9 pJ/bit (estimate) */
	for (int i = 0; i < t->ntiers; i++) {
		struct cb_tier *T = &t->tier[i];
		int *kl = ps->tier_key_line[i];
		static const int required[] = { TK_GROUP_SIZE, TK_CABLE, TK_MEDIUM };
		static const char *const example[] = { "group_size = 72", "cable = 2 m", "medium = copper" };
		for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
			if (!kl[required[r]])
				return fail(ps, T->line, "[tier %s]: missing required key '%s' (expected e.g. '%s')", T->name,
					    tier_keys[required[r]], example[r]);
		/* Reach depends on the lane rate; only a zero-length (on-package, shared-memory) link may omit it. */
		if (!kl[TK_LANE_RATE] && (T->cable_m > 0 || kl[TK_LANES]))
			return fail(ps, T->line, "[tier %s]: missing required key 'lane_rate' (expected e.g. 'lane_rate = 200 Gb/s'; "
				    "needed for the reach check and for lanes)", T->name);
		if (kl[TK_BANDWIDTH] && kl[TK_LANES])
			return fail(ps, kl[TK_LANES], "[tier %s]: both bandwidth (line %d) and lanes given (expected one: "
				    "bandwidth directly, or lanes x lane_rate x encoding)", T->name, kl[TK_BANDWIDTH]);
		if (!kl[TK_BANDWIDTH] && !kl[TK_LANES])
			return fail(ps, T->line, "[tier %s]: missing required key 'bandwidth' or 'lanes' (expected e.g. "
				    "'bandwidth = 900 GB/s' or 'lanes = 36')", T->name);
		if (kl[TK_ENCODING] && !kl[TK_LANES])
			return fail(ps, kl[TK_ENCODING], "[tier %s]: encoding applies only with lanes (expected 'lanes = N' "
				    "or no encoding)", T->name);
		if (i > 0 && T->group_size <= t->tier[i - 1].group_size)
			return fail(ps, kl[TK_GROUP_SIZE], "[tier %s]: group_size %ld is not larger than tier '%s''s %ld (expected "
				    "tiers innermost first, group sizes increasing)", T->name, T->group_size, t->tier[i - 1].name,
				    t->tier[i - 1].group_size);
		if (!kl[TK_ENCODING])
			T->encoding = 1;
		if (kl[TK_LANES]) {
			T->bw_Bps = T->lanes * T->lane_gbps * 1e9 / 8 * T->encoding;
			if (!(T->bw_Bps <= 1e24))
				return fail(ps, kl[TK_LANES], "[tier %s]: lanes x lane_rate is too large (expected a real fabric)", T->name);
		}
		if (!kl[TK_OVERSUB])
			T->oversub = 1;
		if (!kl[TK_RAILS])
			T->rails = 1;
		if (!kl[TK_LINKS_PER_ENDPOINT])
			T->links_per_endpoint = T->rails;
		if (!kl[TK_LOWER_MEDIUM])
			T->lower_medium = T->medium;
		if (!kl[TK_NETWORK])
			snprintf(T->network, sizeof T->network, "%s", i ? t->tier[i - 1].network : "fabric");
		if (!kl[TK_FEC])
			T->fec_s = t->fec_s;
		if (!kl[TK_PROPAGATION])
			T->prop_s_per_m = ps->prop_given ? t->prop_s_per_m : t->media[T->medium].prop_s_per_m;
		if (!T->hops_given) {
			int f = cb_tier_chain_start(t, i);
			T->hops = 2 * (i - f) + 1;
		}
		if (T->hops > 0 && !kl[TK_SWITCH_LATENCY])
			return fail(ps, T->line, "[tier %s]: missing required key 'switch_latency' (hops = %d; expected e.g. "
				    "'switch_latency = 300 ns', or 'hops = 0' for direct links)", T->name, T->hops);
	}
	if (!ps->prop_given)
		t->prop_s_per_m = 4.9e-9;     /* fibre (physics); tiers carry their own */
	for (int m = 0; m < CB_MEDIUM_COUNT; m++)
		if (t->media[m].nreach == 0 || (ps->media_line[m] && t->media[m].watts_port_gbps <= 0))
			return fail(ps, ps->media_line[m], "[media %s]: expected at least one reach_<rate>g entry and power_at > 0",
				    cb_medium_name((enum cb_medium)m));
	long outer = t->tier[t->ntiers - 1].group_size;
	if (!t->endpoints)
		t->endpoints = outer;
	else if (t->endpoints > outer)
		return fail(ps, ps->topo_key_line[OK_ENDPOINTS], "endpoints = %ld exceeds the outermost tier '%s' (group_size "
			    "%ld; expected endpoints <= %ld)", t->endpoints, t->tier[t->ntiers - 1].name, outer, outer);
	return 1;
}

static void default_name(struct cb_topo *t, const char *fname)
{
	const char *b = strrchr(fname, '/');
	b = b ? b + 1 : fname;
	snprintf(t->name, sizeof t->name, "%s", b);
	char *dot = strrchr(t->name, '.');
	if (dot && dot != t->name)
		*dot = '\0';
}

int cb_topo_parse_string(const char *text, const char *fname, struct cb_topo *t, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	struct parse_state *ps = calloc(1, sizeof *ps);
	if (!ps) {
		snprintf(err, errlen, "%s: out of memory", fname);
		return -1;
	}
	memset(t, 0, sizeof *t);
	cb_media_defaults(t->media);
	ps->t = t;
	ps->fname = fname;
	ps->text = text;
	int rc = ini_parse_stream(read_line, ps, handler, ps);
	if (ps->line_too_long && (!ps->err_line || ps->line_too_long <= ps->err_line)) {
		ps->err_line = 0;
		fail(ps, ps->line_too_long, "line too long (expected at most %d characters per line)", INI_MAX_LINE - 2);
	} else if (rc > 0 && (!ps->err_line || rc < ps->err_line)) {
		ps->err_line = 0;
		fail(ps, rc, "cannot parse this line (expected '[section]', 'key = value' or a comment starting with ';' or '#')");
	} else if (rc < 0 && !ps->err_line) {
		fail(ps, 0, "out of memory");
	}
	if (!ps->err_line)
		finish(ps);
	int status = 0;
	if (ps->err_line) {
		snprintf(err, errlen, "%s:%d: %s", fname, ps->err_line, ps->err);
		status = -1;
	} else {
		if (!ps->topo_key_line[OK_NAME])
			default_name(t, fname);
		cb_sha256_hex(text, strlen(text), t->sha256);
	}
	free(ps);
	return status;
}
