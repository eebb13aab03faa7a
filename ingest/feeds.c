/*
 * feeds.c - reading FEEDS.json strictly.
 *
 * A typo in a feed configuration must not silently drop a feed or fetch
 * the wrong thing, so every key is checked and every error points at the
 * line and column at fault.  The reading, the positions and the wording
 * are struct json_doc's (core/jsonin.c), as for SITES.json and JOBS.json;
 * this file only knows what a feed is.
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_RETRIES 2
#define MAX_RETRIES 10

#define NAME_HINT "want letters, digits, '_', '.' and '-'"
#define HEADER_HINT "want letters, digits, '-' and '_'"

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		      *s == '-'))
			return false;
	return true;
}

/* HTTP header names are tokens; we allow the usual subset. */
static bool header_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static int fail_field(struct json_doc *d, const char *key, const char *hint,
		      const char *fmt, ...) GS_PRINTF(4, 5);

/*
 * "'FIELD'" and the rest of the message at obj[key] (key NULL: at the
 * value already on the path), for the checks json_doc's getters do not
 * make themselves.
 */
static int fail_field(struct json_doc *d, const char *key, const char *hint,
		      const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	if (key)
		json_doc_push_key(d, key);
	strbuf_init(&sb);
	strbuf_addf(&sb, "'%s'", json_doc_field(d));
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	json_doc_fail(d, 0, hint, "%s", sb.buf);
	strbuf_release(&sb);
	if (key)
		json_doc_pop(d);
	return -1;
}

/*
 * A url or header value: a string whose placeholders must all be known.
 * (No string holds a NUL: jansson refuses "\u0000" unless told not to.)
 */
static int get_template(struct json_doc *d, json_t *obj, const char *key,
			unsigned flags, char **out)
{
	struct errmsg sub;
	const char *s;
	int r = json_doc_string(d, obj, key, flags | JD_NONEMPTY, &s);

	if (r)
		return r;
	if (template_check(s, &sub) < 0)
		return fail_field(d, key, NULL, ": %s", sub.msg);
	*out = xstrdup(s);
	return 0;
}

static int feed_name(struct json_doc *d, json_t *o,
		     const struct feed_config *fc, struct feed *f)
{
	const struct feed *first;
	const char *s;

	if (json_doc_string(d, o, "name", JD_REQUIRED | JD_NONEMPTY, &s) < 0)
		return -1;
	if (!name_ok(s))
		return fail_field(d, "name", NAME_HINT,
				  ": invalid feed name '%s'", s);
	first = feeds_find(fc, s);
	if (first) {
		strbuf_reset(&d->subject); /* it would repeat the name */
		return fail_field(d, "name", NULL,
				  ": duplicate feed name '%s' (first at "
				  "%s:%d:%d)", s, d->file, first->line,
				  first->col);
	}
	f->name = xstrdup(s);
	return 0;
}

/* Also keeps where the kind is: running an unimplemented one fails there. */
static int feed_kind(struct json_doc *d, json_t *o, struct feed *f)
{
	struct strbuf want;
	const char *s;

	if (json_doc_string(d, o, "kind", JD_REQUIRED | JD_NONEMPTY, &s) < 0)
		return -1;
	json_doc_push_key(d, "kind");
	json_locate(d->text.buf, &d->path, &f->kind_line, &f->kind_col);
	json_doc_pop(d);
	f->kind = feed_kind_find(s);
	if (f->kind)
		return 0;
	strbuf_init(&want);
	strbuf_addstr(&want, "want ");
	feed_kind_names(&want);
	fail_field(d, "kind", want.buf, ": unknown feed kind '%s'", s);
	strbuf_release(&want);
	return -1;
}

static int feed_zone(struct json_doc *d, json_t *o, struct feed *f)
{
	unsigned flags = (f->kind->flags & FEED_NEEDS_ZONE) ? JD_REQUIRED : 0;
	const char *s;
	int r = json_doc_string(d, o, "zone", flags | JD_NONEMPTY, &s);

	if (r)
		return r < 0 ? -1 : 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < ' ')
			return fail_field(d, "zone", NULL,
					  " holds a control character");
	f->zone = xstrdup(s);
	return 0;
}

/* One "NAME": "VALUE" of "headers" (the path is at "headers"). */
static int feed_header(struct json_doc *d, const char *name, json_t *v,
		       struct feed *f)
{
	char *value;

	json_doc_push_key(d, name);
	if (!header_name_ok(name))
		return json_doc_fail(d, JD_AT_KEY, HEADER_HINT,
				     "'headers': invalid header name '%s'",
				     name);
	if (get_template(d, v, NULL, 0, &value) < 0)
		return -1;
	json_doc_pop(d);
	f->headers[f->nheaders].name = xstrdup(name);
	f->headers[f->nheaders++].value = value;
	return 0;
}

/* The members of "headers", which json_doc_object() left on the path. */
static int feed_headers(struct json_doc *d, json_t *obj, struct feed *f)
{
	const char *name;
	json_t *v;

	f->headers = xcalloc(json_object_size(obj) + 1, sizeof(*f->headers));
	json_object_foreach(obj, name, v)
		if (feed_header(d, name, v, f) < 0)
			return -1;
	json_doc_pop(d);
	return 0;
}

/* An integer, not any number: "retries": 2.5 is a mistake. */
static int feed_retries(struct json_doc *d, json_t *o, struct feed *f)
{
	json_t *v = json_object_get(o, "retries");

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MAX_RETRIES)
		return fail_field(d, "retries", NULL,
				  " must be an integer from 0 to %d",
				  MAX_RETRIES);
	f->retries = (int)json_integer_value(v);
	return 0;
}

/* "login": {"url", "username", "password"}, all templates. */
static int feed_login_parse(struct json_doc *d, json_t *o, struct feed *f)
{
	static const char *const keys[] = {"url", "username", "password",
					   NULL};
	struct feed_login *l;
	json_t *obj;
	int r = json_doc_object(d, o, "login", 0, &obj);

	if (r)
		return r < 0 ? -1 : 0;
	l = f->login = xcalloc(1, sizeof(*l));
	if (json_doc_check_keys(d, obj, keys) < 0 ||
	    get_template(d, obj, "url", JD_REQUIRED, &l->url) < 0 ||
	    get_template(d, obj, "username", JD_REQUIRED, &l->username) < 0 ||
	    get_template(d, obj, "password", JD_REQUIRED, &l->password) < 0)
		return -1;
	json_doc_pop(d);
	return 0;
}

/*
 * "factors": which emission factors turn an ENTSO-E generation mix into
 * carbon intensity: "lifecycle" (the default, as the other providers
 * publish) or "direct" (combustion only, as inventories count).
 */
static int feed_factors(struct json_doc *d, json_t *o, struct feed *f)
{
	const char *s;
	int r = json_doc_string(d, o, "factors", 0, &s);

	if (r)
		return r < 0 ? -1 : 0;
	if (strcmp(f->kind->name, "entsoe"))
		return fail_field(d, "factors", NULL, " applies to entsoe "
				  "feeds only (their mix is turned into carbon "
				  "intensity by greenslot)");
	if (strcmp(s, "lifecycle") && strcmp(s, "direct"))
		return fail_field(d, "factors", "want lifecycle or direct",
				  ": unknown '%s'", s);
	f->direct_factors = !strcmp(s, "direct");
	return 0;
}

/*
 * "ca_file": a PEM bundle of the CAs that sign the feed's server (an
 * operator's internal CA), trusted for that feed instead of the system's
 * bundle; verification stays on.  Relative to FEEDS.json like url paths,
 * and checked here so that a typo fails before anything is fetched.
 */
static int feed_ca_file(struct json_doc *d, json_t *o,
			const struct feed_config *fc, struct feed *f)
{
	struct stat st;
	const char *s;
	char *path;
	int r = json_doc_string(d, o, "ca_file", JD_NONEMPTY, &s);

	if (r)
		return r < 0 ? -1 : 0;
	path = feeds_resolve(fc, s);
	if (stat(path, &st) < 0 || access(path, R_OK) < 0)
		r = fail_field(d, "ca_file", NULL, ": cannot read '%s': %s",
			       path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = fail_field(d, "ca_file", NULL, ": '%s' is not a file",
			       path);
	if (r < 0) {
		free(path);
		return -1;
	}
	f->ca_file = path;
	return 0;
}

/* "name" comes first: a duplicate is caught before anything else. */
static int feed_parse(struct json_doc *d, json_t *o,
		      const struct feed_config *fc, struct feed *f)
{
	static const char *const keys[] = {
		"name", "kind", "url", "zone", "headers", "timeout",
		"retries", "price_floor", "factors", "login", "ca_file",
		NULL,
	};
	json_t *headers = NULL;

	f->timeout_s = DEFAULT_TIMEOUT_S;
	f->retries = DEFAULT_RETRIES;
	f->price_floor = (double)NAN;
	json_locate(d->text.buf, &d->path, &f->line, &f->col);
	if (json_doc_check_keys(d, o, keys) < 0 ||
	    feed_name(d, o, fc, f) < 0 || feed_kind(d, o, f) < 0 ||
	    get_template(d, o, "url", JD_REQUIRED, &f->url) < 0 ||
	    feed_zone(d, o, f) < 0 ||
	    json_doc_object(d, o, "headers", 0, &headers) < 0 ||
	    (headers && feed_headers(d, headers, f) < 0) ||
	    json_doc_duration(d, o, "timeout", JD_POSITIVE,
			      &f->timeout_s) < 0 ||
	    feed_retries(d, o, f) < 0 ||
	    json_doc_number(d, o, "price_floor", 0, &f->price_floor) < 0 ||
	    feed_factors(d, o, f) < 0 || feed_login_parse(d, o, f) < 0 ||
	    feed_ca_file(d, o, fc, f) < 0)
		return -1;
	if (isnan(f->price_floor))
		f->price_floor = f->kind->price_floor;
	return 0;
}

/* "feed 'x'" for messages, or "feed #3" while the name is not valid. */
static void set_subject(struct json_doc *d, json_t *o, size_t i)
{
	json_t *name = json_object_get(o, "name");

	strbuf_reset(&d->subject);
	if (json_is_string(name) && name_ok(json_string_value(name)))
		strbuf_addf(&d->subject, "feed '%s'", json_string_value(name));
	else
		strbuf_addf(&d->subject, "feed #%zu", i + 1);
}

static int feeds_parse(struct json_doc *d, struct feed_config *fc)
{
	static const char *const keys[] = {"feeds", NULL};
	json_t *feeds, *o;
	size_t i;

	if (!json_is_object(d->root))
		return json_doc_fail(d, 0, NULL, "a feed configuration must "
				     "be an object {\"feeds\": [...]}");
	strbuf_addstr(&d->subject, "the feed configuration");
	if (json_doc_check_keys(d, d->root, keys) < 0 ||
	    json_doc_array(d, d->root, "feeds", JD_REQUIRED, &feeds) < 0)
		return -1;
	fc->feeds = xcalloc(json_array_size(feeds) + 1, sizeof(*fc->feeds));
	d->base = d->path.depth + 1; /* fields named from the feed */
	json_array_foreach(feeds, i, o) {
		json_doc_push_index(d, i);
		if (!json_is_object(o)) {
			strbuf_reset(&d->subject);
			return json_doc_fail(d, 0, NULL,
					     "feed #%zu must be an object",
					     i + 1);
		}
		set_subject(d, o, i);
		/* counted first: feeds_release() frees what was read of it */
		if (feed_parse(d, o, fc, &fc->feeds[fc->nfeeds++]) < 0)
			return -1;
		json_doc_pop(d);
	}
	return 0;
}

static void feed_release(struct feed *f)
{
	free(f->name);
	free(f->url);
	free(f->zone);
	free(f->ca_file);
	for (size_t i = 0; i < f->nheaders; i++) {
		free(f->headers[i].name);
		free(f->headers[i].value);
	}
	free(f->headers);
	if (f->login) {
		free(f->login->url);
		free(f->login->username);
		free(f->login->password);
		free(f->login);
	}
}

void feeds_release(struct feed_config *fc)
{
	for (size_t i = 0; i < fc->nfeeds; i++)
		feed_release(&fc->feeds[i]);
	free(fc->feeds);
	free(fc->path);
	free(fc->dir);
	memset(fc, 0, sizeof(*fc));
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
}

int feeds_load(struct feed_config *fc, const char *path, struct errmsg *err)
{
	struct json_doc d;
	int r;

	memset(fc, 0, sizeof(*fc));
	fc->path = xstrdup(path);
	fc->dir = dir_of(path);
	r = json_doc_load(&d, path, err);
	if (!r)
		r = feeds_parse(&d, fc);
	json_doc_release(&d);
	return r;
}

char *feeds_resolve(const struct feed_config *fc, const char *path)
{
	struct strbuf sb;

	if (path[0] == '/' || !*fc->dir)
		return xstrdup(path);
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s%s", fc->dir, path);
	return strbuf_detach(&sb);
}

const struct feed *feeds_find(const struct feed_config *fc, const char *name)
{
	for (size_t i = 0; i < fc->nfeeds; i++)
		if (fc->feeds[i].name && !strcmp(fc->feeds[i].name, name))
			return &fc->feeds[i];
	return NULL;
}
