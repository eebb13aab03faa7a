/*
 * signals.c - which signals greenslot knows, and the units they arrive in.
 *
 * Everything is stored in one unit per signal (the contract's units), so
 * that a series mixes feeds freely; feeds that say what unit they send
 * are converted here.  Prices keep their currency: "EUR/MWh" stays, and
 * "EUR/kWh" becomes "EUR/MWh".
 */
#include "ingest/ingest.h"

#include <math.h>
#include <strings.h>

enum signal_class {
	SIG_NONE,
	SIG_CARBON,
	SIG_PRICE,
	SIG_TEMPERATURE,
	SIG_WIND,
	SIG_SOLAR,
	SIG_PRECIP,
	SIG_POWER,
	SIG_BUSY,
};

static const struct {
	const char *name;
	enum signal_class cls;
} plain_signals[] = {
	{"carbon_intensity", SIG_CARBON},
	{"price", SIG_PRICE},
	{"temperature", SIG_TEMPERATURE},
	{"dewpoint", SIG_TEMPERATURE},
	{"wind_speed", SIG_WIND},
	{"solar_radiation", SIG_SOLAR},
	{"precipitation", SIG_PRECIP},
	{"load", SIG_POWER},
};

/*
 * Units per class: the first is the stored one.  Stored value =
 * (value + offset) * mul / div, which keeps exact conversions exact
 * (212 degF is 100 degC, not 100.00000000000001).
 */
static const struct {
	enum signal_class cls;
	const char *unit;
	double offset, mul, div;
} units[] = {
	{SIG_CARBON, "gCO2eq/kWh", 0, 1, 1},
	{SIG_CARBON, "gCO2/kWh", 0, 1, 1},
	{SIG_CARBON, "g/kWh", 0, 1, 1},
	{SIG_CARBON, "kgCO2/MWh", 0, 1, 1},
	{SIG_CARBON, "kgCO2eq/MWh", 0, 1, 1},
	{SIG_CARBON, "kg/MWh", 0, 1, 1},
	{SIG_CARBON, "lb/MWh", 0, 0.45359237, 1},
	{SIG_CARBON, "lbs/MWh", 0, 0.45359237, 1},
	{SIG_CARBON, "lbCO2/MWh", 0, 0.45359237, 1},
	{SIG_CARBON, "tCO2/MWh", 0, 1000, 1},
	{SIG_CARBON, "tCO2eq/MWh", 0, 1000, 1},
	{SIG_TEMPERATURE, "degC", 0, 1, 1},
	{SIG_TEMPERATURE, "C", 0, 1, 1},
	{SIG_TEMPERATURE, "\xc2\xb0" "C", 0, 1, 1},
	{SIG_TEMPERATURE, "degF", -32, 5, 9},
	{SIG_TEMPERATURE, "F", -32, 5, 9},
	{SIG_TEMPERATURE, "\xc2\xb0" "F", -32, 5, 9},
	{SIG_TEMPERATURE, "K", -273.15, 1, 1},
	{SIG_WIND, "m/s", 0, 1, 1},
	{SIG_WIND, "km/h", 0, 1, 3.6},
	{SIG_WIND, "mph", 0, 0.44704, 1},
	{SIG_WIND, "kn", 0, 1852, 3600},
	{SIG_SOLAR, "W/m2", 0, 1, 1},
	{SIG_SOLAR, "W/m^2", 0, 1, 1},
	{SIG_SOLAR, "W m-2", 0, 1, 1},
	{SIG_PRECIP, "mm", 0, 1, 1},
	{SIG_PRECIP, "kg/m2", 0, 1, 1},
	{SIG_PRECIP, "kg/m^2", 0, 1, 1},
	{SIG_POWER, "MW", 0, 1, 1},
	{SIG_POWER, "kW", 0, 1, 1000},
	{SIG_POWER, "GW", 0, 1000, 1},
};

/* A fuel or resource name: [a-z0-9_]+ */
static bool suffix_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static enum signal_class signal_class(const char *signal)
{
	for (size_t i = 0; i < ARRAY_SIZE(plain_signals); i++)
		if (!strcmp(signal, plain_signals[i].name))
			return plain_signals[i].cls;
	if (!strncmp(signal, "generation_", 11) && suffix_ok(signal + 11))
		return SIG_POWER;
	if (!strncmp(signal, "busy_", 5) && suffix_ok(signal + 5))
		return SIG_BUSY;
	return SIG_NONE;
}

void signal_names(struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(plain_signals); i++)
		strbuf_addf(sb, "%s%s", i ? " " : "", plain_signals[i].name);
}

bool signal_valid(const char *signal)
{
	return signal_class(signal) != SIG_NONE;
}

const char *signal_unit(const char *signal)
{
	enum signal_class c = signal_class(signal);

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (units[i].cls == c)
			return units[i].unit;
	return NULL;
}

static void unit_conv_reset(struct unit_conv *uc)
{
	uc->offset = 0;
	uc->mul = 1;
	uc->div = 1;
	strbuf_reset(&uc->unit);
}

void unit_conv_init(struct unit_conv *uc)
{
	strbuf_init(&uc->unit);
	unit_conv_reset(uc);
}

double unit_conv_apply(const struct unit_conv *uc, double v)
{
	return (v + uc->offset) * uc->mul / uc->div;
}

void unit_conv_release(struct unit_conv *uc)
{
	strbuf_release(&uc->unit);
}

/* "EUR/MWh" kept, "EUR/kWh" x1000: the currency is anything before '/'. */
static int price_conversion(const char *unit, struct unit_conv *uc)
{
	const char *slash = strchr(unit, '/');
	size_t cur = slash ? (size_t)(slash - unit) : 0;

	if (!cur || cur > 16 || strchr(slash + 1, '/'))
		return -1;
	for (size_t i = 0; i < cur; i++)
		if ((unsigned char)unit[i] <= ' ')
			return -1;
	if (!strcasecmp(slash + 1, "MWh"))
		uc->mul = 1;
	else if (!strcasecmp(slash + 1, "kWh"))
		uc->mul = 1000;
	else
		return -1;
	strbuf_add(&uc->unit, unit, cur);
	strbuf_addstr(&uc->unit, "/MWh");
	return 0;
}

static void list_units(struct strbuf *sb, enum signal_class c)
{
	const char *sep = "";
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (units[i].cls != c)
			continue;
		strbuf_addf(sb, "%s%s", sep, units[i].unit);
		sep = ", ";
	}
}

static int unknown_unit(const char *signal, const char *unit,
			enum signal_class c, struct errmsg *err)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (c == SIG_PRICE)
		strbuf_addstr(&sb, "CURRENCY/MWh, CURRENCY/kWh");
	else if (c == SIG_BUSY)
		strbuf_addstr(&sb, "none");
	else
		list_units(&sb, c);
	err_set(err, "unknown unit '%s' for signal '%s' (want %s)", unit,
		signal, sb.buf);
	strbuf_release(&sb);
	return -1;
}

int unit_conversion(const char *signal, const char *unit,
		    struct unit_conv *uc, struct errmsg *err)
{
	enum signal_class c = signal_class(signal);
	const char *stored = signal_unit(signal);

	unit_conv_reset(uc);
	if (c == SIG_NONE)
		return err_set(err, "unknown signal '%s'", signal);
	if (!unit || !*unit) {
		if (stored)
			strbuf_addstr(&uc->unit, stored);
		return 0;
	}
	if (c == SIG_PRICE) {
		if (price_conversion(unit, uc) < 0)
			return unknown_unit(signal, unit, c, err);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (units[i].cls != c || strcasecmp(units[i].unit, unit))
			continue;
		uc->offset = units[i].offset;
		uc->mul = units[i].mul;
		uc->div = units[i].div;
		strbuf_addstr(&uc->unit, stored);
		return 0;
	}
	return unknown_unit(signal, unit, c, err);
}

bool signal_plausible(const char *signal, double v)
{
	if (!isfinite(v))
		return false;
	if (!strcmp(signal, "carbon_intensity"))
		return v >= 0 && v <= 2000;
	if (!strcmp(signal, "temperature") || !strcmp(signal, "dewpoint"))
		return v >= -90 && v <= 60;
	if (!strcmp(signal, "wind_speed") ||
	    !strcmp(signal, "solar_radiation") ||
	    !strcmp(signal, "precipitation"))
		return v >= 0;
	return true;
}
