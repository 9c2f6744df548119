/* Whole-file writes that readers never see half done. */
#ifndef CB_ATOMIC_FILE_H
#define CB_ATOMIC_FILE_H

#include <stddef.h>

/* Write data to a temporary file beside path, fsync it, rename it over path.
 * Returns 0, or -1 with "path: reason" in err. */
int cb_file_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen);
/* mkdir -p; returns 0, or -1 with the failing directory and reason in err. */
int cb_mkdir_p(const char *dir, char *err, size_t errlen);

#endif
