/* A GQA KV geometry for the unit tests (bf16), built by cb_kv_geom_init. */
#ifndef CB_TESTS_KV_GEOM_H
#define CB_TESTS_KV_GEOM_H

#include "kv/layout.h"

#include <stdio.h>

static inline struct cb_kv_geom kv_test_geom(int L, int H, int d, int bt, int tp_p, int tp_d,
					     enum cb_kv_layout lay)
{
	struct cb_kv_geom g = { 0 };
	char err[256];
	g.m.attn = CB_KV_GQA;
	g.m.layers = L;
	g.m.kv_heads = H;
	g.m.head_dim = d;
	g.elem_bytes = 2;
	g.block_tokens = bt;
	g.tp_p = tp_p;
	g.tp_d = tp_d;
	g.layout = lay;
	if (cb_kv_geom_init(&g, err, sizeof err) != 0)
		printf("# geom: %s\n", err);
	return g;
}

#endif
