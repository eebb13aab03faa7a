/*
 * login.c - trading a user name and password for a bearer token.
 *
 * WattTime's API v3 wants "Authorization: Bearer TOKEN" on every data
 * request, and hands out the token (valid for 30 minutes) at /login for
 * HTTP Basic credentials.  A cron run logs in once per feed and run, so a
 * token never outlives the run that fetched it and is never stored.
 * Everything expanded here is secret: the user name, the password and
 * the token go to the run's secrets and never into a message.
 */
#include "ingest/ingest.h"

#include <jansson.h>

/* RFC 4648 base64 of n bytes, for the Basic credentials. */
static void base64_add(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		strbuf_addch(sb, digits[v >> 18 & 63]);
		strbuf_addch(sb, digits[v >> 12 & 63]);
		strbuf_addch(sb, left > 1 ? digits[v >> 6 & 63] : '=');
		strbuf_addch(sb, left > 2 ? digits[v & 63] : '=');
	}
}

/* "Authorization: Basic base64(user:password)" from the templates. */
static int basic_header(const struct feed_login *l, struct secrets *secrets,
			struct strbuf *out, struct errmsg *err)
{
	struct strbuf cred;
	int ret = 0;

	strbuf_init(&cred);
	if (template_expand(l->username, 0, 0, &cred, secrets, err) < 0)
		ret = -1;
	strbuf_addch(&cred, ':');
	if (!ret &&
	    template_expand(l->password, 0, 0, &cred, secrets, err) < 0)
		ret = -1;
	if (!ret) {
		secrets_add(secrets, cred.buf);
		strbuf_addstr(out, "Authorization: Basic ");
		base64_add(out, (const unsigned char *)cred.buf, cred.len);
		secrets_add(secrets, out->buf);
	}
	strbuf_release(&cred);
	return ret;
}

/* The "token" of a login reply. */
static int read_token(const struct strbuf *body, struct strbuf *token,
		      struct errmsg *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(body->buf, body->len, 0, &jerr);
	json_t *t = root ? json_object_get(root, "token") : NULL;
	int ret = 0;

	if (!root)
		ret = err_set(err, "reply is not JSON (line %d: %s)",
			      jerr.line, jerr.text);
	else if (!json_is_string(t) || !json_string_length(t))
		ret = err_set(err, "reply has no 'token' string");
	else
		strbuf_addstr(token, json_string_value(t));
	json_decref(root);
	return ret;
}

int feed_login(const struct feed *f, const struct fetch_opts *o,
	       struct secrets *secrets, char **header, struct errmsg *err)
{
	const char *hdr[1];
	struct strbuf url, basic, body, token;
	struct errmsg sub;
	int ret = -1;

	strbuf_init(&url);
	strbuf_init(&basic);
	strbuf_init(&body);
	strbuf_init(&token);
	if (template_expand(f->login->url, 0, 0, &url, secrets, &sub) < 0 ||
	    basic_header(f->login, secrets, &basic, &sub) < 0)
		goto out;
	hdr[0] = basic.buf;
	if (fetch_url(url.buf, hdr, 1, o, &body, &sub) < 0 ||
	    read_token(&body, &token, &sub) < 0)
		goto out;
	secrets_add(secrets, token.buf);
	strbuf_reset(&body);
	strbuf_addf(&body, "Authorization: Bearer %s", token.buf);
	*header = strbuf_detach(&body);
	ret = 0;
out:
	if (ret < 0) {
		secrets_scrub(secrets, &sub);
		err_set(err, "feed '%s': cannot log in at '%s': %s", f->name,
			f->login->url, sub.msg);
	}
	strbuf_release(&token);
	strbuf_release(&body);
	strbuf_release(&basic);
	strbuf_release(&url);
	return ret;
}
