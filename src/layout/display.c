/* Display list storage and its text dump. */
#include "layout/display.h"
#include "base/hash.h"
#include "image/svg.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cp_doc_init(cp_doc *doc)
{
    memset(doc, 0, sizeof *doc);
}

void cp_doc_finish(cp_doc *doc)
{
    for (size_t i = 0; i < doc->n_pages; i++) {
        cp_page *p = &doc->pages[i];
        for (size_t j = 0; j < p->n; j++) {
            if (p->items[j].line)
                pango_layout_line_unref(p->items[j].line);
            if (p->items[j].layout)
                g_object_unref(p->items[j].layout);
        }
        free(p->items);
        free(p->marks);
    }
    free(doc->pages);
    memset(doc, 0, sizeof *doc);
}

cp_page *cp_doc_add_page(cp_doc *doc, const char *label, double trim_w, double trim_h, double bleed,
                         double slug)
{
    cp_grow((void **)&doc->pages, &doc->cap_pages, doc->n_pages + 1, sizeof *doc->pages);
    cp_page *p = &doc->pages[doc->n_pages++];
    memset(p, 0, sizeof *p);
    p->label = label;
    p->trim_w = trim_w;
    p->trim_h = trim_h;
    p->bleed = bleed;
    p->slug = slug;
    return p;
}

static cp_item *init_item(cp_item *it, cp_item_kind kind, const char *tag)
{
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->tag = tag;
    it->opacity = 1;
    return it;
}

cp_item *cp_page_add(cp_page *p, cp_item_kind kind, const char *tag)
{
    cp_grow((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items);
    return init_item(&p->items[p->n++], kind, tag);
}

cp_item *cp_page_add_mark(cp_page *p, cp_item_kind kind, const char *tag, cp_mark mark)
{
    cp_grow((void **)&p->marks, &p->cap_marks, p->n_marks + 1, sizeof *p->marks);
    cp_item *it = init_item(&p->marks[p->n_marks++], kind, tag);
    it->mark = mark;
    return it;
}

cp_item *cp_page_image(cp_page *p, const char *tag, const cp_image *img, cp_rect frame, cp_rect pic)
{
    cp_item *it = cp_page_add(p, CP_ITEM_IMAGE, tag);
    it->x = frame.x;
    it->y = frame.y;
    it->w = frame.w;
    it->h = frame.h;
    it->image = img;
    it->img_x = pic.x;
    it->img_y = pic.y;
    it->img_w = pic.w;
    it->img_h = pic.h;
    return it;
}

void cp_page_rect(cp_page *p, const char *tag, double x, double y, double w, double h, cp_color c)
{
    cp_item *it = cp_page_add(p, CP_ITEM_RECT, tag);
    it->x = x;
    it->y = y;
    it->w = w;
    it->h = h;
    it->color = c;
}

void cp_page_line(cp_page *p, const char *tag, double x0, double y0, double x1, double y1,
                  double width, cp_color c)
{
    cp_item *it = cp_page_add(p, CP_ITEM_LINE, tag);
    it->x = x0;
    it->y = y0;
    it->x1 = x1;
    it->y1 = y1;
    it->stroke_pt = width;
    it->color = c;
}

void cp_page_copy(cp_page *dst, const cp_page *src)
{
    *dst = *src;
    dst->items = dst->marks = NULL;
    dst->n = dst->cap = dst->n_marks = dst->cap_marks = 0;
    for (size_t i = 0; i < src->n; i++) {
        const cp_item *s = &src->items[i];
        cp_item *it = cp_page_add(dst, s->kind, s->tag);
        *it = *s;
        if (it->line)
            pango_layout_line_ref(it->line);
        if (it->layout)
            g_object_ref(it->layout);
    }
}

uint64_t cp_font_memo_hash(cp_font_memo *m, PangoFont *font)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->fonts[i] == font)
            return m->hashes[i];
    uint64_t v = 0;
    if (font) {
        PangoFontDescription *fd = pango_font_describe_with_absolute_size(font);
        char *desc = pango_font_description_to_string(fd);
        v = cp_hash_bytes(desc, strlen(desc));
        g_free(desc);
        pango_font_description_free(fd);
    }
    if (m->n < CP_ARRAY_LEN(m->fonts)) {
        m->fonts[m->n] = font;
        m->hashes[m->n++] = v;
    }
    return v;
}

void cp_line_hash(cp_hasher *h, PangoLayoutLine *line, cp_font_memo *fonts)
{
    for (GSList *r = line ? line->runs : NULL; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        if (!run || !run->item || !run->glyphs)
            continue;
        cp_hasher_u64(h, cp_font_memo_hash(fonts, run->item->analysis.font));
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
            const PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
            cp_hasher_u64(h, gi->glyph);
            cp_hasher_u64(h, (uint64_t)(int64_t)gi->geometry.width);
            cp_hasher_u64(h, (uint64_t)(int64_t)gi->geometry.x_offset << 32 ^
                                 (uint64_t)(int64_t)gi->geometry.y_offset);
        }
    }
}

uint64_t cp_page_hash(const cp_page *p)
{
    cp_font_memo fonts = {.n = 0};
    cp_hasher h;
    cp_hasher_init(&h);
    double geom[] = {p->trim_w, p->trim_h, p->bleed, p->slug};
    for (size_t i = 0; i < CP_ARRAY_LEN(geom); i++)
        cp_hasher_pt(&h, geom[i]);
    cp_hasher_u64(&h, (uint64_t)p->crop_marks << 2 | (uint64_t)p->registration_marks << 1 |
                          (uint64_t)p->color_bar);
    for (size_t i = 0; i < p->n + p->n_marks; i++) { /* the content, then the printer's marks */
        const cp_item *it = i < p->n ? &p->items[i] : &p->marks[i - p->n];
        cp_hasher_u64(&h, (uint64_t)it->mark << 8 | it->kind);
        cp_hasher_str(&h, it->tag);
        double v[] = {it->x,         it->y,       it->w,     it->h,       it->x1,      it->y1,
                      it->stroke_pt, it->opacity, it->angle, it->color.r, it->color.g, it->color.b,
                      it->img_x,     it->img_y,   it->img_w, it->img_h};
        cp_hasher_bytes(&h, v, sizeof v);
        cp_hasher_u64(&h, cp_color_key(&it->color)); /* a cmyk() colour's inks */
        cp_hasher_u64(&h, it->ring);
        cp_hasher_str(&h, it->text);
        cp_line_hash(&h, it->line, &fonts);
        if (it->image) { /* its bytes, and how they are turned */
            cp_hasher_u64(&h, cp_image_bytes_hash(it->image));
            cp_hasher_u64(&h, (uint64_t)it->image->orientation);
        }
        if (it->svg) /* a logo: its file's bytes */
            cp_hasher_u64(&h, it->svg->hash);
        if (it->kind == CP_ITEM_PAGE && it->page) /* a page drawn small: what it draws */
            cp_hasher_u64(&h, cp_page_hash(it->page));
    }
    uint64_t v = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    return v;
}

/* The colour as the layout gave it: #rrggbb or cmyk(C, M, Y, K). */
static void hex(FILE *out, cp_color c)
{
    char buf[64];
    cp_color_format(&c, buf, sizeof buf);
    fputs(buf, out);
}

/* -0.00 and 0.00 are one number in a dump that tests compare as text. */
static double z(double v)
{
    return fabs(v) < 0.005 ? 0.0 : v;
}

/* An item's colour; "registration" for a printer's mark in the registration colour. */
static void colour(FILE *out, const cp_item *it)
{
    if (it->mark == CP_MARK_REGISTRATION)
        fputs("registration", out);
    else
        hex(out, it->color);
}

/* One item: its tag, its kind and geometry, its colour. */
static void dump_item(FILE *out, const cp_item *it)
{
    fprintf(out, "  %s ", it->tag ? it->tag : "-");
    switch (it->kind) {
    case CP_ITEM_RECT:
        fprintf(out, "rect %.2f %.2f %.2f %.2f ", z(it->x), z(it->y), z(it->w), z(it->h));
        colour(out, it);
        break;
    case CP_ITEM_LINE:
        fprintf(out, "line %.2f %.2f %.2f %.2f w %.2f ", z(it->x), z(it->y), z(it->x1), z(it->y1),
                it->stroke_pt);
        colour(out, it);
        break;
    case CP_ITEM_DOT:
        fprintf(out, "%s %.2f %.2f r %.2f ", it->ring ? "ring" : "dot", z(it->x), z(it->y),
                z(it->w));
        colour(out, it);
        break;
    case CP_ITEM_TEXT:
        fprintf(out, "text %.2f %.2f w %.2f ", z(it->x), z(it->y), z(it->w));
        if (it->angle != 0)
            fprintf(out, "angle %.1f ", it->angle);
        colour(out, it);
        fprintf(out, " \"%s\"", it->text ? it->text : "");
        break;
    case CP_ITEM_IMAGE:
        fprintf(out, "image %s clip %.2f %.2f %.2f %.2f at %.2f %.2f %.2f %.2f",
                it->image ? it->image->path : "?", z(it->x), z(it->y), z(it->w), z(it->h),
                z(it->img_x), z(it->img_y), z(it->img_w), z(it->img_h));
        break;
    case CP_ITEM_SVG:
        fprintf(out, "svg %s at %.2f %.2f %.2f %.2f", it->svg ? it->svg->path : "?", z(it->x),
                z(it->y), z(it->w), z(it->h));
        break;
    case CP_ITEM_PAGE:
        fprintf(out, "page %s in %.2f %.2f %.2f %.2f", it->page ? it->page->label : "?", z(it->x),
                z(it->y), z(it->w), z(it->h));
        break;
    }
    if (it->opacity < 1)
        fprintf(out, " opacity %.2f", it->opacity);
    fputc('\n', out);
}

void cp_doc_dump(const cp_doc *doc, FILE *out)
{
    for (size_t i = 0; i < doc->n_pages; i++) {
        const cp_page *p = &doc->pages[i];
        fprintf(out, "page %zu %s trim %.2f x %.2f bleed %.2f slug %.2f%s\n", i + 1, p->label,
                p->trim_w, p->trim_h, p->bleed, p->slug, p->crop_marks ? " marks" : "");
        for (size_t j = 0; j < p->n; j++)
            dump_item(out, &p->items[j]);
        for (size_t j = 0; j < p->n_marks; j++) /* the printer's marks, after the content */
            dump_item(out, &p->marks[j]);
    }
}
