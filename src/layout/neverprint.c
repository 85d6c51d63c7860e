/* The never-print check: set text from the display list, matches reported at their input field. */
#include "layout/neverprint.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "model/richtext.h"

#include <stdlib.h>
#include <string.h>

struct cp_np_seen {
    cp_pos pos;
    size_t entry;
};

/* A text of the model as a person may find it printed (as written, or with markup read and
 * punctuation made typographic), and the place it was written. */
struct cp_np_field {
    const char *text;
    cp_pos pos;
    size_t *entries; /* the entries it holds (owned), found once when the table is built */
    size_t n_entries;
};

void cp_np_check_init(cp_np_check *c, cp_layout_ctx *lc, cp_never_print *np)
{
    memset(c, 0, sizeof *c);
    c->lc = lc;
    c->np = np;
}

void cp_np_check_finish(cp_np_check *c)
{
    for (size_t i = 0; i < c->n_fields; i++)
        free(c->fields[i].entries);
    free(c->seen);
    free(c->fields);
    memset(c, 0, sizeof *c);
}

static bool same_pos(cp_pos a, cp_pos b)
{
    if (a.line != b.line || a.col != b.col)
        return false;
    if (!a.file || !b.file)
        return a.file == b.file;
    return strcmp(a.file, b.file) == 0;
}

static void add_field(cp_np_check *c, const cp_str *s, bool markup)
{
    if (!s->s)
        return;
    cp_arena *a = c->lc->arena;
    const char *forms[3] = {s->s, cp_richtext_smart_plain(a, s->s), NULL};
    if (markup) {
        cp_richtext rt;
        cp_richtext_parse(a, s->s, CP_RICH_SMART, &rt);
        forms[2] = cp_richtext_plain(a, &rt);
    }
    for (int i = 0; i < 3; i++) {
        if (!forms[i])
            continue;
        size_t len = strlen(forms[i]);
        size_t n = cp_never_print_scan(c->np, forms[i], len, NULL, 0);
        if (n == 0)
            continue; /* a field that holds no entry is never the place of a match */
        cp_never_hit *hits = cp_xmalloc(n * sizeof *hits);
        cp_never_print_scan(c->np, forms[i], len, hits, n);
        size_t *entries = cp_xmalloc(n * sizeof *entries);
        for (size_t k = 0; k < n; k++)
            entries[k] = hits[k].entry;
        free(hits);
        cp_grow((void **)&c->fields, &c->cap_fields, c->n_fields + 1, sizeof *c->fields);
        c->fields[c->n_fields++] =
            (cp_np_field){.text = forms[i], .pos = s->pos, .entries = entries, .n_entries = n};
    }
}

static void add_photo(cp_np_check *c, const cp_photo *ph)
{
    cp_str given = {.s = ph->given ? ph->given : ph->path.s, .pos = ph->path.pos};
    add_field(c, &given, false);
    add_field(c, &ph->credit, false);
}

/* Every text of the manifest, its stories and its press release, with its place. */
static void build_fields(cp_np_check *c)
{
    if (c->have_fields)
        return;
    c->have_fields = true;
    const cp_calendar *cal = c->lc->cal;
    const cp_str *plain[] = {&cal->title,       &cal->subtitle,           &cal->organisation,
                             &cal->version,     &cal->out_calendar,       &cal->out_press,
                             &cal->press.place, &cal->press.about_heading};
    for (size_t i = 0; i < CP_ARRAY_LEN(plain); i++)
        add_field(c, plain[i], false);
    add_photo(c, &cal->cover_photo);
    for (int m = 0; m < 12; m++) {
        const cp_story *st = &cal->months[m];
        add_field(c, &st->name, false);
        add_field(c, &st->headline, true);
        add_field(c, &st->quote, true);
        add_field(c, &st->body, true);
        add_photo(c, &st->photo);
    }
    for (size_t i = 0; i < cal->n_holidays; i++)
        add_field(c, &cal->holidays[i].name, false);
    const cp_str *marked[] = {&cal->back_about, &cal->press.headline, &cal->press.body,
                              &cal->press.about_body};
    for (size_t i = 0; i < CP_ARRAY_LEN(marked); i++)
        add_field(c, marked[i], true);
    add_field(c, &cal->back_footnote, false);
    add_field(c, &cal->press.footnote, false);
    for (size_t i = 0; i < cal->press.n_contacts; i++) {
        const cp_contact *ct = &cal->press.contacts[i];
        const cp_str *parts[] = {&ct->name, &ct->role, &ct->phone, &ct->email};
        for (size_t k = 0; k < CP_ARRAY_LEN(parts); k++)
            add_field(c, parts[k], false);
    }
}

static bool field_holds(const cp_np_field *f, size_t entry)
{
    for (size_t i = 0; i < f->n_entries; i++)
        if (f->entries[i] == entry)
            return true;
    return false;
}

/* Where to report a match in `text`: the frame's own field when it holds the entry; else a
 * field that the text quotes and that holds the entry (the back's credits, the slug, the month
 * grid and the press release's dateline are made of several); else `src`. */
static cp_pos place_of(cp_np_check *c, size_t entry, const char *text, cp_pos src)
{
    build_fields(c);
    for (size_t i = 0; i < c->n_fields; i++)
        if (same_pos(c->fields[i].pos, src) && field_holds(&c->fields[i], entry))
            return src;
    for (size_t i = 0; i < c->n_fields; i++) {
        const cp_np_field *f = &c->fields[i];
        if (f->pos.file && field_holds(f, entry) && cp_never_print_contains(text, f->text))
            return f->pos;
    }
    return src;
}

/* True the first time a (place, entry) pair is seen. */
static bool first_time(cp_np_check *c, cp_pos pos, size_t entry)
{
    for (size_t i = 0; i < c->n_seen; i++)
        if (c->seen[i].entry == entry && same_pos(c->seen[i].pos, pos))
            return false;
    cp_grow((void **)&c->seen, &c->cap_seen, c->n_seen + 1, sizeof *c->seen);
    c->seen[c->n_seen++] = (cp_np_seen){.pos = pos, .entry = entry};
    return true;
}

/* The matched words as printed: soft hyphens dropped, white space as single spaces. */
static const char *shown(cp_arena *a, const char *text, size_t start, size_t end)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    for (size_t i = start; i < end && b.len < 200; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == 0xC2 && i + 1 < end && (unsigned char)text[i + 1] == 0xAD) {
            i++;
            continue;
        }
        bool space = ch == ' ' || ch == '\n' || ch == '\t' ||
                     (ch == 0xE2 && i + 2 < end && (unsigned char)text[i + 1] == 0x80 &&
                      (unsigned char)text[i + 2] == 0xA8) ||
                     (ch == 0xC2 && i + 1 < end && (unsigned char)text[i + 1] == 0xA0);
        if (space) {
            i += ch == 0xE2 ? 2 : ch == 0xC2 ? 1 : 0;
            if (b.len && b.data[b.len - 1] != ' ')
                cp_strbuf_putc(&b, ' ');
            continue;
        }
        cp_strbuf_putc(&b, (char)ch);
    }
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    const char *r = cp_arena_strdup(a, b.data ? b.data : "");
    cp_strbuf_finish(&b);
    return r;
}

typedef struct where {
    const char *frame, *page; /* a frame on a page (its label and number), or ... */
    size_t page_no;
    const char *what; /* ... a string outside the pages */
    const char *pdf;
    cp_pos src;
} where;

static void search(cp_np_check *c, const char *text, size_t len, const where *w)
{
    enum { MAX = 32 };
    cp_never_hit hits[MAX];
    size_t n = cp_never_print_scan(c->np, text, len, hits, MAX);
    for (size_t i = 0; i < n && i < MAX; i++) {
        cp_pos pos = place_of(c, hits[i].entry, text, w->src);
        if (!first_time(c, pos, hits[i].entry))
            continue;
        c->found++;
        const char *words = shown(c->lc->arena, text, hits[i].start, hits[i].end);
        if (w->frame)
            cp_error(c->lc->diags, pos,
                     "\"%s\" is on the never-print list: frame '%s' would print it on page %zu "
                     "(%s) of %s",
                     words, w->frame, w->page_no, w->page, w->pdf);
        else
            cp_error(c->lc->diags, pos,
                     "\"%s\" is on the never-print list: it would be written into the %s of %s",
                     words, w->what, w->pdf);
    }
}

/* A paragraph being gathered from its lines (which may continue on a later page). */
typedef struct open_para {
    const PangoLayout *layout;
    cp_strbuf text;
    where w;
} open_para;

static void flush(cp_np_check *c, open_para *p)
{
    if (p->text.len)
        search(c, p->text.data, p->text.len, &p->w);
    cp_strbuf_finish(&p->text);
}

void cp_np_check_doc(cp_np_check *c, const cp_doc *doc, const char *pdf_name)
{
    if (c->np->n == 0)
        return;
    open_para *open = NULL;
    size_t n_open = 0, cap = 0;
    for (size_t pi = 0; pi < doc->n_pages; pi++) {
        const cp_page *page = &doc->pages[pi];
        for (size_t j = 0; j < page->n; j++) {
            const cp_item *it = &page->items[j];
            if (it->kind != CP_ITEM_TEXT)
                continue;
            size_t k = 0;
            while (k < n_open && open[k].layout != it->layout)
                k++;
            if (k == n_open || !it->layout) {
                cp_grow((void **)&open, &cap, n_open + 1, sizeof *open);
                k = n_open++;
                open[k] = (open_para){.layout = it->layout,
                                      .w = {.frame = it->tag,
                                            .page = page->label,
                                            .page_no = pi + 1,
                                            .pdf = pdf_name,
                                            .src = it->src}};
                cp_strbuf_init(&open[k].text);
            }
            cp_strbuf_puts(&open[k].text, it->source ? it->source : it->text ? it->text : "");
            if (it->para_end || !it->layout) {
                flush(c, &open[k]);
                open[k] = open[--n_open];
            }
        }
    }
    for (size_t k = 0; k < n_open; k++)
        flush(c, &open[k]);
    free(open);
}

void cp_np_check_text(cp_np_check *c, const char *text, const char *what, const char *pdf_name,
                      cp_pos at)
{
    if (!text || c->np->n == 0)
        return;
    where w = {.what = what, .pdf = pdf_name, .src = at};
    search(c, text, strlen(text), &w);
}
