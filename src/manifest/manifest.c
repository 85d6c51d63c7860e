/* Manifest loader: YAML tree -> calendar model, reporting every problem it finds. */
#define _POSIX_C_SOURCE 200809L
#include "manifest/manifest.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/util.h"
#include "manifest/holidays.h"
#include "manifest/layoutfile.h"
#include "manifest/schema.h"
#include "manifest/yamltree.h"
#include "model/locale.h"
#include "model/richtext.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct ctx {
    cp_arena *a;
    cp_diags *d;
    cp_calendar *cal;
    bool placeholders;
    cp_inputs *inputs; /* every file named or read, or NULL */
} ctx;

static const char *const story_keys[] = {"month",        "name", "pseudonym", "headline",
                                         "quote",        "body", "photo",     "photo_focus",
                                         "photo_credit", "fit",  "language",  NULL};

/* Resolves a file named at v (relative to dir) and checks it can be read. */
static bool resolve_file(ctx *c, const cp_node *v, const char *key, const char *dir, cp_str *out,
                         const char *what)
{
    cp_str given;
    if (cp_node_is_null(v)) {
        cp_error(c->d, v->pos, "'%s' has no value", key);
        return false;
    }
    if (!cp_value_str(c->a, c->d, v, key, &given))
        return false;
    if (!given.s[0]) {
        cp_error(c->d, v->pos, "'%s' is empty", key);
        return false;
    }
    char *path = cp_path_join(c->a, dir, given.s);
    cp_inputs_note(c->inputs, path, access(path, R_OK) == 0 && !cp_path_is_dir(path));
    if (cp_path_is_dir(path)) {
        cp_error(c->d, v->pos, "%s '%s' is a folder, not a file", what, given.s);
        return false;
    }
    if (access(path, R_OK) != 0) {
        int err = errno;
        cp_error(c->d, v->pos, "cannot read %s '%s': %s", what, given.s, strerror(err));
        if (strcmp(path, given.s) != 0)
            cp_note(c->d, v->pos, "looked for it at '%s'", path);
        return false;
    }
    out->s = path;
    out->pos = v->pos;
    return true;
}

/* No frame of a calendar page holds more than a few thousand characters: far longer text is a
 * mistake (a pasted document), reported at once rather than laid out for minutes. */
static void limit_length(ctx *c, cp_str *s, const char *key, size_t max)
{
    size_t n = s->s ? strlen(s->s) : 0;
    if (n > max) {
        cp_error(c->d, s->pos, "'%s' is %zu bytes long; calpress sets at most %zu in one field",
                 key, n, max);
        s->s = NULL;
    }
}

#define CP_MAX_STORY_TEXT 20000
#define CP_MAX_PRESS_TEXT 200000

static void read_photo(ctx *c, const cp_node *m, const char *dir, cp_photo *ph, bool required)
{
    static const char *const fits[] = {"fill", "contain", NULL};
    ph->focus_x = ph->focus_y = 0.5;
    const cp_node *v = cp_node_lookup(m, "photo");
    if (!v) {
        if (required)
            cp_error(c->d, m->pos, "missing required key 'photo'");
    } else if (cp_node_is_null(v)) {
        if (required)
            cp_error(c->d, v->pos, "'photo' has no value");
    } else if (c->placeholders && v->kind == CP_NODE_SCALAR && v->str[0]) {
        /* Proofs before the last photos arrive: say what is missing, draw a placeholder. */
        ph->path.s = cp_path_join(c->a, dir, v->str);
        ph->path.pos = v->pos;
        ph->given = v->str;
        cp_inputs_note(c->inputs, ph->path.s,
                       access(ph->path.s, R_OK) == 0 && !cp_path_is_dir(ph->path.s));
        if (access(ph->path.s, R_OK) != 0 || cp_path_is_dir(ph->path.s)) {
            cp_warning(c->d, v->pos, "photo '%s' is missing: the proof shows a placeholder",
                       v->str);
            ph->missing = true;
        }
    } else if (resolve_file(c, v, "photo", dir, &ph->path, "photo")) {
        ph->given = v->str;
    }
    const cp_node *f = cp_node_lookup(m, "photo_focus");
    if (f) {
        if (f->kind != CP_NODE_SEQ || f->n != 2) {
            cp_error(c->d, f->pos, "'photo_focus' must be a pair [x, y] of numbers 0..1");
        } else {
            cp_value_number(c->d, f->vals[0], "photo_focus x", 0, 1, &ph->focus_x);
            cp_value_number(c->d, f->vals[1], "photo_focus y", 0, 1, &ph->focus_y);
            ph->focus_given = true;
        }
    }
    int fit;
    if (cp_schema_enum(c->d, m, "fit", fits, &fit))
        ph->fit = (cp_fit)fit;
    cp_schema_str(c->a, c->d, m, "photo_credit", false, &ph->credit);
    limit_length(c, &ph->credit, "photo_credit", 500);
}

static void read_language(ctx *c, const cp_node *m, cp_str *out)
{
    if (!cp_schema_str(c->a, c->d, m, "language", false, out))
        return;
    if (!cp_locale_supported(out->s)) {
        static const char *const langs[] = {"en", "bn", "hi", NULL};
        const char *s = cp_suggest(out->s, langs);
        cp_error(c->d, out->pos, "unknown language '%s' (calpress knows %s)%s%s%s", out->s,
                 cp_locale_supported_list(), s ? "; did you mean '" : "", s ? s : "",
                 s ? "'?" : "");
        out->s = NULL;
    }
}

/* True if a pseudonym mark's word is one of names' first words (case-insensitive for ASCII). */
static bool names_have(const cp_str *names, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++) {
        const char *nm = names[i].s;
        size_t k = nm ? strcspn(nm, " ") : 0;
        if (nm && nm[0] == '*')
            nm++, k--;
        if (nm && strlen(word) == k && strncasecmp(nm, word, k) == 0)
            return true;
    }
    return false;
}

/* The asterisks that markup leaves as text in map[key]: a stray emphasis delimiter is a warning
 * (it prints as an asterisk, and the emphasis is wrong); so is a pseudonym mark whose name is not
 * among names (a story's own name; the press release: any story's), as after a rename. */
static void check_stars(ctx *c, const cp_node *map, const char *key, const cp_str *names,
                        size_t n_names, const char *whose)
{
    const cp_node *v = cp_node_lookup(map, key);
    if (!v || v->kind != CP_NODE_SCALAR || !v->str)
        return;
    cp_rich_star *stars;
    size_t n = cp_richtext_stars(c->a, v->str, &stars);
    for (size_t i = 0; i < n; i++) {
        cp_pos at = cp_node_text_pos(v, stars[i].line, stars[i].col);
        const char *word = stars[i].name;
        if (!word)
            cp_warning(c->d, at,
                       "unbalanced emphasis: this '*' has no partner, so it prints as an "
                       "asterisk; check the * and ** around it (a pseudonym's asterisk goes "
                       "right before the name: *Neha)");
        else if (n_names && strncasecmp(word, "pseudonym", 9) != 0 &&
                 !names_have(names, n_names, word))
            cp_warning(c->d, at, "'*%s' marks a pseudonym, but %s: was it renamed?", word, whose);
    }
}

static void read_story_fields(ctx *c, const cp_node *m, const char *dir, cp_story *st)
{
    cp_schema_str(c->a, c->d, m, "name", true, &st->name);
    cp_schema_bool(c->d, m, "pseudonym", &st->pseudonym);
    cp_schema_str(c->a, c->d, m, "headline", true, &st->headline);
    cp_schema_str(c->a, c->d, m, "quote", false, &st->quote);
    cp_schema_str(c->a, c->d, m, "body", true, &st->body);
    limit_length(c, &st->name, "name", 1000);
    limit_length(c, &st->headline, "headline", 2000);
    limit_length(c, &st->quote, "quote", CP_MAX_STORY_TEXT);
    limit_length(c, &st->body, "body", CP_MAX_STORY_TEXT);
    read_language(c, m, &st->language);
    read_photo(c, m, dir, &st->photo, true);
    if (st->name.s) {
        const char *whose = cp_arena_printf(c->a, "this story's name is '%s'", st->name.s);
        for (size_t i = 0; i < 3; i++)
            check_stars(c, m, (const char *const[]){"headline", "quote", "body"}[i], &st->name, 1,
                        whose);
    }
}

static void read_month_entry(ctx *c, const cp_node *v, int month)
{
    cp_story *st = &c->cal->months[month - 1];
    st->pos = v->pos;
    st->month = month;
    st->file = c->cal->manifest;
    const cp_node *sf = cp_node_lookup(v, "story");
    if (v->kind == CP_NODE_MAP && sf) {
        static const char *const keys[] = {"story", NULL};
        cp_schema_map(c->d, v, "a months entry that names a story file", keys);
        cp_str path;
        if (!resolve_file(c, sf, "story", c->cal->dir, &path, "story file"))
            return;
        cp_node *root = cp_yaml_load_input(c->a, c->d, path.s, &sf->pos, c->inputs);
        if (!root)
            return;
        st->file = path.s;
        if (!cp_schema_map(c->d, root, "a story file", story_keys))
            return;
        int m = 0;
        cp_pos mpos;
        if (cp_schema_int(c->d, root, "month", false, 1, 12, &m, &mpos) && m != month) {
            cp_error(c->d, mpos, "this story says month %d but is entry %d of 'months'", m, month);
            cp_note(c->d, sf->pos, "the story is listed here");
        }
        read_story_fields(c, root, cp_path_dirname(c->a, path.s), st);
        return;
    }
    if (!cp_schema_map(c->d, v, "a months entry", story_keys))
        return;
    int m;
    cp_pos mpos;
    if (cp_schema_int(c->d, v, "month", false, 1, 12, &m, &mpos) && m != month)
        cp_error(c->d, mpos, "this story says month %d but is entry %d of 'months'", m, month);
    read_story_fields(c, v, c->cal->dir, st);
}

static void read_months(ctx *c, const cp_node *root)
{
    const cp_node *v = cp_node_lookup(root, "months");
    if (!v) {
        cp_error(c->d, root->pos, "missing required key 'months' (twelve stories, January first)");
        return;
    }
    if (v->kind != CP_NODE_SEQ) {
        cp_error(c->d, v->pos, "'months' must be a list of twelve stories, not %s",
                 cp_node_kind_name(v));
        return;
    }
    if (v->n != 12) {
        cp_error(c->d, v->pos, "'months' must list exactly twelve stories, January first (got %zu)",
                 v->n);
        if (v->n > 12)
            cp_note(c->d, v->vals[12]->pos, "the thirteenth starts here");
    }
    for (size_t i = 0; i < v->n && i < 12; i++)
        read_month_entry(c, v->vals[i], (int)i + 1);
}

/* True if s[0..n) holds a year (four digits, 1000..2999) or an English month name. */
static bool has_date_words(const char *s, size_t n)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    for (size_t i = 0; i + 4 <= n; i++) {
        bool digits = (s[i] == '1' || s[i] == '2') && s[i + 1] >= '0' && s[i + 1] <= '9' &&
                      s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9';
        bool edge = (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
                    (i + 4 == n || !isdigit((unsigned char)s[i + 4]));
        if (digits && edge)
            return true;
    }
    for (size_t i = 0; i + 3 <= n; i++)
        for (size_t k = 0; k < CP_ARRAY_LEN(months); k++)
            if ((i == 0 || !isalpha((unsigned char)s[i - 1])) &&
                strncasecmp(s + i, months[k], 3) == 0)
                return true;
    return false;
}

/* Real releases open with their own dateline ("Kolkata, 14th December, 2020: ..."); calpress
 * prints one from place and date, so such a body would have two. A dateline here is a first
 * sentence fragment, up to a colon or a dash within 80 bytes, that starts with a place (a
 * capitalised word and a comma) and holds a date. */
static void warn_body_dateline(ctx *c, const cp_press_release *pr)
{
    const char *b = pr->body.s;
    while (*b == ' ' || *b == '\n')
        b++;
    size_t n = 0;
    while (b[n] && b[n] != '\n' && n < 80 && b[n] != ':' && strncmp(b + n, " \xE2\x80\x94", 4) &&
           strncmp(b + n, " \xE2\x80\x93", 4) && strncmp(b + n, " - ", 3))
        n++;
    const char *comma = memchr(b, ',', n);
    if (n == 80 || !b[n] || b[n] == '\n' || !comma || !isupper((unsigned char)b[0]) ||
        !has_date_words(comma, (size_t)(b + n - comma)))
        return;
    cp_warning(c->d, pr->body.pos,
               "the body starts with a dateline ('%.*s'), and calpress prints its own from "
               "'place' and 'date': remove it from the body, or set 'dateline: false'",
               (int)n, b);
}

/* The press release's logo: an SVG (drawn as vectors), PNG or JPEG file beside the release. */
static void read_logo(ctx *c, const cp_node *m, const char *dir, cp_press_release *pr)
{
    const cp_node *v = cp_node_lookup(m, "logo");
    if (!v)
        return;
    if (v->kind == CP_NODE_SCALAR && v->str[0]) {
        static const char *const exts[] = {".svg", ".png", ".jpg", ".jpeg", NULL};
        const char *dot = strrchr(v->str, '.');
        bool known = false;
        for (size_t i = 0; exts[i] && dot; i++)
            known = known || strcasecmp(dot, exts[i]) == 0;
        if (!known) {
            cp_error(c->d, v->pos, "logo '%s' must be an SVG, PNG or JPEG file (.svg, .png, .jpg)",
                     v->str);
            return;
        }
    }
    if (resolve_file(c, v, "logo", dir, &pr->logo, "logo"))
        pr->logo_given = v->str;
}

static void read_press(ctx *c, const cp_node *root)
{
    cp_press_release *pr = &c->cal->press;
    const cp_node *v = cp_node_lookup(root, "press_release");
    if (!v) {
        cp_error(c->d, root->pos, "missing required key 'press_release'");
        return;
    }
    const cp_node *m = v;
    pr->file = c->cal->manifest;
    const char *dir = c->cal->dir;
    if (v->kind == CP_NODE_SCALAR) {
        cp_str path;
        if (!resolve_file(c, v, "press_release", c->cal->dir, &path, "press-release file"))
            return;
        m = cp_yaml_load_input(c->a, c->d, path.s, &v->pos, c->inputs);
        if (!m)
            return;
        pr->file = path.s;
        dir = cp_path_dirname(c->a, path.s);
    }
    static const char *const keys[] = {
        "headline", "place",    "date",     "body",     "about",
        "contacts", "footnote", "language", "dateline", "contacts_heading",
        "logo",     NULL};
    if (!cp_schema_map(c->d, m, "a press release", keys))
        return;
    pr->dateline = true;
    cp_schema_bool(c->d, m, "dateline", &pr->dateline);
    cp_schema_str(c->a, c->d, m, "headline", true, &pr->headline);
    /* The place is for the dateline only: without one it may be left out. */
    if (!cp_schema_str(c->a, c->d, m, "place", pr->dateline, &pr->place) && pr->dateline &&
        !cp_node_lookup(m, "place"))
        cp_note(c->d, m->pos, "the place starts the dateline; 'dateline: false' leaves both out");
    cp_schema_str(c->a, c->d, m, "contacts_heading", false, &pr->contacts_heading);
    limit_length(c, &pr->contacts_heading, "contacts_heading", 500);
    cp_schema_date(c->d, m, "date", true, &pr->date, &pr->date_pos);
    cp_schema_str(c->a, c->d, m, "body", true, &pr->body);
    cp_schema_str(c->a, c->d, m, "footnote", false, &pr->footnote);
    read_language(c, m, &pr->language);
    limit_length(c, &pr->body, "body", CP_MAX_PRESS_TEXT);
    limit_length(c, &pr->headline, "headline", 2000);
    limit_length(c, &pr->place, "place", 500);
    limit_length(c, &pr->footnote, "footnote", 2000);
    if (pr->dateline && pr->body.s)
        warn_body_dateline(c, pr);
    read_logo(c, m, dir, pr);
    cp_str names[12];
    for (int i = 0; i < 12; i++)
        names[i] = c->cal->months[i].name;
    check_stars(c, m, "headline", names, 12, "no story has that name");
    check_stars(c, m, "body", names, 12, "no story has that name");
    const cp_node *about = cp_node_lookup(m, "about");
    if (about) {
        static const char *const akeys[] = {"heading", "body", NULL};
        if (cp_schema_map(c->d, about, "'about'", akeys)) {
            cp_schema_str(c->a, c->d, about, "heading", true, &pr->about_heading);
            cp_schema_str(c->a, c->d, about, "body", true, &pr->about_body);
            limit_length(c, &pr->about_heading, "heading", 2000);
            limit_length(c, &pr->about_body, "body", CP_MAX_STORY_TEXT);
            check_stars(c, about, "body", NULL, 0, NULL);
        }
    }
    const cp_node *cs = cp_node_lookup(m, "contacts");
    if (cs && !cp_node_is_null(cs)) {
        if (cs->kind != CP_NODE_SEQ) {
            cp_error(c->d, cs->pos, "'contacts' must be a list of {name, role, phone, email}");
            return;
        }
        static const char *const ckeys[] = {"name", "role", "phone", "email", NULL};
        pr->contacts = cp_arena_alloc(c->a, (cs->n ? cs->n : 1) * sizeof *pr->contacts);
        for (size_t i = 0; i < cs->n; i++) {
            const cp_node *e = cs->vals[i];
            if (!cp_schema_map(c->d, e, "a contact", ckeys))
                continue;
            cp_contact *ct = &pr->contacts[pr->n_contacts++];
            cp_schema_str(c->a, c->d, e, "name", true, &ct->name);
            cp_schema_str(c->a, c->d, e, "role", false, &ct->role);
            cp_schema_str(c->a, c->d, e, "phone", false, &ct->phone);
            cp_schema_str(c->a, c->d, e, "email", false, &ct->email);
            limit_length(c, &ct->name, "name", 500);
            limit_length(c, &ct->role, "role", 500);
            limit_length(c, &ct->phone, "phone", 500);
            limit_length(c, &ct->email, "email", 500);
        }
    }
}

static void read_output(ctx *c, const cp_node *root)
{
    c->cal->out_calendar.s = "calendar.pdf";
    c->cal->out_press.s = "press-release.pdf";
    const cp_node *v = cp_node_lookup(root, "output");
    if (!v || cp_node_is_null(v))
        return;
    static const char *const keys[] = {"calendar", "press_release", NULL};
    if (!cp_schema_map(c->d, v, "'output'", keys))
        return;
    cp_str *outs[] = {&c->cal->out_calendar, &c->cal->out_press};
    for (int i = 0; i < 2; i++) {
        cp_str s;
        if (!cp_schema_str(c->a, c->d, v, keys[i], false, &s))
            continue;
        size_t n = strlen(s.s);
        if (cp_path_has_control(s.s))
            cp_error(c->d, s.pos,
                     "the output file name has a control character (a newline, tab or escape)");
        else if (n + CP_OUTFILE_TEMP_EXTRA > NAME_MAX)
            cp_error(c->d, s.pos,
                     "the output file name is %zu bytes long; at most %d fit in a folder (with "
                     "the temporary name calpress writes first)",
                     n, NAME_MAX - CP_OUTFILE_TEMP_EXTRA);
        else if (strchr(s.s, '/') || n < 5 || strcmp(s.s + n - 4, ".pdf") != 0 || s.s[0] == '.')
            cp_error(c->d, s.pos, "output '%s' must be a file name ending in .pdf, without folders",
                     s.s);
        else
            *outs[i] = s;
    }
    if (strcmp(c->cal->out_calendar.s, c->cal->out_press.s) == 0)
        cp_error(c->d, v->pos, "the calendar and the press release must have different names");
}

static void read_layouts(ctx *c, const cp_node *root, const char *const *data_dirs)
{
    cp_calendar *cal = c->cal;
    cp_layout_init(&cal->layout);
    cp_layout_init(&cal->press_layout);
    cal->layout_name.s = "a3-portrait";
    cal->layout_name.pos = root->pos;
    cp_schema_str(c->a, c->d, root, "layout", false, &cal->layout_name);
    const char *path = cp_layout_find(c->a, cal->layout_name.s, cal->dir, data_dirs);
    if (!path) {
        cp_error(c->d, cal->layout_name.pos, "unknown layout '%s'", cal->layout_name.s);
        cp_note(c->d, cal->layout_name.pos,
                "a layout is a name in layouts/ (beside the manifest or installed with calpress) "
                "or a path to a .yaml file");
        return;
    }
    if (!cp_layout_load(&cal->layout, c->a, c->d, path, &cal->layout_name.pos, c->inputs,
                        data_dirs))
        return;
    const cp_node *ov = cp_node_lookup(root, "layout_overrides");
    if (ov && !cp_layout_apply(&cal->layout, c->a, c->d, ov, false))
        return;
    double bleed;
    cp_pos bpos;
    if (cp_schema_length(c->d, root, "bleed", 0, &bleed, &bpos)) {
        if (bleed > 25 * CP_PT_PER_MM) {
            cp_error(c->d, bpos, "'bleed' must be at most 25mm");
        } else {
            cal->layout.bleed = bleed;
            cal->layout.bleed_pos = bpos;
        }
    }
    cp_layout_resolve_colors(&cal->layout);
    cp_layout_check_calendar(&cal->layout, c->d);

    cp_str press = {cal->layout.press_layout ? cal->layout.press_layout : "a4-press",
                    cal->layout.press_layout ? cal->layout.press_layout_pos : root->pos};
    cp_schema_str(c->a, c->d, root, "press_layout", false, &press);
    const char *ppath = cp_layout_find(c->a, press.s, cal->dir, data_dirs);
    if (!ppath) {
        cp_error(c->d, press.pos, "unknown press-release layout '%s'", press.s);
        return;
    }
    cp_layout_init(&cal->press_layout);
    if (cp_layout_load(&cal->press_layout, c->a, c->d, ppath, &press.pos, c->inputs, data_dirs)) {
        cp_layout_resolve_colors(&cal->press_layout);
        cp_layout_check_press(&cal->press_layout, c->d);
    }
}

bool cp_manifest_load(cp_calendar *out, cp_arena *a, cp_diags *d, const char *path,
                      const cp_manifest_opts *opts)
{
    const char *const *data_dirs = opts ? opts->data_dirs : NULL;
    static const char *const keys[] = {"title",
                                       "subtitle",
                                       "organisation",
                                       "year",
                                       "layout",
                                       "press_layout",
                                       "language",
                                       "week_start",
                                       "holidays",
                                       "cover",
                                       "months",
                                       "back",
                                       "press_release",
                                       "output",
                                       "date",
                                       "bleed",
                                       "layout_overrides",
                                       "version",
                                       "output_intent",
                                       "never_print",
                                       "holiday_files",
                                       NULL};
    size_t errors_before = d->n_errors;
    cp_calendar *cal = cp_xcalloc(1, sizeof *cal);
    ctx c = {a, d, cal, opts && opts->placeholders, opts ? opts->inputs : NULL};
    cal->manifest = cp_arena_strdup(a, path);
    cal->dir = cp_path_dirname(a, path);
    cp_node *root = cp_yaml_load_input(a, d, path, NULL, c.inputs);
    if (!root)
        goto fail;
    if (!cp_schema_map(d, root, "the manifest", keys))
        goto fail;
    cp_schema_str(a, d, root, "title", true, &cal->title);
    cp_schema_str(a, d, root, "subtitle", false, &cal->subtitle);
    cp_schema_str(a, d, root, "organisation", true, &cal->organisation);
    limit_length(&c, &cal->title, "title", 1000);
    limit_length(&c, &cal->subtitle, "subtitle", 1000);
    limit_length(&c, &cal->organisation, "organisation", 1000);
    cp_schema_int(d, root, "year", true, CP_YEAR_MIN, CP_YEAR_MAX, &cal->year, &cal->year_pos);
    cal->language.s = "en";
    cal->language.pos = root->pos;
    read_language(&c, root, &cal->language);
    if (!cal->language.s)
        cal->language.s = "en";
    static const char *const starts[] = {"monday", "sunday", NULL};
    int ws = 0;
    cp_schema_enum(d, root, "week_start", starts, &ws);
    cal->week_start = (cp_week_start)ws;
    cp_schema_date(d, root, "date", false, &cal->build_date, &cal->build_date_pos);

    cp_schema_str(a, d, root, "version", false, &cal->version);
    const cp_node *oi = cp_node_lookup(root, "output_intent");
    static const char *const oi_keys[] = {"profile", "condition", NULL};
    if (oi && cp_schema_map(d, oi, "'output_intent'", oi_keys)) {
        const cp_node *pf = cp_node_lookup(oi, "profile");
        if (!pf)
            cp_error(d, oi->pos, "missing required key 'profile' (an .icc file)");
        else
            resolve_file(&c, pf, "profile", cal->dir, &cal->icc_profile, "ICC profile");
        cp_schema_str(a, d, oi, "condition", false, &cal->icc_condition);
    }
    const cp_node *np = cp_node_lookup(root, "never_print");
    if (np)
        resolve_file(&c, np, "never_print", cal->dir, &cal->never_print, "never-print list");
    read_layouts(&c, root, data_dirs);
    /* A layout made for another language sets the calendar's unless the manifest names one. */
    if (!cp_node_lookup(root, "language") && cal->layout.language_pos.file)
        cal->language = (cp_str){.s = cal->layout.language, .pos = cal->layout.language_pos};
    cp_holidays_load(a, d, cal, root);

    const cp_node *cover = cp_node_lookup(root, "cover");
    static const char *const cover_keys[] = {"photo", "photo_focus", "photo_credit", "fit", NULL};
    if (!cover)
        cp_error(d, root->pos, "missing required key 'cover' (with the cover 'photo')");
    else if (cp_schema_map(d, cover, "'cover'", cover_keys))
        read_photo(&c, cover, cal->dir, &cal->cover_photo, true);

    read_months(&c, root);

    const cp_node *back = cp_node_lookup(root, "back");
    static const char *const back_keys[] = {"about", "footnote", NULL};
    if (back && cp_schema_map(d, back, "'back'", back_keys)) {
        cp_schema_str(a, d, back, "about", false, &cal->back_about);
        cp_schema_str(a, d, back, "footnote", false, &cal->back_footnote);
        limit_length(&c, &cal->back_about, "about", CP_MAX_STORY_TEXT);
        limit_length(&c, &cal->back_footnote, "footnote", 2000);
        check_stars(&c, back, "about", NULL, 0, NULL);
    }
    read_press(&c, root);
    read_output(&c, root);

    if (d->n_errors != errors_before)
        goto fail;
    *out = *cal;
    free(cal);
    return true;
fail:
    cp_calendar_finish(cal);
    free(cal);
    memset(out, 0, sizeof *out);
    return false;
}
