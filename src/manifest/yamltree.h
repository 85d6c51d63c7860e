/* YAML files -> a tree of scalars, maps and sequences, each node with its source position. */
#ifndef CP_YAMLTREE_H
#define CP_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/inputs.h"

typedef enum cp_node_kind { CP_NODE_SCALAR, CP_NODE_MAP, CP_NODE_SEQ } cp_node_kind;

typedef struct cp_node cp_node;
struct cp_node {
    cp_node_kind kind;
    cp_pos pos;
    /* scalars */
    const char *str;
    size_t len;
    bool plain; /* unquoted: may be null/bool/number */
    /* Where the scalar's text starts, and whether its lines and columns are the file's (see
     * cp_node_text_pos). */
    int text_line, text_col;
    bool text_exact, text_block;
    /* maps: keys[i] -> vals[i]; sequences: vals[i] */
    cp_node **keys;
    cp_node **vals;
    size_t n;
};

/* Loads one YAML document from path. On failure reports diagnostics (syntax errors with libyaml's
 * context, invalid UTF-8, duplicate keys, aliases, excessive nesting) and returns NULL. `from`, if
 * it has a file, is where the file was named and is added as a note. An empty document gives an
 * empty map. The tree lives in the arena. */
cp_node *cp_yaml_load_file(cp_arena *a, cp_diags *d, const char *path, const cp_pos *from);
/* The same, recording the file in inputs (read, with its bytes' hash, or missing); inputs may be
 * NULL. */
cp_node *cp_yaml_load_input(cp_arena *a, cp_diags *d, const char *path, const cp_pos *from,
                            cp_inputs *inputs);
/* The same for a string already in memory, named `name` in messages. */
cp_node *cp_yaml_load_string(cp_arena *a, cp_diags *d, const char *name, const char *data,
                             size_t len);

/* A map's value for key, borrowed; NULL when absent or when map is not a map. */
const cp_node *cp_node_lookup(const cp_node *map, const char *key);
/* The file position of line:col (1-based, columns in characters) of a scalar's text: exact for
 * a literal block (|) or a value on one line, else the scalar's own position. */
cp_pos cp_node_text_pos(const cp_node *n, int line, int col);

/* True for a plain scalar spelled null, Null, NULL, ~ or empty. */
bool cp_node_is_null(const cp_node *n);

#endif
