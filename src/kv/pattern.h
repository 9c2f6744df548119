/* Check pattern: every KV byte is a function of (request, layer, tensor, head, token, byte). */
#ifndef CB_KV_PATTERN_H
#define CB_KV_PATTERN_H

#include <stdint.h>

#include "kv/layout.h"

/* Write a piece's content (its rows in piece order) to dst; invert = 1 writes
 * the bitwise complement (a poison that differs from the pattern in every byte). */
void cb_kv_pattern_fill(const struct cb_kv_geom *g, const struct cb_kv_piece *p, uint64_t req, void *dst,
			int invert);
/* Count wrong bytes of a received piece; *first_bad gets the first bad offset. */
uint64_t cb_kv_pattern_verify(const struct cb_kv_geom *g, const struct cb_kv_piece *p, uint64_t req,
			      const void *got, uint64_t *first_bad);

#endif
