/* The media table: names, shipped defaults with their sources, reach lookup. */
#include "config.h"
#include "topo/topo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const medium_names[CB_MEDIUM_COUNT] = { "copper", "aec", "pluggable", "lpo", "cpo" };

const char *cb_medium_name(enum cb_medium m)
{
	return (unsigned)m < CB_MEDIUM_COUNT ? medium_names[m] : "?";
}

int cb_medium_parse(const char *s, enum cb_medium *out)
{
	for (int m = 0; m < CB_MEDIUM_COUNT; m++)
		if (strcasecmp(s, medium_names[m]) == 0) {
			*out = (enum cb_medium)m;
			return 0;
		}
	return -1;
}

static void set_reach(struct cb_media *m, double lane_gbps, double reach_m)
{
	m->reach[m->nreach].lane_gbps = lane_gbps;
	m->reach[m->nreach].reach_m = reach_m;
	m->nreach++;
}

/*
 * Every figure below comes from the "Proposed default parameter sets" table of
 * the project's reference notes on media and systems (copied into
 * topologies/README.md, "Media defaults", with the primary sources).  "Weak"
 * marks figures the notes themselves call weak or our estimate.
 */
void cb_media_defaults(struct cb_media media[CB_MEDIUM_COUNT])
{
	memset(media, 0, sizeof(struct cb_media) * CB_MEDIUM_COUNT);
	for (int i = 0; i < CB_MEDIUM_COUNT; i++)
		media[i].medium = (enum cb_medium)i;

	struct cb_media *m = &media[CB_MEDIUM_COPPER];
	m->pj_per_bit = 0;               /* passive DAC: < 0.1 W per end, ~0 pJ/bit in the cable (vendor blogs, estimate) */
	m->host_serdes_pj_per_bit = 5;   /* host long-reach SerDes ~5 pJ/bit per end (estimate, weak) */
	m->latency_s = 0;                /* no active part; propagation only */
	m->watts_per_port = 0.1;         /* "< 0.1 W" per end, an upper bound (vendor blogs, estimate) */
	m->watts_port_gbps = 800;
	m->failure_rel = 0.05;           /* range 0.01-0.1; DAC MTBF "50M+ h" (vendor claim, weak) */
	m->prop_s_per_m = 4.3e-9;        /* twinax, velocity factor 0.7-0.85 c: 3.9-4.8 ns/m (physics) */
	set_reach(m, 25, 7);             /* Marvell via Gazettabyte (vendor claim) */
	set_reach(m, 100, 2);            /* IEEE 802.3ck objective >= 2 m (spec) */
	set_reach(m, 200, 1);            /* Marvell 1 m; Synopsys lab "2 m+" (vendor claims); 1 m default */
	snprintf(m->source, sizeof m->source,
		 "copper (passive DAC): 0 pJ/bit, <0.1 W per end (vendor blogs, estimate); host SerDes 5 pJ/bit (estimate, weak); "
		 "reach 7 m @25G, 2 m @100G (IEEE 802.3ck), 1 m @200G (Marvell; Synopsys 2 m+); failure 0.05 (estimate, weak); "
		 "4.3 ns/m (physics)");

	m = &media[CB_MEDIUM_AEC];
	m->pj_per_bit = 5;               /* DSP retimer per 800G end ~4-5 W (estimate, WEAK: no vendor wattage); Point2 3.75 */
	m->host_serdes_pj_per_bit = 5;   /* host long-reach SerDes (estimate, weak) */
	m->latency_s = 50e-9;            /* DSP retimer 45-60 ns per DSP (Point2 comparison, vendor claim) */
	m->watts_per_port = 4.5;         /* ~4-5 W per 800G end (estimate, weak) */
	m->watts_port_gbps = 800;
	m->failure_rel = 0.2;            /* our estimate (range 0.1-0.5), no field data: weak */
	m->prop_s_per_m = 4.3e-9;
	set_reach(m, 100, 7);            /* ACC 3-7 m, AEC fills 2-7 m (vendor blogs, estimate) */
	set_reach(m, 200, 5);            /* default 5 m (2-7 m) (estimate) */
	snprintf(m->source, sizeof m->source,
		 "aec: 5 pJ/bit (3.75-6) and ~4.5 W per 800G end (estimate, WEAK: no vendor wattage); host SerDes 5 pJ/bit (estimate); "
		 "50 ns per end (DSP retimer 45-60 ns, Point2/Electronic Design); reach 7 m @100G, 5 m @200G (vendor blogs, estimate); "
		 "failure 0.2 (our estimate, weak)");

	m = &media[CB_MEDIUM_PLUGGABLE];
	m->pj_per_bit = 15.6;            /* 1.6T DSP module 25 W default (20-30 W; NVIDIA ~30 W, vendors <25 W) */
	m->host_serdes_pj_per_bit = 5;   /* host long-reach SerDes drives the ~22 dB channel (estimate) */
	m->latency_s = 50e-9;            /* DSP module 45-100 ns (Point2, chipcraft: vendor claim / estimate) */
	m->watts_per_port = 25;          /* per 1.6T module */
	m->watts_port_gbps = 1600;
	m->failure_rel = 1.0;            /* baseline; module MTBF 0.5-1.0M device-h */
	m->optical = 1;
	m->prop_s_per_m = 4.9e-9;        /* fibre, n ~ 1.47 (physics) */
	set_reach(m, 100, 500);          /* 800GBASE-DR8, IEEE 802.3df (spec) */
	set_reach(m, 200, 500);          /* 1.6T DR8 class (spec); SR 50-100 m, FR4 2 km, LR 10 km */
	snprintf(m->source, sizeof m->source,
		 "pluggable (DSP): 15.6 pJ/bit per end at 1.6T (12.5-18.75; 25 W default, NVIDIA ~30 W, vendors <25 W: vendor claims); "
		 "host SerDes 5 pJ/bit (estimate); 50 ns per end (45-100, vendor claim/estimate); reach 500 m DR (IEEE 802.3df); "
		 "failure 1.0 (baseline, MTBF 0.5-1.0M h); 4.9 ns/m");

	m = &media[CB_MEDIUM_LPO];
	m->pj_per_bit = 10.6;            /* 800G LPO ~8.5 W (7-10 W, vendor blogs, estimate) */
	m->host_serdes_pj_per_bit = 0;   /* modelling choice: host SerDes term applied to copper, aec, pluggable only */
	m->latency_s = 2e-9;             /* 0-5 ns, no DSP (our estimate, weak: no vendor number) */
	m->watts_per_port = 8.5;
	m->watts_port_gbps = 800;
	m->failure_rel = 0.8;            /* our estimate (0.5-1.0): lasers kept, DSP removed; weak */
	m->optical = 1;
	m->prop_s_per_m = 4.9e-9;
	set_reach(m, 100, 500);          /* 100G-DR-LPO MSA, up to 500 m (MSA) */
	snprintf(m->source, sizeof m->source,
		 "lpo: 10.6 pJ/bit per end (8.5 W per 800G, vendor blogs, estimate); host SerDes not added (modelling choice); "
		 "2 ns per end (0-5, estimate, weak); reach 500 m @100G (LPO MSA); failure 0.8 (our estimate, weak); 4.9 ns/m");

	m = &media[CB_MEDIUM_CPO];
	m->pj_per_bit = 5.6;             /* NVIDIA Spectrum-X/Quantum-X Photonics ~9 W per 1.6T port (vendor claim); 3.75-6.9 */
	m->host_serdes_pj_per_bit = 0;   /* electrical channel 22 dB -> ~4 dB: inside the CPO figure (modelling choice) */
	m->latency_s = 2e-9;             /* 0-5 ns (our estimate, weak) */
	m->watts_per_port = 9;
	m->watts_port_gbps = 1600;
	m->failure_rel = 0.3;            /* Meta ECOC 2025 via secondary: 0.19-0.38x; NVIDIA "10x resiliency" */
	m->optical = 1;
	m->prop_s_per_m = 4.9e-9;
	set_reach(m, 200, 500);          /* DR-class engines (Broadcom Davisson DR, vendor claim) */
	snprintf(m->source, sizeof m->source,
		 "cpo: 5.6 pJ/bit per end (NVIDIA ~9 W per 1.6T port; range 3.75-6.9: vendor claims); host SerDes inside (modelling choice); "
		 "2 ns per end (0-5, estimate, weak); reach 500 m @200G DR-class (vendor claim); failure 0.3 (Meta ECOC 2025 "
		 "0.19-0.38x via secondary source); 4.9 ns/m");
}

double cb_media_reach_m(const struct cb_media *m, double lane_gbps, double *rate_used)
{
	int best = -1, top = -1;
	double want = lane_gbps * (1 - 1e-9);  /* 200 Gb/s parsed and converted back may be 200.0000000001 */
	for (int i = 0; i < m->nreach; i++) {
		if (m->reach[i].lane_gbps >= want &&
		    (best < 0 || m->reach[i].lane_gbps < m->reach[best].lane_gbps))
			best = i;
		if (top < 0 || m->reach[i].lane_gbps > m->reach[top].lane_gbps)
			top = i;
	}
	if (best < 0)
		best = top;
	if (best < 0) {
		if (rate_used)
			*rate_used = 0;
		return 0;
	}
	if (rate_used)
		*rate_used = m->reach[best].lane_gbps;
	return m->reach[best].reach_m;
}
