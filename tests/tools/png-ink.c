/*
 * png-ink.c - is a screenshot blank?  Decodes a PNG with cairo and counts
 * its pixels, for tests/tools/render-check.sh: a byte heuristic on the
 * compressed file cannot tell a page from noise, the pixels can.
 *
 *   png-ink FILE.png MIN_INK_PERCENT MIN_COLOURS
 *
 * Ink is a pixel not near white (a channel below 0xF0 once composited on
 * white); colours are distinct opaque RGB values, counted up to 4096.
 * Prints "png-ink: W x H, P% ink, N colours" and exits 0 when the ink
 * share and the colours reach both minimums, 1 when not, 2 on bad usage
 * or a file cairo cannot read.
 */
#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLOURS 4096
#define SLOTS 8192 /* open addressing, at most half full */

struct colours {
	uint32_t v[SLOTS];
	bool used[SLOTS];
	size_t n;
};

static void colour_add(struct colours *c, uint32_t rgb)
{
	size_t i = (rgb * 2654435761u) % SLOTS;

	if (c->n >= MAX_COLOURS)
		return;
	while (c->used[i] && c->v[i] != rgb)
		i = (i + 1) % SLOTS;
	if (c->used[i])
		return;
	c->used[i] = true;
	c->v[i] = rgb;
	c->n++;
}

/* A premultiplied ARGB32 pixel composited on white: 0xRRGGBB. */
static uint32_t on_white(uint32_t px)
{
	uint32_t a = px >> 24, rgb = 0;

	for (int shift = 16; shift >= 0; shift -= 8) {
		uint32_t ch = ((px >> shift) & 0xff) + 255 - a;
		rgb |= (ch > 255 ? 255 : ch) << shift;
	}
	return rgb;
}

static bool is_ink(uint32_t rgb)
{
	return ((rgb >> 16) & 0xff) < 0xf0 || ((rgb >> 8) & 0xff) < 0xf0 ||
	       (rgb & 0xff) < 0xf0;
}

int main(int argc, char **argv)
{
	static struct colours seen;
	cairo_surface_t *s;
	double min_ink, ink = 0;
	long min_colours;
	int w, h, stride;
	unsigned char *data;
	bool opaque;

	if (argc != 4) {
		fprintf(stderr, "usage: png-ink FILE.png MIN_INK_PERCENT "
				"MIN_COLOURS\n");
		return 2;
	}
	min_ink = atof(argv[2]);
	min_colours = atol(argv[3]);
	s = cairo_image_surface_create_from_png(argv[1]);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "png-ink: %s: %s\n", argv[1],
			cairo_status_to_string(cairo_surface_status(s)));
		cairo_surface_destroy(s);
		return 2;
	}
	opaque = cairo_image_surface_get_format(s) == CAIRO_FORMAT_RGB24;
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	for (int y = 0; data && y < h; y++) {
		const unsigned char *row = data + (size_t)y * stride;
		for (int x = 0; x < w; x++) {
			uint32_t px, rgb;
			memcpy(&px, row + 4 * (size_t)x, sizeof(px));
			rgb = on_white(opaque ? px | 0xff000000u : px);
			ink += is_ink(rgb);
			colour_add(&seen, rgb);
		}
	}
	ink = w && h ? 100 * ink / ((double)w * h) : 0;
	printf("png-ink: %d x %d, %.2f%% ink, %zu colours\n", w, h, ink,
	       seen.n);
	cairo_surface_destroy(s);
	return ink >= min_ink && (long)seen.n >= min_colours ? 0 : 1;
}
