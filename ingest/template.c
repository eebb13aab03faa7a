/*
 * template.c - url templates of FEEDS.json, and keeping their secrets.
 *
 * A feed's url (and its header values) may hold {from}, {to},
 * {from:%Y%m%d%H%M}, {env:NAME}, and the feed's zone as greenslot and
 * each provider spell it ({zone}, {eic}, {emaps}, {watttime},
 * {uk_region}, {lat}, {lon}: from the zone catalog, ingest/zones.c).
 * The expansion is what the feed needs and often holds an API token, so
 * it is never put in a message: errors name the template instead, and
 * anything a server or a parser says is scrubbed of the values of
 * {env:NAME} before it is shown.
 */
#include "ingest/ingest.h"

void secrets_init(struct secrets *s)
{
	memset(s, 0, sizeof(*s));
}

void secrets_release(struct secrets *s)
{
	strv_free(s->v, s->n);
	secrets_init(s);
}

void secrets_add(struct secrets *s, const char *value)
{
	if (!*value)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], value))
			return;
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = xstrdup(value);
}

void secrets_scrub(const struct secrets *s, struct errmsg *msg)
{
	struct strbuf sb;
	bool hit = false;

	strbuf_init(&sb);
	strbuf_addstr(&sb, msg->msg);
	for (size_t i = 0; i < s->n; i++) {
		size_t len = strlen(s->v[i]);
		char *at;
		while ((at = strstr(sb.buf, s->v[i])) != NULL) {
			size_t off = (size_t)(at - sb.buf);
			struct strbuf rest;
			strbuf_init(&rest);
			strbuf_addstr(&rest, at + len);
			sb.len = off;
			sb.buf[off] = '\0';
			strbuf_addstr(&sb, "***");
			strbuf_addstr(&sb, rest.buf);
			strbuf_release(&rest);
			hit = true;
		}
	}
	if (hit)
		snprintf(msg->msg, sizeof(msg->msg), "%s", sb.buf);
	strbuf_release(&sb);
}

static bool env_name_ok(const char *s, size_t len)
{
	if (!len || (*s >= '0' && *s <= '9'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int expand_env(const char *name, struct strbuf *out,
		      struct secrets *secrets, struct errmsg *err)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return err_set(err, "environment variable '%s' is not set",
			       name);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return err_set(err, "environment variable '%s' holds "
				       "a control character", name);
	strbuf_addstr(out, v);
	if (secrets)
		secrets_add(secrets, v);
	return 0;
}

static int expand_time(gs_time t, const char *fmt, struct strbuf *out,
		       const char *ph, struct errmsg *err)
{
	char buf[GS_TIME_BUFSZ];

	if (!fmt) {
		strbuf_addstr(out, time_format(t, buf));
		return 0;
	}
	if (!*fmt || time_strftime(t, fmt, out) < 0)
		return err_set(err, "invalid time format in '%s' (want "
			       "%%Y %%m %%d %%H %%M %%S %%j %%s %%%%)", ph);
	return 0;
}

/* The zone placeholders; kind -1: the zone itself, -2: lat, -3: lon. */
static const struct {
	const char *name;
	int kind;
} zone_placeholders[] = {
	{ "zone", -1 },
	{ "eic", ZONE_ID_EIC },
	{ "emaps", ZONE_ID_EMAPS },
	{ "watttime", ZONE_ID_WATTTIME },
	{ "uk_region", ZONE_ID_UK_REGION },
	{ "lat", -2 },
	{ "lon", -3 },
};

/*
 * A zone placeholder: 1 when body is none, else 0 or -1.  The catalog is
 * only consulted when expanding (out not NULL): a template is valid for
 * any zone, the feed's zone decides whether it can be expanded.
 */
static int expand_zone(const char *body, const char *zone,
		       struct strbuf *out, struct errmsg *err)
{
	const struct zone_info *z;
	const char *v;
	int kind = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(zone_placeholders); i++)
		if (!strcmp(body, zone_placeholders[i].name))
			break;
	if (i == ARRAY_SIZE(zone_placeholders))
		return 1;
	if (!out)
		return 0;
	kind = zone_placeholders[i].kind;
	if (!zone)
		return err_set(err, "placeholder '{%s}' needs the feed's "
			       "\"zone\"", body);
	if (kind == -1) {
		strbuf_addstr(out, zone);
		return 0;
	}
	z = zone_find(zone);
	if (!z)
		return err_set(err, "placeholder '{%s}': zone '%s' is not in "
			       "the zone catalog", body, zone);
	if (kind == -2 || kind == -3) {
		strbuf_addf(out, "%.10g", kind == -2 ? z->lat : z->lon);
		return 0;
	}
	v = zone_id(z, (enum zone_id_kind)kind);
	if (!v)
		return err_set(err, "placeholder '{%s}': zone '%s' has no "
			       "value for it in the zone catalog", body, zone);
	strbuf_addstr(out, v);
	return 0;
}

/*
 * One placeholder, body = the text between the braces.  With out NULL
 * only the syntax is checked (no environment lookups).
 */
static int expand_one(const char *body, gs_time from, gs_time to,
		      const char *zone, struct strbuf *out,
		      struct secrets *secrets, struct errmsg *err)
{
	const char *colon = strchr(body, ':');
	size_t nlen = colon ? (size_t)(colon - body) : strlen(body);
	const char *arg = colon ? colon + 1 : NULL;
	struct strbuf scratch;
	int ret;

	if (nlen == 3 && !strncmp(body, "env", 3) && arg) {
		if (!env_name_ok(arg, strlen(arg)))
			return err_set(err, "invalid environment variable "
				       "name in '{%s}'", body);
		return out ? expand_env(arg, out, secrets, err) : 0;
	}
	if ((nlen == 4 && !strncmp(body, "from", 4)) ||
	    (nlen == 2 && !strncmp(body, "to", 2))) {
		strbuf_init(&scratch);
		ret = expand_time(nlen == 4 ? from : to, arg,
				  out ? out : &scratch, body, err);
		strbuf_release(&scratch);
		return ret;
	}
	ret = expand_zone(body, zone, out, err);
	if (ret <= 0)
		return ret;
	return err_set(err, "unknown placeholder '{%s}' (want {from}, {to}, "
		       "{from:FORMAT}, {to:FORMAT}, {env:NAME}, {zone}, {eic}, "
		       "{emaps}, {watttime}, {uk_region}, {lat} or {lon})",
		       body);
}

static int expand(const char *tmpl, gs_time from, gs_time to,
		  const char *zone, struct strbuf *out, struct secrets *secrets,
		  struct errmsg *err)
{
	struct strbuf body;
	const char *p = tmpl;

	strbuf_init(&body);
	while (*p) {
		const char *close;
		if (*p != '{') {
			if (out)
				strbuf_addch(out, *p);
			p++;
			continue;
		}
		if (p[1] == '{') {
			if (out)
				strbuf_addch(out, '{');
			p += 2;
			continue;
		}
		close = strchr(p, '}');
		if (!close) {
			strbuf_release(&body);
			return err_set(err, "unterminated placeholder '%s'", p);
		}
		strbuf_reset(&body);
		strbuf_add(&body, p + 1, (size_t)(close - p - 1));
		if (expand_one(body.buf, from, to, zone, out, secrets,
			       err) < 0) {
			strbuf_release(&body);
			return -1;
		}
		p = close + 1;
	}
	strbuf_release(&body);
	return 0;
}

int template_expand(const char *tmpl, gs_time from, gs_time to,
		    struct strbuf *out, struct secrets *secrets,
		    struct errmsg *err)
{
	return expand(tmpl, from, to, NULL, out, secrets, err);
}

int template_expand_zone(const char *tmpl, gs_time from, gs_time to,
			 const char *zone, struct strbuf *out,
			 struct secrets *secrets, struct errmsg *err)
{
	return expand(tmpl, from, to, zone, out, secrets, err);
}

int template_check(const char *tmpl, struct errmsg *err)
{
	return expand(tmpl, 0, 0, NULL, NULL, NULL, err);
}
