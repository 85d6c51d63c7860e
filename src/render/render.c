/* Drawing the display list with cairo and pangocairo. */
#define _POSIX_C_SOURCE 200809L
#include "render/render.h"
#include "base/util.h"
#include "image/pngpass.h"
#include "image/svg.h"
#include "render/resample.h"

#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    const cp_image *image;
    cairo_surface_t *surface;
    int scale_den;
    int resampled_w; /* max_ppi: the width it was resampled to; 0 for the photo as it is */
} cache_entry;

struct cp_render_cache {
    cache_entry *entries;
    size_t n, cap;
};

cp_render_cache *cp_render_cache_new(void)
{
    return cp_xcalloc(1, sizeof(cp_render_cache));
}

void cp_render_cache_free(cp_render_cache *rc)
{
    if (!rc)
        return;
    for (size_t i = 0; i < rc->n; i++)
        cairo_surface_destroy(rc->entries[i].surface);
    free(rc->entries);
    free(rc);
}

static bool draw_subpage(cairo_t *cr, const cp_item *it, const cp_render_opts *opts,
                         cp_render_cache *rc, cp_diags *d);

/* For raster previews and PNG photos: decoded pixels in a cairo image surface. */
static cairo_surface_t *decoded(const cp_image *img, int scale_den, cp_diags *d)
{
    int w, h;
    unsigned char *rgb = cp_image_decode_rgb(img, scale_den, &w, &h, d, img->at);
    return rgb ? cp_render_rgb_surface(img, rgb, w, h, d) : NULL;
}

/* placed_w: the photo's upright width where it is placed, in device units (pixels for a
 * raster, points for a PDF). */
static cache_entry *surface_for(cp_render_cache *rc, const cp_image *img,
                                const cp_render_opts *opts, double placed_w, cp_diags *d)
{
    int den = 1, resampled_w = 0;
    int uw, uh;
    cp_image_upright_size(img, &uw, &uh);
    if (opts->raster && img->format == CP_IMAGE_JPEG) {
        /* The smallest DCT scale that still gives the raster's resolution. */
        double need = placed_w * img->width / uw;
        int w = img->width;
        while (den < 8 && w / (den * 2) >= need)
            den *= 2;
        /* And small enough for a cairo image surface (a JPEG may be 65500 pixels a side). */
        while (den < 8 && (img->width / den > CP_IMAGE_MAX_SIDE_DECODED ||
                           img->height / den > CP_IMAGE_MAX_SIDE_DECODED))
            den *= 2;
    } else if (!opts->raster && opts->max_ppi > 0) {
        resampled_w = cp_render_resampled_width(img, placed_w, opts->max_ppi);
    }
    for (size_t i = 0; i < rc->n; i++)
        if (rc->entries[i].image == img && rc->entries[i].scale_den == den &&
            rc->entries[i].resampled_w == resampled_w)
            return &rc->entries[i];
    cairo_surface_t *s;
    if (resampled_w)
        s = cp_render_resampled(img, resampled_w, d);
    else if (!opts->raster && img->format == CP_IMAGE_JPEG)
        s = cp_render_jpeg_standin(img, d);
    else if (!opts->raster && cp_png_passthrough(img))
        s = cp_render_png_standin(img, d);
    else
        s = decoded(img, den, d);
    if (!s)
        return NULL;
    cp_grow((void **)&rc->entries, &rc->cap, rc->n + 1, sizeof *rc->entries);
    cache_entry *e = &rc->entries[rc->n++];
    e->image = img;
    e->surface = s;
    e->scale_den = den;
    e->resampled_w = resampled_w;
    return e;
}

/* Maps stored pixels to the upright picture for EXIF orientation o (w, h: stored size). */
static void orientation_matrix(int o, double w, double h, cairo_matrix_t *m)
{
    switch (o) {
    case 2:
        cairo_matrix_init(m, -1, 0, 0, 1, w, 0);
        break;
    case 3:
        cairo_matrix_init(m, -1, 0, 0, -1, w, h);
        break;
    case 4:
        cairo_matrix_init(m, 1, 0, 0, -1, 0, h);
        break;
    case 5:
        cairo_matrix_init(m, 0, 1, 1, 0, 0, 0);
        break;
    case 6:
        cairo_matrix_init(m, 0, 1, -1, 0, h, 0);
        break;
    case 7:
        cairo_matrix_init(m, 0, -1, -1, 0, h, w);
        break;
    case 8:
        cairo_matrix_init(m, 0, -1, 1, 0, 0, w);
        break;
    default:
        cairo_matrix_init_identity(m);
        break;
    }
}

static bool draw_image(cairo_t *cr, const cp_item *it, const cp_render_opts *opts,
                       cp_render_cache *rc, cp_diags *d)
{
    /* The placed width as the target sees it: a page drawn inside another is smaller. */
    double dx = it->img_w, dy = 0;
    cairo_user_to_device_distance(cr, &dx, &dy);
    cache_entry *e = surface_for(rc, it->image, opts, hypot(dx, dy), d);
    if (!e)
        return false;
    int uw, uh;
    cp_image_upright_size(it->image, &uw, &uh);
    cairo_save(cr);
    cairo_rectangle(cr, it->x, it->y, it->w, it->h);
    cairo_clip(cr);
    cairo_translate(cr, it->img_x, it->img_y);
    cairo_scale(cr, it->img_w / uw, it->img_h / uh);
    cairo_matrix_t m;
    orientation_matrix(it->image->orientation, it->image->width, it->image->height, &m);
    cairo_transform(cr, &m);
    /* Stand-ins and decoded previews are smaller than the stored photo: scale them up. */
    cairo_scale(cr, (double)it->image->width / cairo_image_surface_get_width(e->surface),
                (double)it->image->height / cairo_image_surface_get_height(e->surface));
    cairo_set_source_surface(cr, e->surface, 0, 0);
    /* Print wants the photo's own pixels (PDF/X forbids /Interpolate); previews want smoothness. */
    cairo_pattern_set_filter(cairo_get_source(cr),
                             opts->raster ? CAIRO_FILTER_GOOD : CAIRO_FILTER_FAST);
    cairo_paint(cr);
    cairo_restore(cr);
    return true;
}

/* Another page, trimmed, scaled into the item's rectangle. */
static bool draw_subpage(cairo_t *cr, const cp_item *it, const cp_render_opts *opts,
                         cp_render_cache *rc, cp_diags *d)
{
    const cp_page *p = it->page;
    if (!p || p->trim_w <= 0 || p->trim_h <= 0)
        return true;
    cairo_save(cr);
    cairo_rectangle(cr, it->x, it->y, it->w, it->h);
    cairo_clip(cr);
    cairo_translate(cr, it->x, it->y);
    cairo_scale(cr, it->w / p->trim_w, it->h / p->trim_h);
    /* cp_render_page puts the trim at (slug + bleed); here it goes at the origin. */
    cairo_translate(cr, -(p->slug + p->bleed), -(p->slug + p->bleed));
    bool ok = cp_render_page(cr, p, opts, rc, d);
    cairo_restore(cr);
    return ok;
}

/* One item of the display list (or of the printer's marks). */
static bool draw_item(cairo_t *cr, const cp_item *it, const cp_render_opts *opts,
                      cp_render_cache *rc, cp_diags *d)
{
    double rgb[3];
    if (it->mark == CP_MARK_REGISTRATION) /* registration black */
        rgb[0] = rgb[1] = rgb[2] = 0;
    else if (it->mark == CP_MARK_PROCESS) /* a patch's inks as the intent's profile shows them */
        cp_colours_screen(opts->colours, &it->color, rgb);
    else
        cp_colours_draw(opts->colours, &it->color, rgb);
    cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], it->opacity);
    switch (it->kind) {
    case CP_ITEM_RECT:
        cairo_rectangle(cr, it->x, it->y, it->w, it->h);
        cairo_fill(cr);
        break;
    case CP_ITEM_LINE:
        cairo_set_line_width(cr, it->stroke_pt);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_move_to(cr, it->x, it->y);
        cairo_line_to(cr, it->x1, it->y1);
        cairo_stroke(cr);
        break;
    case CP_ITEM_DOT:
        cairo_new_sub_path(cr);
        cairo_arc(cr, it->x, it->y, it->ring ? it->w - it->stroke_pt / 2 : it->w, 0, 2 * G_PI);
        if (it->ring) {
            cairo_set_line_width(cr, it->stroke_pt);
            cairo_stroke(cr);
        } else {
            cairo_fill(cr);
        }
        break;
    case CP_ITEM_TEXT:
        if (it->line) {
            cairo_save(cr);
            cairo_translate(cr, it->x, it->y);
            if (it->angle != 0)
                cairo_rotate(cr, -it->angle * G_PI / 180);
            cairo_move_to(cr, 0, 0);
            pango_cairo_show_layout_line(cr, it->line);
            cairo_new_path(cr);
            cairo_restore(cr);
        }
        break;
    case CP_ITEM_IMAGE:
        return draw_image(cr, it, opts, rc, d);
    case CP_ITEM_PAGE:
        return draw_subpage(cr, it, opts, rc, d);
    case CP_ITEM_SVG:
        return cp_svg_draw(it->svg, cr, it->x, it->y, it->w, it->h, d);
    }
    return true;
}

bool cp_render_page(cairo_t *cr, const cp_page *page, const cp_render_opts *opts,
                    cp_render_cache *rc, cp_diags *d)
{
    cairo_save(cr);
    cairo_translate(cr, page->slug + page->bleed, page->slug + page->bleed);
    bool ok = true;
    for (size_t i = 0; i < page->n; i++)
        ok = draw_item(cr, &page->items[i], opts, rc, d) && ok;
    /* The printer's marks only when asked; the colour bar only where the PDF has it, under a
     * CMYK intent. */
    for (size_t i = 0; opts->marks && i < page->n_marks; i++)
        if (page->marks[i].mark != CP_MARK_PROCESS || cp_colours_cmyk(opts->colours))
            ok = draw_item(cr, &page->marks[i], opts, rc, d) && ok;
    cairo_restore(cr);
    cairo_status_t st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "drawing page '%s' failed: %s", page->label,
                 cairo_status_to_string(st));
        return false;
    }
    return ok;
}

typedef struct png_sink {
    cp_outfile *f;
    cp_diags *d;
} png_sink;

static cairo_status_t to_outfile(void *closure, const unsigned char *data, unsigned int len)
{
    png_sink *sink = closure;
    return cp_outfile_write(sink->f, data, len, sink->d) ? CAIRO_STATUS_SUCCESS
                                                         : CAIRO_STATUS_WRITE_ERROR;
}

bool cp_render_png(const cp_page *page, double dpi, cp_outfile *f, cp_render_cache *rc,
                   cp_colours *colours, cp_diags *d)
{
    return cp_render_png_area(page, dpi, false, f, rc, colours, d);
}

static bool png_area(const cp_page *page, double dpi, bool trim, bool marks, cp_outfile *f,
                     cp_render_cache *rc, cp_colours *colours, cp_diags *d)
{
    double m = trim ? 0 : 2 * (page->bleed + page->slug);
    double k = dpi / 72.0;
    int w = (int)ceil((page->trim_w + m) * k), h = (int)ceil((page->trim_h + m) * k);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t sst = cairo_surface_status(s);
    if (sst != CAIRO_STATUS_SUCCESS) {
        cp_error(d, cp_pos_file(cp_outfile_path(f)), "cannot draw the preview (%d x %d pixels): %s",
                 w, h, cairo_status_to_string(sst));
        cairo_surface_destroy(s);
        return false;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, k, k);
    if (trim) /* the page is drawn from its media box's corner: move the trim's to the origin */
        cairo_translate(cr, -(page->bleed + page->slug), -(page->bleed + page->slug));
    cp_render_opts opts = {.raster = true, .raster_dpi = dpi, .colours = colours, .marks = marks};
    bool ok = cp_render_page(cr, page, &opts, rc, d);
    cairo_destroy(cr);
    if (ok && cp_colours_cmyk(colours)) {
        cairo_surface_flush(s);
        cp_colours_soft_proof(colours, cairo_image_surface_get_data(s), w, h,
                              cairo_image_surface_get_stride(s));
        cairo_surface_mark_dirty(s);
    }
    if (ok) {
        size_t before = d->n_errors;
        png_sink sink = {f, d};
        cairo_status_t st = cairo_surface_write_to_png_stream(s, to_outfile, &sink);
        /* A failed write has been reported by the output file, with its errno. */
        if (st != CAIRO_STATUS_SUCCESS && d->n_errors == before)
            cp_error(d, cp_pos_file(cp_outfile_path(f)), "cannot make the preview: %s",
                     cairo_status_to_string(st));
        ok = st == CAIRO_STATUS_SUCCESS;
    }
    cairo_surface_destroy(s);
    return ok;
}

bool cp_render_png_area(const cp_page *page, double dpi, bool trim, cp_outfile *f,
                        cp_render_cache *rc, cp_colours *colours, cp_diags *d)
{
    return png_area(page, dpi, trim, false, f, rc, colours, d);
}

bool cp_render_png_marks(const cp_page *page, double dpi, cp_outfile *f, cp_render_cache *rc,
                         cp_colours *colours, cp_diags *d)
{
    return png_area(page, dpi, false, true, f, rc, colours, d);
}
