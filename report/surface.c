/*
 * surface.c - putting a drawing on a cairo surface: SVG for the HTML
 * report, PNG or PDF for slides and papers.  The bytes are collected in a
 * strbuf; SVG is cut to its root element, labelled with the chart's
 * title and its ids prefixed, so that several charts can live in one HTML
 * document.
 */
#include "report/draw.h"

#include <math.h>
#if CAIRO_HAS_SVG_SURFACE
#include <cairo-svg.h>
#endif
#if CAIRO_HAS_PDF_SURFACE
#include <cairo-pdf.h>
#endif

#define MAX_OUTPUT (64u << 20)

static cairo_status_t write_strbuf(void *closure, const unsigned char *data,
				   unsigned int length)
{
	struct strbuf *sb = closure;

	if (sb->len + length > MAX_OUTPUT)
		return CAIRO_STATUS_WRITE_ERROR;
	strbuf_add(sb, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/*
 * Copies the SVG from its root element on (dropping the XML prolog, which
 * HTML does not allow), putting prefix in front of every id and every
 * reference to one: cairo names its glyphs and clips the same way in
 * every file, and ids must be unique in an HTML document.
 */
static void svg_copy_prefixed(struct strbuf *out, const struct strbuf *svg,
			      const char *prefix, const char *label)
{
	static const char *const refs[] = {" id=\"", "href=\"#", "url(#"};
	const char *p = strstr(svg->buf, "<svg");
	const char *end = svg->buf + svg->len;
	const char *next[3] = {NULL, NULL, NULL}; /* next hit of each ref */

	if (!p)
		p = svg->buf;
	strbuf_grow(out, (size_t)(end - p));
	if (!strncmp(p, "<svg ", 5)) { /* the chart's title for screen readers */
		strbuf_addstr(out, "<svg role=\"img\" aria-label=\"");
		html_escape(out, label ? label : "chart");
		strbuf_addstr(out, "\"");
		p += 4;
	}
	while (p < end && prefix) {
		size_t k = 0;
		/* copy plain runs in one go: ids are rare, bytes are many */
		for (size_t i = 0; i < 3; i++) {
			if (next[i] && next[i] < p)
				next[i] = NULL;
			if (!next[i])
				next[i] = strstr(p, refs[i]);
			if (!next[i])
				next[i] = end;
			if (next[i] < next[k])
				k = i;
		}
		strbuf_add(out, p, (size_t)(next[k] - p));
		p = next[k];
		if (p == end)
			break;
		strbuf_addstr(out, refs[k]);
		strbuf_addstr(out, prefix);
		p += strlen(refs[k]);
	}
	if (p < end)
		strbuf_add(out, p, (size_t)(end - p));
}

static int draw_on(cairo_surface_t *s, const struct drawing *d, double scale,
		   struct errmsg *err)
{
	cairo_t *cr;
	cairo_status_t st = cairo_surface_status(s);

	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot create chart surface: %s",
			       cairo_status_to_string(st));
	cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	d->draw(cr, d->arg);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot draw chart '%s': %s",
			       d->title ? d->title : "",
			       cairo_status_to_string(st));
	return 0;
}

/* Finishes and frees s; reports a failure of the stream behind it. */
static int finish(cairo_surface_t *s, int ret, struct errmsg *err)
{
	cairo_status_t st;

	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (!ret && st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot write chart: %s",
			       cairo_status_to_string(st));
	return ret;
}

static int render_svg(const struct drawing *d, const char *prefix,
		      struct strbuf *out, struct errmsg *err)
{
#if CAIRO_HAS_SVG_SURFACE
	struct strbuf raw;
	cairo_surface_t *s;
	int ret;

	strbuf_init(&raw);
	s = cairo_svg_surface_create_for_stream(write_strbuf, &raw, d->w,
						d->h);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
#endif
	ret = finish(s, draw_on(s, d, 1, err), err);
	if (!ret)
		svg_copy_prefixed(out, &raw, prefix, d->title);
	strbuf_release(&raw);
	return ret;
#else
	return err_set(err, "cairo was built without SVG support");
#endif
}

static int render_png(const struct drawing *d, struct strbuf *out,
		      struct errmsg *err)
{
	const double scale = 2;
	cairo_surface_t *s;
	cairo_status_t st;
	int ret;

	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
				       (int)ceil(d->w * scale),
				       (int)ceil(d->h * scale));
	ret = draw_on(s, d, scale, err);
	if (!ret) {
		st = cairo_surface_write_to_png_stream(s, write_strbuf, out);
		if (st != CAIRO_STATUS_SUCCESS)
			ret = err_set(err, "cannot write chart as PNG: %s",
				      cairo_status_to_string(st));
	}
	return finish(s, ret, err);
}

static int render_pdf(const struct drawing *d, struct strbuf *out,
		      struct errmsg *err)
{
#if CAIRO_HAS_PDF_SURFACE
	cairo_surface_t *s;

	s = cairo_pdf_surface_create_for_stream(write_strbuf, out, d->w, d->h);
	return finish(s, draw_on(s, d, 1, err), err);
#else
	return err_set(err, "cairo was built without PDF support");
#endif
}

int drawing_render(const struct drawing *d, enum chart_format fmt,
		   const char *id_prefix, struct strbuf *out,
		   struct errmsg *err)
{
	switch (fmt) {
	case CHART_SVG:
		return render_svg(d, id_prefix, out, err);
	case CHART_PNG:
		return render_png(d, out, err);
	case CHART_PDF:
		return render_pdf(d, out, err);
	}
	return err_set(err, "unknown chart format %d", (int)fmt);
}

int chart_format_parse(const char *s, enum chart_format *out)
{
	static const char *const names[] = {"svg", "png", "pdf"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum chart_format)i;
			return 0;
		}
	}
	return -1;
}
