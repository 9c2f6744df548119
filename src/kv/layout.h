/*
 * Paged KV layout and its decomposition into messages: which bytes of which
 * prefill rank go to which decode rank (TP resharding by head slices, one
 * source per head for replicated GQA heads and MLA latents), as pieces that
 * are contiguous on both sides, then merged into messages by granularity.
 */
#ifndef CB_KV_LAYOUT_H
#define CB_KV_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "kv/model.h"

/* Per-layer K/V regions (vLLM/SGLang; HND inside a block), or cross-layer blocks. */
enum cb_kv_layout { CB_KV_LAYOUT_LAYER, CB_KV_LAYOUT_CROSS };
enum cb_kv_gran { CB_KV_GRAN_DESC, CB_KV_GRAN_COALESCE, CB_KV_GRAN_LAYER, CB_KV_GRAN_REQUEST };
/* How a message of non-adjacent pieces travels: an MPI derived datatype over
 * the pool (hindexed; MPI gathers), or packed into a contiguous staging buffer
 * by memcpy and unpacked at the destination (as NIXL/Mooncake-style stacks do). */
enum cb_kv_pack { CB_KV_PACK_DTYPE, CB_KV_PACK_COPY };
enum cb_kv_sched { CB_KV_SCHED_BULK, CB_KV_SCHED_LAYER, CB_KV_SCHED_CHUNK };

const char *cb_kv_layout_name(enum cb_kv_layout l);
const char *cb_kv_gran_name(enum cb_kv_gran g);

/* Geometry shared by both sides of a run. */
struct cb_kv_geom {
	struct cb_kv_model m;
	int elem_bytes;        /* 2 bf16, 1 fp8 */
	int block_tokens;
	int tp_p, tp_d;
	enum cb_kv_layout layout;
	/* derived by cb_kv_geom_init */
	int ntens;             /* tensors per layer: 2 (K, V) or 1 (MLA latent) */
	int heads_p, heads_d;  /* KV heads each rank holds */
	uint64_t row_bytes;    /* one head, one token: head_dim * elem_bytes */
};

/* Derive the per-rank head counts; refuses TP degrees that do not divide
 * (or are not a multiple of) the KV heads. */
int cb_kv_geom_init(struct cb_kv_geom *g, char *err, size_t errlen);
/* First global head held by rank r of a side with tp ranks. */
int cb_kv_first_head(const struct cb_kv_geom *g, int tp, int r);
/* Bytes of one block of one rank's pool (LAYER: one region's block; CROSS: all layers). */
uint64_t cb_kv_block_bytes(const struct cb_kv_geom *g, int heads);
/* Bytes of one rank's pool of pool_blocks blocks. */
uint64_t cb_kv_pool_bytes(const struct cb_kv_geom *g, int heads, uint64_t pool_blocks);

/* A head slice: decode rank dst takes heads [head0, head0+nheads) from prefill rank src. */
struct cb_kv_slice {
	int src, dst, head0, nheads;
};
/* All slices (malloc'd); every head each decode rank holds appears exactly once. */
int cb_kv_slices(const struct cb_kv_geom *g, struct cb_kv_slice **out);

/*
 * A piece: bytes contiguous at the source and at the destination, holding
 * rows (layer, tensor, head, token) in that order: layers [layer, +nlayers),
 * tensors [kv, +nkv), heads [head0, +nheads), the block's tokens.
 */
struct cb_kv_piece {
	uint64_t src_off, dst_off, len;
	int32_t layer, nlayers, head0, nheads;
	int32_t block;         /* logical block of the request */
	int16_t kv, nkv;
	int32_t group;         /* issue group (schedule) */
};

/* A message: pieces order[first .. first+npieces), issued together. */
struct cb_kv_msg {
	uint64_t bytes;
	uint32_t first, npieces;
	int32_t group;
	int contiguous;        /* all pieces adjacent on both sides: one plain buffer */
	uint64_t stage_off;    /* bytes of the plan's earlier messages: where a packed
				* (--granularity *-copy) message sits in the flow's staging band */
};

/* One request's transfer from one prefill rank to one decode rank. */
struct cb_kv_req {
	uint64_t isl;                  /* prompt tokens */
	const uint64_t *src_blocks;    /* pool block of each logical block, prefill side */
	const uint64_t *dst_blocks;    /* decode side */
	uint64_t src_pool_blocks, dst_pool_blocks;
	enum cb_kv_sched sched;
	int sched_arg;                 /* layers per group, or chunk tokens */
	enum cb_kv_gran gran;
	uint64_t max_msg;              /* messages are split above this many bytes */
};

struct cb_kv_plan {
	struct cb_kv_piece *pieces;
	size_t npieces;
	uint32_t *order;
	struct cb_kv_msg *msgs;
	size_t nmsgs;
	int ngroups;
	uint64_t bytes;
};

static inline uint64_t cb_kv_nblocks(const struct cb_kv_geom *g, uint64_t isl)
{
	return (isl + (uint64_t)g->block_tokens - 1) / (uint64_t)g->block_tokens;
}
/* Number of issue groups of a schedule for a request of isl tokens. */
int cb_kv_ngroups(const struct cb_kv_geom *g, enum cb_kv_sched s, int arg, uint64_t isl);

/* Build the plan for slice s of request r.  Returns 0 or -1 (out of memory). */
int cb_kv_plan_build(const struct cb_kv_geom *g, const struct cb_kv_slice *s, const struct cb_kv_req *r,
		     struct cb_kv_plan *p);
void cb_kv_plan_free(struct cb_kv_plan *p);

#endif
