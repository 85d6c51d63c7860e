/* cp_yaml_load_string: positions, the rejected YAML features and the limits. */
#include "harness.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "manifest/yamltree.h"

#include <stdlib.h>

/* Every kept diagnostic as "LINE:COL: severity: message" lines (caller frees). */
static char *diag_text(const cp_diags *d)
{
    static const char *sev[] = {"note", "warning", "error"};
    cp_strbuf b;
    cp_strbuf_init(&b);
    for (size_t i = 0; i < d->n; i++)
        cp_strbuf_printf(&b, "%d:%d: %s: %s\n", d->items[i].line, d->items[i].col,
                         sev[d->items[i].sev], d->items[i].msg);
    return cp_strbuf_steal(&b);
}

#define CHECK_POS(node, l, c)                                                                      \
    CHECK((node) && (node)->pos.line == (l) && (node)->pos.col == (c), "%s at %d:%d, want %d:%d",  \
          #node, (node) ? (node)->pos.line : -1, (node) ? (node)->pos.col : -1, (l), (c))

static cp_node *load(cp_arena *a, cp_diags *d, const char *s)
{
    return cp_yaml_load_string(a, d, "t.yaml", s, strlen(s));
}

static void test_positions(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    const char *src = "# a comment\n"
                      "story:\n"
                      "  title: Hello\n"
                      "  items:\n"
                      "    - one\n"
                      "    - two: 2\n"
                      "      three: \"3\"\n"
                      "flow: {x: 1, y: [a, b]}\n";
    cp_node *root = load(&a, &d, src);
    CHECK(root && root->kind == CP_NODE_MAP && root->n == 2, "root map of 2");
    CHECK_INT(d.n, 0);
    if (!root || root->n != 2) {
        cp_diags_finish(&d);
        cp_arena_finish(&a);
        return;
    }
    CHECK_STR(root->pos.file, "t.yaml");
    CHECK_POS(root, 2, 1);
    CHECK_POS(root->keys[0], 2, 1);
    CHECK_STR(root->keys[0]->str, "story");
    const cp_node *story = root->vals[0];
    CHECK(story->kind == CP_NODE_MAP && story->n == 2, "story map");
    CHECK_POS(story, 3, 3);
    CHECK_POS(story->keys[0], 3, 3);
    const cp_node *title = cp_node_lookup(story, "title");
    CHECK_POS(title, 3, 10);
    CHECK(title && title->kind == CP_NODE_SCALAR && title->plain &&
              strcmp(title->str, "Hello") == 0 && title->len == 5,
          "title scalar");
    CHECK_POS(story->keys[1], 4, 3);
    const cp_node *items = cp_node_lookup(story, "items");
    CHECK(items && items->kind == CP_NODE_SEQ && items->n == 2, "items list of 2");
    CHECK_POS(items, 5, 5);
    if (items && items->n == 2) {
        CHECK_POS(items->vals[0], 5, 7);
        const cp_node *m = items->vals[1];
        CHECK(m->kind == CP_NODE_MAP && m->n == 2, "second item is a map");
        CHECK_POS(m, 6, 7);
        CHECK_POS(m->keys[0], 6, 7);
        CHECK_POS(m->vals[0], 6, 12);
        CHECK_POS(m->keys[1], 7, 7);
        CHECK_POS(m->vals[1], 7, 14);
        CHECK(!m->vals[1]->plain && strcmp(m->vals[1]->str, "3") == 0, "quoted scalar");
        CHECK(m->vals[0]->plain, "plain scalar");
    }
    const cp_node *flow = cp_node_lookup(root, "flow");
    CHECK_POS(root->keys[1], 8, 1);
    CHECK_POS(flow, 8, 7);
    const cp_node *y = cp_node_lookup(flow, "y");
    CHECK_POS(y, 8, 17);
    if (y && y->kind == CP_NODE_SEQ && y->n == 2)
        CHECK_POS(y->vals[1], 8, 21);
    CHECK(cp_node_lookup(root, "missing") == NULL, "lookup of a missing key");
    CHECK(cp_node_lookup(title, "x") == NULL, "lookup in a scalar");

    /* Columns count characters, not bytes: 3 Bengali code points (9 bytes) before "b". */
    cp_node *bn = load(&a, &d, "{\xE0\xA6\xA8\xE0\xA6\xBE\xE0\xA6\xAE: 1, b: 2}");
    CHECK(bn && bn->kind == CP_NODE_MAP && bn->n == 2, "Bengali flow map");
    if (bn && bn->n == 2) {
        CHECK_POS(bn->keys[1], 1, 10);
        CHECK_POS(bn->vals[1], 1, 13);
    }
    CHECK_INT(d.n, 0);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_nulls_and_scalars(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = load(&a, &d, "a: ~\nb: null\nc:\nd: ''\ne: NULL\nf: x\n");
    CHECK(root && root->n == 6, "six keys");
    if (root && root->n == 6) {
        CHECK(cp_node_is_null(root->vals[0]), "~");
        CHECK(cp_node_is_null(root->vals[1]), "null");
        CHECK(cp_node_is_null(root->vals[2]), "empty value");
        CHECK(!cp_node_is_null(root->vals[3]), "quoted empty string is not null");
        CHECK(cp_node_is_null(root->vals[4]), "NULL");
        CHECK(!cp_node_is_null(root->vals[5]), "x");
    }
    /* Block scalars keep their newlines. */
    root = load(&a, &d, "body: |\n  line one\n  line two\n");
    const cp_node *body = cp_node_lookup(root, "body");
    CHECK(body && strcmp(body->str, "line one\nline two\n") == 0 && !body->plain, "literal block");
    CHECK_INT(d.n, 0);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_duplicate_keys(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = load(&a, &d, "name: Neha\nbody: x\nname: Shefali\n");
    /* Reported as an error, but the tree comes back (the first value wins), so that the loader
     * goes on and reports the errors of the files the manifest names too. */
    CHECK(root != NULL, "a duplicate key is reported, and the tree still comes back");
    CHECK(d.n_errors == 1, "a duplicate key is an error");
    CHECK_STR(cp_node_lookup(root, "name")->str, "Neha");
    char *got = diag_text(&d);
    CHECK_STR(got, "3:1: error: duplicate key 'name'\n"
                   "1:1: note: 'name' first appears here\n");
    free(got);
    CHECK_STR(d.items[0].file, "t.yaml");
    cp_diags_finish(&d);

    /* nested, and every duplicate is reported */
    cp_diags_init(&d);
    root = load(&a, &d, "outer:\n  k: 1\n  j: 2\n  k: 3\n  j: 4\n");
    CHECK(root != NULL && d.n_errors == 2, "nested duplicates: two errors, the tree comes back");
    got = diag_text(&d);
    CHECK_STR(got, "4:3: error: duplicate key 'k'\n"
                   "2:3: note: 'k' first appears here\n"
                   "5:3: error: duplicate key 'j'\n"
                   "3:3: note: 'j' first appears here\n");
    free(got);
    cp_diags_finish(&d);

    /* the same key in different maps is fine; so are equal values */
    cp_diags_init(&d);
    root = load(&a, &d, "a: {k: 1}\nb: {k: 1}\n");
    CHECK(root != NULL && d.n == 0, "same key in sibling maps");
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_aliases(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = load(&a, &d, "a: &x 1\nb: *x\n");
    CHECK(root == NULL, "an alias fails the load");
    char *got = diag_text(&d);
    CHECK_STR(got, "2:4: error: YAML reads *x as an alias, and calpress files use none: if this is "
                   "text (a pseudonym's asterisk), put the whole value in quotes: \"*x ...\"\n");
    free(got);
    cp_diags_finish(&d);

    /* an alias as the whole document, and a merge key */
    cp_diags_init(&d);
    CHECK(load(&a, &d, "base: &b {x: 1}\nderived:\n  <<: *b\n") == NULL, "merge key alias");
    CHECK_INT(d.n_errors, 1);
    cp_diags_finish(&d);
    /* an anchor without an alias is harmless */
    cp_diags_init(&d);
    root = load(&a, &d, "a: &x 1\n");
    CHECK(root && d.n == 0, "anchor alone");
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

/* n nested flow sequences around a scalar: "[[[x]]]" for n = 3. */
static char *nested(int n)
{
    char *s = cp_xmalloc((size_t)n * 2 + 2);
    memset(s, '[', (size_t)n);
    s[n] = 'x';
    memset(s + n + 1, ']', (size_t)n);
    s[2 * n + 1] = '\0';
    return s;
}

static void test_nesting(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;

    cp_diags_init(&d);
    char *s = nested(200);
    cp_node *root = load(&a, &d, s);
    CHECK(root == NULL, "200 levels rejected");
    CHECK_INT(d.n_errors, 1);
    char *msg = diag_text(&d);
    /* reported at the first collection past the limit (the 66th '[' today; see the 65 case) */
    CHECK(strstr(msg, ": error: nesting deeper than 64 levels\n") != NULL && d.n == 1 &&
              d.items[0].line == 1,
          "got %s", msg);
    free(msg);
    free(s);
    cp_diags_finish(&d);

    /* 64 levels load, and the innermost value is reachable */
    cp_diags_init(&d);
    s = nested(64);
    root = load(&a, &d, s);
    CHECK(root != NULL && d.n == 0, "64 levels load");
    int depth = 0;
    const cp_node *n = root;
    while (n && n->kind == CP_NODE_SEQ && n->n == 1) {
        depth++;
        n = n->vals[0];
    }
    CHECK_INT(depth, 64);
    CHECK(n && n->kind == CP_NODE_SCALAR && strcmp(n->str, "x") == 0, "innermost scalar");
    free(s);
    cp_diags_finish(&d);

    /* 66 levels are refused today */
    cp_diags_init(&d);
    s = nested(66);
    CHECK(load(&a, &d, s) == NULL && d.n_errors == 1, "66 levels rejected");
    free(s);
    cp_diags_finish(&d);

    /* the limit: a 65th level is "nesting deeper than 64 levels" */
    cp_diags_init(&d);
    s = nested(65);
    root = load(&a, &d, s);
    CHECK(root == NULL, "65 levels: loaded without an error, but the limit is 64");
    free(s);
    cp_diags_finish(&d);

    /* block maps nest the same way: 100 levels of "k:" */
    cp_diags_init(&d);
    cp_strbuf b;
    cp_strbuf_init(&b);
    for (int i = 0; i < 100; i++) {
        for (int j = 0; j < i; j++)
            cp_strbuf_putc(&b, ' ');
        cp_strbuf_puts(&b, "k:\n");
    }
    root = load(&a, &d, b.data);
    CHECK(root == NULL && d.n_errors == 1, "100 levels of block maps rejected");
    cp_strbuf_finish(&b);
    cp_diags_finish(&d);

    /* very deep input (libyaml recursion is not ours, but it must not crash either) */
    cp_diags_init(&d);
    s = nested(10000);
    root = load(&a, &d, s);
    CHECK(root == NULL && d.n_errors >= 1, "10000 levels rejected");
    free(s);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_big_scalar(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    size_t big = 1u << 20;
    cp_strbuf b;
    cp_strbuf_init(&b);
    cp_strbuf_puts(&b, "body: ");
    for (size_t i = 0; i < big; i++)
        cp_strbuf_putc(&b, (char)('a' + i % 26));
    cp_strbuf_puts(&b, "\nafter: 1\n");
    cp_node *root = cp_yaml_load_string(&a, &d, "big.yaml", b.data, b.len);
    CHECK(root != NULL && d.n == 0, "a 1 MiB scalar loads");
    const cp_node *body = cp_node_lookup(root, "body");
    CHECK(body && body->len == big && strlen(body->str) == big && body->str[0] == 'a' &&
              body->str[big - 1] == (char)('a' + (big - 1) % 26),
          "1 MiB scalar intact (len %zu)", body ? body->len : 0);
    CHECK_POS(cp_node_lookup(root, "after"), 2, 8);
    cp_strbuf_finish(&b);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_too_many_values(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_strbuf b;
    cp_strbuf_init(&b);
    cp_strbuf_putc(&b, '[');
    for (int i = 0; i < 200001; i++)
        cp_strbuf_puts(&b, "0,");
    cp_strbuf_putc(&b, ']');
    cp_node *root = load(&a, &d, b.data);
    CHECK(root == NULL, "more than 200000 values rejected");
    char *got = diag_text(&d);
    CHECK_STR(got, "1:1: error: document has more than 200000 values\n");
    free(got);
    cp_strbuf_finish(&b);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_empty_and_documents(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    static const char *const empties[] = {"",      "\n\n",    "# only a comment\n",
                                          "---\n", "--- ~\n", "null\n"};
    for (size_t i = 0; i < CP_ARRAY_LEN(empties); i++) {
        cp_node *root = load(&a, &d, empties[i]);
        CHECK(root && root->kind == CP_NODE_MAP && root->n == 0,
              "empty document %zu gives an empty map", i);
        if (root)
            CHECK_STR(root->pos.file, "t.yaml");
    }
    CHECK_INT(d.n, 0);
    cp_node *root = cp_yaml_load_string(&a, &d, "zero.yaml", "", 0);
    CHECK(root && root->kind == CP_NODE_MAP && root->n == 0, "zero-length input");
    CHECK_POS(root, 1, 1);
    /* explicit start and end markers around one document are fine */
    root = load(&a, &d, "---\na: 1\n...\n");
    CHECK(root && root->n == 1 && d.n == 0, "one explicit document");
    cp_diags_finish(&d);

    cp_diags_init(&d);
    root = load(&a, &d, "a: 1\n---\nb: 2\n");
    CHECK(root == NULL, "a second document fails the load");
    char *got = diag_text(&d);
    CHECK_STR(got,
              "2:1: error: a calpress file holds one YAML document; remove the second '---'\n");
    free(got);
    cp_diags_finish(&d);

    cp_diags_init(&d);
    root = load(&a, &d, "---\na: 1\n---\n");
    CHECK(root == NULL && d.n_errors == 1, "an empty second document is still a second document");
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_invalid_utf8(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = load(&a, &d, "a: 1\nb: caf\xE9\n");
    CHECK(root == NULL, "invalid UTF-8 fails the load");
    char *got = diag_text(&d);
    CHECK_STR(got, "2:7: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8\n");
    free(got);
    CHECK(d.n == 1 && strcmp(d.items[0].file, "t.yaml") == 0, "named after the input");
    cp_diags_finish(&d);

    /* after non-ASCII text, in a later line: columns in characters */
    cp_diags_init(&d);
    root = load(&a, &d, "x: 1\ny: 2\nname: \xE0\xA6\xA8\xE0\xA6\xBE\xE0\xA6\xAE\xED\xA0\x80\n");
    got = diag_text(&d);
    CHECK_STR(got, "3:10: error: invalid UTF-8 (byte 0xed); save the file as UTF-8\n");
    free(got);
    cp_diags_finish(&d);

    cp_diags_init(&d);
    root = cp_yaml_load_string(&a, &d, "t.yaml", "a: 1\nb: x\0y\n", 11);
    CHECK(root == NULL, "a NUL byte fails the load");
    got = diag_text(&d);
    CHECK_STR(got, "2:5: error: file contains a NUL byte (is it a YAML text file?)\n");
    free(got);
    cp_diags_finish(&d);

    /* a quoted "\0" escape makes a NUL inside a scalar: also refused */
    cp_diags_init(&d);
    root = load(&a, &d, "a: \"x\\0y\"\n");
    CHECK(root == NULL, "an escaped NUL fails the load");
    got = diag_text(&d);
    CHECK_STR(got, "1:4: error: text contains a NUL character\n");
    free(got);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

static void test_syntax_errors(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    CHECK(load(&a, &d, "a: [1, 2\n") == NULL, "unclosed flow sequence");
    CHECK(d.n_errors == 1 && d.n >= 1 && d.items[0].line >= 1 &&
              strncmp(d.items[0].msg, "YAML syntax error: ", 19) == 0,
          "one positioned syntax error");
    cp_diags_finish(&d);

    cp_diags_init(&d);
    CHECK(load(&a, &d, "a: 1\n b: 2\nc\n") == NULL, "bad indentation");
    CHECK(d.n_errors == 1, "one syntax error");
    cp_diags_finish(&d);

    cp_diags_init(&d);
    CHECK(load(&a, &d, "? [a, b]\n: 1\n") == NULL, "a list as a key");
    char *got = diag_text(&d);
    CHECK_STR(got, "1:3: error: a key must be a plain name, not a list\n");
    free(got);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

/* A UTF-8 byte order mark (Windows Notepad's "UTF-8 with BOM") starts a valid YAML stream; it is
 * not a character of the first line, so positions are as if it were absent. */
static void test_bom(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = load(&a, &d,
                         "\xEF\xBB\xBF"
                         "a: 1\nb: 2\n");
    char *got = diag_text(&d);
    CHECK(root != NULL && d.n == 0, "a file starting with a BOM loads; got:\n%s", got);
    free(got);
    CHECK(root && root->kind == CP_NODE_MAP && root->n == 2, "two keys after a BOM");
    if (root && root->kind == CP_NODE_MAP && root->n == 2) {
        CHECK_POS(root->keys[0], 1, 1);
        CHECK_POS(root->vals[0], 1, 4);
        CHECK_POS(root->keys[1], 2, 1);
    }
    cp_diags_finish(&d);

    /* the invalid-UTF-8 column does not count the BOM either: "a: caf" is 6 characters */
    cp_diags_init(&d);
    root = load(&a, &d,
                "\xEF\xBB\xBF"
                "a: caf\xE9\n");
    got = diag_text(&d);
    CHECK_STR(got, "1:7: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8\n");
    free(got);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
}

/* Control characters are valid UTF-8 that libyaml refuses (a reader error, which comes with a
 * byte offset only). A vertical tab is what Word's line break (Shift+Enter) pastes as. The
 * diagnostic still needs a line and column. */
static void test_control_characters(void)
{
    cp_arena a;
    cp_arena_init(&a);
    static const struct {
        const char *src;
        int line, col;
    } cases[] = {
        {"a: 1\nb: line\x0Bnext\n", 2, 8}, /* vertical tab */
        {"a: 1\nb: x\x01y\n", 2, 5},
        {"a: 1\nb: x\x7Fy\n", 2, 5},             /* DEL */
        {"a: 1\nb: \"x\xEF\xBF\xBEy\"\n", 2, 6}, /* U+FFFE */
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(cases); i++) {
        cp_diags d;
        cp_diags_init(&d);
        cp_node *root = load(&a, &d, cases[i].src);
        CHECK(root == NULL && d.n_errors == 1, "control character case %zu refused", i);
        if (d.n >= 1)
            CHECK(d.items[0].line == cases[i].line && d.items[0].col == cases[i].col,
                  "control character case %zu reported at %d:%d (\"%s\"), want %d:%d", i,
                  d.items[0].line, d.items[0].col, d.items[0].msg, cases[i].line, cases[i].col);
        cp_diags_finish(&d);
    }
    cp_arena_finish(&a);
}

int main(void)
{
    test_positions();
    test_nulls_and_scalars();
    test_duplicate_keys();
    test_aliases();
    test_nesting();
    test_big_scalar();
    test_too_many_values();
    test_empty_and_documents();
    test_invalid_utf8();
    test_syntax_errors();
    test_bom();
    test_control_characters();
    return cp_test_summary("unit/yamltree");
}
