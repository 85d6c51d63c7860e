/* YAML event stream -> positioned node tree (the only code besides manifest/ that sees yaml.h). */
#include "manifest/yamltree.h"
#include "base/util.h"
#include "base/utf8.h"

#include <errno.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64
#define MAX_NODES 200000

typedef struct loader {
    cp_arena *arena;
    cp_diags *diags;
    const char *file;
    const char *data; /* the input, for turning byte offsets into line:col */
    size_t len;
    yaml_parser_t parser;
    size_t n_nodes;
    bool failed;
} loader;

static cp_pos mark_pos(const loader *ld, yaml_mark_t m)
{
    cp_pos p = {ld->file, (int)m.line + 1, (int)m.column + 1};
    return p;
}

static void parser_error(loader *ld)
{
    yaml_parser_t *p = &ld->parser;
    const char *problem = p->problem ? p->problem : "invalid YAML";
    cp_pos pos = mark_pos(ld, p->problem_mark);
    if (p->error == YAML_READER_ERROR) {
        /* libyaml gives only a byte offset here (a control character, say): count it out. */
        pos.line = 1;
        pos.col = 1;
        size_t off = p->problem_offset < ld->len ? p->problem_offset : ld->len;
        size_t i = 0;
        if (off >= 3 && memcmp(ld->data, "\xEF\xBB\xBF", 3) == 0)
            i = 3; /* a byte-order mark is not a column */
        for (; i < off; i++) {
            unsigned char c = (unsigned char)ld->data[i];
            if (c == '\n') {
                pos.line++;
                pos.col = 1;
            } else if ((c & 0xC0) != 0x80) {
                pos.col++;
            }
        }
        if (p->problem_value >= 0 && p->problem_value < 0x20)
            cp_error(ld->diags, pos, "YAML: %s (U+%04X; a pasted line break or tab?)", problem,
                     (unsigned)p->problem_value);
        else
            cp_error(ld->diags, pos, "YAML: %s", problem);
    } else {
        cp_error(ld->diags, pos, "YAML syntax error: %s", problem);
        if (p->context)
            cp_note(ld->diags, mark_pos(ld, p->context_mark), "%s", p->context);
    }
    ld->failed = true;
}

static bool next_event(loader *ld, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ld->parser, ev)) {
        parser_error(ld);
        return false;
    }
    return true;
}

static cp_node *new_node(loader *ld, cp_node_kind kind, yaml_mark_t m)
{
    cp_node *n = cp_arena_alloc(ld->arena, sizeof *n);
    n->kind = kind;
    n->pos = mark_pos(ld, m);
    ld->n_nodes++;
    return n;
}

static bool scalar_equal(const cp_node *a, const cp_node *b)
{
    return a->kind == CP_NODE_SCALAR && b->kind == CP_NODE_SCALAR && a->len == b->len &&
           memcmp(a->str, b->str, a->len) == 0;
}

static cp_node *parse_node(loader *ld, yaml_event_t *ev, int depth);

/* Reads children until the closing event; ev is the opening event (already consumed). */
static cp_node *parse_collection(loader *ld, yaml_event_t *open, int depth)
{
    bool is_map = open->type == YAML_MAPPING_START_EVENT;
    cp_node *node = new_node(ld, is_map ? CP_NODE_MAP : CP_NODE_SEQ, open->start_mark);
    if (depth >= MAX_DEPTH) {
        cp_error(ld->diags, node->pos, "nesting deeper than %d levels", MAX_DEPTH);
        ld->failed = true;
        return NULL;
    }
    cp_node **keys = NULL, **vals = NULL;
    size_t n = 0, cap = 0, cap2 = 0;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(ld, &ev))
            goto fail;
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        cp_node *key = NULL;
        if (is_map) {
            key = parse_node(ld, &ev, depth + 1);
            yaml_event_delete(&ev);
            if (!key)
                goto fail;
            if (key->kind != CP_NODE_SCALAR) {
                cp_error(ld->diags, key->pos, "a key must be a plain name, not a %s",
                         key->kind == CP_NODE_MAP ? "map" : "list");
                ld->failed = true;
            }
            if (!next_event(ld, &ev))
                goto fail;
        }
        cp_node *val = parse_node(ld, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!val)
            goto fail;
        if (is_map) {
            for (size_t i = 0; i < n; i++) {
                if (scalar_equal(keys[i], key)) {
                    cp_error(ld->diags, key->pos, "duplicate key '%s'", key->str);
                    cp_note(ld->diags, keys[i]->pos, "'%s' first appears here", key->str);
                    /* Reported, and the tree goes on (lookups find the first value), so that
                     * the errors of the files the manifest names are not hidden behind it. */
                    break;
                }
            }
            cp_grow((void **)&keys, &cap, n + 1, sizeof *keys);
            keys[n] = key;
        }
        cp_grow((void **)&vals, &cap2, n + 1, sizeof *vals);
        vals[n++] = val;
        if (ld->n_nodes > MAX_NODES) {
            cp_error(ld->diags, node->pos, "document has more than %d values", MAX_NODES);
            ld->failed = true;
            goto fail;
        }
    }
    node->n = n;
    node->vals = cp_arena_alloc(ld->arena, (n ? n : 1) * sizeof *vals);
    if (n)
        memcpy(node->vals, vals, n * sizeof *vals);
    if (is_map) {
        node->keys = cp_arena_alloc(ld->arena, (n ? n : 1) * sizeof *keys);
        if (n)
            memcpy(node->keys, keys, n * sizeof *keys);
    }
    free(keys);
    free(vals);
    return node;
fail:
    free(keys);
    free(vals);
    return NULL;
}

/* Where a scalar's text starts in the file, and whether its lines and columns map one to one
 * onto the file's: a literal block (|), whose lines keep their place, or a value on one line
 * without escapes. Folded and multi-line flow scalars join lines, so they map only to n->pos. */
static void text_position(const loader *ld, const yaml_event_t *ev, cp_node *n)
{
    yaml_scalar_style_t style = ev->data.scalar.style;
    yaml_mark_t a = ev->start_mark, b = ev->end_mark;
    n->text_line = n->pos.line;
    n->text_col = n->pos.col;
    if (style == YAML_LITERAL_SCALAR_STYLE) {
        /* The text starts on the line after the indicator; its indentation is that of the
         * first line that is not blank (blank lines before it stay in the value). */
        size_t i = a.index;
        while (i < ld->len && ld->data[i] != '\n')
            i++;
        size_t indent = 0;
        while (++i < ld->len) {
            size_t k = 0;
            while (i + k < ld->len && ld->data[i + k] == ' ')
                k++;
            if (i + k < ld->len && ld->data[i + k] != '\n' && ld->data[i + k] != '\r') {
                indent = k;
                break;
            }
            i += k;
        }
        n->text_line = (int)a.line + 2;
        n->text_col = (int)indent + 1;
        n->text_exact = n->text_block = indent > 0;
        return;
    }
    char escape = style == YAML_SINGLE_QUOTED_SCALAR_STYLE   ? '\''
                  : style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ? '\\'
                                                             : '\0';
    size_t inner = b.index > a.index + 2 ? b.index - a.index - 2 : 0;
    if (a.line == b.line &&
        (style == YAML_PLAIN_SCALAR_STYLE ||
         ((escape == '\'' || escape == '\\') && !memchr(ld->data + a.index + 1, escape, inner)))) {
        n->text_col = n->pos.col + (style != YAML_PLAIN_SCALAR_STYLE);
        n->text_exact = true;
    }
}

cp_pos cp_node_text_pos(const cp_node *n, int line, int col)
{
    if (!n->text_exact || line < 1 || col < 1 || (line > 1 && !n->text_block))
        return n->pos;
    return (cp_pos){n->pos.file, n->text_line + line - 1, n->text_col + col - 1};
}

static cp_node *parse_node(loader *ld, yaml_event_t *ev, int depth)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        cp_node *n = new_node(ld, CP_NODE_SCALAR, ev->start_mark);
        n->str = cp_arena_strndup(ld->arena, (const char *)ev->data.scalar.value,
                                  ev->data.scalar.length);
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        text_position(ld, ev, n);
        if (strlen(n->str) != n->len) {
            cp_error(ld->diags, n->pos, "text contains a NUL character");
            ld->failed = true;
        }
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return parse_collection(ld, ev, depth);
    case YAML_ALIAS_EVENT:
        /* Most often a pseudonym's asterisk at the start of an unquoted value: "name: *Neha". */
        cp_error(ld->diags, mark_pos(ld, ev->start_mark),
                 "YAML reads *%s as an alias, and calpress files use none: if this is text (a "
                 "pseudonym's asterisk), put the whole value in quotes: \"*%s ...\"",
                 (const char *)ev->data.alias.anchor, (const char *)ev->data.alias.anchor);
        ld->failed = true;
        return NULL;
    default:
        cp_error(ld->diags, mark_pos(ld, ev->start_mark), "unexpected YAML structure");
        ld->failed = true;
        return NULL;
    }
}

cp_node *cp_yaml_load_string(cp_arena *a, cp_diags *d, const char *name, const char *data,
                             size_t len)
{
    int line, col;
    unsigned char byte;
    if (!cp_utf8_check(data, len, &line, &col, &byte)) {
        cp_pos pos = {name, line, col};
        if (byte == 0)
            cp_error(d, pos, "file contains a NUL byte (is it a YAML text file?)");
        else
            cp_error(d, pos, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", byte);
        return NULL;
    }
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.arena = a;
    ld.diags = d;
    ld.file = name;
    if (!yaml_parser_initialize(&ld.parser)) {
        cp_error(d, cp_pos_file(name), "cannot initialise the YAML parser");
        return NULL;
    }
    ld.data = data;
    ld.len = len;
    /* libyaml detects the encoding itself and skips a byte-order mark ("UTF-8 with BOM"). */
    yaml_parser_set_input_string(&ld.parser, (const unsigned char *)data, len);
    cp_node *root = NULL;
    yaml_event_t ev;
    bool done = false;
    int docs = 0;
    while (!done && next_event(&ld, &ev)) {
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                cp_error(d, mark_pos(&ld, ev.start_mark),
                         "a calpress file holds one YAML document; remove the second '---'");
                ld.failed = true;
                done = true;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
            root = parse_node(&ld, &ev, 0);
            if (!root)
                done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&ld.parser);
    if (ld.failed)
        return NULL;
    if (!root || (root->kind == CP_NODE_SCALAR && cp_node_is_null(root))) {
        root = cp_arena_alloc(a, sizeof *root);
        root->kind = CP_NODE_MAP;
        root->pos = (cp_pos){name, 1, 1};
    }
    return root;
}

cp_node *cp_yaml_load_file(cp_arena *a, cp_diags *d, const char *path, const cp_pos *from)
{
    return cp_yaml_load_input(a, d, path, from, NULL);
}

cp_node *cp_yaml_load_input(cp_arena *a, cp_diags *d, const char *path, const cp_pos *from,
                            cp_inputs *inputs)
{
    size_t len = 0;
    cp_file_error err;
    char *data = cp_file_read(path, &cp_file_yaml, &len, &err);
    if (!data) {
        cp_inputs_note(inputs, path, false);
        if (from && from->file)
            cp_error(d, *from, "cannot read '%s': %s", path, err.text);
        else
            cp_error(d, cp_pos_file(path), "cannot read file: %s", err.text);
        return NULL;
    }
    cp_inputs_read(inputs, path, data, len);
    const char *name = cp_arena_strdup(a, path);
    size_t before = d->n_errors;
    cp_node *root = cp_yaml_load_string(a, d, name, data, len);
    if (!root && from && from->file && d->n_errors > before)
        cp_note(d, *from, "'%s' is named here", path);
    free(data);
    return root;
}

const cp_node *cp_node_lookup(const cp_node *map, const char *key)
{
    if (!map || map->kind != CP_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->vals[i];
    return NULL;
}

bool cp_node_is_null(const cp_node *n)
{
    if (n->kind != CP_NODE_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}
