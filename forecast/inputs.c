/*
 * inputs.c - what a zone's model may read besides its own history: the
 * weather forecasts, vintage by vintage, and the recorded generation mix.
 * A forecast issued at T must only see weather forecasts issued before T,
 * and a backtest asks for many different T, so every stored vintage is
 * loaded once and looked up by issue time here rather than queried from
 * the store per issue.
 */
#include "forecast/internal.h"

#define HOUR 3600
#define MAX_VINTAGES_BACK 8 /* older vintages than this are stale anyway */

static const char *const wvar_signal[FC_NWVARS] = {
	[FC_W_TEMPERATURE] = "temperature",
	[FC_W_WIND_SPEED] = "wind_speed",
	[FC_W_SOLAR_RADIATION] = "solar_radiation",
	[FC_W_DEWPOINT] = "dewpoint",
	[FC_W_PRECIPITATION] = "precipitation",
};

void fc_weather_init(struct fc_weather *w)
{
	memset(w, 0, sizeof(*w));
}

void fc_weather_release(struct fc_weather *w)
{
	for (int i = 0; i < FC_NWVARS; i++) {
		free(w->var[i].issued);
		free(w->var[i].t);
		free(w->var[i].v);
	}
	fc_weather_init(w);
}

void fc_weather_add(struct fc_weather *w, enum fc_wvar var, gs_time issued,
		    gs_time t, double v)
{
	struct fc_wrows *r = &w->var[var];
	size_t alloc = r->alloc;

	ALLOC_GROW(r->issued, r->n + 1, alloc);
	alloc = r->alloc;
	ALLOC_GROW(r->t, r->n + 1, alloc);
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	r->issued[r->n] = issued;
	r->t[r->n] = t;
	r->v[r->n++] = v;
}

size_t fc_weather_rows(const struct fc_weather *w)
{
	size_t n = 0;

	for (int i = 0; i < FC_NWVARS; i++)
		n += w->var[i].n;
	return n;
}

struct var_sink {
	struct fc_weather *w;
	enum fc_wvar var;
};

static int add_var_row(gs_time issued, gs_time t, double v, void *ctx)
{
	struct var_sink *k = ctx;

	fc_weather_add(k->w, k->var, issued, t, v);
	return 0;
}

int fc_weather_load(struct store *st, const char *zone, struct fc_weather *w,
		    struct errmsg *err)
{
	for (int i = 0; i < FC_NWVARS; i++) {
		struct var_sink k = {w, (enum fc_wvar)i};
		if (store_each_forecast_point(st, zone, wvar_signal[i],
					      add_var_row, &k, err) < 0)
			return -1;
	}
	return 0;
}

/* The point of one vintage, rows [lo, hi), in force at t. */
static bool vintage_at(const struct fc_wrows *r, size_t lo, size_t hi,
		       gs_time t, double *v)
{
	size_t i = fc_time_lower(r->t, lo, hi, t + 1);

	if (i == lo || t - r->t[i - 1] >= HOUR)
		return false;
	*v = r->v[i - 1];
	return true;
}

bool fc_weather_at(const struct fc_weather *w, enum fc_wvar var,
		   gs_time known_before, gs_time t, double *v)
{
	const struct fc_wrows *r;
	size_t end;

	if (!w || (unsigned)var >= FC_NWVARS)
		return false;
	r = &w->var[var];
	end = fc_time_lower(r->issued, 0, r->n, known_before);
	for (int k = 0; k < MAX_VINTAGES_BACK && end > 0; k++) {
		size_t start = fc_time_lower(r->issued, 0, end, r->issued[end - 1]);
		if (r->t[start] <= t && r->t[end - 1] + HOUR > t &&
		    vintage_at(r, start, end, t, v))
			return true;
		end = start;
	}
	return false;
}

void fc_mix_init(struct fc_mix *m)
{
	memset(m, 0, sizeof(*m));
}

void fc_mix_release(struct fc_mix *m)
{
	for (size_t i = 0; i < m->n; i++)
		series_release(&m->s[i]);
	fc_mix_init(m);
}

static double series_total(const struct series *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	return sum;
}

/* Adds fuel s to m (which takes it over); a full table keeps its biggest. */
static void keep_fuel(struct fc_mix *m, struct series *s)
{
	size_t min = 0;

	if (m->n < FC_MAX_MIX) {
		m->s[m->n++] = *s;
		return;
	}
	for (size_t i = 1; i < m->n; i++)
		if (series_total(&m->s[i]) < series_total(&m->s[min]))
			min = i;
	if (series_total(s) <= series_total(&m->s[min])) {
		series_release(s);
		return;
	}
	series_release(&m->s[min]);
	m->s[min] = *s;
}

/*
 * Reads every generation_ signal of the zone; past FC_MAX_MIX fuels (the
 * regression's columns) the ones that generate least are left out.
 */
int fc_mix_load(struct store *st, const char *zone, struct fc_mix *m,
		struct errmsg *err)
{
	char **sig;
	size_t n;
	int ret = 0;

	if (store_signals_with_prefix(st, zone, "generation_", &sig, &n,
				      err) < 0)
		return -1;
	for (size_t i = 0; i < n && !ret; i++) {
		struct series s;
		series_init(&s);
		ret = store_get_series(st, zone, sig[i], GS_TIME_NONE,
				       GS_TIME_NONE, &s, err);
		if (ret)
			series_release(&s);
		else
			keep_fuel(m, &s);
	}
	strv_free(sig, n);
	return ret;
}
