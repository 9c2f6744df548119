/* Sizes with binary suffixes, durations, and size sweeps. */
#ifndef CB_UNITS_H
#define CB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse "8", "64K", "1M", "2G", "1T" (powers of 1024; an optional trailing
 * "B" or "iB" is accepted: "4KiB", "4KB").  Returns 0, or -1 with a message
 * in err saying what was expected.
 */
int cb_size_parse(const char *s, uint64_t *out, char *err, size_t errlen);
/* "1 MiB", "768 B", "1.5 GiB" */
char *cb_size_format(uint64_t bytes, char *buf, size_t len);
/* Parse a non-negative decimal number of seconds ("30", "0.5"). */
int cb_seconds_parse(const char *s, double *out, char *err, size_t errlen);
/* Parse a positive integer within [lo, hi]. */
int cb_int_parse(const char *s, long lo, long hi, long *out, char *err, size_t errlen);

/*
 * Geometric sweep min, min*f, ... <= max (min == 0 gives 0 then 1, f, ...).
 * Returns the number of sizes written to *out (malloc'd), or -1 on bad input.
 */
long cb_sizes_sweep(uint64_t min, uint64_t max, uint64_t factor, uint64_t **out);

#endif
