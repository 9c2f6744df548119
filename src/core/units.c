/* Sizes with binary suffixes, durations, and size sweeps. */
#include "config.h"
#include "core/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cb_size_parse(const char *s, uint64_t *out, char *err, size_t errlen)
{
	if (!s || !*s) {
		snprintf(err, errlen, "empty size (expected e.g. 8, 64K, 1M, 2G)");
		return -1;
	}
	if (!isdigit((unsigned char)s[0])) {
		snprintf(err, errlen, "'%s' is not a size (expected a non-negative integer with optional K/M/G/T suffix)", s);
		return -1;
	}
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE) {
		snprintf(err, errlen, "size '%s' is too large", s);
		return -1;
	}
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: break;
	}
	if (shift && *end == 'i')
		end++;
	if (*end == 'B' || (*end == 'b' && !shift))
		end++;
	if (*end) {
		snprintf(err, errlen, "'%s' is not a size (unexpected '%s'; suffixes are K, M, G, T = powers of 1024)", s, end);
		return -1;
	}
	if (shift && v > (UINT64_MAX >> shift)) {
		snprintf(err, errlen, "size '%s' is too large", s);
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

char *cb_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;
	double v = (double)bytes;
	while (v >= 1024.0 && u < 5) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v == floor(v))
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

int cb_seconds_parse(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = s && *s ? strtod(s, &end) : NAN;
	if (!s || !*s || *end || errno || !isfinite(v) || v < 0) {
		snprintf(err, errlen, "'%s' is not a number of seconds (expected e.g. 30 or 0.5)", s ? s : "");
		return -1;
	}
	*out = v;
	return 0;
}

int cb_int_parse(const char *s, long lo, long hi, long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = (s && *s) ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || errno) {
		snprintf(err, errlen, "'%s' is not an integer", s ? s : "");
		return -1;
	}
	if (v < lo || v > hi) {
		snprintf(err, errlen, "%ld is out of range (expected %ld..%ld)", v, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

long cb_sizes_sweep(uint64_t min, uint64_t max, uint64_t factor, uint64_t **out)
{
	if (factor < 2 || min > max)
		return -1;
	long n = 0, cap = 16;
	uint64_t *v = malloc((size_t)cap * sizeof *v);
	if (!v)
		return -1;
	uint64_t s = min;
	for (;;) {
		if (n == cap) {
			cap *= 2;
			uint64_t *nv = realloc(v, (size_t)cap * sizeof *v);
			if (!nv) {
				free(v);
				return -1;
			}
			v = nv;
		}
		v[n++] = s;
		if (s == 0) {
			s = 1;
		} else {
			if (s > max / factor)
				break;
			s *= factor;
		}
		if (s > max)
			break;
	}
	*out = v;
	return n;
}
