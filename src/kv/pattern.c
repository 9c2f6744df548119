/* Check pattern: every KV byte is a function of (request, layer, tensor, head, token, byte). */
#include "config.h"
#include "kv/pattern.h"
#include "kv/clock.h"

#include <string.h>

static uint64_t row_seed(uint64_t req, int layer, int kv, int head, uint64_t token)
{
	uint64_t h = cb_kv_mix(req);
	h = cb_kv_mix(h ^ (uint64_t)layer);
	h = cb_kv_mix(h ^ ((uint64_t)kv << 20) ^ (uint64_t)head);
	return cb_kv_mix(h ^ token);
}

static void row_bytes(uint64_t seed, unsigned char *out, uint64_t n)
{
	uint64_t w = 0;
	for (; w + 8 <= n; w += 8) {
		uint64_t v = cb_kv_mix(seed + w);
		memcpy(out + w, &v, 8);
	}
	if (w < n) {
		uint64_t v = cb_kv_mix(seed + w);
		memcpy(out + w, &v, n - w);
	}
}

/* Calls fn(row_index_bytes_offset, seed) for every row of the piece in order. */
#define FOR_ROWS(g, p, req, BODY)                                                                          \
	do {                                                                                               \
		uint64_t off_ = 0;                                                                         \
		for (int l_ = (p)->layer; l_ < (p)->layer + (p)->nlayers; l_++)                            \
			for (int k_ = (p)->kv; k_ < (p)->kv + (p)->nkv; k_++)                              \
				for (int h_ = (p)->head0; h_ < (p)->head0 + (p)->nheads; h_++)             \
					for (int t_ = 0; t_ < (g)->block_tokens; t_++) {                   \
						uint64_t tok_ = (uint64_t)(p)->block * (uint64_t)(g)->block_tokens + (uint64_t)t_; \
						uint64_t seed_ = row_seed(req, l_, k_, h_, tok_);          \
						BODY;                                                      \
						off_ += (g)->row_bytes;                                    \
					}                                                                  \
	} while (0)

void cb_kv_pattern_fill(const struct cb_kv_geom *g, const struct cb_kv_piece *p, uint64_t req, void *dst,
			int invert)
{
	unsigned char *d = dst;
	FOR_ROWS(g, p, req, {
		row_bytes(seed_, d + off_, g->row_bytes);
		if (invert)
			for (uint64_t i = 0; i < g->row_bytes; i++)
				d[off_ + i] = (unsigned char)~d[off_ + i];
	});
}

uint64_t cb_kv_pattern_verify(const struct cb_kv_geom *g, const struct cb_kv_piece *p, uint64_t req,
			      const void *got, uint64_t *first_bad)
{
	const unsigned char *s = got;
	unsigned char want[4096];
	uint64_t bad = 0;
	*first_bad = UINT64_MAX;
	FOR_ROWS(g, p, req, {
		for (uint64_t done = 0; done < g->row_bytes; done += sizeof want) {
			uint64_t n = g->row_bytes - done < sizeof want ? g->row_bytes - done : sizeof want;
			/* rows longer than the buffer are generated piecewise, 8-byte aligned */
			row_bytes(seed_ + done, want, n);
			if (memcmp(want, s + off_ + done, n) != 0)
				for (uint64_t i = 0; i < n; i++)
					if (want[i] != s[off_ + done + i]) {
						if (*first_bad == UINT64_MAX)
							*first_bad = off_ + done + i;
						bad++;
					}
		}
	});
	return bad;
}
