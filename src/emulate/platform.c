/* SimGrid XML platform + host file for N endpoints of a topology (model in platform.h). */
#include "config.h"
#include "emulate/platform.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *const cb_platform_ideal_cfg[] = {
	"smpi/bw-factor:0:1",             /* no size-dependent bandwidth penalty (SMPI's Stampede fit) */
	"smpi/lat-factor:0:1",            /* no size-dependent latency multiplier */
	"network/crosstraffic:0",         /* no 5 % reverse-direction ACK load */
	"network/TCP-gamma:1e15",         /* no TCP window cap of 4 MiB / (2 x route latency) */
	"smpi/host-speed:1Gf",
	"smpi/simulate-computation:no",   /* only communication is simulated */
	NULL,
};

int cb_platform_apply_optics(struct cb_topo *t, enum cb_medium m)
{
	int changed = 0;
	for (int i = 0; i < t->ntiers; i++) {
		struct cb_tier *ti = &t->tier[i];
		if (ti->medium == CB_MEDIUM_COPPER)
			continue;
		/* an inner end the file gives its own medium (a NIC's pluggable under
		 * a CPO switch) keeps it; an end like the outer one follows it */
		if (ti->lower_medium == ti->medium)
			ti->lower_medium = m;
		ti->medium = m;
		changed++;
	}
	return changed;
}

int cb_platform_outer_tier(const struct cb_topo *t, long np, char *err, size_t errlen)
{
	if (np < 1) {
		snprintf(err, errlen, "--np: expected at least 1 endpoint, got %ld", np);
		return -1;
	}
	if (t->ntiers < 1) {
		snprintf(err, errlen, "%s: no tiers", t->name);
		return -1;
	}
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *ti = &t->tier[i];
		if (ti->group_size < 1 || !(ti->bw_Bps > 0)) {
			snprintf(err, errlen, "%s: tier '%s': group size and bandwidth must be positive", t->name, ti->name);
			return -1;
		}
		/* groups must nest below the outermost tier used (that one is a single group) */
		if (i > 0 && ti->group_size < np && ti->group_size % t->tier[i - 1].group_size != 0) {
			snprintf(err, errlen, "%s: tier '%s': group size %ld is not a multiple of tier '%s''s %ld",
				 t->name, ti->name, ti->group_size, t->tier[i - 1].name, t->tier[i - 1].group_size);
			return -1;
		}
		if (ti->group_size >= np)
			return i;
	}
	const struct cb_tier *outer = &t->tier[t->ntiers - 1];
	snprintf(err, errlen, "--np %ld: topology %s holds at most %ld endpoints (outermost tier '%s')", np,
		 t->name, outer->group_size, outer->name);
	return -1;
}

static double tier_uplink_Bps(const struct cb_tier *ti, long members)
{
	return (double)members * ti->bw_Bps / ti->oversub;
}

static int oversubscribed(const struct cb_topo *t, int i)
{
	return i > 0 && t->tier[i].oversub > 1.0;
}

/* Zero-latency FATPIPE links that only lengthen a hop for Dijkstra (2i per access hop). */
static void pads(FILE *f, int i)
{
	for (int k = 0; k < 2 * i; k++)
		fputs("<link_ctn id=\"pad\"/>", f);
}

int cb_platform_write(FILE *xml, FILE *hosts, const struct cb_topo *t, long np, char *err, size_t errlen)
{
	int outer = cb_platform_outer_tier(t, np, err, errlen);
	if (outer < 0)
		return -1;

	fprintf(xml, "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
		     "<!-- cpobench %s: topology %s, %ld endpoints, tiers 0..%d; model: README \"Emulated fabrics\" -->\n"
		     "<platform version=\"4.1\">\n<config>\n",
		PACKAGE_VERSION, t->name, np, outer);
	for (int c = 0; cb_platform_ideal_cfg[c]; c++) {
		const char *kv = cb_platform_ideal_cfg[c], *colon = strchr(kv, ':');
		fprintf(xml, "  <prop id=\"%.*s\" value=\"%s\"/>\n", (int)(colon - kv), kv, colon + 1);
	}
	fputs("</config>\n<zone id=\"fabric\" routing=\"DijkstraCache\">\n", xml);
	for (int i = 0; i <= outer; i++) {
		const struct cb_tier *ti = &t->tier[i];
		fprintf(xml, "<!-- tier %d '%s' (%s): groups of %ld, %.6g GB/s per endpoint and direction, "
			     "%.6g us one way, oversubscription %g -->\n",
			i, ti->name, cb_medium_name(ti->medium), ti->group_size, ti->bw_Bps / 1e9,
			cb_tier_latency_s(t, i) * 1e6, ti->oversub);
	}
	for (long e = 0; e < np; e++) {
		fprintf(xml, "<host id=\"gpu%ld\" speed=\"1Gf\"/>\n", e);
		if (hosts)
			fprintf(hosts, "gpu%ld\n", e);
	}
	for (int i = 0; i <= outer; i++) {
		long groups = (np + t->tier[i].group_size - 1) / t->tier[i].group_size;
		for (long g = 0; g < groups; g++)
			fprintf(xml, "<router id=\"t%ds%ld\"/>\n", i, g);
		if (oversubscribed(t, i)) {
			long below = (np + t->tier[i - 1].group_size - 1) / t->tier[i - 1].group_size;
			for (long h = 0; h < below; h++)
				fprintf(xml, "<router id=\"t%du%ld\"/>\n", i, h);
		}
	}
	fputs("<link id=\"pad\" bandwidth=\"1e18Bps\" latency=\"0s\" sharing_policy=\"FATPIPE\"/>\n", xml);
	for (int i = 0; i <= outer; i++) {
		const struct cb_tier *ti = &t->tier[i];
		double half = cb_tier_latency_s(t, i) / 2;
		for (long e = 0; e < np; e++)
			fprintf(xml, "<link id=\"t%da%ld\" bandwidth=\"%.17gBps\" latency=\"%.17gs\" sharing_policy=\"SPLITDUPLEX\"/>\n",
				i, e, ti->bw_Bps, half);
		if (oversubscribed(t, i)) {
			long gs = t->tier[i - 1].group_size, below = (np + gs - 1) / gs;
			for (long h = 0; h < below; h++) {
				long members = (h + 1) * gs <= np ? gs : np - h * gs;
				fprintf(xml, "<link id=\"t%dup%ld\" bandwidth=\"%.17gBps\" latency=\"0s\" sharing_policy=\"SPLITDUPLEX\"/>\n",
					i, h, tier_uplink_Bps(ti, members));
			}
		}
	}
	for (int i = 0; i <= outer; i++) {
		long gs = t->tier[i].group_size, below_gs = i > 0 ? t->tier[i - 1].group_size : 1;
		int os = oversubscribed(t, i);
		for (long e = 0; e < np; e++) {
			if (os)
				fprintf(xml, "<route src=\"gpu%ld\" dst=\"t%du%ld\">", e, i, e / below_gs);
			else
				fprintf(xml, "<route src=\"gpu%ld\" dst=\"t%ds%ld\">", e, i, e / gs);
			fprintf(xml, "<link_ctn id=\"t%da%ld\" direction=\"UP\"/>", i, e);
			pads(xml, i);
			fputs("</route>\n", xml);
		}
		if (os) {
			long below = (np + below_gs - 1) / below_gs;
			for (long h = 0; h < below; h++)
				fprintf(xml, "<route src=\"t%du%ld\" dst=\"t%ds%ld\"><link_ctn id=\"t%dup%ld\" direction=\"UP\"/></route>\n",
					i, h, i, h * below_gs / gs, i, h);
		}
	}
	fputs("</zone>\n</platform>\n", xml);
	if (ferror(xml) || (hosts && ferror(hosts))) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

json_t *cb_platform_summary(const struct cb_topo *t, long np)
{
	char err[256];
	int outer = cb_platform_outer_tier(t, np, err, sizeof err);
	if (outer < 0)
		return NULL;
	json_t *tiers = json_array();
	for (int i = 0; i <= outer; i++) {
		const struct cb_tier *ti = &t->tier[i];
		double reach = 0;
		int reach_ok = cb_tier_reach_ok(t, i, &reach);
		long members = i > 0 ? t->tier[i - 1].group_size : 1;
		json_array_append_new(tiers, json_pack("{s:i, s:s, s:s, s:I, s:I, s:f, s:f, s:f, s:o?, s:f, s:f, s:b}",
			"index", i, "name", ti->name, "medium", cb_medium_name(ti->medium),
			"group_size", (json_int_t)ti->group_size,
			"groups", (json_int_t)((np + ti->group_size - 1) / ti->group_size),
			"latency_s", cb_tier_latency_s(t, i), "bw_Bps", ti->bw_Bps, "oversub", ti->oversub,
			"uplink_Bps", oversubscribed(t, i) ? json_real(tier_uplink_Bps(ti, members)) : NULL,
			"cable_m", ti->cable_m, "reach_m", reach, "reach_ok", reach_ok));
	}
	return json_pack("{s:s, s:I, s:s, s:o}", "generator", "cpobench-report platform", "endpoints",
			 (json_int_t)np, "routing", "DijkstraCache (per-endpoint access links, FATPIPE pads)", "tiers",
			 tiers);
}

char *cb_platform_hosts_path(const char *xml_path)
{
	size_t n = strlen(xml_path);
	char *p = malloc(n + 7);
	if (!p)
		return NULL;
	memcpy(p, xml_path, n + 1);
	if (n > 4 && strcmp(p + n - 4, ".xml") == 0)
		p[n - 4] = '\0';
	strcat(p, ".hosts");
	return p;
}

int cb_platform_write_files(const struct cb_topo *t, long np, const char *xml_path, const char *hosts_path,
			    char *err, size_t errlen)
{
	char *hp = hosts_path ? strdup(hosts_path) : cb_platform_hosts_path(xml_path);
	FILE *x = fopen(xml_path, "w"), *h = hp ? fopen(hp, "w") : NULL;
	int rc = -1;
	if (!x || !h) {
		snprintf(err, errlen, "%s: cannot write: %s", !x ? xml_path : (hp ? hp : "host file"), strerror(errno));
	} else {
		rc = cb_platform_write(x, h, t, np, err, errlen);
	}
	if (x && fclose(x) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", xml_path, strerror(errno));
		rc = -1;
	}
	if (h && fclose(h) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", hp, strerror(errno));
		rc = -1;
	}
	free(hp);
	return rc;
}
