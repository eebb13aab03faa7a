/*
 * feeds.c - reading FEEDS.json strictly.
 *
 * A typo in a feed configuration must not silently drop a feed or fetch
 * the wrong thing, so every key is checked and every error points at the
 * line and column of the value at fault.
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <jansson.h>

#define FEEDS_MAX_BYTES ((size_t)16 << 20)
#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_RETRIES 2
#define MAX_RETRIES 10

/* What a loader needs to point at a value in the text. */
struct loader {
	const char *path;
	const char *text;
	struct json_path jp;
	struct errmsg *err;
};

static int fail(struct loader *ld, const char *fmt, ...) GS_PRINTF(2, 3);

/* Reports at the value the loader's path leads to. */
static int fail(struct loader *ld, const char *fmt, ...)
{
	struct strbuf sb;
	int line = 0, col = 0;
	va_list ap;

	json_locate(ld->text, &ld->jp, &line, &col);
	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_at(ld->err, ld->path, line, col, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static void push_key(struct loader *ld, const char *key)
{
	ld->jp.step[ld->jp.depth].key = key;
	ld->jp.step[ld->jp.depth].index = 0;
	ld->jp.depth++;
}

static void push_index(struct loader *ld, size_t i)
{
	ld->jp.step[ld->jp.depth].key = NULL;
	ld->jp.step[ld->jp.depth].index = i;
	ld->jp.depth++;
}

static void pop(struct loader *ld)
{
	ld->jp.depth--;
}

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

/* A string member; the loader's path is at it. */
static int get_string(struct loader *ld, json_t *v, const char *key,
		      const char **out)
{
	if (!json_is_string(v))
		return fail(ld, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	if (!**out)
		return fail(ld, "\"%s\" must not be empty", key);
	if (strlen(*out) != json_string_length(v))
		return fail(ld, "\"%s\" holds a NUL character", key);
	return 0;
}

static int check_template(struct loader *ld, const char *tmpl)
{
	struct errmsg sub;

	if (template_check(tmpl, &sub) < 0)
		return fail(ld, "%s", sub.msg);
	return 0;
}

static int set_name(struct loader *ld, struct feed_config *fc,
		    struct feed *f, json_t *v)
{
	const char *s;

	if (get_string(ld, v, "name", &s) < 0)
		return -1;
	if (!name_ok(s))
		return fail(ld, "invalid feed name '%s' (want letters, digits, "
			    "'_', '.' and '-')", s);
	if (feeds_find(fc, s))
		return fail(ld, "duplicate feed name '%s'", s);
	f->name = xstrdup(s);
	return 0;
}

static int set_kind(struct loader *ld, struct feed *f, json_t *v)
{
	struct strbuf names;
	const char *s;

	if (get_string(ld, v, "kind", &s) < 0)
		return -1;
	json_locate(ld->text, &ld->jp, &f->kind_line, &f->kind_col);
	f->kind = feed_kind_find(s);
	if (f->kind)
		return 0;
	strbuf_init(&names);
	feed_kind_names(&names);
	fail(ld, "unknown feed kind '%s' (want %s)", s, names.buf);
	strbuf_release(&names);
	return -1;
}

static int set_url(struct loader *ld, struct feed *f, json_t *v)
{
	const char *s;

	if (get_string(ld, v, "url", &s) < 0 || check_template(ld, s) < 0)
		return -1;
	f->url = xstrdup(s);
	return 0;
}

static int set_zone(struct loader *ld, struct feed *f, json_t *v)
{
	const char *s;

	if (get_string(ld, v, "zone", &s) < 0)
		return -1;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < ' ')
			return fail(ld, "\"zone\" holds a control character");
	f->zone = xstrdup(s);
	return 0;
}

static int set_headers(struct loader *ld, struct feed *f, json_t *v)
{
	const char *key;
	json_t *hv;

	if (!json_is_object(v))
		return fail(ld, "\"headers\" must be an object of strings");
	f->headers = xcalloc(json_object_size(v) + 1, sizeof(*f->headers));
	json_object_foreach(v, key, hv) {
		const char *s = NULL;
		int ret;

		push_key(ld, key);
		if (!header_name_ok(key))
			ret = fail(ld, "invalid header name '%s'", key);
		else
			ret = get_string(ld, hv, key, &s);
		if (!ret)
			ret = check_template(ld, s);
		pop(ld);
		if (ret < 0)
			return -1;
		f->headers[f->nheaders].name = xstrdup(key);
		f->headers[f->nheaders].value = xstrdup(s);
		f->nheaders++;
	}
	return 0;
}

static int set_timeout(struct loader *ld, struct feed *f, json_t *v)
{
	const char *s;

	if (get_string(ld, v, "timeout", &s) < 0)
		return -1;
	if (duration_parse(s, &f->timeout_s) < 0 || f->timeout_s <= 0)
		return fail(ld, "invalid duration '%s' for \"timeout\" (want "
			    "ISO 8601, e.g. PT30S)", s);
	return 0;
}

static int set_retries(struct loader *ld, struct feed *f, json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MAX_RETRIES)
		return fail(ld, "\"retries\" must be an integer from 0 to %d",
			    MAX_RETRIES);
	f->retries = (int)json_integer_value(v);
	return 0;
}

static int feed_member(struct loader *ld, struct feed_config *fc,
		       struct feed *f, const char *key, json_t *v)
{
	if (!strcmp(key, "name"))
		return set_name(ld, fc, f, v);
	if (!strcmp(key, "kind"))
		return set_kind(ld, f, v);
	if (!strcmp(key, "url"))
		return set_url(ld, f, v);
	if (!strcmp(key, "zone"))
		return set_zone(ld, f, v);
	if (!strcmp(key, "headers"))
		return set_headers(ld, f, v);
	if (!strcmp(key, "timeout"))
		return set_timeout(ld, f, v);
	if (!strcmp(key, "retries"))
		return set_retries(ld, f, v);
	return fail(ld, "unknown key '%s' in a feed (want name, kind, url, "
		    "zone, headers, timeout, retries)", key);
}

static int check_required(struct loader *ld, const struct feed *f,
			  size_t i)
{
	if (!f->name)
		return fail(ld, "feed #%zu has no \"name\"", i + 1);
	if (!f->kind)
		return fail(ld, "feed '%s' has no \"kind\"", f->name);
	if (!f->url)
		return fail(ld, "feed '%s' has no \"url\"", f->name);
	if ((f->kind->flags & FEED_NEEDS_ZONE) && !f->zone)
		return fail(ld, "feed '%s' of kind '%s' needs a \"zone\"",
			    f->name, f->kind->name);
	return 0;
}

/*
 * "name" is read first so that later messages can name the feed, and a
 * duplicate is caught before the feed is added.
 */
static int load_feed(struct loader *ld, struct feed_config *fc, json_t *obj,
		     size_t i)
{
	struct feed f = {0};
	const char *key;
	json_t *v;
	int ret = 0;

	if (!json_is_object(obj))
		return fail(ld, "a feed must be an object");
	f.timeout_s = DEFAULT_TIMEOUT_S;
	f.retries = DEFAULT_RETRIES;
	json_locate(ld->text, &ld->jp, &f.line, &f.col);
	json_object_foreach(obj, key, v) {
		push_key(ld, key);
		ret = feed_member(ld, fc, &f, key, v);
		pop(ld);
		if (ret < 0)
			break;
	}
	if (!ret)
		ret = check_required(ld, &f, i);
	fc->feeds[fc->nfeeds++] = f; /* kept even on error, to be freed */
	return ret;
}

static int load_root(struct loader *ld, struct feed_config *fc, json_t *root)
{
	const char *key;
	json_t *v, *feeds = NULL;

	if (!json_is_object(root))
		return fail(ld, "want an object {\"feeds\": [...]}");
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "feeds")) {
			feeds = v;
			continue;
		}
		push_key(ld, key);
		return fail(ld, "unknown key '%s' (want \"feeds\")", key);
	}
	if (!feeds)
		return fail(ld, "missing \"feeds\"");
	push_key(ld, "feeds");
	if (!json_is_array(feeds))
		return fail(ld, "\"feeds\" must be an array");
	fc->feeds = xcalloc(json_array_size(feeds) + 1, sizeof(*fc->feeds));
	for (size_t i = 0; i < json_array_size(feeds); i++) {
		int ret;
		push_index(ld, i);
		ret = load_feed(ld, fc, json_array_get(feeds, i), i);
		pop(ld);
		if (ret < 0)
			return -1;
	}
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
}

int feeds_load(struct feed_config *fc, const char *path, struct errmsg *err)
{
	struct strbuf text;
	struct loader ld = {path, NULL, {0}, err};
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(fc, 0, sizeof(*fc));
	fc->path = xstrdup(path);
	fc->dir = dir_of(path);
	strbuf_init(&text);
	if (strbuf_read_file(&text, path, FEEDS_MAX_BYTES) < 0) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	root = json_loadb(text.buf, text.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err_at(err, path, jerr.line, jerr.column, "%s", jerr.text);
		strbuf_release(&text);
		return -1;
	}
	ld.text = text.buf;
	ret = load_root(&ld, fc, root);
	json_decref(root);
	strbuf_release(&text);
	return ret;
}

static void feed_release(struct feed *f)
{
	free(f->name);
	free(f->url);
	free(f->zone);
	for (size_t i = 0; i < f->nheaders; i++) {
		free(f->headers[i].name);
		free(f->headers[i].value);
	}
	free(f->headers);
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

const struct feed *feeds_find(const struct feed_config *fc, const char *name)
{
	for (size_t i = 0; i < fc->nfeeds; i++)
		if (fc->feeds[i].name && !strcmp(fc->feeds[i].name, name))
			return &fc->feeds[i];
	return NULL;
}
