/*
 * jsonin.c - strict reading of greenslot's JSON inputs: the site catalog
 * (SITES.json), job specs (JOBS.json), and the positioned-error machinery
 * (struct json_doc) that the plan reader shares.
 *
 * jansson parses and keeps no positions.  When something is wrong we
 * re-scan the original text along the path of keys and indices that led to
 * the bad value (json_locate()), which costs nothing on the happy path.  The
 * scanner must never misbehave on any input, but it need not validate: it
 * only runs on text jansson has accepted, or to point into text it has not.
 */
#include "core/core.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>

#define JSON_MAX_BYTES ((size_t)64 << 20)
#define LIST_MAX 10 /* names listed in a hint before "..." */

/* ------------------------------------------------------------------ */
/* Positions: a forgiving scanner over the raw text                    */
/* ------------------------------------------------------------------ */

/*
 * A place in the text.  Columns count characters (UTF-8 lead bytes), as
 * jansson's own error columns do, so both kinds of error agree.
 */
struct jcur {
	const char *p;
	int line, col;
};

static void cur_next(struct jcur *c)
{
	unsigned char ch = (unsigned char)*c->p;

	if (!ch)
		return;
	c->p++;
	if (ch == '\n') {
		c->line++;
		c->col = 1;
	} else if ((ch & 0xC0) != 0x80) {
		c->col++;
	}
}

static void cur_ws(struct jcur *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' ||
	       *c->p == '\r')
		cur_next(c);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static long cur_hex4(struct jcur *c)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hexval(*c->p);
		if (d < 0)
			return -1;
		v = v * 16 + d;
		cur_next(c);
	}
	return v;
}

static void add_utf8(struct strbuf *sb, long cp)
{
	if (cp < 0)
		return;
	if (cp < 0x80) {
		strbuf_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xC0 | (cp >> 6)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xE0 | (cp >> 12)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_addch(sb, (char)(0xF0 | (cp >> 18)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	}
}

/* After "\u": a code point, joining a surrogate pair when one follows. */
static long cur_unicode(struct jcur *c)
{
	long hi = cur_hex4(c), lo;

	if (hi < 0xD800 || hi > 0xDBFF || c->p[0] != '\\' || c->p[1] != 'u')
		return hi;
	cur_next(c);
	cur_next(c);
	lo = cur_hex4(c);
	if (lo < 0xDC00 || lo > 0xDFFF)
		return lo;
	return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

static char unescape(char e)
{
	switch (e) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return e;
	}
}

/* Skips a string from its opening quote, decoding it into sb if not NULL. */
static void cur_string(struct jcur *c, struct strbuf *sb)
{
	cur_next(c);
	while (*c->p && *c->p != '"') {
		char e;

		if (*c->p != '\\') {
			if (sb)
				strbuf_addch(sb, *c->p);
			cur_next(c);
			continue;
		}
		cur_next(c);
		e = *c->p;
		if (!e)
			return;
		cur_next(c);
		if (e == 'u') {
			long cp = cur_unicode(c);
			if (sb)
				add_utf8(sb, cp);
		} else if (sb) {
			strbuf_addch(sb, unescape(e));
		}
	}
	cur_next(c);
}

/* Skips one value of any kind; stops at the end of the text. */
static void cur_skip(struct jcur *c)
{
	int depth = 0;

	if (*c->p == '"') {
		cur_string(c, NULL);
		return;
	}
	if (*c->p != '{' && *c->p != '[') {
		while (*c->p && !strchr(",:]}{[\" \t\r\n", *c->p))
			cur_next(c);
		return;
	}
	while (*c->p) {
		if (*c->p == '"') {
			cur_string(c, NULL);
			continue;
		}
		if (*c->p == '{' || *c->p == '[')
			depth++;
		else if (*c->p == '}' || *c->p == ']')
			depth--;
		cur_next(c);
		if (depth <= 0)
			return;
	}
}

/* With c at '{': moves c to the value (or key) of member `key`. */
static bool cur_member(struct jcur *c, const char *key, bool at_key)
{
	struct strbuf name;
	size_t klen = strlen(key);
	bool found = false;

	strbuf_init(&name);
	cur_next(c);
	for (;;) {
		struct jcur k;

		cur_ws(c);
		if (*c->p != '"')
			break;
		k = *c;
		strbuf_reset(&name);
		cur_string(c, &name);
		cur_ws(c);
		if (*c->p != ':')
			break;
		cur_next(c);
		cur_ws(c);
		if (name.len == klen && !memcmp(name.buf, key, klen)) {
			if (at_key)
				*c = k;
			found = true;
			break;
		}
		cur_skip(c);
		cur_ws(c);
		if (*c->p != ',')
			break;
		cur_next(c);
	}
	strbuf_release(&name);
	return found;
}

/* With c at '[': moves c to element `index`. */
static bool cur_element(struct jcur *c, size_t index)
{
	cur_next(c);
	for (size_t i = 0;; i++) {
		cur_ws(c);
		if (!*c->p || *c->p == ']')
			return false;
		if (i == index)
			return true;
		cur_skip(c);
		cur_ws(c);
		if (*c->p != ',')
			return false;
		cur_next(c);
	}
}

/* Follows path from the value at c as far as it goes. */
static void cur_path(struct jcur *c, const struct json_path *path,
		     bool at_key)
{
	int depth = path->depth;

	if (depth > 16)
		depth = 16;
	cur_ws(c);
	for (int i = 0; i < depth; i++) {
		struct jcur t = *c;
		bool last = i == depth - 1;

		if (path->step[i].key) {
			if (*t.p != '{' ||
			    !cur_member(&t, path->step[i].key, at_key && last))
				return;
		} else if (*t.p != '[' ||
			   !cur_element(&t, path->step[i].index)) {
			return;
		}
		*c = t;
	}
}

static void locate(const char *text, const struct json_path *path,
		   bool at_key, int *line, int *col)
{
	struct jcur c = {text ? text : "", 1, 1};

	if (path)
		cur_path(&c, path, at_key);
	*line = c.line;
	*col = c.col;
}

void json_locate(const char *text, const struct json_path *path, int *line,
		 int *col)
{
	locate(text, path, false, line, col);
}

void json_locate_key(const char *text, const struct json_path *path,
		     int *line, int *col)
{
	locate(text, path, true, line, col);
}

/*
 * Positions of the n elements of the array at c (a cursor on '['), for
 * recording where every job of a file sits in one pass.  Elements it cannot
 * find (only in text jansson did not parse) get the array's position.
 */
static void cur_elements(struct jcur c, struct jcur *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = c;
	if (*c.p != '[')
		return;
	cur_next(&c);
	for (size_t i = 0; i < n; i++) {
		cur_ws(&c);
		out[i] = c;
		cur_skip(&c);
		cur_ws(&c);
		if (*c.p != ',')
			return;
		cur_next(&c);
	}
}

/* ------------------------------------------------------------------ */
/* struct json_doc: reading with positioned errors                     */
/* ------------------------------------------------------------------ */

static int read_stdin(struct strbuf *sb)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (sb->len + n > JSON_MAX_BYTES) {
			errno = EFBIG;
			return -1;
		}
		strbuf_add(sb, chunk, n);
	}
	if (ferror(stdin)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/*
 * jansson's column points at the last character of the token it names in
 * "... near 'TOKEN'"; move it back to the token's first character.
 */
static int token_start(const json_error_t *je, int col)
{
	const char *near = strstr(je->text, " near '");
	const char *end = je->text + strlen(je->text);
	int n = 0;

	if (!near || end[-1] != '\'')
		return col;
	for (const char *p = near + 7; p < end - 1; p++) {
		if (*p == '\n')
			return col;
		if ((*p & 0xC0) != 0x80)
			n++;
	}
	return col - n + 1 >= 1 ? col - n + 1 : col;
}

static void doc_init(struct json_doc *d, const char *name,
		     struct errmsg *err)
{
	memset(d, 0, sizeof(*d));
	strbuf_init(&d->text);
	strbuf_init(&d->subject);
	strbuf_init(&d->field);
	d->file = xstrdup(name);
	d->err = err;
}

/* Parses d->text, reporting a syntax error at the start of its token. */
static int doc_parse(struct json_doc *d, struct errmsg *err)
{
	json_error_t je;

	/* a UTF-8 byte order mark is invisible in editors: skip it */
	if (d->text.len >= 3 && !memcmp(d->text.buf, "\xEF\xBB\xBF", 3)) {
		memmove(d->text.buf, d->text.buf + 3, d->text.len - 2);
		d->text.len -= 3;
	}
	d->root = json_loadb(d->text.buf, d->text.len, JSON_REJECT_DUPLICATES,
			     &je);
	if (!d->root) {
		int line = je.line > 0 ? je.line : 1;
		int col = je.column > 0 ? token_start(&je, je.column) : 1;
		return err_at(err, d->file, line, col, "invalid JSON: %s",
			      je.text);
	}
	return 0;
}

int json_doc_load(struct json_doc *d, const char *path, struct errmsg *err)
{
	bool in = !strcmp(path, "-");
	int r;

	doc_init(d, in ? "<stdin>" : path, err);
	r = in ? read_stdin(&d->text)
	       : strbuf_read_file(&d->text, path, JSON_MAX_BYTES);
	if (r < 0 && errno == EFBIG)
		return err_set(err, "'%s' is larger than %zu MiB", d->file,
			       JSON_MAX_BYTES >> 20);
	if (r < 0)
		return err_set(err, "cannot read '%s': %s", d->file,
			       strerror(errno));
	return doc_parse(d, err);
}

int json_doc_load_buffer(struct json_doc *d, const char *name,
			 const char *text, size_t len, struct errmsg *err)
{
	doc_init(d, name, err);
	strbuf_add(&d->text, text, len);
	return doc_parse(d, err);
}

void json_doc_release(struct json_doc *d)
{
	free(d->file);
	strbuf_release(&d->text);
	strbuf_release(&d->subject);
	strbuf_release(&d->field);
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}

void json_doc_push_key(struct json_doc *d, const char *key)
{
	if (d->path.depth >= 16) {
		d->extra++;
		return;
	}
	d->path.step[d->path.depth].key = key;
	d->path.step[d->path.depth].index = 0;
	d->path.depth++;
}

void json_doc_push_index(struct json_doc *d, size_t index)
{
	if (d->path.depth >= 16) {
		d->extra++;
		return;
	}
	d->path.step[d->path.depth].key = NULL;
	d->path.step[d->path.depth].index = index;
	d->path.depth++;
}

void json_doc_pop(struct json_doc *d)
{
	if (d->extra)
		d->extra--;
	else if (d->path.depth > 0)
		d->path.depth--;
}

const char *json_doc_field(struct json_doc *d)
{
	strbuf_reset(&d->field);
	for (int i = d->base < 0 ? 0 : d->base; i < d->path.depth; i++) {
		const char *key = d->path.step[i].key;
		if (!key) {
			strbuf_addf(&d->field, "[%zu]", d->path.step[i].index);
			continue;
		}
		if (d->field.len)
			strbuf_addch(&d->field, '.');
		strbuf_addstr(&d->field, key);
	}
	return d->field.buf;
}

int json_doc_fail(struct json_doc *d, unsigned flags, const char *hint,
		  const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	int line, col;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (d->subject.len)
		strbuf_addf(&sb, " in %s", d->subject.buf);
	if (hint)
		strbuf_addf(&sb, " (%s)", hint);
	locate(d->text.buf, &d->path, flags & JD_AT_KEY, &line, &col);
	err_at(d->err, d->file, line, col, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

int json_doc_check_keys(struct json_doc *d, json_t *obj,
			const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key))
			a++;
		if (*a)
			continue;
		json_doc_push_key(d, key);
		return json_doc_fail(d, JD_AT_KEY, NULL, "unknown key '%s'",
				     json_doc_field(d));
	}
	return 0;
}

/* Finds obj[key] and puts it on the path (see the getters in core.h). */
static int member(struct json_doc *d, json_t *obj, const char *key,
		  unsigned flags, json_t **v)
{
	if (!key) {
		*v = obj;
	} else {
		*v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
		if (!*v && (flags & JD_REQUIRED)) {
			struct strbuf name;
			int r;

			json_doc_push_key(d, key);
			strbuf_init(&name);
			strbuf_addstr(&name, json_doc_field(d));
			json_doc_pop(d);
			r = json_doc_fail(d, 0, NULL, "missing '%s'", name.buf);
			strbuf_release(&name);
			return r;
		}
		if (!*v)
			return 1;
	}
	if (json_is_null(*v) && (flags & JD_NULL))
		return 1;
	if (key)
		json_doc_push_key(d, key);
	return 0;
}

static int done(struct json_doc *d, const char *key, int r)
{
	if (key)
		json_doc_pop(d);
	return r;
}

int json_doc_string(struct json_doc *d, json_t *obj, const char *key,
		    unsigned flags, const char **out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_string(v) ||
	    ((flags & JD_NONEMPTY) && !json_string_length(v)))
		r = json_doc_fail(d, 0, NULL, "'%s' must be a %sstring",
				  json_doc_field(d),
				  (flags & JD_NONEMPTY) ? "non-empty " : "");
	else
		*out = json_string_value(v);
	return done(d, key, r);
}

static const char *number_kind(unsigned flags)
{
	if (flags & JD_GE1)
		return "a number >= 1";
	if (flags & JD_POSITIVE)
		return "a positive number";
	if (flags & JD_NONNEG)
		return "a non-negative number";
	return "a number";
}

int json_doc_number(struct json_doc *d, json_t *obj, const char *key,
		    unsigned flags, double *out)
{
	json_t *v;
	double x;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	x = json_is_number(v) ? json_number_value(v) : (double)NAN;
	if (!json_is_number(v) || !isfinite(x) ||
	    ((flags & JD_NONNEG) && x < 0) ||
	    ((flags & JD_POSITIVE) && x <= 0) || ((flags & JD_GE1) && x < 1))
		r = json_doc_fail(d, 0, NULL, "'%s' must be %s",
				  json_doc_field(d), number_kind(flags));
	else
		*out = x;
	return done(d, key, r);
}

int json_doc_bool(struct json_doc *d, json_t *obj, const char *key,
		  unsigned flags, bool *out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_boolean(v))
		r = json_doc_fail(d, 0, NULL, "'%s' must be true or false",
				  json_doc_field(d));
	else
		*out = json_is_true(v);
	return done(d, key, r);
}

#define TIME_HINT "want RFC 3339 with an offset, e.g. 2026-11-25T18:00:00Z"
#define DURATION_HINT "want ISO 8601, e.g. PT30M, PT6H or P1DT2H"

int json_doc_time(struct json_doc *d, json_t *obj, const char *key,
		  unsigned flags, gs_time *out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_string(v))
		r = json_doc_fail(d, 0, TIME_HINT, "'%s' must be a string",
				  json_doc_field(d));
	else if (time_parse(json_string_value(v), out) < 0)
		r = json_doc_fail(d, 0, TIME_HINT, "'%s': invalid time '%s'",
				  json_doc_field(d), json_string_value(v));
	return done(d, key, r);
}

int json_doc_duration(struct json_doc *d, json_t *obj, const char *key,
		      unsigned flags, int64_t *out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_string(v))
		r = json_doc_fail(d, 0, DURATION_HINT, "'%s' must be a string",
				  json_doc_field(d));
	else if (duration_parse(json_string_value(v), out) < 0)
		r = json_doc_fail(d, 0, DURATION_HINT,
				  "'%s': invalid duration '%s'",
				  json_doc_field(d), json_string_value(v));
	else if ((flags & JD_POSITIVE) && *out <= 0)
		r = json_doc_fail(d, 0, NULL, "'%s' must be longer than zero",
				  json_doc_field(d));
	return done(d, key, r);
}

int json_doc_object(struct json_doc *d, json_t *obj, const char *key,
		    unsigned flags, json_t **out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_object(v) ||
	    ((flags & JD_NONEMPTY) && !json_object_size(v)))
		return done(d, key, json_doc_fail(d, 0, NULL,
			"'%s' must be %s", json_doc_field(d),
			(flags & JD_NONEMPTY) ? "a non-empty object"
					      : "an object"));
	*out = v;
	return 0;
}

int json_doc_array(struct json_doc *d, json_t *obj, const char *key,
		   unsigned flags, json_t **out)
{
	json_t *v;
	int r = member(d, obj, key, flags, &v);

	if (r)
		return r;
	if (!json_is_array(v) ||
	    ((flags & JD_NONEMPTY) && !json_array_size(v)))
		return done(d, key, json_doc_fail(d, 0, NULL,
			"'%s' must be %s", json_doc_field(d),
			(flags & JD_NONEMPTY) ? "a non-empty array"
					      : "an array"));
	*out = v;
	return 0;
}

/* "a, b, c" (at most LIST_MAX, then "..."), for hints. */
static void add_list(struct strbuf *sb, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i == LIST_MAX) {
			strbuf_addstr(sb, ", ...");
			return;
		}
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
	}
	if (!n)
		strbuf_addstr(sb, "none");
}

/* ------------------------------------------------------------------ */
/* Site catalog                                                        */
/* ------------------------------------------------------------------ */

long catalog_find_site(const struct catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->nsites; i++)
		if (!strcmp(cat->sites[i].id, id))
			return (long)i;
	return -1;
}

long catalog_find_resource(const struct catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->nresources; i++)
		if (!strcmp(cat->resources[i], name))
			return (long)i;
	return -1;
}

static void site_release(struct site *s)
{
	free(s->id);
	free(s->zone);
	free(s->weather);
	free(s->capacity);
	free(s->power_w);
	free(s->cost_per_hour);
	for (size_t i = 0; i < s->nlatency; i++)
		free(s->latency_region[i]);
	free(s->latency_region);
	free(s->latency_ms);
	free(s->slurm_cluster);
	free(s->slurm_partition);
}

void catalog_release(struct catalog *cat)
{
	for (size_t i = 0; i < cat->nsites; i++)
		site_release(&cat->sites[i]);
	free(cat->sites);
	for (size_t i = 0; i < cat->nresources; i++)
		free(cat->resources[i]);
	free(cat->resources);
	free(cat->path);
	memset(cat, 0, sizeof(*cat));
}

/* Resource names in first-seen order over the capacities of all sites. */
static void collect_resources(struct catalog *cat, json_t *sites)
{
	size_t i, alloc = 0;
	json_t *s, *v;
	const char *name;

	json_array_foreach(sites, i, s) {
		json_t *cap = json_is_object(s) ? json_object_get(s, "capacity")
						: NULL;
		if (!json_is_object(cap))
			continue;
		json_object_foreach(cap, name, v) {
			if (!*name || catalog_find_resource(cat, name) >= 0)
				continue;
			ALLOC_GROW(cat->resources, cat->nresources + 1, alloc);
			cat->resources[cat->nresources++] = xstrdup(name);
		}
	}
}

static bool valid_site_id(const char *id)
{
	if (!*id)
		return false;
	for (; *id; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') ||
		      *id == '-'))
			return false;
	return true;
}

/*
 * Reads a map resource -> amount into out[nresources].  With `cap` (the
 * site's capacity object) every resource must be one the site has.
 */
static int site_resource_map(struct json_doc *d, json_t *site,
			     const char *key, const struct catalog *cat,
			     json_t *cap, double *out)
{
	const char *name;
	json_t *obj, *v;
	int r = json_doc_object(d, site, key, cap ? 0 : JD_REQUIRED, &obj);

	if (r)
		return r < 0 ? -1 : 0;
	json_object_foreach(obj, name, v) {
		long i = catalog_find_resource(cat, name);
		json_doc_push_key(d, name);
		if (!*name)
			return json_doc_fail(d, JD_AT_KEY, NULL,
					     "'%s' has an empty resource name",
					     key);
		if (i < 0 || (cap && !json_object_get(cap, name)))
			return json_doc_fail(d, JD_AT_KEY, NULL,
				"'%s': resource '%s' has no 'capacity'",
				json_doc_field(d), name);
		if (json_doc_number(d, v, NULL, JD_NONNEG, &out[i]) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int site_pue(struct json_doc *d, json_t *o, struct site *s)
{
	static const char *const keys[] = {"base", "above_c", "per_c", NULL};
	json_t *v = json_object_get(o, "pue");
	int r;

	s->pue_base = 1.0;
	if (!v)
		return 0;
	if (json_is_number(v))
		return json_doc_number(d, o, "pue", JD_GE1, &s->pue_base);
	json_doc_push_key(d, "pue");
	if (!json_is_object(v))
		return json_doc_fail(d, 0, NULL,
			"'pue' must be a number >= 1 or an object "
			"{base, above_c, per_c}");
	r = json_doc_check_keys(d, v, keys);
	if (!r)
		r = json_doc_number(d, v, "base", JD_REQUIRED | JD_GE1,
				    &s->pue_base);
	if (!r)
		r = json_doc_number(d, v, "above_c", JD_REQUIRED,
				    &s->pue_above_c);
	if (!r)
		r = json_doc_number(d, v, "per_c", JD_REQUIRED | JD_NONNEG,
				    &s->pue_per_c);
	json_doc_pop(d);
	return r;
}

static int site_latency(struct json_doc *d, json_t *o, struct site *s)
{
	const char *region;
	json_t *obj, *v;
	int r = json_doc_object(d, o, "latency_ms", 0, &obj);

	if (r)
		return r < 0 ? -1 : 0;
	s->latency_region = xcalloc(json_object_size(obj), sizeof(char *));
	s->latency_ms = xcalloc(json_object_size(obj), sizeof(double));
	json_object_foreach(obj, region, v) {
		json_doc_push_key(d, region);
		if (!*region)
			return json_doc_fail(d, JD_AT_KEY, NULL,
				"'latency_ms' has an empty region name");
		if (json_doc_number(d, v, NULL, JD_NONNEG,
				    &s->latency_ms[s->nlatency]) < 0)
			return -1;
		s->latency_region[s->nlatency++] = xstrdup(region);
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

/* Where `export --format slurm` sends the site's jobs (an extension). */
static int site_slurm(struct json_doc *d, json_t *o, struct site *s)
{
	static const char *const keys[] = {"cluster", "partition", NULL};
	const char *cluster = NULL, *partition = NULL;
	json_t *v;
	int r = json_doc_object(d, o, "slurm", 0, &v);

	if (r)
		return r < 0 ? -1 : 0;
	r = json_doc_check_keys(d, v, keys);
	if (!r)
		r = json_doc_string(d, v, "cluster", JD_NONEMPTY, &cluster);
	if (r >= 0)
		r = json_doc_string(d, v, "partition", JD_NONEMPTY,
				    &partition);
	if (r < 0)
		return -1;
	s->slurm_cluster = cluster ? xstrdup(cluster) : NULL;
	s->slurm_partition = partition ? xstrdup(partition) : NULL;
	json_doc_pop(d);
	return 0;
}

static int site_strings(struct json_doc *d, json_t *o, struct site *s)
{
	const char *id, *zone, *weather = NULL;

	if (json_doc_string(d, o, "id", JD_REQUIRED | JD_NONEMPTY, &id) < 0)
		return -1;
	if (!valid_site_id(id)) {
		json_doc_push_key(d, "id");
		return json_doc_fail(d, 0,
			"want lower-case letters, digits and '-'",
			"'id': invalid site id '%s'", id);
	}
	if (json_doc_string(d, o, "zone", JD_REQUIRED | JD_NONEMPTY,
			    &zone) < 0 ||
	    json_doc_string(d, o, "weather", JD_NONEMPTY, &weather) < 0)
		return -1;
	s->id = xstrdup(id);
	s->zone = xstrdup(zone);
	s->weather = xstrdup(weather ? weather : id);
	return 0;
}

static int parse_site(struct json_doc *d, json_t *o,
		      const struct catalog *cat, struct site *s)
{
	static const char *const keys[] = {
		"id", "zone", "weather", "capacity", "power_w", "pue",
		"speed", "latency_ms", "cost_per_hour", "slurm", NULL,
	};
	size_t nres = cat->nresources;
	json_t *cap = json_object_get(o, "capacity");

	s->capacity = xcalloc(nres, sizeof(double));
	s->power_w = xcalloc(nres, sizeof(double));
	s->cost_per_hour = xcalloc(nres, sizeof(double));
	s->speed = 1.0;
	if (json_doc_check_keys(d, o, keys) < 0 || site_strings(d, o, s) < 0 ||
	    site_resource_map(d, o, "capacity", cat, NULL, s->capacity) < 0)
		return -1;
	if (site_resource_map(d, o, "power_w", cat, cap, s->power_w) < 0 ||
	    site_pue(d, o, s) < 0 ||
	    json_doc_number(d, o, "speed", JD_POSITIVE, &s->speed) < 0 ||
	    site_latency(d, o, s) < 0 ||
	    site_resource_map(d, o, "cost_per_hour", cat, cap,
			      s->cost_per_hour) < 0 ||
	    site_slurm(d, o, s) < 0)
		return -1;
	return 0;
}

/* The name of entity i for messages: "site 'x'", or "site #3" if unnamed. */
static void set_subject(struct json_doc *d, const char *what, json_t *o,
			size_t i)
{
	json_t *id = json_is_object(o) ? json_object_get(o, "id") : NULL;

	strbuf_reset(&d->subject);
	if (json_is_string(id) && json_string_length(id) &&
	    (strcmp(what, "site") || valid_site_id(json_string_value(id))))
		strbuf_addf(&d->subject, "%s '%s'", what,
			    json_string_value(id));
	else
		strbuf_addf(&d->subject, "%s #%zu", what, i + 1);
}

static int duplicate_site(struct json_doc *d, const struct catalog *cat,
			  size_t first, size_t i)
{
	int line, col;

	d->path.depth = 0;
	json_doc_push_key(d, "sites");
	json_doc_push_index(d, first);
	json_doc_push_key(d, "id");
	json_locate(d->text.buf, &d->path, &line, &col);
	d->path.step[1].index = i;
	strbuf_reset(&d->subject);
	return json_doc_fail(d, 0, NULL,
			     "'id': duplicate site id '%s' (first at %s:%d:%d)",
			     cat->sites[i].id, d->file, line, col);
}

static int check_site_ids(struct json_doc *d, const struct catalog *cat)
{
	json_t *seen = json_object();
	int r = 0;

	for (size_t i = 0; i < cat->nsites && !r; i++) {
		json_t *first = json_object_get(seen, cat->sites[i].id);
		if (first)
			r = duplicate_site(d, cat,
					   (size_t)json_integer_value(first), i);
		else
			json_object_set_new(seen, cat->sites[i].id,
					    json_integer((json_int_t)i));
	}
	json_decref(seen);
	return r;
}

static int catalog_parse(struct json_doc *d, struct catalog *cat)
{
	static const char *const keys[] = {"sites", NULL};
	json_t *sites, *o;
	size_t i;

	if (!json_is_object(d->root))
		return json_doc_fail(d, 0, NULL,
			"a site catalog must be an object {\"sites\": [...]}");
	strbuf_addstr(&d->subject, "the site catalog");
	if (json_doc_check_keys(d, d->root, keys) < 0 ||
	    json_doc_array(d, d->root, "sites", JD_REQUIRED | JD_NONEMPTY,
			   &sites) < 0)
		return -1;
	collect_resources(cat, sites);
	cat->sites = xcalloc(json_array_size(sites), sizeof(struct site));
	json_array_foreach(sites, i, o) {
		json_doc_push_index(d, i);
		set_subject(d, "site", o, i);
		if (!json_is_object(o)) {
			strbuf_reset(&d->subject);
			return json_doc_fail(d, 0, NULL,
				"'%s' must be a site object",
				json_doc_field(d));
		}
		d->base = d->path.depth;
		cat->nsites++;
		if (parse_site(d, o, cat, &cat->sites[i]) < 0)
			return -1;
		d->base = 0;
		json_doc_pop(d);
	}
	return check_site_ids(d, cat);
}

int catalog_load(struct catalog *cat, const char *path, struct errmsg *err)
{
	struct json_doc d;
	int r;

	memset(cat, 0, sizeof(*cat));
	cat->path = xstrdup(path);
	r = json_doc_load(&d, path, err);
	if (!r)
		r = catalog_parse(&d, cat);
	json_doc_release(&d);
	if (r < 0)
		catalog_release(cat);
	return r;
}

/* ------------------------------------------------------------------ */
/* Job specs                                                           */
/* ------------------------------------------------------------------ */

static void job_release(struct job *j)
{
	free(j->id);
	free(j->unit);
	for (size_t i = 0; i < j->nprofiles; i++)
		free(j->profiles[i].resources);
	free(j->profiles);
	free(j->allowed);
	free(j->latency_users);
	free(j->after);
	for (size_t i = 0; i < j->nafter; i++)
		free(j->after_ref[i].id);
	free(j->after_ref);
	free(j->features_json);
	free(j->command);
	free(j->file);
	memset(j, 0, sizeof(*j));
}

void jobset_init(struct jobset *js)
{
	memset(js, 0, sizeof(*js));
}

void jobset_release(struct jobset *js)
{
	for (size_t i = 0; i < js->njobs; i++)
		job_release(&js->jobs[i]);
	free(js->jobs);
	memset(js, 0, sizeof(*js));
}

static int job_resources(struct json_doc *d, json_t *o,
			 const struct catalog *cat, double *out)
{
	const char *name;
	json_t *obj, *v;

	if (json_doc_object(d, o, "resources", JD_REQUIRED | JD_NONEMPTY,
			    &obj) < 0)
		return -1;
	json_object_foreach(obj, name, v) {
		long i = catalog_find_resource(cat, name);
		json_doc_push_key(d, name);
		if (i < 0) {
			struct strbuf hint;
			strbuf_init(&hint);
			strbuf_addstr(&hint, "the sites have ");
			add_list(&hint, cat->resources, cat->nresources);
			json_doc_fail(d, JD_AT_KEY, hint.buf,
				      "'%s': unknown resource '%s'",
				      json_doc_field(d), name);
			strbuf_release(&hint);
			return -1;
		}
		if (json_doc_number(d, v, NULL, JD_POSITIVE, &out[i]) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

/* Reads resources, duration and power_w of one way to run the job. */
static int job_profile(struct json_doc *d, json_t *o,
		       const struct catalog *cat, struct profile *p)
{
	p->resources = xcalloc(cat->nresources, sizeof(double));
	p->duration_s = -1;
	p->power_w = (double)NAN;
	if (job_resources(d, o, cat, p->resources) < 0 ||
	    json_doc_duration(d, o, "duration", JD_POSITIVE,
			      &p->duration_s) < 0 ||
	    json_doc_number(d, o, "power_w", JD_NONNEG, &p->power_w) < 0)
		return -1;
	return 0;
}

static int job_profiles(struct json_doc *d, json_t *o,
			const struct catalog *cat, struct job *j)
{
	static const char *const keys[] = {"resources", "duration", "power_w",
					   NULL};
	static const char *const solo[] = {"resources", "duration", "power_w"};
	json_t *list, *p;
	size_t i;

	if (!json_object_get(o, "profiles")) {
		if (!json_object_get(o, "resources"))
			return json_doc_fail(d, 0, NULL,
				"missing 'resources' or 'profiles'");
		j->profiles = xcalloc(1, sizeof(*j->profiles));
		j->nprofiles = 1;
		return job_profile(d, o, cat, &j->profiles[0]);
	}
	for (i = 0; i < 3; i++) {
		if (!json_object_get(o, solo[i]))
			continue;
		json_doc_push_key(d, solo[i]);
		return json_doc_fail(d, JD_AT_KEY, "give it in each profile",
			"'%s' cannot be given with 'profiles'", solo[i]);
	}
	if (json_doc_array(d, o, "profiles", JD_NONEMPTY, &list) < 0)
		return -1;
	j->profiles = xcalloc(json_array_size(list), sizeof(*j->profiles));
	json_array_foreach(list, i, p) {
		json_doc_push_index(d, i);
		if (!json_is_object(p))
			return json_doc_fail(d, 0, NULL,
				"'%s' must be an object", json_doc_field(d));
		j->nprofiles++;
		if (json_doc_check_keys(d, p, keys) < 0 ||
		    job_profile(d, p, cat, &j->profiles[i]) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int unknown_site(struct json_doc *d, const struct catalog *cat,
			const char *id)
{
	char **ids = xcalloc(cat->nsites, sizeof(char *));
	struct strbuf hint;

	for (size_t i = 0; i < cat->nsites; i++)
		ids[i] = cat->sites[i].id;
	strbuf_init(&hint);
	strbuf_addstr(&hint, "the catalog has ");
	add_list(&hint, ids, cat->nsites);
	json_doc_fail(d, 0, hint.buf, "'%s': unknown site '%s'",
		      json_doc_field(d), id);
	strbuf_release(&hint);
	free(ids);
	return -1;
}

static int job_sites(struct json_doc *d, json_t *o,
		     const struct catalog *cat, struct job *j)
{
	json_t *list, *v;
	size_t i;
	int r;

	j->allowed = xcalloc(cat->nsites, sizeof(bool));
	r = json_doc_array(d, o, "sites", JD_NONEMPTY, &list);
	if (r) {
		for (i = 0; i < cat->nsites; i++)
			j->allowed[i] = true;
		return r < 0 ? -1 : 0;
	}
	json_array_foreach(list, i, v) {
		const char *id;
		long s;

		json_doc_push_index(d, i);
		if (json_doc_string(d, v, NULL, JD_NONEMPTY, &id) < 0)
			return -1;
		s = catalog_find_site(cat, id);
		if (s < 0)
			return unknown_site(d, cat, id);
		j->allowed[s] = true;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int job_latency(struct json_doc *d, json_t *o, struct job *j)
{
	static const char *const keys[] = {"users", "max_ms", NULL};
	const char *users;
	json_t *lat;
	int r = json_doc_object(d, o, "latency", 0, &lat);

	if (r)
		return r < 0 ? -1 : 0;
	if (json_doc_check_keys(d, lat, keys) < 0 ||
	    json_doc_string(d, lat, "users", JD_REQUIRED | JD_NONEMPTY,
			    &users) < 0 ||
	    json_doc_number(d, lat, "max_ms", JD_REQUIRED | JD_NONNEG,
			    &j->latency_max_ms) < 0)
		return -1;
	j->latency_users = xstrdup(users);
	json_doc_pop(d);
	return 0;
}

/* Keeps the ids of `after`; jobset_finish() resolves them. */
static int job_after(struct json_doc *d, json_t *o, struct job *j)
{
	json_t *list, *v;
	size_t i;
	int r = json_doc_array(d, o, "after", 0, &list);

	if (r)
		return r < 0 ? -1 : 0;
	j->after_ref = xcalloc(json_array_size(list), sizeof(*j->after_ref));
	json_array_foreach(list, i, v) {
		const char *id;

		json_doc_push_index(d, i);
		if (json_doc_string(d, v, NULL, JD_NONEMPTY, &id) < 0)
			return -1;
		j->after_ref[j->nafter++].id = xstrdup(id);
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int job_strings(struct json_doc *d, json_t *o, struct job *j)
{
	const char *id, *unit = NULL, *command = NULL;
	json_t *features;
	int r;

	if (json_doc_string(d, o, "id", JD_REQUIRED | JD_NONEMPTY, &id) < 0 ||
	    json_doc_string(d, o, "unit", JD_NONEMPTY, &unit) < 0 ||
	    json_doc_string(d, o, "command", JD_NONEMPTY, &command) < 0)
		return -1;
	j->id = xstrdup(id);
	j->unit = unit ? xstrdup(unit) : NULL;
	j->command = command ? xstrdup(command) : NULL;
	r = json_doc_object(d, o, "features", 0, &features);
	if (r < 0)
		return -1;
	if (!r) {
		j->features_json = json_dumps(features, JSON_COMPACT);
		json_doc_pop(d);
	}
	return 0;
}

static int job_times(struct json_doc *d, json_t *o, struct job *j)
{
	if (json_doc_time(d, o, "earliest_start", JD_REQUIRED,
			  &j->earliest_start) < 0 ||
	    json_doc_time(d, o, "latest_finish", JD_REQUIRED,
			  &j->latest_finish) < 0)
		return -1;
	if (j->earliest_start < j->latest_finish)
		return 0;
	json_doc_push_key(d, "earliest_start");
	return json_doc_fail(d, 0, NULL,
			     "'earliest_start' must be before 'latest_finish'");
}

/*
 * max_pieces: how many contiguous pieces an interruptible job may run in.
 * Every pause costs a checkpoint and a restart, so the default is a small
 * JOB_MAX_PIECES_DEFAULT rather than "any number".
 */
static int job_max_pieces(struct json_doc *d, json_t *o, struct job *j)
{
	double v = JOB_MAX_PIECES_DEFAULT;
	int rc = json_doc_number(d, o, "max_pieces", JD_GE1, &v);

	j->max_pieces = j->interruptible ? JOB_MAX_PIECES_DEFAULT : 1;
	if (rc < 0)
		return -1;
	if (rc > 0)
		return 0;
	json_doc_push_key(d, "max_pieces");
	if (!j->interruptible)
		return json_doc_fail(d, 0, NULL, "'max_pieces' needs "
				     "'interruptible': true");
	if (v != floor(v) || v > 1e6)
		return json_doc_fail(d, 0, NULL, "'max_pieces' must be a "
				     "whole number from 1 to 1000000");
	json_doc_pop(d);
	j->max_pieces = (size_t)v;
	return 0;
}

static int job_work(struct json_doc *d, json_t *o, struct job *j)
{
	j->quantity = (double)NAN;
	if (json_doc_number(d, o, "quantity", JD_POSITIVE, &j->quantity) < 0 ||
	    json_doc_number(d, o, "min_throughput", JD_NONNEG,
			    &j->min_throughput) < 0 ||
	    json_doc_bool(d, o, "interruptible", 0, &j->interruptible) < 0)
		return -1;
	if (j->min_throughput > 0 && isnan(j->quantity)) {
		json_doc_push_key(d, "min_throughput");
		return json_doc_fail(d, 0, NULL,
				     "'min_throughput' needs 'quantity'");
	}
	return job_max_pieces(d, o, j);
}

static int parse_job(struct json_doc *d, json_t *o, const struct catalog *cat,
		     struct job *j)
{
	static const char *const keys[] = {
		"id", "unit", "quantity", "earliest_start", "latest_finish",
		"resources", "duration", "power_w", "sites", "latency",
		"min_throughput", "interruptible", "max_pieces", "after",
		"features",
		"command", "profiles", NULL,
	};

	if (json_doc_check_keys(d, o, keys) < 0 || job_strings(d, o, j) < 0 ||
	    job_times(d, o, j) < 0 || job_profiles(d, o, cat, j) < 0 ||
	    job_sites(d, o, cat, j) < 0 || job_latency(d, o, j) < 0 ||
	    job_work(d, o, j) < 0 || job_after(d, o, j) < 0)
		return -1;
	return 0;
}

/*
 * Where each job of the file sits: the position of its "id" and of each
 * `after` entry, for messages after the text is gone.  One pass over the
 * text, so that files of many jobs stay linear.
 */
static void job_positions(const struct json_doc *d, bool single,
			  struct job *jobs, size_t n)
{
	struct json_path list = {0};
	struct jcur *at = xcalloc(n, sizeof(*at));
	struct jcur c = {d->text.buf, 1, 1};

	if (json_is_object(d->root) && !single) {
		list.depth = 1;
		list.step[0].key = "jobs";
	}
	cur_path(&c, &list, false);
	if (single)
		at[0] = c;
	else
		cur_elements(c, at, n);
	for (size_t i = 0; i < n; i++) {
		struct jcur t = at[i], a = at[i];
		struct jcur *pos;

		if (*t.p == '{')
			cur_member(&t, "id", false);
		jobs[i].line = t.line;
		jobs[i].col = t.col;
		if (!jobs[i].nafter || *a.p != '{' ||
		    !cur_member(&a, "after", false))
			continue;
		pos = xcalloc(jobs[i].nafter, sizeof(*pos));
		cur_elements(a, pos, jobs[i].nafter);
		for (size_t k = 0; k < jobs[i].nafter; k++) {
			jobs[i].after_ref[k].line = pos[k].line;
			jobs[i].after_ref[k].col = pos[k].col;
		}
		free(pos);
	}
	free(at);
}

/* Rejects an id used twice, in this file or in an earlier one. */
static int check_job_ids(struct json_doc *d, const struct jobset *js,
			 const struct job *jobs, size_t n)
{
	json_t *seen = json_object();
	int r = 0;

	for (size_t i = 0; i < js->njobs + n && !r; i++) {
		const struct job *j = i < js->njobs ? &js->jobs[i]
						    : &jobs[i - js->njobs];
		json_t *first = json_object_get(seen, j->id);
		const struct job *f;

		if (!first) {
			json_object_set_new(seen, j->id,
					    json_integer((json_int_t)i));
			continue;
		}
		f = (size_t)json_integer_value(first) < js->njobs
			    ? &js->jobs[json_integer_value(first)]
			    : &jobs[(size_t)json_integer_value(first) -
				    js->njobs];
		r = err_at(d->err, d->file, j->line, j->col,
			   "'id': duplicate job id '%s' (first at %s:%d:%d)",
			   j->id, f->file, f->line, f->col);
	}
	json_decref(seen);
	return r;
}

/* The jobs of a file: one job, an array of them, or {"jobs": [...]}. */
static int job_list(struct json_doc *d, json_t **list, bool *single)
{
	static const char *const keys[] = {"jobs", NULL};
	int r;

	*single = false;
	if (json_is_array(d->root)) {
		*list = d->root;
		return 0;
	}
	if (!json_is_object(d->root))
		return json_doc_fail(d, 0, NULL,
			"want a job object, an array of them or "
			"{\"jobs\": [...]}");
	if (!json_object_get(d->root, "jobs")) {
		*single = true;
		*list = d->root;
		return 0;
	}
	strbuf_addstr(&d->subject, "the job list");
	r = json_doc_check_keys(d, d->root, keys);
	if (!r)
		r = json_doc_array(d, d->root, "jobs", 0, list);
	strbuf_reset(&d->subject);
	return r;
}

static int jobs_parse(struct json_doc *d, const struct catalog *cat,
		      struct job **jobs, size_t *n, bool *single)
{
	json_t *list = NULL, *o;
	size_t i, count;

	if (job_list(d, &list, single) < 0)
		return -1;
	count = *single ? 1 : json_array_size(list);
	*jobs = xcalloc(count, sizeof(struct job));
	for (i = 0; i < count; i++) {
		o = *single ? list : json_array_get(list, i);
		if (!*single)
			json_doc_push_index(d, i);
		if (!json_is_object(o))
			return json_doc_fail(d, 0, NULL,
				"'%s' must be a job object",
				json_doc_field(d));
		d->base = d->path.depth;
		set_subject(d, "job", o, i);
		(*n)++;
		if (parse_job(d, o, cat, &(*jobs)[i]) < 0)
			return -1;
		(*jobs)[i].file = xstrdup(d->file);
		strbuf_reset(&d->subject);
		d->base = 0;
		if (!*single)
			json_doc_pop(d);
	}
	return 0;
}

int jobset_load(struct jobset *js, const struct catalog *cat,
		const char *path, struct errmsg *err)
{
	struct json_doc d;
	struct job *jobs = NULL;
	size_t n = 0;
	bool single;
	int r;

	if (!cat)
		return err_set(err, "job specs need a site catalog (--sites)");
	r = json_doc_load(&d, path, err);
	if (!r)
		r = jobs_parse(&d, cat, &jobs, &n, &single);
	if (!r) {
		job_positions(&d, single, jobs, n);
		r = check_job_ids(&d, js, jobs, n);
	}
	if (!r && n) {
		js->jobs = xrealloc(js->jobs, st_mult(js->njobs + n,
						      sizeof(struct job)));
		memcpy(js->jobs + js->njobs, jobs, n * sizeof(struct job));
		js->njobs += n;
		n = 0;
	}
	for (size_t i = 0; i < n; i++)
		job_release(&jobs[i]);
	free(jobs);
	json_doc_release(&d);
	return r;
}

/* ------------------------------------------------------------------ */
/* Dependencies                                                        */
/* ------------------------------------------------------------------ */

static int resolve_after(struct jobset *js, struct errmsg *err)
{
	json_t *ids = json_object();
	int r = 0;

	for (size_t i = 0; i < js->njobs; i++)
		json_object_set_new(ids, js->jobs[i].id,
				    json_integer((json_int_t)i));
	for (size_t i = 0; i < js->njobs && !r; i++) {
		struct job *j = &js->jobs[i];

		free(j->after);
		j->after = xcalloc(j->nafter, sizeof(size_t));
		for (size_t k = 0; k < j->nafter && !r; k++) {
			json_t *v = json_object_get(ids, j->after_ref[k].id);
			if (v) {
				j->after[k] = (size_t)json_integer_value(v);
				continue;
			}
			r = err_at(err, j->file, j->after_ref[k].line,
				   j->after_ref[k].col,
				   "'after[%zu]': unknown job '%s' in job '%s'",
				   k, j->after_ref[k].id, j->id);
		}
	}
	json_decref(ids);
	return r;
}

/*
 * The cycle closed by the edge from stack[top-1] back to v, which sits
 * at stack[p]: "a -> b -> a", at v's `after` entry that starts it.
 */
static int report_cycle(const struct jobset *js, const size_t *stack,
			const size_t *edge, size_t p, size_t top,
			struct errmsg *err)
{
	const struct job *v = &js->jobs[stack[p]];
	const struct job_ref *ref = &v->after_ref[edge[p] - 1];
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = p; i < top; i++)
		strbuf_addf(&sb, "%s -> ", js->jobs[stack[i]].id);
	strbuf_addstr(&sb, v->id);
	err_at(err, v->file, ref->line, ref->col,
	       "'after': dependency cycle %s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Depth-first search without recursion: chains of jobs may be long. */
static int check_cycles(const struct jobset *js, struct errmsg *err)
{
	size_t n = js->njobs, top = 0;
	unsigned char *state = xcalloc(n, 1); /* 0 new, 1 open, 2 done */
	size_t *stack = xcalloc(n, sizeof(size_t));
	size_t *edge = xcalloc(n, sizeof(size_t));
	int r = 0;

	for (size_t root = 0; root < n && !r; root++) {
		if (state[root])
			continue;
		stack[top] = root;
		edge[top++] = 0;
		state[root] = 1;
		while (top && !r) {
			size_t u = stack[top - 1], v;
			if (edge[top - 1] == js->jobs[u].nafter) {
				state[u] = 2;
				top--;
				continue;
			}
			v = js->jobs[u].after[edge[top - 1]++];
			if (state[v] == 1) {
				size_t p = top - 1;
				while (stack[p] != v)
					p--;
				r = report_cycle(js, stack, edge, p, top, err);
			} else if (!state[v]) {
				state[v] = 1;
				stack[top] = v;
				edge[top++] = 0;
			}
		}
	}
	free(state);
	free(stack);
	free(edge);
	return r;
}

int jobset_finish(struct jobset *js, struct errmsg *err)
{
	if (resolve_after(js, err) < 0)
		return -1;
	return check_cycles(js, err);
}

int jobset_load_files(struct jobset *js, const struct catalog *cat,
		      char *const *paths, size_t n, struct errmsg *err)
{
	for (size_t i = 0; i < n; i++)
		if (jobset_load(js, cat, paths[i], err) < 0)
			return -1;
	return jobset_finish(js, err);
}
