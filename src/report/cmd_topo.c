/* cpobench-report topo FILE|NAME [--gpus N] [--strict] [--json]: show and check a topology. */
#include "config.h"
#include "core/units.h"
#include "report/report.h"
#include "topo/topo.h"

#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: cpobench-report topo FILE|NAME [--gpus N] [--strict] [--json]\n"
		   "       cpobench-report topo --list\n\n"
		   "Show a topology: tiers, groups for N endpoints, per-tier bandwidth and one-way latency\n"
		   "with its terms, link/switch/optical-port counts per medium, and reach feasibility.\n\n"
		   "  --gpus N   endpoints to count for (default: the file's 'endpoints')\n"
		   "  --strict   exit 1 when a tier's cable is longer than its medium's reach\n"
		   "  --json     print the topology summary as JSON (with counts and feasibility)\n"
		   "  --list     list the shipped names found on the search path\n\n"
		   "exit status: 0 ok, 1 infeasible reach under --strict, 2 bad usage or topology file\n");
}

static const char *medium_pair(const struct cb_tier *T, char *buf, size_t len)
{
	if (T->lower_medium == T->medium)
		snprintf(buf, len, "%s", cb_medium_name(T->medium));
	else
		snprintf(buf, len, "%s/%s", cb_medium_name(T->medium), cb_medium_name(T->lower_medium));
	return buf;
}

static void print_header(const struct cb_topo *t, long n)
{
	printf("# topology: %s (%s, sha256 %s)\n", t->name, t->embedded ? "built in" : t->path, t->sha256);
	if (t->description[0])
		printf("# %s\n", t->description);
	printf("# endpoints: %ld%s\n", n, n == t->endpoints ? " (the file's default)" : " (--gpus)");
	printf("# bandwidth: per endpoint, per direction (GB/s = 1e9 B/s); uplink = bandwidth / oversubscription\n"
	       "# latency: one way for a pair that crosses the tier = 2 x endpoint + hops x switch + on every\n"
	       "#   link of the path: media adder at both ends + FEC + cable x propagation; the path of a tier\n"
	       "#   goes up and down every tier of its network below it (folded Clos: 2 links per tier)\n"
	       "# counting: a tier's links = endpoints x links_per_endpoint / oversubscription (tiers no pair\n"
	       "#   crosses are not counted); its switches = ceil((links from below + links to the next tier of\n"
	       "#   the same network) / switch_radix); optical ports = link ends on pluggable, lpo or cpo\n");
}

static void print_tiers(const struct cb_topo *t, const struct cb_topo_counts *c)
{
	char med[32];
	printf("\n%-14s %9s %9s %-9s %-16s %10s %10s %6s %5s %5s %7s\n", "tier", "group", "groups", "network", "medium",
	       "bw_GB/s", "uplink", "oversub", "lanes", "lane", "rails");
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		char lanes[16], lane[16];
		snprintf(lanes, sizeof lanes, T->lanes ? "%d" : "-", T->lanes);
		snprintf(lane, sizeof lane, T->lane_gbps > 0 ? "%gG" : "-", T->lane_gbps);
		printf("%-14s %9ld %9ld %-9s %-16s %10.1f %10.1f %6g:1 %5s %5s %4d%s\n", T->name, T->group_size,
		       c->groups[i], T->network, medium_pair(T, med, sizeof med), T->bw_Bps / 1e9,
		       T->bw_Bps / T->oversub / 1e9, T->oversub, lanes, lane, T->rails, T->rail_aligned ? " ra" : "");
	}
}

static void print_latency(const struct cb_topo *t)
{
	printf("\n%-14s %10s %10s %13s %9s %8s %8s %12s\n", "latency_ns", "total", "endpoint", "switch", "media", "fec",
	       "cable", "propagation");
	for (int i = 0; i < t->ntiers; i++) {
		struct cb_latency_parts p;
		char sw[32];
		cb_tier_latency_parts(t, i, &p);
		snprintf(sw, sizeof sw, "%dx%g=%.0f", p.hops, t->tier[i].switch_s * 1e9, p.switch_s * 1e9);
		printf("%-14s %10.1f %10.1f %13s %9.1f %8.1f %7gm %12.1f   (%d links)\n", t->tier[i].name, p.total_s * 1e9,
		       p.endpoint_s * 1e9, sw, p.media_s * 1e9, p.fec_s * 1e9, t->tier[i].cable_m, p.prop_s * 1e9, p.links);
	}
}

static void print_counts(const struct cb_topo *t, const struct cb_topo_counts *c)
{
	char med[32];
	printf("\n%-14s %12s %-16s %12s %7s\n", "counts", "links", "medium", "switches", "radix");
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		char sw[32], radix[16];
		if (!c->used[i])
			snprintf(sw, sizeof sw, "(not crossed)");
		else if (c->switches[i] < 0)
			snprintf(sw, sizeof sw, "(no radix)");
		else
			snprintf(sw, sizeof sw, "%ld", c->switches[i]);
		snprintf(radix, sizeof radix, T->switch_radix ? "%d" : "-", T->switch_radix);
		printf("%-14s %12ld %-16s %12s %7s\n", T->name, c->links[i], medium_pair(T, med, sizeof med), sw, radix);
	}
	printf("\n%-14s %12s %12s %12s\n", "per medium", "links", "ends(ports)", "switches");
	for (int m = 0; m < CB_MEDIUM_COUNT; m++)
		if (c->links_by_medium[m] || c->ends_by_medium[m])
			printf("%-14s %12ld %12ld %12ld\n", cb_medium_name((enum cb_medium)m), c->links_by_medium[m],
			       c->ends_by_medium[m], c->switches_by_medium[m]);
	printf("optical ports: %ld\n", c->optical_ports);
}

/* Returns the number of infeasible tiers. */
static int print_reach(const struct cb_topo *t)
{
	int bad = 0;
	char med[32];
	printf("\n%-14s %-16s %6s %8s %8s  %s\n", "reach", "medium", "lane", "cable", "reach", "feasible");
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		double reach, used;
		int ok = cb_tier_reach_ok(t, i, &reach);
		char lane[16];
		snprintf(lane, sizeof lane, T->lane_gbps > 0 ? "%gG" : "-", T->lane_gbps);
		if (T->lane_gbps <= 0) {
			printf("%-14s %-16s %6s %7gm %8s  yes (no lane rate: a zero-length link)\n", T->name,
			       medium_pair(T, med, sizeof med), lane, T->cable_m, "-");
			continue;
		}
		printf("%-14s %-16s %6s %7gm %7gm  ", T->name, medium_pair(T, med, sizeof med), lane, T->cable_m, reach);
		if (ok) {
			printf("yes\n");
			continue;
		}
		bad++;
		/* Name the medium that limits the reach. */
		enum cb_medium lim = T->medium;
		if (T->lower_medium != T->medium &&
		    cb_media_reach_m(&t->media[T->lower_medium], T->lane_gbps, NULL) < cb_media_reach_m(&t->media[T->medium], T->lane_gbps, NULL))
			lim = T->lower_medium;
		cb_media_reach_m(&t->media[lim], T->lane_gbps, &used);
		printf("NO: INFEASIBLE: %g m cable > %g m %s reach at %g Gb/s per lane%s\n", T->cable_m, reach,
		       cb_medium_name(lim), T->lane_gbps, used < T->lane_gbps * (1 - 1e-9) ? " (no figure at this rate: highest given)" : "");
	}
	return bad;
}

/* Shipped names on the search path, first occurrence wins (as cb_topo_load finds them). */
static int list_names(void)
{
	char search[4096], seen[8192] = ":", err[1024];
	struct cb_topo *t = malloc(sizeof *t);
	if (!t)
		return 2;
	cb_topo_search_path(search, sizeof search);
	printf("# search path: %s\n", search);
	for (char *save = NULL, *dir = strtok_r(search, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
				continue;
			char name[256], key[260], path[4400];
			snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
			snprintf(key, sizeof key, ":%s:", name);
			if (strstr(seen, key))
				continue;
			if (strlen(seen) + strlen(name) + 2 < sizeof seen)
				strcat(strcat(seen, name), ":");
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (cb_topo_load(path, t, err, sizeof err) == 0)
				printf("%-28s %s\n", name, t->description);
			else
				printf("%-28s (does not parse: %s)\n", name, err);
		}
		if (d)
			closedir(d);
	}
	if (!strstr(seen, ":local:") && cb_topo_load("local", t, err, sizeof err) == 0)
		printf("%-28s %s (built in)\n", "local", t->description);
	free(t);
	return 0;
}

static json_t *counts_json(const struct cb_topo *t, const struct cb_topo_counts *c)
{
	json_t *tiers = json_array(), *media = json_object();
	for (int i = 0; i < t->ntiers; i++)
		json_array_append_new(tiers, json_pack("{s:s, s:b, s:I, s:I, s:I}", "name", t->tier[i].name, "crossed",
						       c->used[i], "groups", (json_int_t)c->groups[i], "links",
						       (json_int_t)c->links[i], "switches", (json_int_t)c->switches[i]));
	for (int m = 0; m < CB_MEDIUM_COUNT; m++)
		if (c->links_by_medium[m] || c->ends_by_medium[m])
			json_object_set_new(media, cb_medium_name((enum cb_medium)m),
					    json_pack("{s:I, s:I, s:I}", "links", (json_int_t)c->links_by_medium[m], "ends",
						      (json_int_t)c->ends_by_medium[m], "switches",
						      (json_int_t)c->switches_by_medium[m]));
	return json_pack("{s:I, s:o, s:o, s:I}", "endpoints", (json_int_t)c->endpoints, "tiers", tiers, "media", media,
			 "optical_ports", (json_int_t)c->optical_ports);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "gpus", required_argument, NULL, 'g' }, { "strict", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },      { "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	long gpus = 0;
	int strict = 0, as_json = 0, list = 0, opt;
	char err[1024];
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'g':
			if (cb_int_parse(optarg, 1, 1L << 40, &gpus, err, sizeof err) != 0) {
				fprintf(stderr, "cpobench-report topo: --gpus: %s\n", err);
				return 2;
			}
			break;
		case 's': strict = 1; break;
		case 'j': as_json = 1; break;
		case 'h': usage(stdout); return 0;
		case 'l': list = 1; break;
		default:
			fprintf(stderr, "cpobench-report topo: unknown option '%s' (expected --gpus N, --strict, --json or --list)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (list) {
		if (optind != argc) {
			fprintf(stderr, "cpobench-report topo: --list takes no topology (got '%s')\n", argv[optind]);
			return 2;
		}
		return list_names();
	}
	if (optind != argc - 1) {
		fprintf(stderr, "cpobench-report topo: expected one topology FILE or NAME (got %d)\n", argc - optind);
		usage(stderr);
		return 2;
	}
	struct cb_topo *t = malloc(sizeof *t);
	if (!t || cb_topo_load(argv[optind], t, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench-report topo: %s\n", t ? err : "out of memory");
		free(t);
		return 2;
	}
	long n = gpus ? gpus : t->endpoints;
	long outer = t->tier[t->ntiers - 1].group_size;
	if (n > outer) {
		fprintf(stderr, "cpobench-report topo: --gpus %ld exceeds the outermost tier '%s' of %s (group_size %ld; "
			"expected N <= %ld)\n", n, t->tier[t->ntiers - 1].name, t->name, outer, outer);
		free(t);
		return 2;
	}
	struct cb_topo_counts c;
	cb_topo_count(t, n, &c);
	int bad = 0;
	if (as_json) {
		json_t *j = cb_topo_to_json(t);
		for (int i = 0; i < t->ntiers; i++)
			bad += !cb_tier_reach_ok(t, i, NULL);
		json_object_set_new(j, "counts", counts_json(t, &c));
		json_object_set_new(j, "feasible", json_boolean(bad == 0));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		print_header(t, n);
		print_tiers(t, &c);
		print_latency(t);
		print_counts(t, &c);
		bad = print_reach(t);
		if (bad)
			printf("# %d tier%s INFEASIBLE on reach%s\n", bad, bad > 1 ? "s" : "", strict ? " (--strict: exit 1)" : "");
	}
	free(t);
	return strict && bad ? 1 : 0;
}

const struct cb_report_cmd cb_report_cmd_topo = {
	"topo", "show and check a topology: tiers, latency terms, counts, reach (FILE|NAME)", run,
};
