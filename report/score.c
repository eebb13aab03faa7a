/*
 * score.c - the figures the report computes rather than reads: a plan
 * scored on the recorded carbon intensity (what it really emitted against
 * what it expected), forecast errors over the plan's window, and gaps in
 * recorded series.  Pure functions over data the caller loaded, so they
 * are unit-tested without a store.
 *
 * Scoring uses the solver's slot grid and its slot means of the recorded
 * values (solver_signals_load() with oracle, through report_actual_fn):
 * the carbon intensity of a slot is the one the solver would have used.
 * Only the energy comes from the plan, spread evenly over the job's slots,
 * because the report has the plan, not the job specs.
 */
#include "report/page.h"
#include "forecast/forecast.h"

#include <math.h>

bool report_plan_grid(const struct plan *p, struct solver_grid *g)
{
	gs_time from = p->start, to = p->end;

	if (from == GS_TIME_NONE || to == GS_TIME_NONE || to <= from) {
		from = GS_TIME_NONE;
		for (size_t i = 0; i < p->njobs; i++) {
			if (from == GS_TIME_NONE || p->jobs[i].start < from)
				from = p->jobs[i].start;
			if (to == GS_TIME_NONE || p->jobs[i].end > to)
				to = p->jobs[i].end;
		}
	}
	if (from == GS_TIME_NONE || to == GS_TIME_NONE || to <= from)
		return false;
	g->start = from;
	g->slot_s = p->slot_s > 0 ? p->slot_s : 3600;
	g->nslots = (size_t)((to - from + g->slot_s - 1) / g->slot_s);
	return g->nslots > 0;
}

void grid_slot_span(const struct solver_grid *g, gs_time start, gs_time end,
		    long *first, long *last)
{
	*first = (long)((start - g->start) / g->slot_s);
	if (start < g->start)
		*first = -(long)((g->start - start + g->slot_s - 1) /
				 g->slot_s);
	*last = (long)((end - g->start + g->slot_s - 1) / g->slot_s);
}

const struct plan_segment *job_segments(const struct plan_job *j,
					struct plan_segment *whole, size_t *n)
{
	*whole = (struct plan_segment){j->start, j->end};
	*n = j->nsegments ? j->nsegments : 1;
	return j->nsegments ? j->segments : whole;
}

static size_t job_slots(const struct solver_grid *g, const struct plan_job *j)
{
	struct plan_segment whole;
	size_t nseg, n = 0;
	const struct plan_segment *seg = job_segments(j, &whole, &nseg);

	for (size_t k = 0; k < nseg; k++) {
		long a, b;
		grid_slot_span(g, seg[k].start, seg[k].end, &a, &b);
		if (b > a)
			n += (size_t)(b - a);
	}
	return n;
}

/* Adds job j's slots to out; returns its recorded emissions or NAN. */
static double score_job(const struct plan_job *j, long site,
			const struct solver_signals *act,
			struct report_score *out)
{
	const struct solver_grid *g = &act->grid;
	struct plan_segment whole;
	size_t nseg, nslots = job_slots(g, j), known = 0;
	const struct plan_segment *seg = job_segments(j, &whole, &nseg);
	double kwh, kg = 0;

	if (!nslots)
		return (double)NAN;
	kwh = j->energy_kwh / (double)nslots;
	for (size_t k = 0; k < nseg; k++) {
		long a, b;
		grid_slot_span(g, seg[k].start, seg[k].end, &a, &b);
		for (long t = a; t < b; t++) {
			double ci;
			if (site < 0 || t < 0 || (size_t)t >= g->nslots)
				continue;
			ci = act->ci[(size_t)site * g->nslots + (size_t)t];
			if (isnan(ci))
				continue;
			kg += kwh * ci / 1000;
			known++;
		}
	}
	out->slots += nslots;
	out->known += known;
	if (!known)
		return (double)NAN;
	out->expected_kg += j->emissions_kg * (double)known / (double)nslots;
	out->actual_kg += kg;
	return kg;
}

void report_score_plan(const struct plan *p, const struct catalog *cat,
		       const struct solver_signals *actual,
		       struct report_score *out)
{
	memset(out, 0, sizeof(*out));
	out->job_actual_kg = xcalloc(p->njobs ? p->njobs : 1,
				     sizeof(*out->job_actual_kg));
	for (size_t i = 0; i < p->njobs; i++) {
		long site = cat ? catalog_find_site(cat, p->jobs[i].site) : -1;
		if (site >= 0 && (size_t)site >= actual->nsites)
			site = -1;
		out->job_actual_kg[i] = score_job(&p->jobs[i], site, actual,
						  out);
	}
}

void report_score_release(struct report_score *s)
{
	free(s->job_actual_kg);
	memset(s, 0, sizeof(*s));
}

/* The value of s in force at t, or NAN. */
static double value_at(const struct series *s, gs_time t)
{
	long i = series_index_at(s, t);
	return i < 0 ? (double)NAN : s->v[i];
}

void report_forecast_quality(const struct report_ci *ci, gs_time from,
			     gs_time to, struct report_fq *out)
{
	const struct series *rec = &ci->recorded;
	struct bt_stats st = {0};

	for (size_t i = 0; i < rec->n; i++) {
		gs_time t = rec->t[i];
		double f;
		if (t < from || t >= to)
			continue;
		f = value_at(&ci->forecast, t);
		if (isnan(f) || isnan(rec->v[i]))
			continue;
		bt_stats_add(&st, f, rec->v[i], value_at(&ci->lo80, t),
			     value_at(&ci->hi80, t), value_at(&ci->lo95, t),
			     value_at(&ci->hi95, t));
	}
	report_fq_from_stats(&st, out);
}

void report_fq_from_stats(const struct bt_stats *st, struct report_fq *out)
{
	*out = (struct report_fq){st->n, st->mape_n, st->nint, st->in80,
				  st->in95, 0, 0, 0, 0, 0};
	if (bt_stats_mae(st, &out->mae) < 0)
		out->mae = (double)NAN;
	if (bt_stats_mape(st, &out->mape) < 0)
		out->mape = (double)NAN;
	if (bt_stats_bias(st, &out->bias) < 0)
		out->bias = (double)NAN;
	if (bt_stats_coverage(st, 80, &out->cov80) < 0)
		out->cov80 = (double)NAN;
	if (bt_stats_coverage(st, 95, &out->cov95) < 0)
		out->cov95 = (double)NAN;
}

static gs_time hold_end(const struct series *s, size_t i)
{
	if (i + 1 < s->n)
		return s->t[i + 1];
	return s->t[i] + (s->last_hold > 0 ? s->last_hold : series_step(s));
}

/* Adds the stretch [a, b) of nothing to out, when it is not empty. */
static void add_gap(struct report_gaps *out, gs_time a, gs_time b)
{
	if (b <= a)
		return;
	out->n++;
	out->missing_s += b - a;
	if (b - a > out->longest_s)
		out->longest_s = b - a;
}

void report_series_gaps(const struct series *s, gs_time from, gs_time to,
			struct report_gaps *out)
{
	gs_time covered = from; /* everything before this is accounted for */

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->n && covered < to; i++) {
		gs_time a = s->t[i], b = hold_end(s, i);
		if (b <= covered)
			continue;
		if (a > covered)
			add_gap(out, covered, a < to ? a : to);
		covered = b;
	}
	if (covered < to)
		add_gap(out, covered, to);
}
