/* Values with their units written out, converted to SI (bytes/s, s, m, pJ/bit, W). */
#include "config.h"
#include "topo/quantity.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	double factor;
};

/* Case matters for bandwidth: GB/s is bytes, Gb/s is bits. */
static const struct unit bandwidth_units[] = {
	{ "B/s", 1 }, { "kB/s", 1e3 }, { "KB/s", 1e3 }, { "MB/s", 1e6 }, { "GB/s", 1e9 }, { "TB/s", 1e12 }, { "PB/s", 1e15 },
	{ "b/s", 1 / 8. }, { "kb/s", 1e3 / 8 }, { "Kb/s", 1e3 / 8 }, { "Mb/s", 1e6 / 8 }, { "Gb/s", 1e9 / 8 },
	{ "Tb/s", 1e12 / 8 }, { "Pb/s", 1e15 / 8 }, { "Gbps", 1e9 / 8 }, { "Tbps", 1e12 / 8 }, { NULL, 0 } };
static const struct unit time_units[] = {
	{ "ps", 1e-12 }, { "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "ms", 1e-3 }, { "s", 1 }, { NULL, 0 } };
static const struct unit length_units[] = {
	{ "mm", 1e-3 }, { "cm", 1e-2 }, { "m", 1 }, { "km", 1e3 }, { NULL, 0 } };
static const struct unit energy_units[] = {
	{ "fJ/bit", 1e-3 }, { "pJ/bit", 1 }, { "nJ/bit", 1e3 }, { "pJ/b", 1 }, { NULL, 0 } };
static const struct unit power_units[] = {
	{ "mW", 1e-3 }, { "W", 1 }, { "kW", 1e3 }, { NULL, 0 } };
static const struct unit time_per_length_units[] = {
	{ "ps/m", 1e-12 }, { "ns/m", 1e-9 }, { "us/km", 1e-9 }, { "ns/km", 1e-12 }, { NULL, 0 } };

static const struct {
	const struct unit *units;
	const char *what, *example;
} kinds[CB_QTY_COUNT_] = {
	[CB_QTY_BANDWIDTH] = { bandwidth_units, "a bandwidth", "900 GB/s" },
	[CB_QTY_TIME] = { time_units, "a time", "300 ns" },
	[CB_QTY_LENGTH] = { length_units, "a length", "3 m" },
	[CB_QTY_ENERGY_PER_BIT] = { energy_units, "an energy per bit", "15 pJ/bit" },
	[CB_QTY_POWER] = { power_units, "a power", "30 W" },
	[CB_QTY_TIME_PER_LENGTH] = { time_per_length_units, "a propagation delay", "4.9 ns/m" },
};

static void unit_list(const struct unit *u, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (; u->name && n + 1 < len; u++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", u->name);
}

/* strtod over the whole number part; rejects nan/inf/hex, which strtod would accept. */
static int number_prefix(const char *s, double *v, const char **end)
{
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+'))
		return -1;
	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'X')))
		return -1;
	char *e;
	errno = 0;
	*v = strtod(p, &e);
	if (e == p || errno == ERANGE || !isfinite(*v))
		return -1;
	*end = e;
	return 0;
}

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

int cb_qty_parse(const char *s, enum cb_qty kind, double *out, char *err, size_t errlen)
{
	const char *what = kinds[kind].what, *example = kinds[kind].example;
	char units[160];
	double v;
	const char *p;
	unit_list(kinds[kind].units, units, sizeof units);
	if (!*skip_space(s)) {
		snprintf(err, errlen, "empty value (expected %s such as '%s')", what, example);
		return -1;
	}
	if (number_prefix(s, &v, &p) != 0) {
		snprintf(err, errlen, "'%s' is not %s (expected a number and a unit, e.g. '%s')", s, what, example);
		return -1;
	}
	if (v < 0) {
		snprintf(err, errlen, "'%s' is negative (expected %s >= 0, e.g. '%s')", s, what, example);
		return -1;
	}
	p = skip_space(p);
	if (!*p) {
		snprintf(err, errlen, "'%s' has no unit (expected %s with a unit: %s; e.g. '%s')", s, what, units, example);
		return -1;
	}
	/* The unit is the next word; only a bandwidth may be followed by "bidirectional". */
	size_t ulen = strcspn(p, " \t");
	const char *rest = skip_space(p + ulen);
	double scale = 1;
	if (*rest) {
		if (kind == CB_QTY_BANDWIDTH && (strcasecmp(rest, "bidirectional") == 0 || strcasecmp(rest, "bidi") == 0)) {
			scale = 0.5;
		} else {
			snprintf(err, errlen, "'%s': unexpected '%s' after the unit (expected %s such as '%s'%s)", s, rest, what,
				 example, kind == CB_QTY_BANDWIDTH ? ", optionally followed by 'bidirectional'" : "");
			return -1;
		}
	}
	for (const struct unit *u = kinds[kind].units; u->name; u++)
		if (strlen(u->name) == ulen && strncmp(p, u->name, ulen) == 0) {
			double r = v * u->factor * scale;
			/* Far beyond any fabric; keeps every derived sum and count finite. */
			if (!(r <= 1e24)) {
				snprintf(err, errlen, "'%s' is too large (expected %s such as '%s')", s, what, example);
				return -1;
			}
			*out = r;
			return 0;
		}
	snprintf(err, errlen, "'%s': unknown unit '%.*s' for %s (expected one of: %s)", s, (int)ulen, p, what, units);
	return -1;
}

int cb_number_parse(const char *s, double *out, char *err, size_t errlen)
{
	const char *p;
	if (number_prefix(s, out, &p) != 0 || *skip_space(p)) {
		snprintf(err, errlen, "'%s' is not a number (expected e.g. '0.3')", s);
		return -1;
	}
	if (*out < 0) {
		snprintf(err, errlen, "'%s' is negative (expected a number >= 0)", s);
		return -1;
	}
	if (*out > 1e9) {
		snprintf(err, errlen, "'%s' is too large (expected a number <= 1e9)", s);
		return -1;
	}
	return 0;
}

int cb_ratio_parse(const char *s, double *out, char *err, size_t errlen)
{
	double a, b = 1;
	const char *p;
	if (number_prefix(s, &a, &p) != 0)
		goto bad;
	p = skip_space(p);
	if (*p == ':') {
		if (number_prefix(p + 1, &b, &p) != 0)
			goto bad;
		p = skip_space(p);
	}
	if (*p)
		goto bad;
	if (a < 0 || b < 0) {
		snprintf(err, errlen, "'%s' is negative (expected an oversubscription >= 1, e.g. '2:1' or '1')", s);
		return -1;
	}
	if (a <= 0 || b <= 0 || a / b < 1) {
		snprintf(err, errlen, "'%s' is below 1:1 (expected an oversubscription >= 1, e.g. '2:1' or '1')", s);
		return -1;
	}
	*out = a / b;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a ratio (expected e.g. '2:1', '3:2' or '1')", s);
	return -1;
}

int cb_fraction_parse(const char *s, double *out, char *err, size_t errlen)
{
	double a, b = 1;
	const char *p;
	if (number_prefix(s, &a, &p) != 0)
		goto bad;
	p = skip_space(p);
	if (*p == '%') {
		a /= 100;
		p = skip_space(p + 1);
	} else if (*p == 'b' || *p == '/') {
		/* "128b/130b" or "128/130" */
		if (*p == 'b')
			p++;
		if (*p != '/' || number_prefix(p + 1, &b, &p) != 0)
			goto bad;
		if (*p == 'b')
			p++;
		p = skip_space(p);
	}
	if (*p)
		goto bad;
	if (!(b > 0) || !(a / b > 0) || a / b > 1) {
		snprintf(err, errlen, "'%s' is outside (0, 1] (expected an efficiency such as '128b/130b', '97%%' or '0.97')", s);
		return -1;
	}
	*out = a / b;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an efficiency (expected e.g. '128b/130b', '97%%' or '0.97')", s);
	return -1;
}

int cb_long_parse(const char *s, long lo, long hi, long *out, char *err, size_t errlen)
{
	char *e;
	errno = 0;
	long v = strtol(s, &e, 10);
	if (e == s || *skip_space(e) || errno == ERANGE) {
		snprintf(err, errlen, "'%s' is not a whole number (expected an integer in [%ld, %ld])", s, lo, hi);
		return -1;
	}
	if (v < lo || v > hi) {
		snprintf(err, errlen, "%s'%s' is out of range (expected an integer in [%ld, %ld])", v < 0 ? "negative: " : "", s,
			 lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cb_bool_parse(const char *s, int *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 0;
	}
	snprintf(err, errlen, "'%s' is not yes or no (expected yes/no, true/false, on/off or 1/0)", s);
	return -1;
}
