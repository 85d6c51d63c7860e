/* The build record as JSON: written by hand (one frame a line, so the file reads and diffs well),
 * read back with json-c in strict mode. */
#define _POSIX_C_SOURCE 200809L
#include "base/hash.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "record/record.h"

#include <errno.h>
#include <glib.h>
#include <json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_NAME "calpress build record"

/* A JSON string: quotes, backslashes and control characters escaped; bytes that are not UTF-8
 * (a file name can hold anything) become U+FFFD. */
static void put_string(cp_strbuf *b, const char *s)
{
    if (!s) {
        cp_strbuf_puts(b, "null");
        return;
    }
    char *valid = g_utf8_make_valid(s, -1);
    cp_strbuf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
        if (*p == '"' || *p == '\\')
            cp_strbuf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            cp_strbuf_puts(b, "\\n");
        else if (*p == '\t')
            cp_strbuf_puts(b, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            cp_strbuf_printf(b, "\\u%04x", *p);
        else
            cp_strbuf_putc(b, (char)*p);
    }
    cp_strbuf_putc(b, '"');
    g_free(valid);
}

static void put_hash(cp_strbuf *b, uint64_t v)
{
    char hex[17];
    cp_strbuf_printf(b, "\"%s\"", cp_hash_hex(v, hex));
}

static void put_frame(cp_strbuf *b, const cp_rec_frame *f)
{
    cp_strbuf_puts(b, "{\"name\": ");
    put_string(b, f->name);
    cp_strbuf_puts(b, ", \"frame\": ");
    put_string(b, f->frame);
    cp_strbuf_puts(b, ", \"source\": ");
    put_string(b, f->source);
    const char *keys[] = {"hash", "text", "style", "geometry", "crop"};
    uint64_t vals[] = {f->hash, f->text, f->style, f->geometry, f->crop};
    for (size_t i = 0; i < CP_ARRAY_LEN(keys); i++) {
        cp_strbuf_printf(b, ", \"%s\": ", keys[i]);
        put_hash(b, vals[i]);
    }
    cp_strbuf_puts(b, ", \"photo\": ");
    if (f->has_photo)
        put_hash(b, f->photo);
    else
        cp_strbuf_puts(b, "null");
    cp_strbuf_printf(b, ", \"lines\": %d}", f->lines);
}

static void put_doc(cp_strbuf *b, const cp_rec_doc *d)
{
    cp_strbuf_puts(b, "    {\n      \"kind\": ");
    put_string(b, d->kind);
    cp_strbuf_puts(b, ",\n      \"file\": ");
    put_string(b, d->file);
    cp_strbuf_puts(b, ",\n      \"pdf\": ");
    if (d->have_pdf) {
        cp_strbuf_printf(b, "{\"bytes\": %lld, \"mtime_s\": %lld, \"mtime_ns\": %lld, \"hash\": ",
                         d->pdf_bytes, d->pdf_mtime_s, d->pdf_mtime_ns);
        put_hash(b, d->pdf_hash);
        cp_strbuf_putc(b, '}');
    } else {
        cp_strbuf_puts(b, "null");
    }
    cp_strbuf_puts(b, ",\n      \"pages\": [");
    for (size_t p = 0; p < d->n_pages; p++) {
        const cp_rec_page *pg = &d->pages[p];
        cp_strbuf_puts(b, p ? ",\n        {\n          \"label\": "
                            : "\n        {\n          \"label\": ");
        put_string(b, pg->label);
        cp_strbuf_puts(b, ",\n          \"hash\": ");
        put_hash(b, pg->hash);
        cp_strbuf_puts(b, ",\n          \"reuse\": ");
        if (pg->keyed) {
            cp_strbuf_printf(b, "{\"which\": %d, \"part\": %d, \"key\": ", pg->which, pg->part);
            put_hash(b, pg->key);
            cp_strbuf_puts(b, ", \"drawn\": ");
            put_hash(b, pg->drawn);
            cp_strbuf_putc(b, '}');
        } else {
            cp_strbuf_puts(b, "null");
        }
        cp_strbuf_puts(b, ",\n          \"frames\": [");
        for (size_t f = 0; f < pg->n_frames; f++) {
            cp_strbuf_puts(b, f ? ",\n            " : "\n            ");
            put_frame(b, &pg->frames[f]);
        }
        cp_strbuf_puts(b, pg->n_frames ? "\n          ]\n        }" : "]\n        }");
    }
    cp_strbuf_puts(b, d->n_pages ? "\n      ]\n    }" : "]\n    }");
}

static const char *const severities[] = {"note", "warning", "error"}; /* by cp_severity */

static void put_kept(cp_strbuf *b, const cp_kept_page *k)
{
    cp_strbuf_printf(b, "{\"which\": %d, \"key\": ", k->which);
    put_hash(b, k->key);
    cp_strbuf_printf(b, ", \"placeholders\": %d,\n       \"boxes\": [", k->placeholders);
    for (size_t i = 0; i < k->n_boxes; i++) {
        const cp_kept_box *x = &k->boxes[i];
        cp_strbuf_puts(b, i ? ", {\"label\": " : "{\"label\": ");
        put_string(b, x->label);
        cp_strbuf_printf(
            b,
            ", \"trim_w\": %.17g, \"trim_h\": %.17g, \"bleed\": %.17g, \"slug\": "
            "%.17g, \"crop_marks\": %s, \"registration_marks\": %s, \"color_bar\": %s}",
            x->trim_w, x->trim_h, x->bleed, x->slug, x->crop_marks ? "true" : "false",
            x->registration_marks ? "true" : "false", x->color_bar ? "true" : "false");
    }
    cp_strbuf_puts(b, "],\n       \"diagnostics\": [");
    for (size_t i = 0; i < k->n_diags; i++) {
        const cp_kept_diag *g = &k->diags[i];
        cp_strbuf_printf(b,
                         "%s{\"severity\": \"%s\", \"file\": ", i ? ",\n         " : "\n         ",
                         severities[g->sev]);
        put_string(b, g->pos.file);
        cp_strbuf_printf(b, ", \"line\": %d, \"col\": %d, \"message\": ", g->pos.line, g->pos.col);
        put_string(b, g->msg);
        cp_strbuf_putc(b, '}');
    }
    cp_strbuf_puts(b, "]}");
}

static void put_reuse(cp_strbuf *b, const cp_record *r)
{
    if (!r->have_reuse) {
        cp_strbuf_puts(b, "null");
        return;
    }
    cp_strbuf_puts(b, "{\n    \"context\": ");
    put_hash(b, r->context);
    cp_strbuf_puts(b, ",\n    \"pages\": [");
    for (size_t i = 0; i < r->kept.n; i++) {
        cp_strbuf_puts(b, i ? ",\n      " : "\n      ");
        put_kept(b, &r->kept.items[i]);
    }
    cp_strbuf_puts(b, r->kept.n ? "\n    ]\n  }" : "]\n  }");
}

static char *to_json(const cp_record *r)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    cp_strbuf_printf(&b,
                     "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"generator\": ", FORMAT_NAME,
                     r->version);
    put_string(&b, r->generator);
    cp_strbuf_printf(&b, ",\n  \"proof\": %d,\n  \"date\": ", r->proof);
    put_string(&b, r->date);
    cp_strbuf_puts(&b, ",\n  \"mode\": ");
    put_string(&b, r->mode);
    cp_strbuf_puts(&b, ",\n  \"manifest\": ");
    put_string(&b, r->manifest);
    cp_strbuf_puts(&b, ",\n  \"reuse\": ");
    put_reuse(&b, r);
    cp_strbuf_puts(&b, ",\n  \"documents\": [");
    for (size_t i = 0; i < r->n_docs; i++) {
        cp_strbuf_puts(&b, i ? ",\n" : "\n");
        put_doc(&b, &r->docs[i]);
    }
    cp_strbuf_puts(&b, r->n_docs ? "\n  ]\n}\n" : "]\n}\n");
    return cp_strbuf_steal(&b);
}

/* Writes len bytes to a new file at tmp; returns 0 or an errno. */
static int write_new(const char *tmp, int fd, const char *data, size_t len)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int err = errno;
        close(fd);
        return err;
    }
    int err = fwrite(data, 1, len, f) == len ? 0 : errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (!err) {
        mode_t mask = umask(0);
        umask(mask);
        chmod(tmp, 0666 & ~mask);
    }
    return err;
}

bool cp_record_save(const cp_record *r, const char *path, cp_diags *d)
{
    char *json = to_json(r);
    size_t n = strlen(path) + 16;
    char *tmp = cp_xmalloc(n);
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path + 1) : 0;
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dl, path, slash ? slash + 1 : path);
    int fd = mkstemp(tmp);
    int err = fd < 0 ? errno : write_new(tmp, fd, json, strlen(json));
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        cp_error(d, cp_pos_file(path), "cannot write the build record: %s", strerror(err));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    free(json);
    return !err;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading. */

typedef struct reader {
    cp_record *r;
    const char *path;
    cp_diags *d;
    bool failed;
} reader;

static void bad(reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bad(reader *rd, const char *fmt, ...)
{
    if (rd->failed)
        return; /* one message says the record cannot be used */
    rd->failed = true;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    cp_error(rd->d, cp_pos_file(rd->path), "not a usable build record: %s", msg);
    g_free(msg);
}

static json_object *member(reader *rd, json_object *o, const char *where, const char *key,
                           json_type type, bool nullable)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v)) {
        bad(rd, "%s has no \"%s\"", where, key);
        return NULL;
    }
    if (nullable && json_object_is_type(v, json_type_null))
        return NULL;
    if (!json_object_is_type(v, type)) {
        bad(rd, "%s: \"%s\" must be %s", where, key,
            type == json_type_string    ? "a string"
            : type == json_type_int     ? "a whole number"
            : type == json_type_array   ? "a list"
            : type == json_type_boolean ? "true or false"
                                        : "an object");
        return NULL;
    }
    return v;
}

static const char *get_str(reader *rd, json_object *o, const char *where, const char *key,
                           bool nullable)
{
    json_object *v = member(rd, o, where, key, json_type_string, nullable);
    return v ? cp_arena_strdup(&rd->r->arena, json_object_get_string(v)) : NULL;
}

static int get_int(reader *rd, json_object *o, const char *where, const char *key, int min)
{
    json_object *v = member(rd, o, where, key, json_type_int, false);
    if (!v)
        return min;
    int64_t n = json_object_get_int64(v);
    if (n < min || n > 1000000000) {
        bad(rd, "%s: \"%s\" is out of range (%lld)", where, key, (long long)n);
        return min;
    }
    return (int)n;
}

static uint64_t get_hash(reader *rd, json_object *o, const char *where, const char *key,
                         bool *present)
{
    json_object *v = member(rd, o, where, key, json_type_string, present != NULL);
    if (present)
        *present = v != NULL;
    uint64_t h = 0;
    if (v && !cp_hash_parse(json_object_get_string(v), &h))
        bad(rd, "%s: \"%s\" must be 16 hexadecimal digits", where, key);
    return h;
}

static json_object *get_list(reader *rd, json_object *o, const char *where, const char *key,
                             size_t *n)
{
    json_object *v = member(rd, o, where, key, json_type_array, false);
    *n = v ? json_object_array_length(v) : 0;
    return v;
}

/* An optional member (absent in version 1 records): NULL when absent or null. */
static json_object *optional(reader *rd, json_object *o, const char *where, const char *key,
                             json_type type)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
        return NULL;
    return member(rd, o, where, key, type, false);
}

static double get_num(reader *rd, json_object *o, const char *where, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
        bad(rd, "%s: \"%s\" must be a number", where, key);
        return 0;
    }
    return json_object_get_double(v);
}

static bool get_bool(reader *rd, json_object *o, const char *where, const char *key)
{
    json_object *v = member(rd, o, where, key, json_type_boolean, false);
    return v && json_object_get_boolean(v);
}

static long long get_ll(reader *rd, json_object *o, const char *where, const char *key)
{
    json_object *v = member(rd, o, where, key, json_type_int, false);
    long long n = v ? (long long)json_object_get_int64(v) : 0;
    if (n < 0)
        bad(rd, "%s: \"%s\" is out of range (%lld)", where, key, n);
    return n;
}

static void read_frame(reader *rd, json_object *o, const char *where, cp_rec_frame *f)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    f->name = get_str(rd, o, where, "name", false);
    f->frame = get_str(rd, o, where, "frame", false);
    f->source = get_str(rd, o, where, "source", true);
    f->hash = get_hash(rd, o, where, "hash", NULL);
    f->text = get_hash(rd, o, where, "text", NULL);
    f->style = get_hash(rd, o, where, "style", NULL);
    f->geometry = get_hash(rd, o, where, "geometry", NULL);
    f->crop = get_hash(rd, o, where, "crop", NULL);
    f->photo = get_hash(rd, o, where, "photo", &f->has_photo);
    f->lines = get_int(rd, o, where, "lines", 0);
}

static void read_page(reader *rd, json_object *o, const char *where, cp_rec_page *p)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    p->label = get_str(rd, o, where, "label", false);
    p->hash = get_hash(rd, o, where, "hash", NULL);
    json_object *ru = optional(rd, o, where, "reuse", json_type_object);
    if (ru) {
        p->keyed = true;
        p->which = get_int(rd, ru, where, "which", 0);
        p->part = get_int(rd, ru, where, "part", 0);
        p->key = get_hash(rd, ru, where, "key", NULL);
        p->drawn = get_hash(rd, ru, where, "drawn", NULL);
    }
    json_object *fs = get_list(rd, o, where, "frames", &p->n_frames);
    p->frames = cp_arena_alloc(&rd->r->arena, (p->n_frames ? p->n_frames : 1) * sizeof *p->frames);
    for (size_t i = 0; i < p->n_frames && !rd->failed; i++) {
        char *w = g_strdup_printf("%s.frames[%zu]", where, i);
        read_frame(rd, json_object_array_get_idx(fs, i), w, &p->frames[i]);
        g_free(w);
    }
}

static void read_doc(reader *rd, json_object *o, const char *where, cp_rec_doc *doc)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    doc->kind = get_str(rd, o, where, "kind", false);
    doc->file = get_str(rd, o, where, "file", false);
    json_object *pdf = optional(rd, o, where, "pdf", json_type_object);
    if (pdf) {
        doc->have_pdf = true;
        doc->pdf_bytes = get_ll(rd, pdf, where, "bytes");
        doc->pdf_mtime_s = get_ll(rd, pdf, where, "mtime_s");
        doc->pdf_mtime_ns = get_ll(rd, pdf, where, "mtime_ns");
        doc->pdf_hash = get_hash(rd, pdf, where, "hash", NULL);
    }
    json_object *ps = get_list(rd, o, where, "pages", &doc->n_pages);
    doc->pages =
        cp_arena_alloc(&rd->r->arena, (doc->n_pages ? doc->n_pages : 1) * sizeof *doc->pages);
    for (size_t i = 0; i < doc->n_pages && !rd->failed; i++) {
        char *w = g_strdup_printf("%s.pages[%zu]", where, i);
        read_page(rd, json_object_array_get_idx(ps, i), w, &doc->pages[i]);
        g_free(w);
    }
}

static void read_kept_box(reader *rd, json_object *o, const char *where, cp_kept_box *x)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    x->label = get_str(rd, o, where, "label", false);
    x->trim_w = get_num(rd, o, where, "trim_w");
    x->trim_h = get_num(rd, o, where, "trim_h");
    x->bleed = get_num(rd, o, where, "bleed");
    x->slug = get_num(rd, o, where, "slug");
    x->crop_marks = get_bool(rd, o, where, "crop_marks");
    x->registration_marks = get_bool(rd, o, where, "registration_marks");
    x->color_bar = get_bool(rd, o, where, "color_bar");
}

static void read_kept_diag(reader *rd, json_object *o, const char *where, cp_kept_diag *g)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    const char *sev = get_str(rd, o, where, "severity", false);
    g->sev = CP_SEV_NOTE;
    while (sev && g->sev < CP_SEV_ERROR && strcmp(sev, severities[g->sev]) != 0)
        g->sev++;
    if (sev && strcmp(sev, severities[g->sev]) != 0)
        bad(rd, "%s: unknown severity \"%s\"", where, sev);
    g->pos.file = get_str(rd, o, where, "file", true);
    g->pos.line = get_int(rd, o, where, "line", 0);
    g->pos.col = get_int(rd, o, where, "col", 0);
    g->msg = get_str(rd, o, where, "message", false);
}

static void read_kept(reader *rd, json_object *o, const char *where, cp_kept_page *k)
{
    if (!json_object_is_type(o, json_type_object)) {
        bad(rd, "%s must be an object", where);
        return;
    }
    cp_arena *a = &rd->r->arena;
    k->which = get_int(rd, o, where, "which", 0);
    k->key = get_hash(rd, o, where, "key", NULL);
    k->placeholders = get_int(rd, o, where, "placeholders", 0);
    json_object *bs = get_list(rd, o, where, "boxes", &k->n_boxes);
    k->boxes = cp_arena_alloc(a, (k->n_boxes ? k->n_boxes : 1) * sizeof *k->boxes);
    for (size_t i = 0; i < k->n_boxes && !rd->failed; i++) {
        char *w = g_strdup_printf("%s.boxes[%zu]", where, i);
        read_kept_box(rd, json_object_array_get_idx(bs, i), w, &k->boxes[i]);
        g_free(w);
    }
    json_object *ds = get_list(rd, o, where, "diagnostics", &k->n_diags);
    k->diags = cp_arena_alloc(a, (k->n_diags ? k->n_diags : 1) * sizeof *k->diags);
    for (size_t i = 0; i < k->n_diags && !rd->failed; i++) {
        char *w = g_strdup_printf("%s.diagnostics[%zu]", where, i);
        read_kept_diag(rd, json_object_array_get_idx(ds, i), w, &k->diags[i]);
        g_free(w);
    }
}

static void read_reuse(reader *rd, json_object *root)
{
    cp_record *r = rd->r;
    json_object *ru = optional(rd, root, "the record", "reuse", json_type_object);
    if (!ru)
        return;
    r->have_reuse = true;
    r->context = get_hash(rd, ru, "reuse", "context", NULL);
    json_object *ps = get_list(rd, ru, "reuse", "pages", &r->kept.n);
    r->kept.items = cp_arena_alloc(&r->arena, (r->kept.n ? r->kept.n : 1) * sizeof *r->kept.items);
    memset(r->kept.items, 0, (r->kept.n ? r->kept.n : 1) * sizeof *r->kept.items);
    r->kept.cap = r->kept.n;
    for (size_t i = 0; i < r->kept.n && !rd->failed; i++) {
        char *w = g_strdup_printf("reuse.pages[%zu]", i);
        read_kept(rd, json_object_array_get_idx(ps, i), w, &r->kept.items[i]);
        g_free(w);
    }
}

static void read_record(reader *rd, json_object *root)
{
    cp_record *r = rd->r;
    if (!json_object_is_type(root, json_type_object)) {
        bad(rd, "the file holds no JSON object");
        return;
    }
    const char *format = get_str(rd, root, "the record", "format", false);
    if (format && strcmp(format, FORMAT_NAME) != 0)
        bad(rd, "\"format\" is \"%s\", not \"" FORMAT_NAME "\"", format);
    r->version = get_int(rd, root, "the record", "version", 1);
    if (!rd->failed && r->version > CP_RECORD_VERSION)
        bad(rd, "it is version %d, written by a newer calpress (this one reads up to version %d)",
            r->version, CP_RECORD_VERSION);
    r->generator = get_str(rd, root, "the record", "generator", false);
    r->proof = get_int(rd, root, "the record", "proof", 1);
    r->date = get_str(rd, root, "the record", "date", false);
    r->mode = get_str(rd, root, "the record", "mode", false);
    r->manifest = get_str(rd, root, "the record", "manifest", false);
    read_reuse(rd, root);
    json_object *ds = get_list(rd, root, "the record", "documents", &r->n_docs);
    r->docs = cp_arena_alloc(&r->arena, (r->n_docs ? r->n_docs : 1) * sizeof *r->docs);
    for (size_t i = 0; i < r->n_docs && !rd->failed; i++) {
        char *w = g_strdup_printf("documents[%zu]", i);
        read_doc(rd, json_object_array_get_idx(ds, i), w, &r->docs[i]);
        g_free(w);
    }
}

bool cp_record_load(cp_record *r, const char *path, cp_diags *d)
{
    cp_record_init(r);
    reader rd = {r, path, d, false};
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    if (!data) {
        cp_error(d, cp_pos_file(path), "cannot read the build record: %s", strerror(errno));
        return false;
    }
    json_tokener *tok = json_tokener_new_ex(16);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *root = len <= INT32_MAX ? json_tokener_parse_ex(tok, data, (int)len) : NULL;
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    while (end < len && strchr(" \t\r\n", data[end]))
        end++;
    if (!root || err != json_tokener_success)
        bad(&rd, "%s at byte %zu",
            err == json_tokener_continue ? "it ends too early" : json_tokener_error_desc(err),
            json_tokener_get_parse_end(tok));
    else if (end != len)
        bad(&rd, "there is more after the record, at byte %zu", end);
    else
        read_record(&rd, root);
    json_object_put(root);
    json_tokener_free(tok);
    free(data);
    if (rd.failed) {
        cp_record_finish(r);
        cp_record_init(r);
    }
    return !rd.failed;
}
