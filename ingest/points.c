/*
 * points.c - the points one feed response yields, before they are stored.
 *
 * Parsers append here; the batch interns zone, signal and unit strings so
 * that a file of 100k rows holds a handful of strings, and so that points
 * can be compared by key cheaply when duplicates are dropped.
 */
#include "ingest/ingest.h"

#include <math.h>

void point_batch_init(struct point_batch *pb)
{
	memset(pb, 0, sizeof(*pb));
	pb->price_floor = (double)NAN;
	strbuf_init(&pb->warnings);
}

void point_batch_release(struct point_batch *pb)
{
	for (size_t i = 0; i < pb->nstrs; i++)
		free(pb->strs[i]);
	free(pb->strs);
	free(pb->pts);
	strbuf_release(&pb->warnings);
	point_batch_init(pb);
}

/*
 * Most recent strings are searched first: parsers ask for the same zone
 * and signal row after row.
 */
const char *point_batch_intern(struct point_batch *pb, const char *s,
			       size_t len)
{
	for (size_t i = pb->nstrs; i-- > 0;) {
		const char *t = pb->strs[i];
		if (!strncmp(t, s, len) && t[len] == '\0')
			return t;
	}
	ALLOC_GROW(pb->strs, pb->nstrs + 1, pb->alloc_strs);
	pb->strs[pb->nstrs] = xstrndup(s, len);
	return pb->strs[pb->nstrs++];
}

struct store_point *point_batch_add(struct point_batch *pb)
{
	struct store_point *p;

	ALLOC_GROW(pb->pts, pb->n + 1, pb->alloc);
	p = &pb->pts[pb->n++];
	memset(p, 0, sizeof(*p));
	p->issued = GS_TIME_NONE;
	p->lo80 = p->hi80 = p->lo95 = p->hi95 = (double)NAN;
	return p;
}

static int cmp_time(gs_time a, gs_time b)
{
	return (a > b) - (a < b);
}

/* Interned strings: the same pointer is the same string (a fast path). */
static int cmp_str(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a, b);
}

static int cmp_key(const struct store_point *a, const struct store_point *b)
{
	int c = cmp_str(a->zone, b->zone);
	if (!c)
		c = cmp_str(a->signal, b->signal);
	if (!c)
		c = cmp_time(a->issued, b->issued);
	if (!c)
		c = cmp_time(a->time, b->time);
	return c;
}

/* Sort key: the point's key, then the order it was added in. */
struct ranked {
	const struct store_point *p;
	size_t seq;
};

static int cmp_ranked(const void *va, const void *vb)
{
	const struct ranked *a = va, *b = vb;
	int c = cmp_key(a->p, b->p);
	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

size_t point_batch_dedup(struct point_batch *pb)
{
	struct ranked *r;
	struct store_point *out;
	size_t n = 0, dropped;

	if (pb->n < 2)
		return 0;
	/* already sorted without equal keys (a file in order): nothing to do */
	for (n = 1; n < pb->n && cmp_key(&pb->pts[n - 1], &pb->pts[n]) < 0;)
		n++;
	if (n == pb->n)
		return 0;
	n = 0;
	r = xmalloc(st_mult(pb->n, sizeof(*r)));
	for (size_t i = 0; i < pb->n; i++) {
		r[i].p = &pb->pts[i];
		r[i].seq = i;
	}
	qsort(r, pb->n, sizeof(*r), cmp_ranked);
	out = xmalloc(st_mult(pb->n, sizeof(*out)));
	for (size_t i = 0; i < pb->n; i++) {
		/* the last of a run of equal keys was added last: keep it */
		if (i + 1 < pb->n && !cmp_key(r[i].p, r[i + 1].p))
			continue;
		out[n++] = *r[i].p;
	}
	dropped = pb->n - n;
	free(r);
	free(pb->pts);
	pb->pts = out;
	pb->n = pb->alloc = n;
	return dropped;
}

size_t point_batch_clip(struct point_batch *pb, gs_time from, gs_time to)
{
	size_t n = 0, dropped;

	for (size_t i = 0; i < pb->n; i++) {
		const struct store_point *p = &pb->pts[i];
		if (from != GS_TIME_NONE && p->time < from)
			continue;
		if (to != GS_TIME_NONE && p->time >= to)
			continue;
		pb->pts[n++] = *p;
	}
	dropped = pb->n - n;
	pb->n = n;
	return dropped;
}

void point_batch_put(struct point_batch *pb, const char *zone,
		     const char *signal, const char *unit, gs_time t,
		     gs_time issued, double v)
{
	struct store_point *p;

	if (!signal_plausible(signal, v) ||
	    (!strcmp(signal, "price") && v < pb->price_floor)) {
		pb->rejected++;
		return;
	}
	p = point_batch_add(pb);
	p->zone = zone;
	p->signal = signal;
	p->unit = unit;
	p->time = t;
	p->issued = issued;
	p->value = v;
	p->basis = pb->basis;
}
