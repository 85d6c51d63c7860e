/* The A4 press release: letterhead, headline, a dateline run into the body, the about section,
 * contacts in columns and the footnote, flowing onto further pages with "1 / 2" folios. */
#include "layout/layout.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* The press release's language: its own, or the calendar's. */
static const char *press_lang(const cp_layout_ctx *lc)
{
    return lc->cal->press.language.s ? lc->cal->press.language.s : lc->cal->language.s;
}

/* Month names and digits for the press release's language. */
static const cp_locale *press_locale(cp_layout_ctx *lc)
{
    if (!lc->cal->press.language.s || strcmp(lc->cal->press.language.s, lc->cal->language.s) == 0)
        return &lc->locale;
    if (!lc->have_press_locale) {
        if (!cp_locale_load(&lc->press_locale, lc->arena, lc->cal->press.language.s))
            cp_error(lc->diags, lc->cal->press.language.pos,
                     "ICU has no calendar names for language '%s'", lc->cal->press.language.s);
        lc->have_press_locale = true;
    }
    return &lc->press_locale;
}

typedef struct flow {
    cp_layout_ctx *lc;
    cp_doc *doc;
    const cp_layout *l;
    size_t page_index;
    const cp_frame *frame;
    double y; /* where the next block's top goes, from the frame's top */
    bool at_top;
} flow;

static cp_page *flow_page(flow *f)
{
    return &f->doc->pages[f->page_index];
}

static void flow_new_page(flow *f)
{
    const cp_layout *l = f->l;
    double slug = l->crop_marks ? l->slug : 0;
    int n = (int)(f->doc->n_pages) + 1;
    const char *label = cp_arena_printf(f->lc->arena, "press %d", n);
    cp_page *p = cp_doc_add_page(f->doc, label, l->trim_w, l->trim_h, l->bleed, slug);
    p->crop_marks = l->crop_marks && slug > 0;
    p->registration_marks = p->crop_marks && l->registration_marks;
    p->color_bar = p->crop_marks && l->color_bar;
    cp_page_rect(p, "paper", -l->bleed, -l->bleed, l->trim_w + 2 * l->bleed,
                 l->trim_h + 2 * l->bleed, l->paper);
    f->page_index = f->doc->n_pages - 1;
    f->frame = cp_lc_frame(f->lc, l, n == 1 ? "press" : "press_next", "body");
    f->y = 0;
    f->at_top = true;
}

/* Flows a block's lines into the frame, breaking across pages between lines but never leaving
 * a single line of it alone at a page's foot or head. keep = the block may not break at all. */
static void flow_block(flow *f, cp_block *b, double space_before, bool keep, const char *tag,
                       cp_color color, double x)
{
    size_t i = 0;
    while (i < b->n) {
        double space = f->at_top ? 0 : space_before;
        /* Line i sits at baseline: frame top + f->y + space + (its baseline - the offset that
         * makes line i the first line of this run). */
        double offset = b->lines[i].baseline - b->lines[0].baseline;
        double shift = f->y + space - offset;
        double descent = b->height - b->lines[b->n - 1].baseline;
        size_t fit = i;
        while (fit < b->n && shift + b->lines[fit].baseline + descent <= f->frame->h + 0.01)
            fit++;
        size_t n_fit = fit - i, remaining = b->n - i;
        if (n_fit < remaining) {
            if (keep || remaining <= 2)
                n_fit = 0;
            else if (n_fit == 1)
                n_fit = 0; /* an orphan: take it over */
            else if (remaining - n_fit == 1)
                n_fit--; /* leave no widow */
        }
        if (n_fit == 0) {
            if (f->at_top) {
                /* Even a fresh page is too short: place it and say so, never drop it. */
                cp_error(f->lc->diags, cp_pos_file(f->l->path),
                         "a press-release block of %zu lines does not fit an empty body frame",
                         remaining);
                n_fit = remaining;
            } else {
                flow_new_page(f);
                continue;
            }
        }
        cp_block_place_range(b, i, i + n_fit, flow_page(f), tag, f->frame->x + x,
                             f->frame->y + shift, color);
        f->y = shift + b->lines[i + n_fit - 1].baseline + (b->height - b->lines[b->n - 1].baseline);
        f->at_top = false;
        i += n_fit;
        if (i < b->n)
            flow_new_page(f);
    }
}

static void set_rich(cp_layout_ctx *lc, const cp_style *st, double width, const cp_richtext *rt,
                     cp_pos src, const char *what, cp_block *b)
{
    cp_text_req req = {st, press_lang(lc), width, NULL, src, what, false};
    cp_set_rich(lc->ts, &req, rt, st->size_pt, b);
    cp_block_warn(lc->ts, &req, b);
}

static void set_plain(cp_layout_ctx *lc, const cp_style *st, double width, const char *text,
                      cp_pos src, const char *what, cp_block *b)
{
    cp_text_req req = {st, press_lang(lc), width, NULL, src, what, false};
    cp_set_plain(lc->ts, &req, text, b);
}

/* One unwrapped line: labels, dates, names in the letterhead and folios. */
static void set_line(cp_layout_ctx *lc, const cp_style *st, const char *text, cp_pos src,
                     const char *what, cp_block *b)
{
    cp_text_req req = {st, press_lang(lc), 1e5, NULL, src, what, true};
    cp_set_plain(lc->ts, &req, text, b);
}

static const char *long_date(cp_layout_ctx *lc, cp_date d)
{
    return cp_arena_printf(lc->arena, "%s %s %s",
                           cp_locale_number(press_locale(lc), lc->arena, d.day),
                           press_locale(lc)->months[d.month - 1],
                           cp_locale_number(press_locale(lc), lc->arena, d.year));
}

/* A PNG or JPEG logo through the photo cache; its messages call it a logo. */
static const cp_image *raster_logo(cp_layout_ctx *lc, const char *name)
{
    const cp_press_release *pr = &lc->cal->press;
    cp_diags tmp;
    cp_diags_init(&tmp);
    const cp_image *img = cp_photo_cache_lookup(lc->photos, pr->logo.s, name, pr->logo.pos, &tmp);
    for (size_t i = 0; i < tmp.n; i++) {
        const cp_diag *g = &tmp.items[i];
        cp_pos at = {g->file, g->line, g->col};
        const char *photo = strstr(g->msg, "photo '");
        const char *msg = photo ? cp_arena_printf(lc->arena, "%.*slogo%s", (int)(photo - g->msg),
                                                  g->msg, photo + 5)
                                : g->msg;
        if (g->sev == CP_SEV_ERROR)
            cp_error(lc->diags, at, "%s", msg);
        else if (g->sev == CP_SEV_WARNING)
            cp_warning(lc->diags, at, "%s", msg);
        else
            cp_note(lc->diags, at, "%s", msg);
    }
    cp_diags_finish(&tmp);
    return img;
}

/* The logo, scaled to fit the layout's 'logo' frame and set at its top-left corner: an SVG as
 * vectors, a PNG or JPEG as an image. Returns false when the release has no logo, so the
 * organisation's name is set in type instead. */
static bool logo(cp_layout_ctx *lc, cp_page *page, const cp_layout *l)
{
    const cp_press_release *pr = &lc->cal->press;
    if (!pr->logo.s)
        return false;
    const cp_frame *f = cp_layout_lookup_frame(l, "press", "logo");
    if (!f) {
        cp_error(lc->diags, pr->logo.pos, "the press-release layout has no frame 'logo' for it");
        cp_note(lc->diags, cp_pos_file(l->path), "the layout's frames are defined here");
        return true;
    }
    const char *name = pr->logo_given ? pr->logo_given : pr->logo.s;
    const char *dot = strrchr(pr->logo.s, '.');
    const cp_svg *svg = NULL;
    const cp_image *img = NULL;
    double iw = 0, ih = 0;
    if (dot && g_ascii_strcasecmp(dot, ".svg") == 0) {
        svg = cp_photo_cache_lookup_svg(lc->photos, pr->logo.s, name, pr->logo.pos, lc->diags);
        iw = svg ? svg->width : 0;
        ih = svg ? svg->height : 0;
    } else if ((img = raster_logo(lc, name))) {
        int w, h;
        cp_image_upright_size(img, &w, &h);
        iw = w;
        ih = h;
    }
    if (iw <= 0 || ih <= 0)
        return true; /* reported */
    double s = fmin(f->w / iw, f->h / ih), w = iw * s, h = ih * s;
    cp_rect at = {f->x, f->y, w, h};
    cp_item *it = cp_page_image(page, "logo", img, at, at);
    if (svg) {
        it->kind = CP_ITEM_SVG;
        it->svg = svg;
    }
    double ppi = img ? iw / (w / 72.0) : 1e9;
    if (ppi < 150)
        cp_warning(lc->diags, pr->logo.pos,
                   "logo '%s' (%.0f x %.0f px) reaches only %.0f ppi at %.1f mm wide; it will "
                   "print soft: use an SVG, or an image of %.0f px or wider",
                   name, iw, ih, ppi, w / CP_PT_PER_MM, ceil(w / 72.0 * 300));
    return true;
}

static void letterhead(cp_layout_ctx *lc, cp_page *page, const cp_layout *l)
{
    const cp_calendar *cal = lc->cal;
    const cp_press_release *pr = &cal->press;
    const cp_frame *f = cp_lc_frame(lc, l, "press", "letterhead");
    const cp_style *os = cp_lc_style(lc, l, "letterhead_org");
    const cp_style *ls = cp_lc_style(lc, l, "letterhead_label");
    const cp_style *ds = cp_lc_style(lc, l, "letterhead_date");
    cp_block b;
    if (!logo(lc, page, l)) {
        set_plain(lc, os, f->w * 0.62, cal->organisation.s, cal->organisation.pos, "organisation",
                  &b);
        cp_block_place(&b, page, "letterhead", f->x, f->y, os->color);
        cp_block_finish(&b);
    }
    const char *label = l->labels.press_release;
    double w = cp_measure(lc->ts, ls, press_lang(lc), label);
    set_line(lc, ls, label, pr->date_pos, "label", &b);
    double lh = b.height;
    cp_block_place(&b, page, "letterhead", f->x + f->w - w, f->y, ls->color);
    cp_block_finish(&b);
    const char *date = long_date(lc, pr->date);
    w = cp_measure(lc->ts, ds, press_lang(lc), date);
    set_line(lc, ds, date, pr->date_pos, "date", &b);
    cp_block_place(&b, page, "letterhead", f->x + f->w - w, f->y + lh + 2, ds->color);
    cp_block_finish(&b);
    cp_page_line(page, "letterhead", f->x, f->y + f->h, f->x + f->w, f->y + f->h, 1.0, l->accent);
}

/* The dateline runs into the first paragraph: "KOLKATA, 14 December 2020 — ". */
static void add_dateline(cp_layout_ctx *lc, cp_richtext *rt)
{
    const cp_press_release *pr = &lc->cal->press;
    if (rt->n_paras == 0)
        return;
    char *place = g_utf8_strup(pr->place.s, -1);
    const char *lead = cp_arena_printf(lc->arena, "%s, %s", place, long_date(lc, pr->date));
    g_free(place);
    cp_para *p = &rt->paras[0];
    size_t n = strlen(lead);
    const char *dash = " \xE2\x80\x94 ";
    size_t shift = n + strlen(dash);
    char *text = cp_arena_printf(lc->arena, "%s%s%s", lead, dash, p->text);
    cp_span *spans = cp_arena_alloc(lc->arena, (p->n_spans + 1) * sizeof *spans);
    spans[0] = (cp_span){0, n, CP_SPAN_STRONG};
    for (size_t i = 0; i < p->n_spans; i++) {
        spans[i + 1] = p->spans[i];
        spans[i + 1].start += shift;
        spans[i + 1].end += shift;
    }
    p->text = text;
    p->spans = spans;
    p->n_spans++;
}

/* Each paragraph as its own block so pages can break between them. */
static void flow_paragraphs(flow *f, const cp_style *st, const cp_richtext *rt, cp_pos src,
                            const char *what, const char *tag, double first_space)
{
    for (size_t i = 0; i < rt->n_paras; i++) {
        cp_richtext one = {&rt->paras[i], 1};
        cp_block b;
        set_rich(f->lc, st, f->frame->w, &one, src, what, &b);
        flow_block(f, &b, i == 0 ? first_space : st->space_before_pt + st->space_after_pt, false,
                   tag, st->color, 0);
        cp_block_finish(&b);
    }
}

static void contacts(flow *f)
{
    cp_layout_ctx *lc = f->lc;
    const cp_press_release *pr = &lc->cal->press;
    if (pr->n_contacts == 0)
        return;
    const cp_style *ns = cp_lc_style(lc, f->l, "contact_name");
    const cp_style *ds = cp_lc_style(lc, f->l, "contact_detail");
    size_t cols = pr->n_contacts < 3 ? pr->n_contacts : 3;
    double gap = 4 * CP_PT_PER_MM;
    /* The line above the contacts, in its own style or else the about heading's; it keeps with
     * the first row. */
    const cp_style *hs = cp_layout_lookup_style(f->l, "contacts_heading");
    if (!hs)
        hs = cp_lc_style(lc, f->l, "about_heading");
    cp_block head = {0};
    if (pr->contacts_heading.s)
        set_plain(lc, hs, f->frame->w, cp_lc_smart(lc, f->l, pr->contacts_heading.s),
                  pr->contacts_heading.pos, "contacts heading", &head);
    double head_h = head.n ? head.height + hs->space_after_pt : 0;
    double cw = (f->frame->w - gap * (double)(cols - 1)) / (double)cols;
    /* Rows of up to three contacts; each row is kept together. */
    for (size_t row = 0; row * cols < pr->n_contacts; row++) {
        cp_block names[3], details[3];
        double height = 0;
        size_t k = 0;
        for (; k < cols && row * cols + k < pr->n_contacts; k++) {
            const cp_contact *c = &pr->contacts[row * cols + k];
            set_plain(lc, ns, cw, cp_lc_smart(lc, f->l, c->name.s), c->name.pos, "contact",
                      &names[k]);
            cp_strbuf sb;
            cp_strbuf_init(&sb);
            const cp_str *parts[] = {&c->role, &c->phone, &c->email};
            for (size_t p = 0; p < 3; p++) {
                if (!parts[p]->s)
                    continue;
                if (sb.len)
                    cp_strbuf_putc(&sb, '\n');
                /* Addresses may break after '@' and before a '.', nowhere else (U+200B). */
                for (const char *q = parts[p]->s; *q; q++) {
                    if (p == 2 && *q == '.' && q != parts[p]->s)
                        cp_strbuf_puts(&sb, "\xE2\x80\x8B");
                    cp_strbuf_putc(&sb, *q);
                    if (p == 2 && *q == '@')
                        cp_strbuf_puts(&sb, "\xE2\x80\x8B");
                }
            }
            set_plain(lc, ds, cw, sb.data ? sb.data : "", c->name.pos, "contact", &details[k]);
            cp_strbuf_finish(&sb);
            double h = names[k].height + ds->leading_pt * 0.15 + details[k].height;
            if (h > height)
                height = h;
        }
        if (row == 0)
            height += head_h;
        double space = f->at_top ? 0 : ns->space_before_pt;
        if (!f->at_top && f->y + space + height > f->frame->h)
            flow_new_page(f);
        space = f->at_top ? 0 : ns->space_before_pt;
        double top = f->y + space;
        cp_page *page = flow_page(f);
        if (row == 0 && head.n) {
            cp_block_place(&head, page, "contacts", f->frame->x, f->frame->y + top, hs->color);
            top += head_h;
            height -= head_h;
        }
        for (size_t i = 0; i < k; i++) {
            double x = f->frame->x + (double)i * (cw + gap);
            cp_block_place(&names[i], page, "contacts", x, f->frame->y + top, ns->color);
            cp_block_place(&details[i], page, "contacts", x,
                           f->frame->y + top + names[i].height + ds->leading_pt * 0.15, ds->color);
            cp_block_finish(&names[i]);
            cp_block_finish(&details[i]);
        }
        f->y = top + height;
        f->at_top = false;
    }
    cp_block_finish(&head);
}

static void folios(cp_layout_ctx *lc, cp_doc *doc, const cp_layout *l, size_t first)
{
    size_t total = doc->n_pages - first;
    for (size_t i = first; i < doc->n_pages; i++) {
        cp_page *page = &doc->pages[i];
        const cp_frame *f =
            cp_layout_lookup_frame(l, i == first ? "press" : "press_next", "footer");
        if (!f)
            continue;
        const cp_style *st = cp_lc_style(lc, l, "folio");
        cp_block b;
        set_plain(lc, st, f->w, cp_lc_smart(lc, l, lc->cal->organisation.s),
                  lc->cal->organisation.pos, "footer", &b);
        cp_block_place(&b, page, "footer", f->x, f->y, st->color);
        cp_block_finish(&b);
        if (total > 1) {
            const char *folio =
                cp_arena_printf(lc->arena, "%s / %s",
                                cp_locale_number(press_locale(lc), lc->arena, (int)(i - first + 1)),
                                cp_locale_number(press_locale(lc), lc->arena, (int)total));
            double w = cp_measure(lc->ts, st, press_lang(lc), folio);
            set_line(lc, st, folio, lc->cal->organisation.pos, "folio", &b);
            cp_block_place(&b, page, "folio", f->x + f->w - w, f->y, st->color);
            cp_block_finish(&b);
        }
    }
}

/* The about section: a grey rule, the heading kept with the text's first lines, the text. */
static void about_section(flow *f)
{
    cp_layout_ctx *lc = f->lc;
    const cp_layout *l = f->l;
    const cp_press_release *pr = &lc->cal->press;
    const cp_style *hs = cp_lc_style(lc, l, "about_heading");
    const cp_style *as = cp_lc_style(lc, l, "about_body");
    cp_block hb, first_para;
    set_plain(lc, hs, f->frame->w, cp_lc_smart(lc, l, pr->about_heading.s), pr->about_heading.pos,
              "about", &hb);
    cp_richtext about;
    cp_richtext_parse(lc->arena, pr->about_body.s, cp_lc_rich_opts(l), &about);
    /* The heading keeps with the about text's first lines: break before it if need be. */
    cp_richtext one = {about.paras, about.n_paras ? 1 : 0};
    set_rich(lc, as, f->frame->w, &one, pr->about_body.pos, "about", &first_para);
    double need = hs->space_before_pt + hb.height + hs->space_after_pt +
                  (first_para.n > 1 ? first_para.lines[1].baseline : first_para.height);
    cp_block_finish(&first_para);
    if (!f->at_top && f->y + need > f->frame->h)
        flow_new_page(f);
    double rule_y = f->frame->y + f->y + (f->at_top ? 0 : hs->space_before_pt * 0.5);
    cp_page_line(flow_page(f), "about", f->frame->x, rule_y, f->frame->x + f->frame->w, rule_y, 0.5,
                 l->grey);
    flow_block(f, &hb, hs->space_before_pt, true, "about", hs->color, 0);
    cp_block_finish(&hb);
    flow_paragraphs(f, as, &about, pr->about_body.pos, "about text", "about", hs->space_after_pt);
}

/* What follows the body: the about section, the contacts and the footnote. */
static void closing(flow *f)
{
    cp_layout_ctx *lc = f->lc;
    const cp_press_release *pr = &lc->cal->press;
    if (pr->about_heading.s)
        about_section(f);
    contacts(f);
    if (pr->footnote.s) {
        const cp_style *fs = cp_lc_style(lc, f->l, "footnote");
        cp_block b;
        set_plain(lc, fs, f->frame->w, cp_lc_smart(lc, f->l, pr->footnote.s), pr->footnote.pos,
                  "footnote", &b);
        flow_block(f, &b, fs->space_before_pt, true, "footnote", fs->color, 0);
        cp_block_finish(&b);
    }
}

/* Trial settings (the body's size, the closing section's height) are laid out with their
 * messages held back: only the setting kept reports. */
typedef struct trial {
    cp_diags *saved, held;
    char *warned_langs;
    size_t fits;
} trial;

static void trial_begin(cp_layout_ctx *lc, trial *t)
{
    t->saved = lc->diags;
    cp_diags_init(&t->held);
    lc->diags = lc->ts->diags = &t->held;
    t->warned_langs = g_strdup(lc->ts->warned_langs);
    t->fits = lc->fits.n;
}

/* Returns whether the trial gave errors. */
static bool trial_end(cp_layout_ctx *lc, trial *t)
{
    bool errors = t->held.n_errors > 0;
    lc->diags = lc->ts->diags = t->saved;
    cp_diags_finish(&t->held);
    g_free(lc->ts->warned_langs);
    lc->ts->warned_langs = t->warned_langs;
    lc->fits.n = t->fits;
    return errors;
}

/* A closing section that fits below the body on this page stands at the frame's foot when the
 * layout says 'valign: bottom': the room left over is between the body and it. */
static void closing_to_foot(flow *f)
{
    if (f->frame->valign != CP_VALIGN_BOTTOM || f->at_top)
        return;
    cp_doc scratch;
    cp_doc_init(&scratch);
    flow g = *f;
    g.doc = &scratch;
    flow_new_page(&g);
    g.frame = f->frame;
    g.y = f->y;
    g.at_top = false;
    trial t;
    trial_begin(f->lc, &t);
    closing(&g);
    bool errors = trial_end(f->lc, &t);
    if (!errors && scratch.n_pages == 1 && g.y <= f->frame->h + 0.01)
        f->y = f->frame->h - (g.y - f->y);
    cp_doc_finish(&scratch);
}

/* The release's pages with the body set in bs; when only counting pages, the closing section
 * is left where it falls. */
static void press_pages(cp_layout_ctx *lc, cp_doc *doc, const cp_style *bs, bool counting)
{
    const cp_calendar *cal = lc->cal;
    const cp_press_release *pr = &cal->press;
    const cp_layout *l = &cal->press_layout;
    flow f = {lc, doc, l, 0, NULL, 0, true};
    size_t first = doc->n_pages;
    flow_new_page(&f);
    letterhead(lc, flow_page(&f), l);
    {
        const cp_frame *hf = cp_lc_frame(lc, l, "press", "headline");
        const cp_style *hs = cp_lc_style(lc, l, "headline");
        cp_richtext rt;
        cp_richtext_parse(lc->arena, pr->headline.s, cp_lc_rich_opts(l), &rt);
        cp_text_req req = {hs, press_lang(lc), hf->w, NULL, pr->headline.pos, "headline", false};
        cp_block b;
        if (cp_set_fit(lc->ts, &req, &rt, hf->h, "headline", &hf->pos, &b))
            cp_block_warn(lc->ts, &req, &b);
        cp_lc_report(lc, "press 1", "headline", &b, hs, hf->h);
        cp_block_place(&b, flow_page(&f), "headline", hf->x, hf->y, hs->color);
        cp_block_finish(&b);
    }
    cp_richtext body;
    cp_richtext_parse(lc->arena, pr->body.s, cp_lc_rich_opts(l), &body);
    if (pr->dateline)
        add_dateline(lc, &body);
    flow_paragraphs(&f, bs, &body, pr->body.pos, "press-release body", "body", 0);
    if (!counting)
        closing_to_foot(&f);
    closing(&f);
    folios(lc, doc, l, first);
}

/* The body style at another size: leading, indent and paragraph spaces in proportion. */
static cp_style body_at(const cp_style *bs, double size)
{
    cp_style st = *bs;
    double k = size / bs->size_pt;
    st.size_pt = size;
    st.leading_pt *= k;
    st.min_leading_pt *= k;
    st.indent_pt *= k;
    st.space_before_pt *= k;
    st.space_after_pt *= k;
    return st;
}

/* Whether the release fits one page with its body at `step` quarter points above its size. */
static bool fits_one_page(cp_layout_ctx *lc, const cp_style *bs, int step)
{
    cp_style st = body_at(bs, bs->size_pt + step * 0.25);
    cp_doc scratch;
    cp_doc_init(&scratch);
    trial t;
    trial_begin(lc, &t);
    press_pages(lc, &scratch, &st, true);
    bool fits = !trial_end(lc, &t) && scratch.n_pages == 1;
    cp_doc_finish(&scratch);
    return fits;
}

/* The body's size: a release that fits its first page with room to spare grows toward the body
 * style's max_size, to the largest quarter point at which it still fits one page. A release
 * that fits at max_size takes one trial; one that needs more than a page at its size, two. */
static double body_size(cp_layout_ctx *lc, const cp_style *bs)
{
    int steps = (int)floor((bs->max_size_pt - bs->size_pt) / 0.25 + 1e-9);
    if (fits_one_page(lc, bs, steps))
        return bs->size_pt + steps * 0.25;
    if (!fits_one_page(lc, bs, 0))
        return bs->size_pt;     /* more than a page already: never larger */
    int lo = 0, hi = steps - 1; /* lo fits */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (fits_one_page(lc, bs, mid))
            lo = mid;
        else
            hi = mid - 1;
    }
    return bs->size_pt + lo * 0.25;
}

static void layout_press(cp_layout_ctx *lc, cp_doc *doc, int which)
{
    const cp_style *bs = cp_lc_style(lc, &lc->cal->press_layout, "body");
    (void)which;
    if (bs->max_size_pt < bs->size_pt + 0.25) {
        press_pages(lc, doc, bs, false);
        return;
    }
    cp_style st = body_at(bs, body_size(lc, bs));
    press_pages(lc, doc, &st, false);
}

bool cp_layout_press(cp_layout_ctx *lc, cp_doc *doc)
{
    size_t before = lc->diags->n_errors;
    const cp_layout *l = &lc->cal->press_layout;
    for (size_t i = 0; i < l->n_styles; i++)
        cp_typesetter_check_style(lc->ts, &l->styles[i]);
    if (lc->diags->n_errors != before)
        return false;
    doc->title = lc->cal->press.headline.s;
    cp_lc_cached(lc, doc, 14, layout_press);
    return lc->diags->n_errors == before;
}

void cp_lc_press_pages(cp_layout_ctx *lc, cp_doc *doc, int which)
{
    layout_press(lc, doc, which);
}
