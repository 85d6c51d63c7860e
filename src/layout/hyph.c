/* libhyphen wrapper: finds words, asks the dictionary, inserts soft hyphens. */
#include "layout/hyph.h"
#include "layout/hyphcache.h"
#include "base/hash.h"
#include "base/readset.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <glib.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dict_slot {
    const char *lang;
    const char *file;
    HyphenDict *dict;
    void *block; /* the dictionary's memory when it came from the cache */
    bool tried;
} dict_slot;

struct cp_hyph {
    char *dir;
    dict_slot slots[3];
};

cp_hyph *cp_hyph_new(const char *dir)
{
    cp_hyph *h = cp_xcalloc(1, sizeof *h);
    h->dir = cp_xstrdup(dir);
    h->slots[0] = (dict_slot){"en", "hyph_en_US.dic", NULL, NULL, false};
    h->slots[1] = (dict_slot){"bn", "hyph_bn_IN.dic", NULL, NULL, false};
    h->slots[2] = (dict_slot){"hi", "hyph_hi_IN.dic", NULL, NULL, false};
    return h;
}

void cp_hyph_free(cp_hyph *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < CP_ARRAY_LEN(h->slots); i++)
        cp_hyph_dict_free(h->slots[i].dict, h->slots[i].block);
    free(h->dir);
    free(h);
}

static HyphenDict *dict_for(cp_hyph *h, const char *lang)
{
    for (size_t i = 0; i < CP_ARRAY_LEN(h->slots); i++) {
        dict_slot *s = &h->slots[i];
        if (strcmp(s->lang, lang) != 0)
            continue;
        if (!s->tried) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", h->dir, s->file);
            s->dict = cp_hyph_dict_load(path, &s->block);
            cp_readset_note_path(path);
            s->tried = true;
        }
        return s->dict;
    }
    return NULL;
}

void cp_hyph_stamp(const cp_hyph *h, cp_hasher *hs)
{
    for (size_t i = 0; i < CP_ARRAY_LEN(h->slots); i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", h->dir, h->slots[i].file);
        cp_hasher_file_stamp(hs, path);
    }
}

bool cp_hyph_available(cp_hyph *h, const char *lang)
{
    return dict_for(h, lang) != NULL;
}

static bool is_word_char(gunichar c)
{
    return g_unichar_isalpha(c) || g_unichar_ismark(c);
}

static bool kept(const cp_hyph_rules *r, const char *w, size_t n)
{
    for (const char *const *k = r->keep; k && *k; k++)
        if (strlen(*k) == n && memcmp(*k, w, n) == 0)
            return true;
    return false;
}

/* Appends word w[0..n) with soft hyphens at the dictionary's breaks. */
static void hyphenate_word(HyphenDict *dict, const cp_hyph_rules *r, const char *w, size_t n,
                           cp_strbuf *out, size_t *map, size_t base)
{
    glong nchars = g_utf8_strlen(w, (gssize)n);
    char *lower = g_utf8_strdown(w, (gssize)n);
    bool ok = nchars >= r->min_word && strlen(lower) == n && !kept(r, w, n) && n < 200;
    char hy[256];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (ok) {
        memset(hy, 0, sizeof hy);
        ok = hnj_hyphen_hyphenate3(dict, lower, (int)n, hy, NULL, &rep, &pos, &cut, r->min_left,
                                   r->min_right, r->min_left, r->min_right) == 0;
    }
    const char *p = w;
    for (glong i = 0; i < nchars; i++) {
        const char *next = g_utf8_next_char(p);
        for (const char *q = p; q < next; q++) {
            if (map)
                map[base + (size_t)(q - w)] = out->len;
            cp_strbuf_putc(out, *q);
        }
        /* Non-standard breaks (rep) change spelling; calpress takes only plain ones. */
        if (ok && i + 1 < nchars && (hy[i] & 1) && !(rep && rep[i]))
            cp_strbuf_puts(out, "\xC2\xAD");
        p = next;
    }
    if (rep) {
        for (glong i = 0; i < (glong)n; i++)
            free(rep[i]);
        free(rep);
        free(pos);
        free(cut);
    }
    g_free(lower);
}

char *cp_hyph_apply(cp_hyph *h, const char *lang, const char *text, const cp_hyph_rules *r,
                    size_t *map)
{
    size_t len = strlen(text);
    HyphenDict *dict = dict_for(h, lang);
    if (!g_utf8_validate(text, (gssize)len, NULL))
        dict = NULL; /* never happens after the loaders' checks; copy it through untouched */
    cp_strbuf out;
    cp_strbuf_init(&out);
    const char *p = text, *end = text + len;
    while (p < end) {
        gunichar c = g_utf8_get_char(p);
        if (!dict || !is_word_char(c)) {
            const char *next = g_utf8_next_char(p);
            for (const char *q = p; q < next; q++) {
                if (map)
                    map[q - text] = out.len;
                cp_strbuf_putc(&out, *q);
            }
            p = next;
            continue;
        }
        const char *w = p;
        while (p < end && is_word_char(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        hyphenate_word(dict, r, w, (size_t)(p - w), &out, map, (size_t)(w - text));
    }
    if (map)
        map[len] = out.len;
    return cp_strbuf_steal(&out);
}
