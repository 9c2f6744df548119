/* Percentiles and summaries against hand-computed values; busbw factors; dtype pattern. */
#include "config.h"
#include "core/busbw.h"
#include "core/dtype.h"
#include "core/stats.h"
#include "tests/tap.h"

int main(void)
{
	/* numpy.percentile([1,2,3,4,5,6,7,8,9,10], [50, 99]) = 5.5, 9.91 */
	double a[] = { 10, 3, 7, 1, 9, 2, 8, 4, 6, 5 };
	struct cb_stats st;
	cb_stats_compute(a, 10, &st);
	is_num(st.min, 1, 0, "min");
	is_num(st.max, 10, 0, "max");
	is_num(st.mean, 5.5, 1e-12, "mean");
	is_num(st.median, 5.5, 1e-12, "median of even count interpolates");
	is_num(st.p99, 9.91, 1e-12, "p99 = 9 + 0.91*(10-9)");
	double b[] = { 4, 1, 3 };
	cb_stats_compute(b, 3, &st);
	is_num(st.median, 3, 0, "median of odd count is the middle");
	is_num(st.p99, 3.98, 1e-12, "p99 of 3 samples = 3 + 0.98*(4-3)");
	double c[] = { 42 };
	cb_stats_compute(c, 1, &st);
	ok(st.min == 42 && st.median == 42 && st.p99 == 42 && st.max == 42, "one sample is every statistic");
	double sorted[] = { 0, 10, 20, 30, 40 };
	is_num(cb_stats_percentile(sorted, 5, 25), 10, 1e-12, "p25 of 0..40 step 10");
	is_num(cb_stats_percentile(sorted, 5, 90), 36, 1e-12, "p90 of 0..40 step 10");
	is_num(cb_stats_percentile(sorted, 5, 0), 0, 0, "p0 is min");
	is_num(cb_stats_percentile(sorted, 5, 100), 40, 0, "p100 is max");

	is_num(cb_busbw_allreduce(1), 0, 0, "allreduce factor p=1");
	is_num(cb_busbw_allreduce(2), 1, 0, "allreduce factor p=2");
	is_num(cb_busbw_allreduce(4), 1.5, 1e-15, "allreduce factor p=4");
	is_num(cb_busbw_allreduce(72), 2.0 * 71 / 72, 1e-15, "allreduce factor p=72");
	is_num(cb_busbw_alltoall(4), 0.75, 1e-15, "alltoall factor p=4");
	is_num(cb_busbw_alltoall(8), 0.875, 1e-15, "alltoall factor p=8");

	double t[CB_PATTERN_PERIOD];
	cb_pattern_expected(CB_OP_SUM, 3, t);
	is_num(t[0], 1 + 2 + 3, 0, "pattern sum, 3 ranks, element 0");
	is_num(t[30], 31 + 1 + 2, 0, "pattern sum wraps at the period");
	cb_pattern_expected(CB_OP_MAX, 3, t);
	is_num(t[30], 31, 0, "pattern max");
	cb_pattern_expected(CB_OP_MIN, 3, t);
	is_num(t[30], 1, 0, "pattern min");
	float f[2];
	cb_dtype_store(CB_DTYPE_FLOAT, f, 1, 17);
	is_num(cb_dtype_load(CB_DTYPE_FLOAT, f, 1), 17, 0, "float store/load");
	enum cb_dtype dt;
	ok(cb_dtype_parse("int64", &dt) == 0 && dt == CB_DTYPE_INT64 && cb_dtype_size(dt) == 8, "dtype int64");
	ok(cb_dtype_parse("half", &dt) == -1, "unknown dtype refused");
	return tap_done();
}
