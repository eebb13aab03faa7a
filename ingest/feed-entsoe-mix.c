/*
 * feed-entsoe-mix.c - from an ENTSO-E generation mix to carbon intensity.
 *
 * ENTSO-E publishes generation per production type (psrType B01..B25),
 * not emissions.  This file names each production type as a fuel
 * (stored as generation_<fuel>), says which emission factor applies to
 * it, and computes carbon_intensity = sum(MW x factor) / sum(MW) at the
 * times where every production type of the document has a value: an
 * intensity from part of a mix would look plausible and be wrong.
 *
 * Factor choices where the IPCC table has no row of its own:
 *   lignite, hard coal, coal-derived gas, oil shale, peat  -> coal
 *   hydro pumped storage, run-of-river, reservoir, marine  -> hydro
 *     (the emissions of the energy pumped up are not traced back)
 *   other renewable -> biomass (mostly biogas and landfill gas)
 *   waste -> gas (about half of municipal waste is fossil: between
 *     biomass 230 and coal 820)
 *   other -> oil (unclassified thermal plant, the highest
 *     non-coal factor of the table)
 *   AC link, DC link, substation, transformer, energy storage: not
 *     production; stored but kept out of the mix (storage re-delivers
 *     energy already counted when it was generated)
 * Lifecycle factors by default; a feed with "factors": "direct" gets the
 * combustion-only ones (zero for every renewable and nuclear).
 */
#include "ingest/ingest.h"

#include <math.h>

/*
 * gCO2eq/kWh.  Source: data/emission-factors.csv (IPCC AR5 WG3 Annex III
 * medians, 2014; oil from UK POST note 383), which a unit test compares
 * with this table so that the two cannot drift apart.
 */
static const struct emission_factor factors[] = {
	{"coal", 820, 760},
	{"gas", 490, 370},
	{"oil", 650, 650},
	{"biomass", 230, 0},
	{"solar", 48, 0},
	{"geothermal", 38, 0},
	{"hydro", 24, 0},
	{"nuclear", 12, 0},
	{"wind", 11, 0},
};

/* ENTSO-E code list "PsrType" (Transparency Platform API guide). */
static const struct entsoe_psr psrs[] = {
	{"B01", "biomass", "biomass"},
	{"B02", "lignite", "coal"},
	{"B03", "coal_derived_gas", "coal"},
	{"B04", "gas", "gas"},
	{"B05", "hard_coal", "coal"},
	{"B06", "oil", "oil"},
	{"B07", "oil_shale", "coal"},
	{"B08", "peat", "coal"},
	{"B09", "geothermal", "geothermal"},
	{"B10", "hydro_pumped_storage", "hydro"},
	{"B11", "hydro_run_of_river", "hydro"},
	{"B12", "hydro_reservoir", "hydro"},
	{"B13", "marine", "hydro"},
	{"B14", "nuclear", "nuclear"},
	{"B15", "other_renewable", "biomass"},
	{"B16", "solar", "solar"},
	{"B17", "waste", "gas"},
	{"B18", "wind_offshore", "wind"},
	{"B19", "wind_onshore", "wind"},
	{"B20", "other", "oil"},
	{"B21", "ac_link", NULL},
	{"B22", "dc_link", NULL},
	{"B23", "substation", NULL},
	{"B24", "transformer", NULL},
	{"B25", "energy_storage", NULL},
};

const struct emission_factor *emission_factor_table(size_t *n)
{
	*n = ARRAY_SIZE(factors);
	return factors;
}

const struct emission_factor *emission_factor_find(const char *fuel)
{
	for (size_t i = 0; i < ARRAY_SIZE(factors); i++)
		if (!strcmp(factors[i].fuel, fuel))
			return &factors[i];
	return NULL;
}

const struct entsoe_psr *entsoe_psr_table(size_t *n)
{
	*n = ARRAY_SIZE(psrs);
	return psrs;
}

const struct entsoe_psr *entsoe_psr_find(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(psrs); i++)
		if (!strcmp(psrs[i].code, code))
			return &psrs[i];
	return NULL;
}

void entsoe_mix_init(struct entsoe_mix *m)
{
	memset(m, 0, sizeof(*m));
}

void entsoe_mix_release(struct entsoe_mix *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->f[i].code);
		free(m->f[i].v);
	}
	free(m->f);
	memset(m, 0, sizeof(*m));
}

static struct entsoe_mix_fuel *mix_fuel(struct entsoe_mix *m,
					const struct entsoe_psr *psr,
					const char *code)
{
	const struct emission_factor *ef;
	struct entsoe_mix_fuel *f;

	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->f[i].code, code))
			return &m->f[i];
	ALLOC_GROW(m->f, m->n + 1, m->alloc);
	f = &m->f[m->n++];
	memset(f, 0, sizeof(*f));
	f->psr = psr;
	f->code = xstrdup(code);
	ef = psr ? emission_factor_find(psr->factor) : NULL;
	f->factor = !ef ? (double)NAN : m->direct ? ef->direct : ef->lifecycle;
	return f;
}

void entsoe_mix_add(struct entsoe_mix *m, const struct entsoe_psr *psr,
		    const char *code, gs_time t, int64_t len, double mw)
{
	struct entsoe_mix_fuel *f;

	if (psr && !psr->factor)
		return;
	f = mix_fuel(m, psr, code);
	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	f->v[f->n++] = (struct entsoe_mix_value){t, len, mw, m->seq++};
}

static int cmp_value(const void *a, const void *b)
{
	const struct entsoe_mix_value *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_time(const void *a, const void *b)
{
	const gs_time *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

/* Sorts by time; of equal times keeps the one added last. */
static void fuel_sort(struct entsoe_mix_fuel *f)
{
	size_t k = 0;

	qsort(f->v, f->n, sizeof(*f->v), cmp_value);
	for (size_t i = 0; i < f->n; i++) {
		if (k && f->v[k - 1].t == f->v[i].t)
			k--;
		f->v[k++] = f->v[i];
	}
	f->n = k;
}

/* The value holding at t, or NULL. */
static const struct entsoe_mix_value *fuel_at(const struct entsoe_mix_fuel *f,
					      gs_time t)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v[mid].t <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || t >= f->v[lo - 1].t + f->v[lo - 1].len)
		return NULL;
	return &f->v[lo - 1];
}

/*
 * 0 and the intensity at t; -1 when the mix there is not whole, -2 when
 * a fuel without a factor produces there (guessing its factor would
 * invent a value).
 */
static int intensity_at(const struct entsoe_mix *m, gs_time t, double *ci)
{
	double mw = 0, g = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct entsoe_mix_fuel *f = &m->f[i];
		const struct entsoe_mix_value *v = fuel_at(f, t);

		if (!v)
			return -1;
		if (isnan(f->factor)) {
			if (v->mw != 0)
				return -2;
			continue;
		}
		mw += v->mw;
		g += v->mw * f->factor;
	}
	if (!(mw > 0))
		return -1;
	*ci = g / mw;
	return 0;
}

size_t entsoe_mix_intensity(struct entsoe_mix *m, struct point_batch *out,
			    const char *zone)
{
	gs_time *ts = NULL;
	size_t nts = 0, alloc = 0, k = 0, skipped = 0;
	const char *signal, *unit, *basis;

	for (size_t i = 0; i < m->n; i++) {
		fuel_sort(&m->f[i]);
		ALLOC_GROW(ts, nts + m->f[i].n, alloc);
		for (size_t j = 0; j < m->f[i].n; j++)
			ts[nts++] = m->f[i].v[j].t;
	}
	if (nts) /* no values: ts is NULL */
		qsort(ts, nts, sizeof(*ts), cmp_time);
	signal = point_batch_intern(out, "carbon_intensity", 16);
	unit = point_batch_intern(out, "gCO2eq/kWh", 10);
	basis = m->direct ? point_batch_intern(out, "direct", 6)
			  : point_batch_intern(out, "lifecycle", 9);
	for (size_t i = 0; i < nts; i++) {
		struct store_point *p;
		double ci;
		int rc;

		if (k && ts[i] == ts[k - 1])
			continue;
		ts[k++] = ts[i];
		rc = intensity_at(m, ts[i], &ci);
		if (rc < 0 || ci < 0 || ci > 2000) {
			m->unknown_skips += rc == -2;
			skipped++;
			continue;
		}
		p = point_batch_add(out);
		p->zone = zone;
		p->signal = signal;
		p->unit = unit;
		p->time = ts[i];
		p->value = ci;
		p->basis = basis;
	}
	free(ts);
	return skipped;
}
