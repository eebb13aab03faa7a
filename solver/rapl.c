/*
 * rapl.c - host energy from the Linux powercap interface (Intel RAPL,
 * also exposed by AMD's driver under the same name).
 *
 * Only package zones (intel-rapl:N) are summed: their subzones
 * (intel-rapl:N:M, core and uncore) are already counted in them.  The
 * counters are microjoules that wrap at max_energy_range_uj, so they are
 * polled and the deltas added up; reading them may need root on recent
 * kernels, and a counter that cannot be read counts as absent.
 */
#include "solver/solver.h"

#include <dirent.h>
#include <math.h>

static int read_u64(const char *path, uint64_t *out)
{
	struct strbuf sb;
	char *end;
	int r = -1;

	strbuf_init(&sb);
	if (strbuf_read_file(&sb, path, 64) == 0 && sb.len) {
		unsigned long long v = strtoull(sb.buf, &end, 10);
		if (end != sb.buf && (*end == '\n' || !*end)) {
			*out = (uint64_t)v;
			r = 0;
		}
	}
	strbuf_release(&sb);
	return r;
}

/* "intel-rapl:" and digits, nothing more. */
static bool package_zone(const char *name)
{
	const char *p = name + strlen("intel-rapl:");

	if (strncmp(name, "intel-rapl:", strlen("intel-rapl:")) || !*p)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static void add_zone(struct rapl *r, const char *root, const char *name)
{
	struct strbuf path, range;
	uint64_t now, max;

	strbuf_init(&path);
	strbuf_init(&range);
	strbuf_addf(&path, "%s/%s/energy_uj", root, name);
	strbuf_addf(&range, "%s/%s/max_energy_range_uj", root, name);
	if (read_u64(path.buf, &now) == 0) {
		if (read_u64(range.buf, &max) < 0 || max == 0)
			max = UINT64_MAX;
		/* a host has a handful of packages: grow one at a time */
		r->paths = xrealloc(r->paths, st_mult(r->n + 1, sizeof(char *)));
		r->last = xrealloc(r->last, st_mult(r->n + 1, sizeof(uint64_t)));
		r->range = xrealloc(r->range, st_mult(r->n + 1,
						      sizeof(uint64_t)));
		r->paths[r->n] = strbuf_detach(&path);
		r->last[r->n] = now;
		r->range[r->n] = max;
		r->n++;
	}
	strbuf_release(&path);
	strbuf_release(&range);
}

void rapl_open(struct rapl *r, const char *root)
{
	DIR *dir = opendir(root);
	struct dirent *de;

	memset(r, 0, sizeof(*r));
	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (package_zone(de->d_name))
			add_zone(r, root, de->d_name);
	closedir(dir);
}

uint64_t rapl_diff(uint64_t then, uint64_t now, uint64_t range)
{
	if (now >= then)
		return now - then;
	/* wrapped: from then up to range, then from 0 to now */
	return range - then + now + (range == UINT64_MAX ? 1 : 0);
}

double rapl_poll(struct rapl *r)
{
	if (!r->n)
		return (double)NAN;
	for (size_t i = 0; i < r->n; i++) {
		uint64_t now;
		if (read_u64(r->paths[i], &now) < 0)
			continue;
		r->total_j += (double)rapl_diff(r->last[i], now, r->range[i]) /
			      1e6;
		r->last[i] = now;
	}
	return r->total_j;
}

void rapl_release(struct rapl *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->last);
	free(r->range);
	memset(r, 0, sizeof(*r));
}
