/* Whole-file writes that readers never see half done. */
#include "config.h"
#include "core/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cb_file_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
	size_t tl = strlen(path) + 32;
	char *tmp = malloc(tl);
	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	snprintf(tmp, tl, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: write failed: %s", tmp, w < 0 ? strerror(errno) : "no progress");
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 && errno != EINVAL) {
		snprintf(err, errlen, "%s: fsync failed: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "%s: close failed: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int cb_mkdir_p(const char *dir, char *err, size_t errlen)
{
	char *p = strdup(dir);
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	for (char *s = p + 1;; s++) {
		char c = *s;
		if (c == '/' || c == '\0') {
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				snprintf(err, errlen, "cannot create directory %s: %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
		}
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}
