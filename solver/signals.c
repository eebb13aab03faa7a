/*
 * signals.c - what a plan assumes about the grid and the sites, slot by
 * slot: carbon intensity, temperature (for PUE), price and busy units.
 *
 * This is the only part of the solver that reads the store; everything
 * after it works on these arrays, so that tests can build them by hand
 * and so that a plan made on forecasts and one made on the recorded
 * values (--oracle) differ in nothing but the numbers.
 */
#include "solver/solver.h"

#include <math.h>

/* How far before the grid start to read, to get the point in force. */
#define RECORDED_MARGIN_S (24 * 3600)

gs_time solver_grid_time(const struct solver_grid *g, size_t i)
{
	return g->start + (gs_time)i * g->slot_s;
}

void solver_msgs_add(struct solver_msgs *l, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = strbuf_detach(&sb);
}

void solver_msgs_release(struct solver_msgs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static double *nan_array(size_t n)
{
	double *a = xmalloc(st_mult(n ? n : 1, sizeof(*a)));

	for (size_t i = 0; i < n; i++)
		a[i] = (double)NAN;
	return a;
}

void solver_signals_init(struct solver_signals *sg,
			 const struct solver_grid *g, size_t nsites,
			 size_t nresources)
{
	size_t n = st_mult(nsites, g->nslots);

	memset(sg, 0, sizeof(*sg));
	sg->grid = *g;
	sg->nsites = nsites;
	sg->nresources = nresources;
	sg->ci = nan_array(n);
	sg->temp = nan_array(n);
	sg->price = nan_array(n);
	sg->busy = xcalloc(st_mult(n, nresources ? nresources : 1),
			   sizeof(*sg->busy));
}

void solver_signals_release(struct solver_signals *sg)
{
	free(sg->ci);
	free(sg->temp);
	free(sg->price);
	free(sg->busy);
	free(sg->source);
	solver_msgs_release(&sg->warnings);
	memset(sg, 0, sizeof(*sg));
}

/* What the loading of one signal found, for signal_source. */
struct load_stats {
	size_t forecast_slots, recorded_slots;
	gs_time issued;    /* of the forecast used, GS_TIME_NONE if none */
	char *source;      /* its source name, when it could be told */
};

/* Fills the slots of out[] still NAN with the mean of s over the slot. */
static size_t fill_means(const struct solver_grid *g, const struct series *s,
			 double *out)
{
	size_t filled = 0;

	for (size_t i = 0; i < g->nslots; i++) {
		double m;
		if (!isnan(out[i]))
			continue;
		if (series_mean(s, solver_grid_time(g, i),
				solver_grid_time(g, i + 1), &m) == 0) {
			out[i] = m;
			filled++;
		}
	}
	return filled;
}

/*
 * Slot means of zone/signal into out[nslots]: the forecast first (unless
 * oracle), then the recorded values where it has none.
 */
static int load_signal(struct store *st, const struct solver_grid *g,
		       const char *zone, const char *signal, bool oracle,
		       double *out, struct load_stats *ls, struct errmsg *err)
{
	gs_time end = solver_grid_time(g, g->nslots);
	struct series s;

	memset(ls, 0, sizeof(*ls));
	ls->issued = GS_TIME_NONE;
	if (!oracle) {
		int64_t margin = g->slot_s > 3600 ? g->slot_s : 3600;
		struct store_vintage v;
		if (store_get_vintage(st, zone, signal, NULL, g->start,
				      g->start - margin, end, &v, err) < 0)
			return -1;
		ls->forecast_slots = fill_means(g, &v.value, out);
		if (ls->forecast_slots) {
			ls->issued = v.issued;
			ls->source = v.source;
			v.source = NULL;
		}
		store_vintage_release(&v);
	}
	series_init(&s);
	if (store_get_series(st, zone, signal, g->start - RECORDED_MARGIN_S,
			     end, &s, err) < 0) {
		series_release(&s);
		free(ls->source);
		return -1;
	}
	ls->recorded_slots = fill_means(g, &s, out);
	series_release(&s);
	return 0;
}

/* Copies a row already loaded for an earlier site with the same key. */
static bool copy_same_key(const struct catalog *cat, size_t site,
			  const char *(*key)(const struct site *), double *arr,
			  size_t nslots)
{
	for (size_t k = 0; k < site; k++) {
		if (strcmp(key(&cat->sites[k]), key(&cat->sites[site])))
			continue;
		memcpy(arr + site * nslots, arr + k * nslots,
		       st_mult(nslots, sizeof(*arr)));
		return true;
	}
	return false;
}

static const char *zone_key(const struct site *s)
{
	return s->zone;
}

/* The forecasts behind carbon intensity, gathered over the zones. */
struct source_note {
	struct strbuf fc;  /* "greenslot issued T, ..." */
	size_t forecast_slots, recorded_slots;
};

static void note_zone(struct source_note *sn, const char *zone,
		      struct load_stats *ls)
{
	char buf[GS_TIME_BUFSZ];

	sn->forecast_slots += ls->forecast_slots;
	sn->recorded_slots += ls->recorded_slots;
	if (ls->issued == GS_TIME_NONE)
		return;
	strbuf_addf(&sn->fc, "%s%s%s%s issued %s", sn->fc.len ? ", " : "",
		    zone, ls->source ? " " : "", ls->source ? ls->source : "",
		    time_format(ls->issued, buf));
}

static char *describe_source(struct source_note *sn, bool oracle,
			     gs_time start)
{
	struct strbuf sb;
	char buf[GS_TIME_BUFSZ];

	strbuf_init(&sb);
	if (oracle)
		strbuf_addstr(&sb, "recorded (oracle)");
	else if (!sn->forecast_slots)
		strbuf_addf(&sb, "recorded (no forecast issued by %s)",
			    time_format(start, buf));
	else
		strbuf_addf(&sb, "forecast %s%s", sn->fc.buf,
			    sn->recorded_slots
				    ? "; recorded values where no forecast"
				    : "");
	return strbuf_detach(&sb);
}

static bool any_known(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			return true;
	return false;
}

/* How many of v's n values are unknown; *first gets the first one's index. */
static size_t count_unknown(const double *v, size_t n, size_t *first)
{
	size_t k = 0;

	for (size_t i = n; i-- > 0;)
		if (isnan(v[i])) {
			*first = i;
			k++;
		}
	return k;
}

static int load_ci(struct solver_signals *sg, struct store *st,
		   const struct catalog *cat, bool oracle,
		   struct source_note *sn, struct errmsg *err)
{
	const struct solver_grid *g = &sg->grid;
	char b1[GS_TIME_BUFSZ], b2[GS_TIME_BUFSZ];

	for (size_t i = 0; i < cat->nsites; i++) {
		const struct site *s = &cat->sites[i];
		double *row = sg->ci + i * g->nslots;
		struct load_stats ls;

		if (!copy_same_key(cat, i, zone_key, sg->ci, g->nslots)) {
			if (load_signal(st, g, s->zone, "carbon_intensity",
					oracle, row, &ls, err) < 0)
				return -1;
			note_zone(sn, s->zone, &ls);
			free(ls.source);
		}
		if (!any_known(row, g->nslots))
			solver_msgs_add(&sg->warnings,
					"no carbon intensity for zone '%s' "
					"(site '%s') from %s to %s: no job "
					"can run there",
					s->zone, s->id,
					time_format(g->start, b1),
					time_format(solver_grid_time(
							    g, g->nslots),
						    b2));
	}
	return 0;
}

static int load_site_extras(struct solver_signals *sg, struct store *st,
			    const struct catalog *cat, size_t i, bool oracle,
			    struct errmsg *err)
{
	const struct solver_grid *g = &sg->grid;
	const struct site *s = &cat->sites[i];
	struct load_stats ls;
	struct strbuf sig;

	if (!copy_same_key(cat, i, zone_key, sg->price, g->nslots)) {
		if (load_signal(st, g, s->zone, "price", oracle,
				sg->price + i * g->nslots, &ls, err) < 0)
			return -1;
		free(ls.source);
	}
	if (s->pue_per_c != 0) {
		double *row = sg->temp + i * g->nslots;
		char b[GS_TIME_BUFSZ];
		size_t first = 0, unknown;
		if (load_signal(st, g, s->weather ? s->weather : s->id,
				"temperature", oracle, row, &ls, err) < 0)
			return -1;
		free(ls.source);
		unknown = count_unknown(row, g->nslots, &first);
		if (unknown)
			solver_msgs_add(&sg->warnings,
					"no temperature for site '%s' "
					"(weather '%s') in %zu of %zu slots, "
					"the first at %s: PUE taken as its "
					"base %g there",
					s->id, s->weather ? s->weather : s->id,
					unknown, g->nslots,
					time_format(solver_grid_time(g, first),
						    b),
					s->pue_base);
	}
	strbuf_init(&sig);
	for (size_t r = 0; r < cat->nresources; r++) {
		double *row = sg->busy + (i * cat->nresources + r) * g->nslots;
		double *tmp = nan_array(g->nslots);
		int ret;
		strbuf_reset(&sig);
		strbuf_addf(&sig, "busy_%s", cat->resources[r]);
		ret = load_signal(st, g, s->id, sig.buf, oracle, tmp, &ls,
				  err);
		for (size_t t = 0; !ret && t < g->nslots; t++)
			row[t] = isnan(tmp[t]) ? 0 : tmp[t];
		free(tmp);
		free(ls.source);
		if (ret < 0) {
			strbuf_release(&sig);
			return -1;
		}
	}
	strbuf_release(&sig);
	return 0;
}

int solver_signals_load(struct solver_signals *sg, struct store *st,
			const struct catalog *cat, bool oracle,
			struct errmsg *err)
{
	struct source_note sn = {0};
	int ret = -1;

	strbuf_init(&sn.fc);
	if (load_ci(sg, st, cat, oracle, &sn, err) < 0)
		goto out;
	for (size_t i = 0; i < cat->nsites; i++)
		if (load_site_extras(sg, st, cat, i, oracle, err) < 0)
			goto out;
	free(sg->source);
	sg->source = describe_source(&sn, oracle, sg->grid.start);
	ret = 0;
out:
	strbuf_release(&sn.fc);
	return ret;
}
