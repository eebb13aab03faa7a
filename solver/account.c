/*
 * account.c - the contract's accounting, in one place.
 *
 * Every number a plan reports about a job (energy, emissions, cost) and
 * every objective coefficient a policy optimizes comes from
 * solver_account(), so the options the solver compares, the baseline and
 * the plan document cannot disagree on how emissions are counted.
 */
#include "solver/solver.h"

#include <math.h>

double solver_power_w(const struct instance *in, size_t job, size_t profile,
		      size_t site)
{
	const struct profile *p = &in->js->jobs[job].profiles[profile];
	const struct site *s = &in->cat->sites[site];
	double w = 0;

	if (!isnan(p->power_w))
		return p->power_w;
	if (in->jobs && in->jobs[job].power_w &&
	    !isnan(in->jobs[job].power_w[profile]))
		return in->jobs[job].power_w[profile];
	for (size_t r = 0; r < in->cat->nresources; r++)
		w += p->resources[r] * s->power_w[r];
	return w;
}

double solver_pue(const struct instance *in, size_t site, size_t slot)
{
	const struct site *s = &in->cat->sites[site];
	double t;

	if (s->pue_per_c == 0 || slot >= in->grid.nslots)
		return s->pue_base;
	t = in->sg->temp[site * in->grid.nslots + slot];
	if (isnan(t))
		return s->pue_base; /* warned about when loading */
	return s->pue_base + s->pue_per_c * fmax(0, t - s->pue_above_c);
}

size_t solver_runtime_slots(const struct instance *in, int64_t duration_s,
			    size_t site)
{
	double speed = in->cat->sites[site].speed;
	double slots;

	if (duration_s < 0)
		return 0;
	if (!(speed > 0))
		speed = 1;
	slots = ceil((double)duration_s / speed / (double)in->grid.slot_s -
		     1e-9);
	return slots < 1 ? 1 : (size_t)slots;
}

size_t solver_option_pieces(const struct instance *in,
			    const struct solver_option *o,
			    const struct solver_piece **out,
			    struct solver_piece *one)
{
	if (o->npieces > 1) {
		*out = &in->pieces[o->piece_first];
		return o->npieces;
	}
	one->start = o->start;
	one->len = o->end - o->start;
	*out = one;
	return 1;
}

void solver_cells_begin(struct solver_cells *it, const struct instance *in,
			const struct solver_option *o)
{
	it->in = in;
	it->o = o;
	it->req = in->js->jobs[o->job].profiles[o->profile].resources;
	it->r = 0;
	solver_slots_begin(&it->slots, in, o);
}

bool solver_cells_next(struct solver_cells *it, size_t *cell, double *units)
{
	size_t nr = it->in->cat->nresources, t;

	while (it->r < nr) {
		if (it->req[it->r] > 0 && solver_slots_next(&it->slots, &t)) {
			*cell = (it->o->site * nr + it->r) *
					it->in->grid.nslots + t;
			*units = it->req[it->r];
			return true;
		}
		it->r++;
		solver_slots_begin(&it->slots, it->in, it->o);
	}
	return false;
}

/* Adds what slot t of a placement uses and emits to out. */
static void account_slot(const struct instance *in,
			 const struct solver_placement *pl, double kw,
			 double unit_cost, size_t t, struct solver_cost *out)
{
	size_t ns = in->grid.nslots;
	double hours = (double)in->grid.slot_s / 3600.0;
	double e = kw * solver_pue(in, pl->site, t) * hours;
	double ci = (double)NAN, price = (double)NAN;

	if (t < ns) {
		ci = in->sg->ci[pl->site * ns + t];
		price = in->sg->price[pl->site * ns + t];
	}
	out->energy_kwh += e;
	out->cost += unit_cost;
	if (!isnan(price))
		out->cost += e * price / 1000;
	if (isnan(ci))
		out->missing_ci++;
	else
		out->emissions_kg += e * ci / 1000;
}

void solver_account(const struct instance *in,
		    const struct solver_placement *pl, struct solver_cost *out)
{
	const struct site *s = &in->cat->sites[pl->site];
	const struct profile *p = &in->js->jobs[pl->job].profiles[pl->profile];
	double hours = (double)in->grid.slot_s / 3600.0;
	double kw = solver_power_w(in, pl->job, pl->profile, pl->site) / 1000;
	double unit_cost = 0; /* currency per slot for the resources */

	memset(out, 0, sizeof(*out));
	for (size_t r = 0; r < in->cat->nresources; r++)
		unit_cost += p->resources[r] * s->cost_per_hour[r] * hours;
	if (!pl->pieces) {
		for (size_t t = pl->start; t < pl->start + pl->runtime; t++)
			account_slot(in, pl, kw, unit_cost, t, out);
		return;
	}
	for (size_t i = 0; i < pl->npieces; i++) {
		const struct solver_piece *pc = &pl->pieces[i];
		for (size_t t = pc->start; t < (size_t)pc->start + pc->len;
		     t++)
			account_slot(in, pl, kw, unit_cost, t, out);
	}
}

double solver_objective_of(const struct solver_opts *o,
			   const struct solver_option *opt)
{
	switch (o->objective) {
	case OBJ_COST:
		return opt->cost;
	case OBJ_WEIGHTED:
		return o->w_carbon * opt->emissions_kg + o->w_cost * opt->cost;
	case OBJ_CARBON:
	case OBJ_MAKESPAN:
	default:
		return opt->emissions_kg;
	}
}
