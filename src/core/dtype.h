/* Element types, reduction operators and the exactly-predictable check pattern. */
#ifndef CB_DTYPE_H
#define CB_DTYPE_H

#include <stddef.h>
#include <stdint.h>

enum cb_dtype { CB_DTYPE_FLOAT, CB_DTYPE_DOUBLE, CB_DTYPE_INT32, CB_DTYPE_INT64, CB_DTYPE_BYTE, CB_DTYPE_COUNT };
enum cb_op { CB_OP_SUM, CB_OP_MAX, CB_OP_MIN, CB_OP_COUNT, CB_OP_NONE = -1 };

const char *cb_dtype_name(enum cb_dtype t);
size_t cb_dtype_size(enum cb_dtype t);
int cb_dtype_parse(const char *s, enum cb_dtype *out);
const char *cb_op_name(enum cb_op op);
int cb_op_parse(const char *s, enum cb_op *out);

/* Element i of buf, as a double (exact for the pattern's small integers). */
double cb_dtype_load(enum cb_dtype t, const void *buf, uint64_t i);
void cb_dtype_store(enum cb_dtype t, void *buf, uint64_t i, double v);

/*
 * Check pattern: rank r holds 1 + (r + i) mod CB_PATTERN_PERIOD at element i.
 * Values are small integers, so sums over up to ~500k ranks are exact in
 * float and no tolerance is needed whatever the reduction order.
 */
#define CB_PATTERN_PERIOD 31
double cb_pattern_value(int rank, uint64_t i);
/* Expected reduction over ranks 0..nranks-1, indexed by i mod CB_PATTERN_PERIOD. */
void cb_pattern_expected(enum cb_op op, int nranks, double table[CB_PATTERN_PERIOD]);

#endif
