/* The fixed-width, #-commented table printed on rank 0's stdout (gnuplot reads it). */
#include "config.h"
#include "core/table.h"

#include <jansson.h>
#include <string.h>

/* A field of obj by "name" or "outer.inner". */
static json_t *field(json_t *obj, const char *key)
{
	const char *dot = strchr(key, '.');
	if (!dot)
		return json_object_get(obj, key);
	char outer[64];
	snprintf(outer, sizeof outer, "%.*s", (int)(dot - key), key);
	return json_object_get(json_object_get(obj, outer), dot + 1);
}

void cb_table_header(FILE *f)
{
	cb_table_header_cols(f, NULL);
}

void cb_table_row(FILE *f, const struct cb_row *w)
{
	cb_table_row_cols(f, w, NULL);
}

void cb_table_header_cols(FILE *f, const struct cb_column *cols)
{
	fprintf(f, "#%12s %11s %6s %4s %13s %3s %10s %10s %10s %10s %10s %9s %9s %6s", "size", "count", "type",
		"op", "algo", "ip", "min", "median", "mean", "p99", "max", "algbw", "busbw", "check");
	for (int i = 0; cols && cols[i].key; i++)
		fprintf(f, " %*s", cols[i].width, cols[i].title);
	fprintf(f, "\n#%12s %11s %6s %4s %13s %3s %10s %10s %10s %10s %10s %9s %9s %6s", "(B)", "(elements)", "", "",
		"", "", "(us)", "(us)", "(us)", "(us)", "(us)", "(GB/s)", "(GB/s)", "");
	for (int i = 0; cols && cols[i].key; i++)
		fprintf(f, " %*s", cols[i].width, cols[i].unit);
	fputc('\n', f);
}

void cb_table_row_cols(FILE *f, const struct cb_row *w, const struct cb_column *cols)
{
	fprintf(f, " %12llu %11llu %6s %4s %13s %3s %10.2f %10.2f %10.2f %10.2f %10.2f %9.3f %9.3f %6s",
		(unsigned long long)w->bytes, (unsigned long long)w->count, w->dtype, w->op, w->algo,
		w->in_place ? "yes" : "no", w->time_us.min, w->time_us.median, w->time_us.mean, w->time_us.p99,
		w->time_us.max, w->algbw_GBps, w->busbw_GBps, w->check);
	for (int i = 0; cols && cols[i].key; i++) {
		json_t *v = w->extra ? field(w->extra, cols[i].key) : NULL;
		if (json_is_number(v))
			fprintf(f, " %*.*f", cols[i].width, cols[i].decimals, json_number_value(v));
		else
			fprintf(f, " %*s", cols[i].width, "-");
	}
	fputc('\n', f);
	fflush(f);
}
