/* Typed, positioned reading of YAML nodes: every failure is a diagnostic at the value's place. */
#ifndef CP_SCHEMA_H
#define CP_SCHEMA_H

#include <stdbool.h>

#include "base/diag.h"
#include "manifest/yamltree.h"
#include "model/calendar.h"

/* Checks that node is a map whose keys are all in `keys` (NULL-terminated). Unknown keys are
 * errors with a "did you mean" suggestion. `what` names the map in messages ("story"). Returns
 * false if node is not a map. */
bool cp_schema_map(cp_diags *d, const cp_node *node, const char *what, const char *const *keys);

/* Readers for map[key]. A missing key is an error when required, otherwise leaves *out untouched
 * and returns false. Each returns true when it stored a value. */
bool cp_schema_str(cp_arena *a, cp_diags *d, const cp_node *map, const char *key, bool required,
                   cp_str *out);
bool cp_schema_int(cp_diags *d, const cp_node *map, const char *key, bool required, long min,
                   long max, int *out, cp_pos *pos);
bool cp_schema_bool(cp_diags *d, const cp_node *map, const char *key, bool *out);
bool cp_schema_number(cp_diags *d, const cp_node *map, const char *key, double min, double max,
                      double *out);
/* A length with a unit: "3mm", "0.125in", "12pt", "1.5 cm"; stored in points. */
bool cp_schema_length(cp_diags *d, const cp_node *map, const char *key, double min_pt,
                      double *out_pt, cp_pos *pos);
/* YYYY-MM-DD, a real date between 1583 and 9999. */
bool cp_schema_date(cp_diags *d, const cp_node *map, const char *key, bool required, cp_date *out,
                    cp_pos *pos);
/* One of names (NULL-terminated); stores the index. */
bool cp_schema_enum(cp_diags *d, const cp_node *map, const char *key, const char *const *names,
                    int *out);

/* Node-level forms of the same checks. */
bool cp_value_length(cp_diags *d, const cp_node *v, const char *key, double min_pt, double *out);
bool cp_value_number(cp_diags *d, const cp_node *v, const char *key, double min, double max,
                     double *out);
bool cp_value_str(cp_arena *a, cp_diags *d, const cp_node *v, const char *key, cp_str *out);

/* Parses "12mm" etc. without diagnostics; false if malformed. */
bool cp_parse_length(const char *s, double *out_pt);

/* The closest of candidates to word (for "did you mean"), or NULL. */
const char *cp_suggest(const char *word, const char *const *candidates);

/* A kind name for messages: "text", "a map", "a list". */
const char *cp_node_kind_name(const cp_node *n);

#endif
