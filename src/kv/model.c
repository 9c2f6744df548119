/* Model configurations for KV-cache sizing: presets from an INI file, or custom:L,Hkv,dhead,... */
#include "config.h"
#include "kv/model.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *cb_kv_presets_path(void)
{
	static char buf[4096];
	const char *env = getenv("CPOBENCH_DATADIR");
	const char *dirs[] = { env, CB_PKGDATADIR, CB_SRCDIR };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i] || !dirs[i][0])
			continue;
		snprintf(buf, sizeof buf, "%s/presets/models.ini", dirs[i]);
		if (env && i == 0)
			return buf;  /* an explicit override is used even if missing (clear error) */
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, sizeof buf, "%s/presets/models.ini", CB_PKGDATADIR);
	return buf;
}

struct load_ctx {
	const char *path;
	const char *want;
	struct cb_kv_model *m;
	int found, in_want;
	char section[64];
	char err[512];
	char known[512];
	int mla_rank, mla_rope, mla_rope_set, entries, finish_failed;
	char failed_section[64];
};

static int parse_int_value(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* Finish the preset just read: MLA geometry and required keys. */
static int finish_model(struct load_ctx *c)
{
	c->finish_failed = 1;
	struct cb_kv_model *m = c->m;
	if (m->attn == CB_KV_MLA) {
		if (!c->mla_rank || !c->mla_rope_set) {
			snprintf(c->err, sizeof c->err, "[%s]: attention = mla needs kv_lora_rank and rope_dim", c->section);
			return -1;
		}
		m->kv_heads = 1;
		m->head_dim = c->mla_rank + c->mla_rope;
	} else if (!m->kv_heads || !m->head_dim) {
		snprintf(c->err, sizeof c->err, "[%s]: attention = gqa needs kv_heads and head_dim", c->section);
		return -1;
	}
	if (!m->layers) {
		snprintf(c->err, sizeof c->err, "[%s]: missing 'layers'", c->section);
		return -1;
	}
	if (m->swa_layers > m->layers || (m->swa_layers && !m->swa_window)) {
		snprintf(c->err, sizeof c->err, "[%s]: swa_layers must be <= layers and come with swa_window", c->section);
		return -1;
	}
	c->finish_failed = 0;
	return 0;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	if (strcmp(section, c->section) != 0) {
		/* a new section starts */
		if (c->in_want && finish_model(c) != 0) {
			snprintf(c->failed_section, sizeof c->failed_section, "%s", c->section);
			return 0;
		}
		snprintf(c->section, sizeof c->section, "%s", section);
		size_t n = strlen(c->known);
		snprintf(c->known + n, sizeof c->known - n, "%s%s", n ? ", " : "", section);
		c->in_want = strcasecmp(section, c->want) == 0;
		if (c->in_want) {
			c->found = 1;
			memset(c->m, 0, sizeof *c->m);
			snprintf(c->m->name, sizeof c->m->name, "%s", section);
			snprintf(c->m->display, sizeof c->m->display, "%s", section);
			c->mla_rank = c->mla_rope = c->mla_rope_set = 0;
		}
	}
	struct cb_kv_model *m = c->m;
	struct cb_kv_model scratch;
	if (!c->in_want)
		m = &scratch;  /* other sections are still validated */
	long v = 0;
	static const struct { const char *key; long lo, hi; } ints[] = {
		{ "layers", 1, 100000 }, { "kv_heads", 1, 4096 }, { "head_dim", 1, 65536 },
		{ "kv_lora_rank", 1, 65536 }, { "rope_dim", 0, 65536 }, { "swa_layers", 0, 100000 },
		{ "swa_window", 1, 1L << 30 }, { "hidden", 1, 1L << 24 },
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (strcmp(name, ints[i].key) != 0)
			continue;
		if (parse_int_value(value, ints[i].lo, ints[i].hi, &v) != 0) {
			snprintf(c->err, sizeof c->err, "[%s] %s = '%s': expected an integer in [%ld, %ld]", section, name, value, ints[i].lo, ints[i].hi);
			return 0;
		}
		switch (i) {
		case 0: m->layers = (int)v; break;
		case 1: m->kv_heads = (int)v; break;
		case 2: m->head_dim = (int)v; break;
		case 3: if (c->in_want) c->mla_rank = (int)v; break;
		case 4: if (c->in_want) { c->mla_rope = (int)v; c->mla_rope_set = 1; } break;
		case 5: m->swa_layers = (int)v; break;
		case 6: m->swa_window = (int)v; break;
		default: m->hidden = (int)v; break;
		}
		return 1;
	}
	if (strcmp(name, "attention") == 0) {
		if (strcasecmp(value, "gqa") == 0 || strcasecmp(value, "mha") == 0)
			m->attn = CB_KV_GQA;
		else if (strcasecmp(value, "mla") == 0)
			m->attn = CB_KV_MLA;
		else {
			snprintf(c->err, sizeof c->err, "[%s] attention = '%s': expected gqa or mla", section, value);
			return 0;
		}
		return 1;
	}
	if (strcmp(name, "active_params") == 0) {
		char *end;
		double d = strtod(value, &end);
		if (end == value || *end || !(d > 0)) {
			snprintf(c->err, sizeof c->err, "[%s] active_params = '%s': expected a positive number", section, value);
			return 0;
		}
		m->active_params = d;
		return 1;
	}
	if (strcmp(name, "display") == 0) {
		snprintf(m->display, sizeof m->display, "%s", value);
		return 1;
	}
	if (strcmp(name, "source") == 0) {
		snprintf(m->source, sizeof m->source, "%s", value);
		return 1;
	}
	snprintf(c->err, sizeof c->err,
		 "[%s]: unknown key '%s' (expected attention, layers, kv_heads, head_dim, kv_lora_rank, "
		 "rope_dim, swa_layers, swa_window, hidden, active_params, display, source)",
		 section, name);
	return 0;
}

/* Line of "[section]" in path (for errors about a whole section), or 0. */
static int section_line(const char *path, const char *section)
{
	FILE *f = fopen(path, "r");
	char buf[512], want[80];
	int line = 0, found = 0;
	snprintf(want, sizeof want, "[%s]", section);
	while (f && !found && fgets(buf, sizeof buf, f)) {
		line++;
		char *p = buf;
		while (*p == ' ' || *p == '\t')
			p++;
		found = strncasecmp(p, want, strlen(want)) == 0;
	}
	if (f)
		fclose(f);
	return found ? line : 0;
}

int cb_kv_model_load(const char *path, const char *name, struct cb_kv_model *m, char *err, size_t errlen)
{
	struct load_ctx c = { .path = path, .want = name, .m = m };
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "--model: cannot read presets file %s: %s (set CPOBENCH_DATADIR)", path,
			 strerror(errno));
		return -1;
	}
	int rc = ini_parse_file(f, on_entry, &c);
	fclose(f);
	if (rc == 0 && c.in_want && finish_model(&c) != 0)
		snprintf(c.failed_section, sizeof c.failed_section, "%s", c.section);
	if (c.finish_failed) {
		snprintf(err, errlen, "%s:%d: %s", path, section_line(path, c.failed_section), c.err);
		return -1;
	}
	if (rc != 0) {
		if (c.err[0])
			snprintf(err, errlen, "%s:%d: %s", path, rc, c.err);
		else
			snprintf(err, errlen, "%s:%d: malformed line (expected [section] or key = value)", path, rc);
		return -1;
	}
	if (!c.found) {
		snprintf(err, errlen, "--model: unknown model '%s' (presets in %s: %s; or custom:L,Hkv,dhead)", name,
			 path, c.known);
		return -1;
	}
	return 0;
}

int cb_kv_model_custom(const char *spec, struct cb_kv_model *m, char *err, size_t errlen)
{
	const char *usage = "expected custom:L,Hkv,dhead[,attn=mla][,hidden=D][,swa=LAYERS/WINDOW]";
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "custom");
	snprintf(m->source, sizeof m->source, "command line: %s", spec);
	char *copy = strdup(spec + strlen("custom:")), *save = NULL;
	if (!copy) {
		snprintf(err, errlen, "--model: out of memory");
		return -1;
	}
	int n = 0, rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save), n++) {
		long v;
		if (n < 3) {
			static const long hi[] = { 100000, 4096, 65536 };
			if (parse_int_value(t, 1, hi[n], &v) != 0) {
				snprintf(err, errlen, "--model %s: '%s' is not a positive integer (%s)", spec, t, usage);
				rc = -1;
			} else if (n == 0)
				m->layers = (int)v;
			else if (n == 1)
				m->kv_heads = (int)v;
			else
				m->head_dim = (int)v;
		} else if (strcmp(t, "attn=mla") == 0) {
			m->attn = CB_KV_MLA;
		} else if (strcmp(t, "attn=gqa") == 0) {
			m->attn = CB_KV_GQA;
		} else if (strncmp(t, "hidden=", 7) == 0 && parse_int_value(t + 7, 1, 1L << 24, &v) == 0) {
			m->hidden = (int)v;
		} else if (strncmp(t, "swa=", 4) == 0) {
			char *slash = strchr(t + 4, '/');
			long w;
			if (!slash || (*slash = '\0', parse_int_value(t + 4, 0, 100000, &v) != 0) ||
			    parse_int_value(slash + 1, 1, 1L << 30, &w) != 0) {
				snprintf(err, errlen, "--model %s: bad swa field (%s)", spec, usage);
				rc = -1;
			} else {
				m->swa_layers = (int)v;
				m->swa_window = (int)w;
			}
		} else {
			snprintf(err, errlen, "--model %s: unknown field '%s' (%s)", spec, t, usage);
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0 && n < 3) {
		snprintf(err, errlen, "--model %s: too few fields (%s)", spec, usage);
		rc = -1;
	}
	if (rc == 0 && m->attn == CB_KV_MLA && m->kv_heads != 1) {
		snprintf(err, errlen, "--model %s: attn=mla has one latent per layer, so Hkv must be 1", spec);
		rc = -1;
	}
	if (rc == 0 && m->swa_layers > m->layers) {
		snprintf(err, errlen, "--model %s: swa layers (%d) exceed layers (%d)", spec, m->swa_layers, m->layers);
		rc = -1;
	}
	snprintf(m->display, sizeof m->display, "custom(L=%d,Hkv=%d,d=%d%s)", m->layers, m->kv_heads, m->head_dim,
		 m->attn == CB_KV_MLA ? ",mla" : "");
	return rc;
}

int cb_kv_model_resolve(const char *path, const char *spec, struct cb_kv_model *m, char *err, size_t errlen)
{
	if (strncmp(spec, "custom:", 7) == 0)
		return cb_kv_model_custom(spec, m, err, errlen);
	return cb_kv_model_load(path, spec, m, err, errlen);
}

int cb_kv_tensors(const struct cb_kv_model *m)
{
	return m->attn == CB_KV_MLA ? 1 : 2;
}

uint64_t cb_kv_token_bytes(const struct cb_kv_model *m, int elem_bytes)
{
	return (uint64_t)cb_kv_tensors(m) * (uint64_t)m->layers * (uint64_t)m->kv_heads * (uint64_t)m->head_dim *
	       (uint64_t)elem_bytes;
}

int cb_kv_layer_is_swa(const struct cb_kv_model *m, int layer)
{
	if (m->swa_layers <= 0)
		return 0;
	if (m->swa_layers * 2 == m->layers)
		return layer % 2 == 1;           /* alternating, as gpt-oss */
	return layer >= m->layers - m->swa_layers; /* otherwise: the last ones */
}

uint64_t cb_kv_context_bytes(const struct cb_kv_model *m, int elem_bytes, uint64_t ctx)
{
	uint64_t per_layer_token = (uint64_t)cb_kv_tensors(m) * (uint64_t)m->kv_heads * (uint64_t)m->head_dim *
				   (uint64_t)elem_bytes;
	uint64_t win = ctx < (uint64_t)m->swa_window ? ctx : (uint64_t)m->swa_window;
	uint64_t full = (uint64_t)(m->layers - m->swa_layers);
	return per_layer_token * (full * ctx + (uint64_t)m->swa_layers * win);
}
