/* The optimal line breaker (Knuth and Plass): items from measured text, breaks, the rewrite. */
#include "layout/kp.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

/* ---- Items ---- */

typedef struct item_list {
    cp_kp_item *it; /* owned until handed out */
    size_t n, cap;
} item_list;

static void push(item_list *l, cp_kp_item x)
{
    cp_grow((void **)&l->it, &l->cap, l->n + 1, sizeof *l->it);
    l->it[l->n++] = x;
}

static cp_kp_item box(size_t at, size_t len, double w, int letters)
{
    return (cp_kp_item){.type = CP_KP_BOX, .w = w, .at = at, .len = len, .letters = letters};
}

/* What ends a word at byte i, if anything. */
enum { IN_WORD, AT_SPACE, AT_SOFT_HYPHEN, AT_HARD_BREAK, AT_END };

static int word_break_at(const char *text, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)text + i;
    if (i == len)
        return AT_END;
    if (u[0] == ' ')
        return AT_SPACE;
    if (u[0] == 0xC2 && u[1] == 0xAD)
        return AT_SOFT_HYPHEN;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA8)
        return AT_HARD_BREAK;
    return IN_WORD;
}

/* The items of a word from box_start that ends at byte i with what (word_break_at), and of what
 * ends it; returns the byte after them. */
static size_t word_end(item_list *l, const double *xs, size_t len, double hyphen_w,
                       size_t box_start, int letters, size_t i, int what)
{
    double x0 = xs[box_start], x1 = what == AT_END ? xs[len] : xs[i];
    if (i > box_start)
        push(l, box(box_start, i - box_start, x1 - x0, letters));
    if (what == AT_SPACE) {
        double w = (i + 1 <= len ? xs[i + 1] : xs[len]) - x1;
        push(l, (cp_kp_item){.type = CP_KP_GLUE, .w = w, .stretch = w * 0.6, .at = i, .len = 1});
        return i + 1;
    }
    if (what == AT_SOFT_HYPHEN) {
        push(l, (cp_kp_item){.type = CP_KP_PENALTY,
                             .w = hyphen_w,
                             .penalty = 60,
                             .flagged = true,
                             .at = i,
                             .len = 2});
        return i + 2;
    }
    /* The paragraph's (or a hard line's) end: fill glue, then a forced break. */
    bool hard = what == AT_HARD_BREAK;
    push(l, (cp_kp_item){.type = CP_KP_GLUE, .stretch = CP_KP_INF, .at = i});
    push(l,
         (cp_kp_item){.type = CP_KP_PENALTY, .penalty = -CP_KP_INF, .at = i, .len = hard ? 3 : 0});
    return i + (hard ? 3 : 1);
}

size_t cp_kp_items(const char *text, const double *xs, double hyphen_w, cp_kp_item **out)
{
    size_t len = strlen(text);
    item_list l = {.it = cp_xmalloc(64 * sizeof *l.it), .cap = 64};
    size_t box_start = 0;
    int letters = 0;
    size_t i = 0;
    while (i <= len) {
        int what = word_break_at(text, len, i);
        if (what != IN_WORD) {
            i = word_end(&l, xs, len, hyphen_w, box_start, letters, i, what);
            box_start = i;
            letters = 0;
            continue;
        }
        /* A break is allowed after an explicit hyphen or a dash inside a word. */
        unsigned char c = (unsigned char)text[i];
        bool dash = c == '-' ||
                    (c == 0xE2 && (unsigned char)text[i + 1] == 0x80 &&
                     ((unsigned char)text[i + 2] == 0x93 || (unsigned char)text[i + 2] == 0x94));
        size_t step = (size_t)(g_utf8_next_char(text + i) - (text + i));
        letters++;
        if (dash && i > box_start && i + step < len && text[i + step] != ' ') {
            push(&l, box(box_start, i + step - box_start, xs[i + step] - xs[box_start], letters));
            push(&l,
                 (cp_kp_item){
                     .type = CP_KP_PENALTY, .penalty = 50, .flagged = c == '-', .at = i + step});
            box_start = i + step;
            letters = 0;
        }
        i += step;
    }
    *out = l.it;
    return l.n;
}

/* ---- Breaks ---- */

typedef struct kp_node {
    size_t item; /* the break: index of the glue or penalty */
    int line;    /* lines before this break */
    double demerits;
    int prev; /* node index, -1 for the start */
    bool hyphen;
    double tw, ty; /* running widths after the break (for the next line's sums) */
    bool active;
} kp_node;

/* The search's state; nodes is owned. */
typedef struct kp_search {
    const cp_kp_item *it;
    size_t n;
    double width, first_indent, tolerance;
    kp_node *nodes;
    size_t n_nodes, cap;
    double tw, ty; /* running sums of widths and stretch up to the current item */
    int best_end;  /* the best node at the latest forced break, -1 for none yet */
} kp_search;

/* The best way to reach one break in each fitness class (1 tight .. 3 loose); -1 for none. */
typedef struct kp_best {
    int node[4];
    double demerits[4];
} kp_best;

/* Where the line after a break at item b starts: past the glue and penalties that vanish at a
 * line start (a forced break after b stops the walk). Adds the glue passed over (b's own
 * included) to the running width *tw and stretch *ty; returns the next line's first item, n
 * at the end. */
static size_t skip_break(const cp_kp_item *it, size_t n, size_t b, double *tw, double *ty)
{
    size_t k = b;
    for (; k < n && it[k].type != CP_KP_BOX; k++) {
        if (k > b && cp_kp_forced(&it[k]))
            break;
        if (it[k].type == CP_KP_GLUE)
            *tw += it[k].w, *ty += it[k].stretch;
    }
    return k;
}

/* A last line (from item from up to the forced break b) of one short word: a runt. */
static bool is_runt(const cp_kp_item *it, size_t from, size_t b)
{
    int letters = 0;
    for (size_t k = from; k < b; k++)
        if (it[k].type == CP_KP_BOX)
            letters += it[k].letters;
    bool glue_between = false;
    for (size_t k = from; k < b; k++)
        glue_between =
            glue_between || (it[k].type == CP_KP_GLUE && it[k].w > 0 && it[k].stretch < CP_KP_INF);
    return !glue_between && letters < 6;
}

/* The demerits of a line from active node a to the break b, the node's own included, and the
 * line's fitness class. False if the line cannot be made; a node too far back to reach b (or
 * any later break) is made inactive. */
static bool line_demerits(kp_search *s, size_t a, size_t b, double *d_out, int *fit_out)
{
    const cp_kp_item *x = &s->it[b];
    kp_node *na = &s->nodes[a];
    double measure = s->width - (na->line == 0 ? s->first_indent : 0);
    double L = s->tw - na->tw + (x->type == CP_KP_PENALTY ? x->w : 0);
    double Y = s->ty - na->ty;
    if (L > measure + 0.01) {
        na->active = false; /* glue cannot shrink: this start is too far back */
        return false;
    }
    double r = Y > 0 ? (measure - L) / Y : (L < measure - 0.5 ? CP_KP_INF : 0);
    bool forced = cp_kp_forced(x);
    if (r > s->tolerance && !forced)
        return false;
    double bad = r >= CP_KP_INF ? CP_KP_INF : 100 * r * r * r;
    if (bad > CP_KP_INF)
        bad = CP_KP_INF;
    double d = (10 + bad) * (10 + bad);
    if (x->type == CP_KP_PENALTY && x->penalty > 0)
        d += x->penalty * x->penalty;
    if (x->type == CP_KP_PENALTY && x->flagged && na->hyphen)
        d += 3000;
    /* A last line of one short word (a runt) costs as much as a bad line. */
    if (forced && na->line > 0 && is_runt(s->it, a == 0 ? 0 : na->item + 1, b))
        d += 60000;
    *fit_out = r < 0.5 ? 1 : r < 1 ? 2 : 3;
    *d_out = d + na->demerits;
    return true;
}

/* The best active node to break at b from, in each fitness class. */
static kp_best best_starts(kp_search *s, size_t b)
{
    kp_best best = {.node = {-1, -1, -1, -1}};
    for (size_t a = 0; a < s->n_nodes; a++) {
        double d;
        int fit;
        if (!s->nodes[a].active || !line_demerits(s, a, b, &d, &fit))
            continue;
        if (best.node[fit] < 0 || d < best.demerits[fit]) {
            best.node[fit] = (int)a;
            best.demerits[fit] = d;
        }
    }
    return best;
}

/* Adds an active node at break b for each fitness class reached, and keeps the best one at a
 * forced break in s->best_end. */
static void push_nodes(kp_search *s, size_t b, const kp_best *best)
{
    const cp_kp_item *x = &s->it[b];
    /* Sums after the break: skip the glue and penalties that vanish at a line start. */
    double aw = s->tw, ay = s->ty;
    skip_break(s->it, s->n, b, &aw, &ay);
    for (int f = 1; f < 4; f++) {
        if (best->node[f] < 0)
            continue;
        cp_grow((void **)&s->nodes, &s->cap, s->n_nodes + 1, sizeof *s->nodes);
        s->nodes[s->n_nodes++] = (kp_node){
            .item = b,
            .line = s->nodes[best->node[f]].line + 1,
            .demerits = best->demerits[f],
            .prev = best->node[f],
            .hyphen = x->type == CP_KP_PENALTY && x->flagged,
            .tw = aw,
            .ty = ay,
            .active = true,
        };
        if (cp_kp_forced(x) &&
            (s->best_end < 0 || best->demerits[f] < s->nodes[s->best_end].demerits))
            s->best_end = (int)s->n_nodes - 1;
    }
}

/* The item indices of the breaks that lead to node end, in order (malloc'd); *lines their count. */
static size_t *trace(const kp_node *nodes, int end, int *lines)
{
    *lines = nodes[end].line;
    size_t *breaks = cp_xmalloc((size_t)(*lines > 0 ? *lines : 1) * sizeof *breaks);
    int k = *lines;
    for (int nd = end; nd > 0; nd = nodes[nd].prev)
        breaks[--k] = nodes[nd].item;
    return breaks;
}

/* Runs the search over every item; false if a forced break cannot be reached. */
static bool search(kp_search *s)
{
    for (size_t b = 0; b < s->n; b++) {
        const cp_kp_item *x = &s->it[b];
        bool legal = (x->type == CP_KP_GLUE && b > 0 && s->it[b - 1].type == CP_KP_BOX) ||
                     (x->type == CP_KP_PENALTY && x->penalty < CP_KP_INF);
        if (legal) {
            kp_best best = best_starts(s, b);
            push_nodes(s, b, &best);
        }
        if (legal && cp_kp_forced(x)) {
            /* A forced break: every line must end here; start afresh from the best. */
            if (s->best_end < 0)
                return false;
            for (size_t a = 0; a < s->n_nodes; a++)
                s->nodes[a].active = (int)a == s->best_end;
            if (b + 1 >= s->n)
                return true;
            s->best_end = -1;
        }
        if (x->type != CP_KP_PENALTY) {
            s->tw += x->w;
            s->ty += x->type == CP_KP_GLUE ? x->stretch : 0;
        }
    }
    return true;
}

int cp_kp_breaks(const cp_kp_item *it, size_t n, double width, double first_indent,
                 double tolerance, size_t **breaks_out)
{
    kp_search s = {
        .it = it,
        .n = n,
        .width = width,
        .first_indent = first_indent,
        .tolerance = tolerance,
        .nodes = cp_xmalloc(sizeof *s.nodes),
        .n_nodes = 1,
        .cap = 1,
        .best_end = -1,
    };
    s.nodes[0] = (kp_node){.prev = -1, .active = true};
    int lines = 0;
    if (search(&s) && s.best_end >= 0)
        *breaks_out = trace(s.nodes, s.best_end, &lines);
    free(s.nodes);
    return lines;
}

/* ---- Greedy breaks ---- */

/* A break is legal at glue after a box, or at a penalty that is not forbidden. */
static bool legal_break(const cp_kp_item *it, size_t b)
{
    return (it[b].type == CP_KP_GLUE && b > 0 && it[b - 1].type == CP_KP_BOX) ||
           (it[b].type == CP_KP_PENALTY && it[b].penalty < CP_KP_INF);
}

/* The break that ends the line starting at item from: the last legal one that fits measure, or
 * the first forced one. Returns n when no break fits. */
static size_t greedy_line(const cp_kp_item *it, size_t n, size_t from, double measure)
{
    size_t chosen = n;
    double w = 0;     /* natural width of items from..b-1 */
    double inked = 0; /* the same up to the last box: spaces at a line's end do not count */
    for (size_t b = from; b < n; b++) {
        const cp_kp_item *x = &it[b];
        if (legal_break(it, b)) {
            /* A hyphen that does not fit leaves a later, narrower break to look for. */
            double L = inked + (x->type == CP_KP_PENALTY ? x->w : 0);
            if (L <= measure + 1e-9) {
                chosen = b;
                if (cp_kp_forced(x))
                    break;
            }
        }
        if (x->type != CP_KP_PENALTY)
            w += x->w;
        if (x->type == CP_KP_BOX)
            inked = w;
        if (inked > measure + 1e-9)
            break; /* no later break can fit */
    }
    return chosen;
}

int cp_kp_greedy(const cp_kp_item *it, size_t n, double width, double first_indent,
                 size_t **breaks_out)
{
    size_t *breaks = NULL, cap = 0;
    int lines = 0;
    size_t from = 0;
    while (from < n) {
        size_t b = greedy_line(it, n, from, width - (lines == 0 ? first_indent : 0));
        if (b >= n) {
            free(breaks);
            return 0;
        }
        cp_grow((void **)&breaks, &cap, (size_t)lines + 1, sizeof *breaks);
        breaks[lines++] = b;
        double tw = 0, ty = 0;
        from = skip_break(it, n, b, &tw, &ty);
        if (cp_kp_forced(&it[b]) && b + 1 >= n)
            break;
    }
    *breaks_out = breaks;
    return lines;
}

/* ---- Lines and the rewrite ---- */

void cp_kp_lines(const cp_kp_item *it, size_t n, const size_t *breaks, int lines, size_t text_len,
                 cp_kp_line *out)
{
    size_t from = 0;
    double tw = 0, ty = 0, tw0 = 0, ty0 = 0;
    size_t item = 0;
    for (int k = 0; k < lines; k++) {
        size_t bk = breaks[k];
        for (; item < bk; item++)
            if (it[item].type != CP_KP_PENALTY)
                tw += it[item].w, ty += it[item].type == CP_KP_GLUE ? it[item].stretch : 0;
        const cp_kp_item *x = &it[bk];
        out[k] = (cp_kp_line){
            .start = from,
            .end = x->at,
            .width = tw - tw0 + (x->type == CP_KP_PENALTY ? x->w : 0),
            .stretch = ty - ty0,
            .last = cp_kp_forced(x),
        };
        /* The next line starts after the break and the glue that vanishes with it. */
        double aw = tw, ay = ty;
        size_t nx = skip_break(it, n, bk, &aw, &ay);
        tw = tw0 = aw;
        ty = ty0 = ay;
        item = nx;
        from = nx < n ? it[nx].at : text_len;
    }
}

char *cp_kp_rewrite(const char *text, const cp_kp_item *it, const size_t *breaks, int lines,
                    size_t **shift_out)
{
    size_t tlen = strlen(text);
    cp_strbuf b;
    cp_strbuf_init(&b);
    size_t *shift = cp_xmalloc((tlen + 1) * sizeof *shift);
    size_t pos = 0;
    for (int k = 0; k < lines; k++) {
        const cp_kp_item *x = &it[breaks[k]];
        if (cp_kp_forced(x))
            continue; /* the paragraph's own end or a hard break: already there */
        for (; pos < x->at && pos < tlen; pos++) {
            shift[pos] = b.len;
            cp_strbuf_putc(&b, text[pos]);
        }
        if (x->type == CP_KP_GLUE) {
            shift[pos] = b.len;
            cp_strbuf_puts(&b, "\xE2\x80\xA8");
            pos += 1;
        } else if (x->flagged && x->len == 2) {
            shift[pos] = shift[pos + 1] = b.len;
            cp_strbuf_puts(&b, "-\xE2\x80\xA8");
            pos += 2;
        } else {
            cp_strbuf_puts(&b, "\xE2\x80\xA8");
        }
    }
    for (; pos <= tlen; pos++) {
        shift[pos] = b.len;
        if (pos < tlen)
            cp_strbuf_putc(&b, text[pos]);
    }
    *shift_out = shift;
    return cp_strbuf_steal(&b);
}
