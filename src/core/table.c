/* The fixed-width, #-commented table printed on rank 0's stdout (gnuplot reads it). */
#include "config.h"
#include "core/table.h"

void cb_table_header(FILE *f)
{
	fprintf(f, "#%12s %11s %6s %4s %13s %3s %10s %10s %10s %10s %10s %9s %9s %6s\n", "size", "count", "type",
		"op", "algo", "ip", "min", "median", "mean", "p99", "max", "algbw", "busbw", "check");
	fprintf(f, "#%12s %11s %6s %4s %13s %3s %10s %10s %10s %10s %10s %9s %9s %6s\n", "(B)", "(elements)", "", "",
		"", "", "(us)", "(us)", "(us)", "(us)", "(us)", "(GB/s)", "(GB/s)", "");
}

void cb_table_row(FILE *f, const struct cb_row *w)
{
	fprintf(f, " %12llu %11llu %6s %4s %13s %3s %10.2f %10.2f %10.2f %10.2f %10.2f %9.3f %9.3f %6s\n",
		(unsigned long long)w->bytes, (unsigned long long)w->count, w->dtype, w->op, w->algo,
		w->in_place ? "yes" : "no", w->time_us.min, w->time_us.median, w->time_us.mean, w->time_us.p99,
		w->time_us.max, w->algbw_GBps, w->busbw_GBps, w->check);
	fflush(f);
}
