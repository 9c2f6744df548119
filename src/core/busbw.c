/* Bus-bandwidth factors. */
#include "config.h"
#include "core/busbw.h"

double cb_busbw_allreduce(int nranks)
{
	return nranks > 0 ? 2.0 * (nranks - 1) / nranks : 0.0;
}

double cb_busbw_alltoall(int nranks)
{
	return nranks > 0 ? (double)(nranks - 1) / nranks : 0.0;
}

double cb_busbw_one(int nranks)
{
	(void)nranks;
	return 1.0;
}
