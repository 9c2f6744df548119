/* Slurm's network topology (topology.conf, or `scontrol show topology` output): which switch each node hangs off. */
#include "config.h"
#include "core/slurm_topo.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CB_HOSTLIST_MAX (1 << 20)

/*
 * Slurm's formats are line-oriented Key=Value lists with bracketed host
 * ranges; no Debian library reads them except libslurm, whose ABI changes
 * with every Slurm release (cpobench must run under any), so the few rules
 * are implemented here.
 */

struct names {
	char **v;
	int n, cap;
};

static int names_push(struct names *a, const char *s, size_t len, char *err, size_t errlen)
{
	if (a->n == CB_HOSTLIST_MAX) {
		snprintf(err, errlen, "more than %d host names", CB_HOSTLIST_MAX);
		return -1;
	}
	if (a->n == a->cap) {
		int cap = a->cap ? 2 * a->cap : 16;
		char **v = realloc(a->v, (size_t)cap * sizeof *v);
		if (!v)
			goto oom;
		a->v = v;
		a->cap = cap;
	}
	if (!(a->v[a->n] = strndup(s, len)))
		goto oom;
	a->n++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int parse_uint(const char *s, size_t len, unsigned long *out)
{
	if (len == 0 || len > 9)
		return -1;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Expand one host expression without top-level commas: prefix[ranges]rest. */
static int expand_one(const char *s, size_t len, struct names *out, char *err, size_t errlen)
{
	const char *lb = memchr(s, '[', len);
	if (!lb) {
		if (memchr(s, ']', len)) {
			snprintf(err, errlen, "unbalanced ']' in host list '%.*s'", (int)len, s);
			return -1;
		}
		if (len == 0) {
			snprintf(err, errlen, "empty host name in host list");
			return -1;
		}
		return names_push(out, s, len, err, errlen);
	}
	const char *end = s + len, *rb = memchr(lb, ']', (size_t)(end - lb));
	if (!rb) {
		snprintf(err, errlen, "missing ']' in host list '%.*s'", (int)len, s);
		return -1;
	}
	size_t plen = (size_t)(lb - s), rlen = (size_t)(end - rb - 1);
	const char *range = lb + 1;
	while (range <= rb) {
		const char *comma = memchr(range, ',', (size_t)(rb - range));
		const char *stop = comma ? comma : rb;
		const char *dash = memchr(range, '-', (size_t)(stop - range));
		unsigned long lo, hi;
		size_t lolen = (size_t)((dash ? dash : stop) - range);
		if (parse_uint(range, lolen, &lo) != 0 ||
		    (dash && parse_uint(dash + 1, (size_t)(stop - dash - 1), &hi) != 0)) {
			snprintf(err, errlen, "bad range '%.*s' in host list (expected N or N-M, digits only)",
				 (int)(stop - range), range);
			return -1;
		}
		if (!dash)
			hi = lo;
		if (hi < lo || hi - lo >= CB_HOSTLIST_MAX) {
			snprintf(err, errlen, "bad range '%.*s' in host list (expected N-M with N <= M)",
				 (int)(stop - range), range);
			return -1;
		}
		for (unsigned long v = lo; v <= hi; v++) {
			char num[16];
			int nlen = snprintf(num, sizeof num, "%0*lu", (int)lolen, v);
			size_t blen = plen + (size_t)nlen + rlen;
			char *buf = malloc(blen + 1);
			if (!buf) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			memcpy(buf, s, plen);
			memcpy(buf + plen, num, (size_t)nlen);
			memcpy(buf + plen + nlen, rb + 1, rlen);
			buf[blen] = '\0';
			int rc = expand_one(buf, blen, out, err, errlen); /* rest may hold more brackets */
			free(buf);
			if (rc != 0)
				return -1;
		}
		range = stop + 1;
	}
	return 0;
}

void cb_hostlist_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int cb_hostlist_expand(const char *expr, char ***names, char *err, size_t errlen)
{
	struct names out = { 0 };
	const char *p = expr;
	*names = NULL;
	while (*p) {
		const char *q = p;
		int depth = 0;
		while (*q && (depth || *q != ',')) {
			depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
			q++;
		}
		if (expand_one(p, (size_t)(q - p), &out, err, errlen) != 0) {
			cb_hostlist_free(out.v, out.n);
			return -1;
		}
		p = *q ? q + 1 : q;
	}
	*names = out.v;
	return out.n;
}

static void switch_free(struct cb_slurm_switch *s)
{
	free(s->name);
	cb_hostlist_free(s->nodes, s->nnodes);
	cb_hostlist_free(s->children, s->nchildren);
}

void cb_slurm_topo_free(struct cb_slurm_topo *t)
{
	for (int i = 0; i < t->nsw; i++)
		switch_free(&t->sw[i]);
	free(t->sw);
	t->sw = NULL;
	t->nsw = 0;
}

static int node_matches(const char *listed, const char *node)
{
	if (strcmp(listed, node) == 0)
		return 1;
	/* node "n1.cluster" matches listed "n1" and the other way round */
	size_t a = strcspn(listed, "."), b = strcspn(node, ".");
	return a == b && strncmp(listed, node, a) == 0;
}

int cb_slurm_topo_leaf_of(const struct cb_slurm_topo *t, const char *node)
{
	for (int i = 0; i < t->nsw; i++)
		for (int k = 0; k < t->sw[i].nnodes; k++)
			if (node_matches(t->sw[i].nodes[k], node))
				return i;
	return -1;
}

/* One line: fills sw (name NULL for a blank/comment-only line). */
static int parse_line(char *line, struct cb_slurm_switch *sw, char *err, size_t errlen)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	memset(sw, 0, sizeof *sw);
	for (char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok) {
			snprintf(err, errlen, "'%s': expected Key=Value (SwitchName=, Nodes=, Switches=, LinkSpeed=)", tok);
			return -1;
		}
		*eq = '\0';
		const char *key = tok, *val = eq + 1;
		int is_name = strcasecmp(key, "SwitchName") == 0 || strcasecmp(key, "BlockName") == 0;
		if (!sw->name && !is_name) {
			snprintf(err, errlen, "'%s=' before SwitchName= (each line starts with SwitchName=NAME)", key);
			return -1;
		}
		if (strcmp(val, "(null)") == 0)
			val = "";
		if (is_name) {
			if (sw->name) {
				snprintf(err, errlen, "two names on one line ('%s' and '%s')", sw->name, val);
				return -1;
			}
			if (!*val) {
				snprintf(err, errlen, "%s= needs a switch name", key);
				return -1;
			}
			if (!(sw->name = strdup(val)))
				goto oom;
		} else if (strcasecmp(key, "Nodes") == 0 || strcasecmp(key, "Switches") == 0) {
			int nodes = strcasecmp(key, "Nodes") == 0;
			char ***v = nodes ? &sw->nodes : &sw->children;
			int *n = nodes ? &sw->nnodes : &sw->nchildren;
			if (*v) {
				snprintf(err, errlen, "%s= given twice for switch '%s'", key, sw->name);
				return -1;
			}
			char e[256];
			int k = *val ? cb_hostlist_expand(val, v, e, sizeof e) : 0;
			if (k < 0) {
				snprintf(err, errlen, "%s=%s: %s", key, val, e);
				return -1;
			}
			*n = k;
		} else if (strcasecmp(key, "LinkSpeed") == 0 || strcasecmp(key, "Level") == 0) {
			char *end;
			errno = 0;
			(void)strtol(val, &end, 10);
			if (!*val || *end || errno) {
				snprintf(err, errlen, "%s=%s: expected an integer", key, val);
				return -1;
			}
		} else {
			snprintf(err, errlen, "unknown key '%s' (expected SwitchName, Nodes, Switches, LinkSpeed)", key);
			return -1;
		}
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int cb_slurm_topo_parse_string(const char *text, const char *fname, struct cb_slurm_topo *t, char *err,
			       size_t errlen)
{
	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "%s", fname);
	char *copy = strdup(text), e[400];
	if (!copy) {
		snprintf(err, errlen, "%s: out of memory", fname);
		return -1;
	}
	int lineno = 0, rc = 0;
	for (char *line = copy, *next; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		struct cb_slurm_switch sw;
		if (parse_line(line, &sw, e, sizeof e) != 0) {
			snprintf(err, errlen, "%s:%d: %s", fname, lineno, e);
			switch_free(&sw);
			rc = -1;
			break;
		}
		if (!sw.name)
			continue;
		sw.line = lineno;
		for (int i = 0; i < t->nsw && rc == 0; i++)
			if (strcmp(t->sw[i].name, sw.name) == 0) {
				snprintf(err, errlen, "%s:%d: switch '%s' already defined on line %d", fname, lineno,
					 sw.name, t->sw[i].line);
				rc = -1;
			}
		for (int k = 0; k < sw.nnodes && rc == 0; k++) {
			int other = cb_slurm_topo_leaf_of(t, sw.nodes[k]);
			if (other >= 0) {
				snprintf(err, errlen, "%s:%d: node '%s' is already under switch '%s' (line %d)", fname,
					 lineno, sw.nodes[k], t->sw[other].name, t->sw[other].line);
				rc = -1;
			}
		}
		struct cb_slurm_switch *grown = rc ? NULL : realloc(t->sw, (size_t)(t->nsw + 1) * sizeof *grown);
		if (!grown) {
			if (rc == 0)
				snprintf(err, errlen, "%s: out of memory", fname);
			switch_free(&sw);
			rc = -1;
			break;
		}
		t->sw = grown;
		t->sw[t->nsw++] = sw;
	}
	free(copy);
	if (rc != 0)
		cb_slurm_topo_free(t);
	return rc;
}

int cb_slurm_topo_load(const char *path, struct cb_slurm_topo *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	memset(t, 0, sizeof *t);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, mem);
	int bad = ferror(f);
	fclose(f);
	if (!mem || fclose(mem) != 0 || bad) {
		snprintf(err, errlen, "%s: cannot read the file", path);
		free(text);
		return -1;
	}
	int rc = cb_slurm_topo_parse_string(text, path, t, err, errlen);
	free(text);
	return rc;
}

const char *cb_slurm_topo_find(char *buf, size_t len)
{
	const char *env = getenv("CPOBENCH_SLURM_TOPOLOGY");
	if (env && *env) {
		snprintf(buf, len, "%s", env); /* named explicitly: a missing file is an error later */
		return buf;
	}
	const char *conf = getenv("SLURM_CONF");
	if (conf && *conf) {
		const char *slash = strrchr(conf, '/');
		snprintf(buf, len, "%.*stopology.conf", slash ? (int)(slash - conf + 1) : 0, conf);
	} else {
		snprintf(buf, len, "/etc/slurm/topology.conf");
	}
	FILE *f = fopen(buf, "r");
	if (!f)
		return NULL;
	fclose(f);
	return buf;
}
