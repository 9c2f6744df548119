/* gnuplot scripts from templates, and rendering through the gnuplot found on PATH (never a configure-time path). */
#include "config.h"
#include "report/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CB_PKGDATADIR
#define CB_PKGDATADIR "/usr/local/share/cpobench"
#endif

const char *cb_plot_medium_color(int m)
{
	/* copper, aec, pluggable, lpo, cpo; as-built (-1) black */
	static const char *const c[] = { "#a6611a", "#dfc27d", "#2c7bb6", "#1a9641", "#d7191c" };
	return m >= 0 && m < 5 ? c[m] : "#000000";
}

const char *cb_plot_color(int i)
{
	static const char *const c[] = { "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
					 "#a6761d", "#666666", "#1f78b4", "#b2df8a" };
	return c[(i % 10 + 10) % 10];
}

const char *cb_plot_quote(const char *s, char *buf, size_t len)
{
	size_t k = 0;
	if (len < 3)
		return "\"\"";
	buf[k++] = '"';
	for (; *s && k + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			buf[k++] = '\\';
		buf[k++] = *s;
	}
	buf[k++] = '"';
	buf[k] = '\0';
	return buf;
}

static int readable(const char *p)
{
	return access(p, R_OK) == 0;
}

int cb_plot_template_path(const char *name, char *path, size_t len)
{
	const char *env = getenv("CPOBENCH_DATADIR");
	if (env && *env) {
		snprintf(path, len, "%s/plots/%s.gp", env, name);
		if (readable(path))
			return 0;
	}
#ifdef CB_SRCDIR
	snprintf(path, len, "%s/plots/%s.gp", CB_SRCDIR, name);
	if (readable(path))
		return 0;
#endif
	snprintf(path, len, "%s/plots/%s.gp", CB_PKGDATADIR, name);
	return readable(path) ? 0 : -1;
}

int cb_plot_script(const char *dir, const char *name, const char *tmpl, const char *vars, char *err, size_t errlen)
{
	char tpath[4096], out[4096], q[4200];
	if (cb_plot_template_path(tmpl, tpath, sizeof tpath) != 0) {
		snprintf(err, errlen, "gnuplot template %s.gp not found in $CPOBENCH_DATADIR/plots or %s/plots", tmpl,
			 CB_PKGDATADIR);
		return -1;
	}
	FILE *in = fopen(tpath, "r");
	snprintf(out, sizeof out, "%s/%s.gp", dir, name);
	FILE *f = in ? fopen(out, "w") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s: cannot %s: %s", in ? out : tpath, in ? "write" : "read", strerror(errno));
		if (in)
			fclose(in);
		return -1;
	}
	fprintf(f, "# %s.gp: written by cpobench-report from the template %s.gp; edit and rerun `gnuplot %s.gp`.\n",
		name, tmpl, name);
	fprintf(f, "%s\n", vars);
	fprintf(f, "set terminal pngcairo size 1000,640 enhanced font 'Sans,11'\nset output %s\n",
		cb_plot_quote((snprintf(out, sizeof out, "%s.png", name), out), q, sizeof q));
	char line[4096];
	while (fgets(line, sizeof line, in))
		fputs(line, f);
	fprintf(f, "\nset terminal svg size 1000,640 dynamic enhanced font 'Sans,11' background '#ffffff'\nset output %s\nreplot\nunset output\n",
		cb_plot_quote((snprintf(out, sizeof out, "%s.svg", name), out), q, sizeof q));
	int bad = ferror(in);
	fclose(in);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s/%s.gp: write failed", dir, name);
		return -1;
	}
	return 0;
}

const char *cb_plot_gnuplot(void)
{
	static char found[4096];
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n > 0 && n < sizeof found - 10) {
			snprintf(found, sizeof found, "%.*s/gnuplot", (int)n, path);
			if (access(found, X_OK) == 0)
				return found;
		}
		path += n + (path[n] == ':');
	}
	return NULL;
}

int cb_plot_render(const char *dir, const char *name, char *msg, size_t len)
{
	const char *gp = cb_plot_gnuplot();
	if (!gp) {
		snprintf(msg, len, "gnuplot not found on PATH");
		return 1;
	}
	char script[512], log[4096];
	snprintf(script, sizeof script, "%s.gp", name);
	snprintf(log, sizeof log, "%s/%s.gnuplot.log", dir, name);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(msg, len, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(dir) != 0)
			_exit(126);
		execl(gp, "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		unlink(log);
		return 0;
	}
	snprintf(msg, len, "gnuplot %s/%s.gp failed (exit %d); its messages are in %s", dir, name,
		 WIFEXITED(st) ? WEXITSTATUS(st) : -1, log);
	return -1;
}
