/*
 * Bus-bandwidth factors (nccl-tests, doc/PERFORMANCE.md): busbw = algbw x factor,
 * the fraction of the data each rank must move over its link in an optimal
 * algorithm, so that busbw is comparable to link bandwidth at any rank count.
 */
#ifndef CB_BUSBW_H
#define CB_BUSBW_H

double cb_busbw_allreduce(int nranks);   /* 2(p-1)/p */
double cb_busbw_alltoall(int nranks);    /* (p-1)/p */
double cb_busbw_one(int nranks);         /* 1: point-to-point, broadcast-like */

#endif
