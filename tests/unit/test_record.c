/* The build record layer: JSON written by hand and read back strictly with json-c, the change
 * report's reasons, and the base helpers it rests on (hashes, the list of files read). */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "harness.h"
#include "base/hash.h"
#include "base/inputs.h"
#include "base/util.h"
#include "record/record.h"

#include <stdlib.h>
#include <unistd.h>

static char tmp_path[64];

static void write_text(const char *text)
{
    FILE *f = fopen(tmp_path, "w");
    fputs(text, f);
    fclose(f);
}

/* A record of one document, one page, n frames; frame i is named "March F<i>". */
static void make(cp_record *r, int proof, size_t n)
{
    cp_record_init(r);
    r->version = CP_RECORD_VERSION;
    r->proof = proof;
    r->date = "2026-11-28T14:02:11+01:00";
    r->mode = "proof";
    r->generator = "calpress test";
    r->manifest = "stories/calendar.yaml";
    r->docs = cp_arena_alloc(&r->arena, sizeof *r->docs);
    r->n_docs = 1;
    r->docs[0] = (cp_rec_doc){"calendar", "calendar.pdf", NULL, 1};
    cp_rec_page *p = r->docs[0].pages = cp_arena_alloc(&r->arena, sizeof *p);
    p->label = "March";
    p->hash = 42;
    p->frames = cp_arena_alloc(&r->arena, (n ? n : 1) * sizeof *p->frames);
    p->n_frames = n;
    for (size_t i = 0; i < n; i++) {
        cp_rec_frame *f = &p->frames[i];
        f->frame = cp_arena_printf(&r->arena, "F%zu", i);
        f->name = cp_arena_printf(&r->arena, "March F%zu", i);
        f->source = "stories/shefali.yaml:6";
        f->text = 100 + i;
        f->style = 200 + i;
        f->geometry = 300 + i;
        f->crop = 400 + i;
        f->lines = 10;
        f->hash = f->text ^ f->style ^ f->geometry ^ f->crop;
    }
}

static void rehash(cp_rec_frame *f)
{
    f->hash = f->text ^ f->style ^ f->geometry ^ f->crop ^ f->photo;
}

static void test_round_trip(void)
{
    cp_record r, back;
    make(&r, 7, 2);
    cp_rec_frame *f = &r.docs[0].pages[0].frames[0];
    /* Quotes, a backslash, a newline, a tab, a control character and a byte that is not UTF-8. */
    f->name = "March \"body\" \\ one\ntwo\tthree\x01 end\xff";
    f->source = NULL;
    f->photo = 0xfedcba9876543210u;
    f->has_photo = true;
    cp_diags d;
    cp_diags_init(&d);
    CHECK(cp_record_save(&r, tmp_path, &d), "save failed");
    CHECK(cp_record_load(&back, tmp_path, &d), "load failed");
    cp_diags_print(&d, stderr);
    CHECK_INT(back.version, CP_RECORD_VERSION);
    CHECK_INT(back.proof, 7);
    CHECK_STR(back.date, "2026-11-28T14:02:11+01:00");
    CHECK_STR(back.manifest, "stories/calendar.yaml");
    CHECK_INT(back.n_docs, 1);
    if (back.n_docs == 1 && back.docs[0].n_pages == 1 && back.docs[0].pages[0].n_frames == 2) {
        const cp_rec_frame *g = &back.docs[0].pages[0].frames[0];
        CHECK_STR(g->name, "March \"body\" \\ one\ntwo\tthree\x01 end\xEF\xBF\xBD");
        CHECK(g->source == NULL, "source should be null");
        CHECK(g->has_photo && g->photo == 0xfedcba9876543210u, "photo hash lost");
        CHECK(g->hash == f->hash && g->text == f->text && g->crop == f->crop, "hashes differ");
        CHECK(!back.docs[0].pages[0].frames[1].has_photo, "a null photo came back as one");
        CHECK_STR(back.docs[0].pages[0].frames[1].source, "stories/shefali.yaml:6");
        CHECK_INT(back.docs[0].pages[0].hash, 42);
    } else {
        CHECK(0, "the record's shape did not come back");
    }
    cp_diags_finish(&d);
    cp_record_finish(&back);
    cp_record_finish(&r);
}

/* Loads text as a record: returns the message, or "" when it loads. */
static char *load_message(const char *text)
{
    write_text(text);
    cp_record r;
    cp_record_init(&r);
    cp_diags d;
    cp_diags_init(&d);
    bool ok = cp_record_load(&r, tmp_path, &d);
    char *msg = cp_xstrdup(ok ? "" : d.n ? d.items[0].msg : "(no message)");
    cp_diags_finish(&d);
    cp_record_finish(&r);
    return msg;
}

#define HEAD "{\"format\": \"calpress build record\", \"version\": 1, \"generator\": \"t\", "
#define TAIL "\"date\": \"d\", \"mode\": \"proof\", \"manifest\": \"m\", \"documents\": []}"

static void test_strict_reader(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {HEAD "\"proof\": 3, " TAIL "\n", ""},
        {HEAD "\"proof\": 3, " TAIL " {}", "at byte 144"},
        {HEAD "\"proof\": \"3\", " TAIL, "\"proof\" must be a whole number"},
        {HEAD "\"proof\": 0, " TAIL, "\"proof\" is out of range (0)"},
        {HEAD "\"proof\": 3, \"date\": \"d\"}", "has no \"mode\""},
        {HEAD "\"proof\": 3, ", "it ends too early"},
        {"[1, 2]", "the file holds no JSON object"},
        {"{\"format\": \"something else\", \"version\": 1}", "not \"calpress build record\""},
        {"{\"format\": \"calpress build record\", \"version\": 3}", "written by a newer calpress"},
        {"{'format': 1}", "\"format\" must be a string"},
        {HEAD "\"proof\": 3, \"date\": \"d\", \"mode\": \"proof\", \"manifest\": \"m\", "
              "\"documents\": [{\"kind\": \"calendar\", \"file\": \"c.pdf\", \"pages\": "
              "[{\"label\": \"x\", \"hash\": \"xyz\", \"frames\": []}]}]}",
         "documents[0].pages[0]: \"hash\" must be 16 hexadecimal digits"},
        {HEAD "\"proof\": 3, \"date\": \"d\xff\", " TAIL, "at byte"},
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(cases); i++) {
        char *msg = load_message(cases[i].text);
        CHECK(cases[i].want[0] ? strstr(msg, cases[i].want) != NULL : msg[0] == '\0',
              "case %zu: message \"%s\", want \"%s\"", i, msg, cases[i].want);
        free(msg);
    }
}

/* Compares make(7, 3) with a changed copy; returns the report. */
static char *report_after(void (*change)(cp_record *))
{
    cp_record a, b;
    make(&a, 7, 3);
    make(&b, 8, 3);
    change(&b);
    cp_changes c;
    cp_record_compare(&a, &b, &c);
    char *s = cp_changes_report(&c);
    cp_changes_finish(&c);
    cp_record_finish(&a);
    cp_record_finish(&b);
    return s;
}

static cp_rec_frame *frame1(cp_record *r)
{
    return &r->docs[0].pages[0].frames[1];
}

static void none(cp_record *r)
{
    (void)r;
}
static void longer(cp_record *r)
{
    frame1(r)->text = 1;
    frame1(r)->lines = 12;
    rehash(frame1(r));
}
static void shorter(cp_record *r)
{
    frame1(r)->text = 1;
    frame1(r)->lines = 9;
    rehash(frame1(r));
}
static void same_length(cp_record *r)
{
    frame1(r)->text = 1;
    rehash(frame1(r));
}
static void restyled(cp_record *r)
{
    frame1(r)->style = 1;
    frame1(r)->geometry = 1;
    rehash(frame1(r));
}
static void moved(cp_record *r)
{
    frame1(r)->geometry = 1;
    rehash(frame1(r));
}
static void recropped(cp_record *r)
{
    frame1(r)->crop = 1;
    rehash(frame1(r));
}
static void new_photo(cp_record *r)
{
    frame1(r)->photo = 5;
    frame1(r)->has_photo = true;
    frame1(r)->crop = 1;
    rehash(frame1(r));
}
static void dropped(cp_record *r)
{
    r->docs[0].pages[0].n_frames = 2;
}
static void renamed(cp_record *r)
{
    frame1(r)->name = "March Q";
    frame1(r)->frame = "Q";
}

static void test_reasons(void)
{
    static const struct {
        void (*change)(cp_record *);
        const char *want;
    } cases[] = {
        {none, "no changes since proof 7 (2026-11-28 14:02)"},
        {longer, "changed since proof 7 (2026-11-28 14:02): March F1 (reset: 2 lines longer)"},
        {shorter, "changed since proof 7 (2026-11-28 14:02): March F1 (reset: 1 line shorter)"},
        {same_length, "changed since proof 7 (2026-11-28 14:02): March F1 (reset)"},
        {restyled, "changed since proof 7 (2026-11-28 14:02): March F1 (restyled)"},
        {moved, "changed since proof 7 (2026-11-28 14:02): March F1 (moved)"},
        {recropped, "changed since proof 7 (2026-11-28 14:02): March F1 (recropped)"},
        {new_photo, "changed since proof 7 (2026-11-28 14:02): March F1 (new file)"},
        {dropped, "changed since proof 7 (2026-11-28 14:02): March F2 (removed)"},
        {renamed, "changed since proof 7 (2026-11-28 14:02): March Q (new), March F1 (removed)"},
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(cases); i++) {
        char *s = report_after(cases[i].change);
        CHECK_STR(s, cases[i].want);
        free(s);
    }
}

static void test_frame_names(void)
{
    CHECK_STR(cp_record_frame_of("pseudonym"), "name");
    CHECK_STR(cp_record_frame_of("day-other"), "grid");
    CHECK_STR(cp_record_frame_of("quote-rule"), "quote");
    CHECK_STR(cp_record_frame_of("folio"), "page numbers");
    CHECK_STR(cp_record_frame_of("something-new"), "something-new");
    CHECK(cp_record_frame_of("slug") == NULL, "the slug is no frame");
    CHECK(cp_record_frame_of("watermark") == NULL, "the watermark is no frame");
    CHECK(cp_record_frame_of(CP_RECORD_MARK_TAG) == NULL, "the change marks are no frame");
}

static void test_hash_and_inputs(void)
{
    char hex[17];
    uint64_t v = 0;
    CHECK_STR(cp_hash_hex(0x0123456789abcdefu, hex), "0123456789abcdef");
    CHECK(cp_hash_parse("0123456789abcdef", &v) && v == 0x0123456789abcdefu, "parse");
    CHECK(!cp_hash_parse("0123456789abcde", &v), "15 digits accepted");
    CHECK(!cp_hash_parse("0123456789ABCDEF", &v), "upper case accepted");
    CHECK(!cp_hash_parse("0123456789abcdef0", &v), "17 digits accepted");
    CHECK(cp_hash_bytes("ab", 2) != cp_hash_bytes("ba", 2), "order ignored");

    cp_inputs in;
    cp_inputs_init(&in);
    cp_inputs_note(&in, "a.jpg", false);
    cp_inputs_read(&in, "b.yaml", "text", 4);
    cp_inputs_note(&in, "b.yaml", false); /* a later access check does not undo the read */
    cp_inputs_read(&in, "a.jpg", "jpeg", 4);
    cp_inputs_note(NULL, "ignored", true);
    CHECK_INT(in.n, 2);
    const cp_input *a = cp_inputs_lookup(&in, "a.jpg"), *b = cp_inputs_lookup(&in, "b.yaml");
    CHECK(a && a->read && a->exists && a->hash == cp_hash_bytes("jpeg", 4), "a.jpg");
    CHECK(b && b->read && b->exists && b->hash == cp_hash_bytes("text", 4), "b.yaml");
    cp_inputs other;
    cp_inputs_init(&other);
    cp_inputs_note(&other, "c.icc", true);
    cp_inputs_merge(&other, &in);
    CHECK_INT(other.n, 3);
    CHECK(cp_inputs_lookup(&other, "nothing") == NULL, "lookup of an unknown path");
    cp_inputs_finish(&other);
    cp_inputs_finish(&in);
}

int main(void)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/calpress-record-XXXXXX");
    int fd = mkstemp(tmp_path);
    if (fd < 0)
        return 1;
    close(fd);
    test_round_trip();
    test_strict_reader();
    test_reasons();
    test_frame_names();
    test_hash_and_inputs();
    unlink(tmp_path);
    return cp_test_summary("unit/record");
}
