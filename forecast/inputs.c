/*
 * inputs.c - what a zone's model may read besides its own history: the
 * weather forecasts, vintage by vintage, and the recorded generation mix.
 * A forecast issued at T must only see weather forecasts issued before T,
 * and a backtest asks for many different T, so every stored vintage is
 * loaded once and looked up by issue time here rather than queried from
 * the store per issue.
 */
#include "forecast/internal.h"

#include <sqlite3.h>

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

static int load_var(sqlite3_stmt *q, const char *zone, enum fc_wvar var,
		    struct fc_weather *w)
{
	int rc;

	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, wvar_signal[var], -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fc_weather_add(w, var, sqlite3_column_int64(q, 0),
			       sqlite3_column_int64(q, 1),
			       sqlite3_column_double(q, 2));
	return rc == SQLITE_DONE ? 0 : -1;
}

int fc_weather_load(struct store *st, const char *zone, struct fc_weather *w,
		    struct errmsg *err)
{
	static const char sql[] =
		"SELECT v.issued, f.time, f.value FROM forecast f"
		" JOIN vintage v ON v.id = f.vintage_id"
		" JOIN series s ON s.id = v.series_id"
		" WHERE s.zone = ?1 AND s.signal = ?2"
		" ORDER BY v.issued, f.time";
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q;
	int ret = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return err_set(err, "cannot read weather forecasts: %s",
			       sqlite3_errmsg(db));
	for (int i = 0; i < FC_NWVARS && !ret; i++)
		if (load_var(q, zone, (enum fc_wvar)i, w) < 0)
			ret = err_set(err, "cannot read weather forecasts: %s",
				      sqlite3_errmsg(db));
	sqlite3_finalize(q);
	return ret;
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

/* The generation_ signals of a zone, at most FC_MAX_MIX of them. */
static int mix_signals(sqlite3 *db, const char *zone, char ***out, size_t *n)
{
	static const char sql[] =
		"SELECT signal FROM series WHERE zone = ?1"
		" AND substr(signal, 1, 11) = 'generation_' ORDER BY signal";
	sqlite3_stmt *q;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, zone, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < FC_MAX_MIX) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = xstrdup((const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int fc_mix_load(struct store *st, const char *zone, struct fc_mix *m,
		struct errmsg *err)
{
	char **sig;
	size_t n;
	int ret = 0;

	if (mix_signals(store_db(st), zone, &sig, &n) < 0) {
		strv_free(sig, n);
		return err_set(err, "cannot read the generation mix: %s",
			       sqlite3_errmsg(store_db(st)));
	}
	for (size_t i = 0; i < n && !ret; i++) {
		series_init(&m->s[m->n]);
		ret = store_get_series(st, zone, sig[i], GS_TIME_NONE,
				       GS_TIME_NONE, &m->s[m->n++], err);
	}
	strv_free(sig, n);
	return ret;
}
