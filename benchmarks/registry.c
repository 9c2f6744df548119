/* The kernel table: adding a kernel is one file in benchmarks/ and one line here. */
#include "config.h"
#include "harness/kernel.h"

#include <string.h>

extern const struct cb_kernel cb_kernel_allreduce;
extern const struct cb_kernel cb_kernel_kvcache;
extern const struct cb_kernel cb_kernel_alltoall;
extern const struct cb_kernel cb_kernel_pingpong;

const struct cb_kernel *const cb_kernels[] = {
	&cb_kernel_allreduce,
	&cb_kernel_kvcache,
	&cb_kernel_alltoall,
	&cb_kernel_pingpong,
	NULL,
};

const struct cb_kernel *cb_kernel_find(const char *name)
{
	for (int i = 0; cb_kernels[i]; i++)
		if (strcmp(cb_kernels[i]->name, name) == 0)
			return cb_kernels[i];
	return NULL;
}
