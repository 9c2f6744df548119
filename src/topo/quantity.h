/* Values with their units written out ("900 GB/s", "300 ns", "3 m", "2:1"), to SI. */
#ifndef CB_TOPO_QUANTITY_H
#define CB_TOPO_QUANTITY_H

#include <stddef.h>

enum cb_qty {
	CB_QTY_BANDWIDTH,      /* -> bytes/s ("900 GB/s", "400 Gb/s", "1.8 TB/s bidirectional" = half) */
	CB_QTY_TIME,           /* -> s ("300 ns", "1.5 us") */
	CB_QTY_LENGTH,         /* -> m ("3 m", "50 cm") */
	CB_QTY_ENERGY_PER_BIT, /* -> pJ/bit ("15 pJ/bit") */
	CB_QTY_POWER,          /* -> W ("30 W") */
	CB_QTY_TIME_PER_LENGTH,/* -> s/m ("4.9 ns/m") */
	CB_QTY_COUNT_
};

/* Parse a non-negative number and its unit.  Returns 0, or -1 with what was expected in err. */
int cb_qty_parse(const char *s, enum cb_qty kind, double *out, char *err, size_t errlen);
/* "2:1", "3:2" or "2" -> a/b (must be >= 1). */
int cb_ratio_parse(const char *s, double *out, char *err, size_t errlen);
/* "0.97", "97%", "128b/130b" or "128/130" -> a fraction in (0, 1]. */
int cb_fraction_parse(const char *s, double *out, char *err, size_t errlen);
/* A plain non-negative number without a unit ("0.3"). */
int cb_number_parse(const char *s, double *out, char *err, size_t errlen);
/* An integer in [lo, hi]. */
int cb_long_parse(const char *s, long lo, long hi, long *out, char *err, size_t errlen);
/* yes/no, true/false, on/off, 1/0. */
int cb_bool_parse(const char *s, int *out, char *err, size_t errlen);

#endif
