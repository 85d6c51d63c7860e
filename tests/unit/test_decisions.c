/* The layout decisions kept between runs (layout/decisions.h): what is put is got back after a
 * store and a new open; decisions of another environment are never found, and live beside this
 * one's; a damaged or cut file is never used; beyond the cap the least recently used go; the
 * keys tell every input apart. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "base/cache.h"
#include "base/hash.h"
#include "layout/decisions.h"
#include "layout/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/calpress-decisions-XXXXXX";
static char file[700];

static const unsigned char env_a[16] = {1, 2, 3}, env_b[16] = {1, 2, 4};

static cp_decision_key key_of(unsigned i)
{
    cp_decision_key k;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, i);
    cp_hasher_digest128(&h, k.b);
    cp_hasher_finish(&h);
    return k;
}

static cp_decision para(unsigned i)
{
    return (cp_decision){.type = CP_DECISION_PARA, .kind = (int16_t)(i % 4), .k = (int32_t)(i % 5)};
}

static bool has(cp_decisions *dc, unsigned i)
{
    cp_decision_key k = key_of(i);
    cp_decision d, want = para(i);
    return cp_decisions_get(dc, &k, &d) && d.type == want.type && d.kind == want.kind &&
           d.k == want.k;
}

static void put(cp_decisions *dc, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++) {
        cp_decision_key k = key_of(i);
        cp_decision d = para(i);
        cp_decisions_put(dc, &k, &d);
    }
}

static long file_size(void)
{
    struct stat st;
    return stat(file, &st) == 0 ? (long)st.st_size : -1;
}

static void test_round_trip(void)
{
    unlink(file);
    cp_decisions *dc = cp_decisions_open(env_a);
    CHECK(!has(dc, 1), "an empty cache has no decision");
    put(dc, 0, 100);
    CHECK(has(dc, 7), "a decision put is found in the same run");
    cp_decision_key fk = key_of(1000);
    cp_decision fd = {.type = CP_DECISION_FRAME, .flags = CP_DECISION_SHRUNK, .size = 10.75};
    cp_decisions_put(dc, &fk, &fd);
    cp_decisions_close(dc);
    CHECK(file_size() > 0, "the decisions are stored");

    dc = cp_decisions_open(env_a);
    bool all = true;
    for (unsigned i = 0; i < 100; i++)
        all = all && has(dc, i);
    CHECK(all, "every decision is read back");
    cp_decision got;
    CHECK(cp_decisions_get(dc, &fk, &got) && got.type == CP_DECISION_FRAME &&
              got.flags == CP_DECISION_SHRUNK && got.size == 10.75,
          "a frame's decision is read back to the bit");
    unsigned long asked, found;
    cp_decisions_counts(dc, &asked, &found);
    CHECK(asked == 101 && found == 101, "the counts say what was asked and found");
    cp_decisions_close(dc);

    dc = cp_decisions_open(env_b);
    CHECK(!has(dc, 1), "another environment's decisions are not used");
    cp_decisions_close(dc);
    dc = cp_decisions_open(env_a);
    CHECK(has(dc, 1), "a run that decided nothing leaves the file as it was");
    cp_decisions_close(dc);

    dc = cp_decisions_open(env_b);
    put(dc, 500, 510);
    cp_decisions_close(dc);
    dc = cp_decisions_open(env_a);
    CHECK(has(dc, 1) && has(dc, 99) && !has(dc, 505),
          "another environment's run keeps this one's decisions, and finds only its own");
    cp_decisions_close(dc);
    dc = cp_decisions_open(env_b);
    CHECK(has(dc, 505) && !has(dc, 1), "and its own are there for it");
    cp_decisions_close(dc);
}

/* The file with byte `at` changed (or cut to `at` bytes) is not used. */
static void test_damage(long at, bool cut, const char *what)
{
    test_round_trip();
    FILE *f = fopen(file, "r+b");
    CHECK(f != NULL, "the file opens");
    if (!f)
        return;
    if (cut) {
        CHECK(ftruncate(fileno(f), at) == 0, "the file is cut");
    } else {
        fseek(f, at, SEEK_SET);
        int c = fgetc(f);
        fseek(f, at, SEEK_SET);
        fputc(c ^ 0x20, f);
    }
    fclose(f);
    cp_decisions *dc = cp_decisions_open(env_a);
    CHECK(!has(dc, 1) && !has(dc, 50), "%s", what);
    cp_decisions_close(dc);
}

static void test_cap(void)
{
    unlink(file);
    cp_decisions *dc = cp_decisions_open(env_a);
    put(dc, 0, 5000);
    cp_decisions_close(dc);
    dc = cp_decisions_open(env_a);
    for (unsigned i = 0; i < 1000; i++)
        (void)has(dc, i); /* used in this run: the most recent */
    put(dc, 5000, 10000);
    cp_decisions_close(dc);
    dc = cp_decisions_open(env_a);
    bool recent = true, newest = true;
    for (unsigned i = 0; i < 1000; i++)
        recent = recent && has(dc, i);
    for (unsigned i = 5000; i < 10000; i++)
        newest = newest && has(dc, i);
    unsigned old = 0;
    for (unsigned i = 1000; i < 5000; i++)
        old += has(dc, i);
    CHECK(recent, "decisions used in the last run are kept past the cap");
    CHECK(newest, "decisions made in the last run are kept past the cap");
    CHECK(old == 8192 - 6000, "the least recently used go, down to the cap");
    cp_decisions_close(dc);
}

/* Requests that differ in anything the search sees have different keys. */
static void test_keys(void)
{
    cp_style st = {.family = "EB Garamond", .size_pt = 10, .leading_pt = 13, .weight = 400};
    cp_span span = {.start = 0, .end = 4, .flags = CP_SPAN_EMPH};
    cp_para p = {.text = "Neha has plans.", .spans = &span, .n_spans = 1};
    cp_richtext rt = {.paras = &p, .n_paras = 1};
    cp_text_req req = {.style = &st, .lang = "en", .width = 200};
    cp_decision_key base, k;
    cp_decision_para_key(&req, &p, 10, true, &base);
    cp_decision_para_key(&req, &p, 10, true, &k);
    CHECK(memcmp(base.b, k.b, 16) == 0, "the same request has the same key");
#define DIFFERS(what, change, undo)                                                                \
    do {                                                                                           \
        change;                                                                                    \
        cp_decision_para_key(&req, &p, 10, true, &k);                                              \
        CHECK(memcmp(base.b, k.b, 16) != 0, what);                                                 \
        undo;                                                                                      \
    } while (0)
    DIFFERS("the width to the bit", req.width = 200.000001, req.width = 200);
    DIFFERS("the tracking", st.tracking = 5, st.tracking = 0);
    DIFFERS("the features", st.features = "onum", st.features = NULL);
    DIFFERS("the language", req.lang = "bn", req.lang = "en");
    DIFFERS("a span", span.flags = CP_SPAN_STRONG, span.flags = CP_SPAN_EMPH);
    DIFFERS("the text", p.text = "Neha has plans!", p.text = "Neha has plans.");
    DIFFERS("the hang", req.hang = 3, req.hang = 0);
    DIFFERS("hyphenation", st.hyphenate = true, st.hyphenate = false);
    const char *keep[] = {"Neha", NULL};
    DIFFERS("the words never hyphenated", req.keep = keep, req.keep = NULL);
#undef DIFFERS
    cp_decision_para_key(&req, &p, 10.25, true, &k);
    CHECK(memcmp(base.b, k.b, 16) != 0, "the size");
    cp_decision_para_key(&req, &p, 10, false, &k);
    CHECK(memcmp(base.b, k.b, 16) != 0, "the first paragraph or not");
    cp_decision_key f1, f2, f3;
    cp_decision_frame_key("fill", &req, &rt, 300, &f1);
    cp_decision_frame_key("fit", &req, &rt, 300, &f2);
    cp_decision_frame_key("fill", &req, &rt, 300.5, &f3);
    CHECK(memcmp(f1.b, f2.b, 16) != 0 && memcmp(f1.b, f3.b, 16) != 0 &&
              memcmp(f1.b, base.b, 16) != 0,
          "frames: the search, the height; and never a paragraph's key");
}

int main(void)
{
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    char dir[600];
    snprintf(dir, sizeof dir, "%s/cache", tmp);
    setenv("CALPRESS_CACHE_DIR", dir, 1);
    CHECK(cp_cache_dir() != NULL, "the cache folder is made");
    snprintf(file, sizeof file, "%s/layout.bin", dir);
    test_round_trip();
    test_damage(3, false, "a file with another magic is not used");
    test_damage(60, false, "a file with a changed entry is not used (checksum)");
    test_damage(file_size() - 3, false, "a file with a changed checksum is not used");
    test_damage(file_size() - 40, true, "a cut file is not used");
    test_cap();
    test_keys();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return cp_test_summary("unit/decisions");
}
