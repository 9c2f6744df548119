/* Size parsing (incl. bad input), size formatting and sweeps. */
#include "config.h"
#include "core/units.h"
#include "tests/tap.h"

#include <stdlib.h>

static void parses(const char *s, uint64_t want)
{
	uint64_t v = 0;
	char err[200] = "";
	int rc = cb_size_parse(s, &v, err, sizeof err);
	ok(rc == 0 && v == want, "size '%s' = %llu (got %llu, rc %d %s)", s, (unsigned long long)want,
	   (unsigned long long)v, rc, err);
}

static void refuses(const char *s, const char *needle)
{
	uint64_t v = 0;
	char err[200] = "";
	int rc = cb_size_parse(s, &v, err, sizeof err);
	ok(rc == -1 && strstr(err, needle), "size '%s' refused with '%s' (message: %s)", s, needle, err);
}

int main(void)
{
	parses("0", 0);
	parses("8", 8);
	parses("1K", 1024);
	parses("1k", 1024);
	parses("64K", 65536);
	parses("1M", 1048576);
	parses("4MiB", 4194304);
	parses("2G", 2147483648ull);
	parses("1T", 1099511627776ull);
	parses("512B", 512);
	parses("16KB", 16384);
	refuses("", "empty");
	refuses("-1", "not a size");
	refuses("abc", "not a size");
	refuses("1X", "unexpected 'X'");
	refuses("1.5M", "unexpected '.5M'");
	refuses("1MM", "unexpected 'M'");
	refuses("99999999999999999999", "too large");
	refuses("20000000T", "too large");

	char buf[32];
	is_str(cb_size_format(0, buf, sizeof buf), "0 B", "format 0");
	is_str(cb_size_format(1024, buf, sizeof buf), "1 KiB", "format 1 KiB");
	is_str(cb_size_format(1536, buf, sizeof buf), "1.5 KiB", "format 1.5 KiB");
	is_str(cb_size_format(4u << 20, buf, sizeof buf), "4 MiB", "format 4 MiB");

	uint64_t *v;
	long n = cb_sizes_sweep(8, 1 << 20, 4, &v);
	ok(n == 9 && v[0] == 8 && v[8] == 524288, "sweep 8..1M x4 has 9 sizes ending at 512K (n=%ld)", n);
	free(v);
	n = cb_sizes_sweep(0, 8, 2, &v);
	ok(n == 5 && v[0] == 0 && v[1] == 1 && v[4] == 8, "sweep 0..8 x2 = 0 1 2 4 8 (n=%ld)", n);
	free(v);
	n = cb_sizes_sweep(1024, 1024, 2, &v);
	ok(n == 1 && v[0] == 1024, "single size sweep");
	free(v);
	ok(cb_sizes_sweep(16, 8, 2, &v) == -1, "min > max refused");
	ok(cb_sizes_sweep(1, 8, 1, &v) == -1, "factor 1 refused");
	n = cb_sizes_sweep(1ull << 62, UINT64_MAX, 2, &v);
	ok(n == 2, "sweep near UINT64_MAX does not overflow (n=%ld)", n);
	free(v);

	double s;
	char err[200];
	ok(cb_seconds_parse("2.5", &s, err, sizeof err) == 0 && s == 2.5, "seconds 2.5");
	ok(cb_seconds_parse("-1", &s, err, sizeof err) == -1, "negative seconds refused");
	ok(cb_seconds_parse("nan", &s, err, sizeof err) == -1, "nan seconds refused");
	long l;
	ok(cb_int_parse("0", 1, 10, &l, err, sizeof err) == -1 && strstr(err, "out of range"), "int range: %s", err);
	ok(cb_int_parse("7x", 1, 10, &l, err, sizeof err) == -1 && strstr(err, "not an integer"), "int junk: %s", err);
	return tap_done();
}
