/* CommonMark inline markup -> paragraphs of plain text with emphasis spans, through cmark. */
#include "model/richtext.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    cp_arena *arena;
    cp_strbuf text;
    cp_span *spans;
    size_t n_spans, cap_spans;
    unsigned flags;   /* active flags */
    size_t run_start; /* where the current flags began */
    cp_para *paras;
    size_t n_paras, cap_paras;
    int para_line;
    int list_depth;
} builder;

/* Closes the run of text written with the current flags. */
static void flush_run(builder *b)
{
    if (b->flags && b->text.len > b->run_start) {
        cp_grow((void **)&b->spans, &b->cap_spans, b->n_spans + 1, sizeof *b->spans);
        b->spans[b->n_spans++] = (cp_span){b->run_start, b->text.len, b->flags};
    }
    b->run_start = b->text.len;
}

static void set_flags(builder *b, unsigned flags)
{
    flush_run(b);
    b->flags = flags;
}

static void end_para(builder *b)
{
    flush_run(b);
    if (b->text.len == 0)
        return;
    cp_grow((void **)&b->paras, &b->cap_paras, b->n_paras + 1, sizeof *b->paras);
    cp_para *p = &b->paras[b->n_paras++];
    p->text = cp_arena_strndup(b->arena, b->text.data, b->text.len);
    p->n_spans = b->n_spans;
    p->spans = cp_arena_alloc(b->arena, (b->n_spans ? b->n_spans : 1) * sizeof *p->spans);
    if (b->n_spans)
        memcpy(p->spans, b->spans, b->n_spans * sizeof *p->spans);
    p->src_line = b->para_line;
    b->text.len = 0;
    if (b->text.data)
        b->text.data[0] = '\0';
    b->n_spans = 0;
    b->run_start = 0;
}

static void add_literal(builder *b, const char *s)
{
    if (s)
        cp_strbuf_puts(&b->text, s);
}

/* cmark leaves the raw text of blocks it treats as code or HTML; copy keeps it as written. */
static void add_block_literal(builder *b, cmark_node *node)
{
    const char *s = cmark_node_get_literal(node);
    if (!s)
        return;
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        n--;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            cp_strbuf_puts(&b->text, "\xE2\x80\xA8"); /* U+2028 line separator */
        else
            cp_strbuf_putc(&b->text, s[i]);
    }
}

void cp_richtext_parse(cp_arena *a, const char *src, unsigned opts, cp_richtext *out)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.arena = a;
    cp_strbuf_init(&b.text);
    int cm_opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    if (opts & CP_RICH_SMART)
        cm_opts |= CMARK_OPT_SMART;
    cmark_node *doc = cmark_parse_document(src, strlen(src), cm_opts);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    unsigned stack[64];
    int depth = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        bool enter = ev == CMARK_EVENT_ENTER;
        switch (type) {
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
            if (enter) {
                b.para_line = cmark_node_get_start_line(node);
                cmark_node *parent = cmark_node_parent(node);
                /* A list item's first paragraph carries its marker, as written. */
                if (parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
                    cmark_node_first_child(parent) == node) {
                    cmark_node *list = cmark_node_parent(parent);
                    if (cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
                        int nth = cmark_node_get_list_start(list);
                        for (cmark_node *s = cmark_node_first_child(list); s && s != parent;
                             s = cmark_node_next(s))
                            nth++;
                        cp_strbuf_printf(&b.text, "%d.\xC2\xA0", nth);
                    } else {
                        cp_strbuf_puts(&b.text, "\xE2\x80\xA2\xC2\xA0"); /* bullet, nbsp */
                    }
                    b.run_start = b.text.len;
                }
            } else {
                end_para(&b);
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
            b.para_line = cmark_node_get_start_line(node);
            add_block_literal(&b, node);
            end_para(&b);
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_HTML_INLINE:
            add_literal(&b, cmark_node_get_literal(node));
            break;
        case CMARK_NODE_CODE:
            set_flags(&b, b.flags | CP_SPAN_CODE);
            add_literal(&b, cmark_node_get_literal(node));
            set_flags(&b, b.flags & ~(unsigned)CP_SPAN_CODE);
            break;
        case CMARK_NODE_SOFTBREAK:
            cp_strbuf_putc(&b.text, ' ');
            break;
        case CMARK_NODE_LINEBREAK:
            cp_strbuf_puts(&b.text, "\xE2\x80\xA8");
            break;
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG: {
            unsigned bit = type == CMARK_NODE_EMPH ? CP_SPAN_EMPH : CP_SPAN_STRONG;
            if (enter) {
                if (depth < (int)CP_ARRAY_LEN(stack))
                    stack[depth] = b.flags;
                depth++;
                set_flags(&b, b.flags | bit);
            } else {
                depth--;
                set_flags(&b, depth < (int)CP_ARRAY_LEN(stack) ? stack[depth] : b.flags);
            }
            break;
        }
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            /* Link text prints; the destination is not part of the copy. */
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            break;
        default:
            break;
        }
    }
    end_para(&b);
    cmark_iter_free(it);
    cmark_node_free(doc);
    cp_strbuf_finish(&b.text);
    free(b.spans);
    out->n_paras = b.n_paras;
    out->paras = cp_arena_alloc(a, (b.n_paras ? b.n_paras : 1) * sizeof *out->paras);
    if (b.n_paras)
        memcpy(out->paras, b.paras, b.n_paras * sizeof *out->paras);
    free(b.paras);
}

char *cp_richtext_plain(cp_arena *a, const cp_richtext *rt)
{
    cp_strbuf s;
    cp_strbuf_init(&s);
    for (size_t i = 0; i < rt->n_paras; i++) {
        if (i)
            cp_strbuf_puts(&s, "\n\n");
        cp_strbuf_puts(&s, rt->paras[i].text);
    }
    char *r = cp_arena_strdup(a, s.data ? s.data : "");
    cp_strbuf_finish(&s);
    return r;
}

char *cp_richtext_smart_plain(cp_arena *a, const char *text)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++; /* indentation would make a code block */
    bool line_start = true;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* cmark's smart punctuation works on ' " - and .; the rest of ASCII punctuation is
         * escaped so it prints as itself, as are a list's "- " and "1." at a line's start. */
        bool punct = c < 0x80 && strchr("!#$%&()*+,/:;<=>?@[\\]^_`{|}~", c) && c != '\0';
        bool list_dash = line_start && c == '-' && (p[1] == ' ' || p[1] == '\0');
        bool list_num = line_start && c >= '0' && c <= '9';
        if (list_num) {
            const char *q = p;
            while (*q >= '0' && *q <= '9')
                q++;
            cp_strbuf_add(&b, p, (size_t)(q - p));
            if (*q == '.' || *q == ')')
                cp_strbuf_putc(&b, '\\');
            p = q - 1;
            line_start = false;
            continue;
        }
        if (punct || list_dash)
            cp_strbuf_putc(&b, '\\');
        cp_strbuf_putc(&b, (char)c);
        line_start = c == '\n';
    }
    cp_richtext rt;
    cp_richtext_parse(a, b.data ? b.data : "", CP_RICH_SMART, &rt);
    cp_strbuf_finish(&b);
    cp_strbuf out;
    cp_strbuf_init(&out);
    for (size_t i = 0; i < rt.n_paras; i++) {
        if (i)
            cp_strbuf_putc(&out, ' ');
        cp_strbuf_puts(&out, rt.paras[i].text);
    }
    char *r = cp_arena_strdup(a, out.data ? out.data : "");
    cp_strbuf_finish(&out);
    return r;
}

/* ---- asterisks left as text ---- */

typedef struct star_list {
    cp_arena *arena;
    cp_rich_star *items;
    size_t n, cap;
} star_list;

static bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool space_or_edge(const char *src, size_t len, size_t j)
{
    return j >= len || src[j] == ' ' || src[j] == '\n' || src[j] == '\t';
}

/* One '*' at src[j] (line starting at src[ls]): a pseudonym mark before a word, a stray, or
 * (between spaces) an asterisk meant as one. */
static void classify_star(star_list *sl, const char *src, size_t len, size_t ls, int line, size_t j)
{
    bool before_word = j + 1 < len && src[j + 1] != '*' && word_byte((unsigned char)src[j + 1]);
    bool after_word = j > 0 && (word_byte((unsigned char)src[j - 1]) || src[j - 1] == '*');
    if (!before_word && (j == 0 || src[j - 1] == ' ' || src[j - 1] == '\n') &&
        space_or_edge(src, len, j + 1))
        return; /* "5 * 3": an asterisk as such */
    cp_rich_star st = {.line = line, .col = 1};
    for (size_t k = ls; k < j; k++)
        st.col += ((unsigned char)src[k] & 0xC0) != 0x80;
    if (before_word && !after_word) {
        size_t e = j + 1;
        while (e < len && (word_byte((unsigned char)src[e]) || src[e] == '-'))
            e++;
        st.name = cp_arena_strndup(sl->arena, src + j + 1, e - j - 1);
    }
    cp_grow((void **)&sl->items, &sl->cap, sl->n + 1, sizeof *sl->items);
    sl->items[sl->n++] = st;
}

/* Walks a text node's literal against its source (cmark gives where it starts), finding the
 * literal asterisks; stops at anything it cannot match byte for byte (an entity, say). */
static void text_stars(star_list *sl, const char *src, size_t len, const size_t *line_start,
                       int n_lines, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    int line = cmark_node_get_start_line(node), col = cmark_node_get_start_column(node);
    if (!lit || line < 1 || line > n_lines || col < 1)
        return;
    size_t ls = line_start[line - 1], j = ls + (size_t)col - 1;
    for (size_t i = 0; lit[i] && j < len; i++) {
        if (src[j] == '\\' && j + 1 < len && src[j + 1] == lit[i] && lit[i] != '\\') {
            j += 2; /* escaped: meant as itself */
            continue;
        }
        if (src[j] != lit[i])
            return;
        if (lit[i] == '*')
            classify_star(sl, src, len, ls, line, j);
        j++;
    }
}

size_t cp_richtext_stars(cp_arena *a, const char *src, cp_rich_star **out)
{
    size_t len = strlen(src);
    int n_lines = 1;
    for (size_t i = 0; i < len; i++)
        n_lines += src[i] == '\n';
    size_t *line_start = cp_xmalloc((size_t)n_lines * sizeof *line_start);
    line_start[0] = 0;
    for (size_t i = 0, k = 1; i < len; i++)
        if (src[i] == '\n')
            line_start[k++] = i + 1;
    star_list sl = {.arena = a};
    cmark_node *doc = cmark_parse_document(src, len, CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_TEXT)
            text_stars(&sl, src, len, line_start, n_lines, node);
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    free(line_start);
    *out = cp_arena_alloc(a, (sl.n ? sl.n : 1) * sizeof **out);
    if (sl.n)
        memcpy(*out, sl.items, sl.n * sizeof **out);
    free(sl.items);
    return sl.n;
}
