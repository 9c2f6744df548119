/* Element types, reduction operators and the check pattern. */
#include "config.h"
#include "core/dtype.h"

#include <string.h>

static const char *const dtype_names[CB_DTYPE_COUNT] = { "float", "double", "int32", "int64", "byte" };
static const size_t dtype_sizes[CB_DTYPE_COUNT] = { 4, 8, 4, 8, 1 };
static const char *const op_names[CB_OP_COUNT] = { "sum", "max", "min" };

const char *cb_dtype_name(enum cb_dtype t)
{
	return (unsigned)t < CB_DTYPE_COUNT ? dtype_names[t] : "?";
}

size_t cb_dtype_size(enum cb_dtype t)
{
	return (unsigned)t < CB_DTYPE_COUNT ? dtype_sizes[t] : 0;
}

int cb_dtype_parse(const char *s, enum cb_dtype *out)
{
	for (int t = 0; t < CB_DTYPE_COUNT; t++)
		if (strcmp(s, dtype_names[t]) == 0) {
			*out = (enum cb_dtype)t;
			return 0;
		}
	return -1;
}

const char *cb_op_name(enum cb_op op)
{
	return (op >= 0 && op < CB_OP_COUNT) ? op_names[op] : "-";
}

int cb_op_parse(const char *s, enum cb_op *out)
{
	for (int o = 0; o < CB_OP_COUNT; o++)
		if (strcmp(s, op_names[o]) == 0) {
			*out = (enum cb_op)o;
			return 0;
		}
	return -1;
}

double cb_dtype_load(enum cb_dtype t, const void *buf, uint64_t i)
{
	switch (t) {
	case CB_DTYPE_FLOAT: return ((const float *)buf)[i];
	case CB_DTYPE_DOUBLE: return ((const double *)buf)[i];
	case CB_DTYPE_INT32: return ((const int32_t *)buf)[i];
	case CB_DTYPE_INT64: return (double)((const int64_t *)buf)[i];
	case CB_DTYPE_BYTE: return ((const uint8_t *)buf)[i];
	default: return 0;
	}
}

void cb_dtype_store(enum cb_dtype t, void *buf, uint64_t i, double v)
{
	switch (t) {
	case CB_DTYPE_FLOAT: ((float *)buf)[i] = (float)v; break;
	case CB_DTYPE_DOUBLE: ((double *)buf)[i] = v; break;
	case CB_DTYPE_INT32: ((int32_t *)buf)[i] = (int32_t)v; break;
	case CB_DTYPE_INT64: ((int64_t *)buf)[i] = (int64_t)v; break;
	case CB_DTYPE_BYTE: ((uint8_t *)buf)[i] = (uint8_t)v; break;
	default: break;
	}
}

double cb_pattern_value(int rank, uint64_t i)
{
	return 1.0 + (double)(((uint64_t)rank + i) % CB_PATTERN_PERIOD);
}

void cb_pattern_expected(enum cb_op op, int nranks, double table[CB_PATTERN_PERIOD])
{
	for (int k = 0; k < CB_PATTERN_PERIOD; k++) {
		double acc = cb_pattern_value(0, (uint64_t)k);
		for (int r = 1; r < nranks; r++) {
			double v = cb_pattern_value(r, (uint64_t)k);
			if (op == CB_OP_SUM)
				acc += v;
			else if (op == CB_OP_MAX)
				acc = v > acc ? v : acc;
			else if (op == CB_OP_MIN)
				acc = v < acc ? v : acc;
		}
		table[k] = acc;
	}
}
