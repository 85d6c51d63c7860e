/* Typed reading of YAML nodes with positioned, specific diagnostics. */
#include "manifest/schema.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cp_node_kind_name(const cp_node *n)
{
    switch (n->kind) {
    case CP_NODE_MAP:
        return "a map";
    case CP_NODE_SEQ:
        return "a list";
    default:
        return cp_node_is_null(n) ? "empty" : "text";
    }
}

const char *cp_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t wl = strlen(word);
    for (const char *const *c = candidates; *c; c++) {
        size_t dist = cp_edit_distance(word, *c);
        if (dist < best_d) {
            best_d = dist;
            best = *c;
        }
    }
    /* A suggestion helps when it is a slip of the keyboard, not a different word. */
    size_t limit = wl <= 4 ? 1 : wl <= 8 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}

bool cp_schema_map(cp_diags *d, const cp_node *node, const char *what, const char *const *keys)
{
    if (node->kind != CP_NODE_MAP) {
        cp_error(d, node->pos, "%s must be a map of 'key: value' lines, not %s", what,
                 cp_node_kind_name(node));
        return false;
    }
    for (size_t i = 0; i < node->n; i++) {
        const cp_node *k = node->keys[i];
        bool known = false;
        for (const char *const *c = keys; *c; c++)
            if (strcmp(k->str, *c) == 0)
                known = true;
        if (known)
            continue;
        const char *s = cp_suggest(k->str, keys);
        if (s)
            cp_error(d, k->pos, "unknown key '%s' in %s; did you mean '%s'?", k->str, what, s);
        else
            cp_error(d, k->pos, "unknown key '%s' in %s", k->str, what);
    }
    return true;
}

static const cp_node *want(cp_diags *d, const cp_node *map, const char *key, bool required)
{
    const cp_node *v = cp_node_lookup(map, key);
    if (v && cp_node_is_null(v)) {
        if (required)
            cp_error(d, v->pos, "'%s' has no value", key);
        return NULL;
    }
    if (!v && required)
        cp_error(d, map->pos, "missing required key '%s'", key);
    return v;
}

bool cp_value_str(cp_arena *a, cp_diags *d, const cp_node *v, const char *key, cp_str *out)
{
    if (v->kind != CP_NODE_SCALAR) {
        cp_error(d, v->pos, "'%s' must be text, not %s", key, cp_node_kind_name(v));
        return false;
    }
    out->s = v->str;
    out->pos = v->pos;
    (void)a;
    return true;
}

bool cp_schema_str(cp_arena *a, cp_diags *d, const cp_node *map, const char *key, bool required,
                   cp_str *out)
{
    const cp_node *v = want(d, map, key, required);
    if (!v)
        return false;
    cp_str got;
    if (!cp_value_str(a, d, v, key, &got))
        return false;
    if (got.s[strspn(got.s, " \t\r\n")] == '\0') {
        /* An empty optional text is no text: `subtitle: ""` prints nothing, not a dash. */
        if (required)
            cp_error(d, v->pos, "'%s' is empty", key);
        return false;
    }
    *out = got;
    return true;
}

static bool parse_long(const char *s, long *out)
{
    if (!*s)
        return false;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || isspace((unsigned char)s[0]))
        return false;
    *out = v;
    return true;
}

bool cp_schema_int(cp_diags *d, const cp_node *map, const char *key, bool required, long min,
                   long max, int *out, cp_pos *pos)
{
    const cp_node *v = want(d, map, key, required);
    if (!v)
        return false;
    long n;
    if (v->kind != CP_NODE_SCALAR || !parse_long(v->str, &n)) {
        cp_error(d, v->pos, "'%s' must be a whole number (got %s%s%s)", key,
                 v->kind == CP_NODE_SCALAR ? "'" : "",
                 v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                 v->kind == CP_NODE_SCALAR ? "'" : "");
        return false;
    }
    if (n < min || n > max) {
        cp_error(d, v->pos, "'%s' must be %ld..%ld (got %ld)", key, min, max, n);
        return false;
    }
    *out = (int)n;
    if (pos)
        *pos = v->pos;
    return true;
}

bool cp_schema_bool(cp_diags *d, const cp_node *map, const char *key, bool *out)
{
    const cp_node *v = want(d, map, key, false);
    if (!v)
        return false;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", NULL};
    if (v->kind == CP_NODE_SCALAR) {
        for (const char *const *y = yes; *y; y++)
            if (strcmp(v->str, *y) == 0)
                return *out = true, true;
        for (const char *const *n = no; *n; n++)
            if (strcmp(v->str, *n) == 0)
                return *out = false, true;
    }
    cp_error(d, v->pos, "'%s' must be true or false (got %s%s%s)", key,
             v->kind == CP_NODE_SCALAR ? "'" : "",
             v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
             v->kind == CP_NODE_SCALAR ? "'" : "");
    return false;
}

bool cp_value_number(cp_diags *d, const cp_node *v, const char *key, double min, double max,
                     double *out)
{
    char *end = NULL;
    double x = 0;
    if (v->kind == CP_NODE_SCALAR && v->str[0]) {
        errno = 0;
        x = strtod(v->str, &end);
    }
    if (v->kind != CP_NODE_SCALAR || !end || *end || errno || !isfinite(x)) {
        cp_error(d, v->pos, "'%s' must be a number (got %s%s%s)", key,
                 v->kind == CP_NODE_SCALAR ? "'" : "",
                 v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                 v->kind == CP_NODE_SCALAR ? "'" : "");
        return false;
    }
    if (x < min || x > max) {
        cp_error(d, v->pos, "'%s' must be between %g and %g (got %g)", key, min, max, x);
        return false;
    }
    *out = x;
    return true;
}

bool cp_schema_number(cp_diags *d, const cp_node *map, const char *key, double min, double max,
                      double *out)
{
    const cp_node *v = want(d, map, key, false);
    return v && cp_value_number(d, v, key, min, max, out);
}

bool cp_parse_length(const char *s, double *out_pt)
{
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    if (end == s || errno || !isfinite(x))
        return false;
    while (*end == ' ')
        end++;
    double k;
    if (strcmp(end, "mm") == 0)
        k = CP_PT_PER_MM;
    else if (strcmp(end, "cm") == 0)
        k = 10 * CP_PT_PER_MM;
    else if (strcmp(end, "in") == 0)
        k = CP_PT_PER_IN;
    else if (strcmp(end, "pt") == 0)
        k = 1;
    else
        return false;
    *out_pt = x * k;
    return true;
}

bool cp_value_length(cp_diags *d, const cp_node *v, const char *key, double min_pt, double *out)
{
    double pt;
    if (v->kind != CP_NODE_SCALAR || !cp_parse_length(v->str, &pt)) {
        if (v->kind == CP_NODE_SCALAR && v->plain && strtod(v->str, NULL) != 0 &&
            strspn(v->str, "0123456789.-") == strlen(v->str))
            cp_error(d, v->pos, "'%s' needs a unit: write '%smm', '%spt' or '%sin'", key, v->str,
                     v->str, v->str);
        else
            cp_error(d, v->pos, "'%s' must be a length such as 3mm, 12pt or 0.125in (got %s%s%s)",
                     key, v->kind == CP_NODE_SCALAR ? "'" : "",
                     v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                     v->kind == CP_NODE_SCALAR ? "'" : "");
        return false;
    }
    if (pt < min_pt || pt > 10000) {
        cp_error(d, v->pos, "'%s' is out of range (got %s)", key, v->str);
        return false;
    }
    *out = pt;
    return true;
}

bool cp_schema_length(cp_diags *d, const cp_node *map, const char *key, double min_pt,
                      double *out_pt, cp_pos *pos)
{
    const cp_node *v = want(d, map, key, false);
    if (!v || !cp_value_length(d, v, key, min_pt, out_pt))
        return false;
    if (pos)
        *pos = v->pos;
    return true;
}

bool cp_schema_date(cp_diags *d, const cp_node *map, const char *key, bool required, cp_date *out,
                    cp_pos *pos)
{
    const cp_node *v = want(d, map, key, required);
    if (!v)
        return false;
    int y, m, dd;
    char tail;
    bool shape = v->kind == CP_NODE_SCALAR && strlen(v->str) == 10;
    for (int i = 0; shape && i < 10; i++)
        shape = (i == 4 || i == 7) ? v->str[i] == '-' : (v->str[i] >= '0' && v->str[i] <= '9');
    if (!shape || sscanf(v->str, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3) {
        cp_error(d, v->pos, "'%s' must be a date written YYYY-MM-DD (got %s%s%s)", key,
                 v->kind == CP_NODE_SCALAR ? "'" : "",
                 v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                 v->kind == CP_NODE_SCALAR ? "'" : "");
        return false;
    }
    cp_date dt = {y, m, dd};
    if (y < CP_YEAR_MIN || y > CP_YEAR_MAX) {
        cp_error(d, v->pos, "'%s': year %d is outside %d..%d", key, y, CP_YEAR_MIN, CP_YEAR_MAX);
        return false;
    }
    if (!cp_date_valid(dt)) {
        if (m < 1 || m > 12)
            cp_error(d, v->pos, "'%s': there is no month %d in %s", key, m, v->str);
        else
            cp_error(d, v->pos, "'%s': %s is not a date (month %d of %d has %d days)", key, v->str,
                     m, y, cp_date_days_in_month(y, m));
        return false;
    }
    *out = dt;
    if (pos)
        *pos = v->pos;
    return true;
}

bool cp_schema_enum(cp_diags *d, const cp_node *map, const char *key, const char *const *names,
                    int *out)
{
    const cp_node *v = want(d, map, key, false);
    if (!v)
        return false;
    if (v->kind == CP_NODE_SCALAR) {
        for (int i = 0; names[i]; i++)
            if (strcmp(v->str, names[i]) == 0)
                return *out = i, true;
    }
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        if (i)
            strncat(list, names[i + 1] ? ", " : " or ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    const char *s = v->kind == CP_NODE_SCALAR ? cp_suggest(v->str, names) : NULL;
    if (s)
        cp_error(d, v->pos, "'%s' must be %s (got '%s'); did you mean '%s'?", key, list, v->str, s);
    else
        cp_error(d, v->pos, "'%s' must be %s (got %s%s%s)", key, list,
                 v->kind == CP_NODE_SCALAR ? "'" : "",
                 v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                 v->kind == CP_NODE_SCALAR ? "'" : "");
    return false;
}
