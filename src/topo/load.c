/* Load a topology by path or shipped name: $CPOBENCH_TOPOLOGY_PATH, source tree, pkgdatadir, embedded `local`. */
#include "config.h"
#include "topo/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CB_PKGDATADIR
#define CB_PKGDATADIR "/usr/local/share/cpobench"
#endif

#define MAX_TOPOLOGY_BYTES (1 << 20)

void cb_topo_search_path(char *buf, size_t len)
{
	const char *env = getenv("CPOBENCH_TOPOLOGY_PATH");
	size_t n = 0;
	buf[0] = '\0';
	if (env && *env)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s:", env);
#ifdef CB_SRCDIR
	n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s/topologies:", CB_SRCDIR);
#endif
	snprintf(buf + n, n < len ? len - n : 0, "%s/topologies", CB_PKGDATADIR);
}

/* Read a whole file; NULL with the reason in err. */
static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(MAX_TOPOLOGY_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MAX_TOPOLOGY_BYTES + 1, f) : 0;
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(errno) : "out of memory");
		free(buf);
		return NULL;
	}
	if (n > MAX_TOPOLOGY_BYTES) {
		snprintf(err, errlen, "%s:1: file larger than %d bytes (expected a topology file)", path, MAX_TOPOLOGY_BYTES);
		free(buf);
		return NULL;
	}
	if (memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s:1: binary data (expected a text topology file)", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int load_path(const char *path, struct cb_topo *t, char *err, size_t errlen)
{
	char *text = slurp(path, err, errlen);
	if (!text)
		return -1;
	int rc = cb_topo_parse_string(text, path, t, err, errlen);
	free(text);
	if (rc == 0)
		snprintf(t->path, sizeof t->path, "%s", path);
	return rc;
}

/* A shipped name is one word of letters, digits, '-', '_' and '.'. */
static int is_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int cb_topo_load(const char *path_or_name, struct cb_topo *t, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (!path_or_name || !*path_or_name) {
		snprintf(err, errlen, "empty topology (expected a file or a shipped name such as 'local')");
		return -1;
	}
	if (strchr(path_or_name, '/') || is_file(path_or_name) || !is_name(path_or_name))
		return load_path(path_or_name, t, err, errlen);

	char search[4096];
	cb_topo_search_path(search, sizeof search);
	for (char *save = NULL, *dir = strtok_r(search, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s.ini", dir, path_or_name);
		if (is_file(path))
			return load_path(path, t, err, errlen);
	}
	if (strcmp(path_or_name, "local") == 0) {
		int rc = cb_topo_parse_string(cb_topo_local_text, "local (built in)", t, err, errlen);
		t->embedded = 1;
		return rc;
	}
	cb_topo_search_path(search, sizeof search);
	snprintf(err, errlen, "topology '%s' not found (expected a file, or a shipped name found as NAME.ini in %s)",
		 path_or_name, search);
	return -1;
}
