/* The pdf layer's content-stream rewrite (recolour.cpp, qpdf's tokenizer): DeviceRGB colours
 * become inks through a table, black text overprints, and everything else is copied as it was. */
#include "harness.h"
#include "pdf/recolour.h"

#include <math.h>
#include <stdlib.h>

/* A table of three colours by their keys: black (K only), a red, a grey. */
static bool lookup(void *ctx, const double rgb[3], double ink[4], bool *black_only)
{
    static const struct {
        double key[3], ink[4];
    } table[] = {{{0.001, 0, 0.5}, {0, 0, 0, 1}},
                 {{0.002, 0, 0.5}, {0, 0.8, 0.85, 0.4}},
                 {{0.003, 0, 0.5}, {0, 0, 0, 0.7}}};
    (*(int *)ctx)++;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (fabs(rgb[0] - table[i].key[0]) < 1e-9 && fabs(rgb[1] - table[i].key[1]) < 1e-9 &&
            fabs(rgb[2] - table[i].key[2]) < 1e-9) {
            for (int c = 0; c < 4; c++)
                ink[c] = table[i].ink[c];
            *black_only = i == 0;
            return true;
        }
    }
    return false;
}

/* The rewrite of in, or NULL (then err holds the message). */
static char *rewrite(const char *in, char *err, bool *used)
{
    int calls = 0;
    cp_recolour rc = {.ink = lookup, .ctx = &calls, .overprint_gs = "/OP1", .knockout_gs = "/OP0"};
    size_t n = 0;
    err[0] = '\0';
    char *out =
        (char *)cp_recolour_content((const unsigned char *)in, strlen(in), &rc, &n, err, 200);
    if (used)
        *used = rc.used_overprint;
    return out;
}

static void test_fill_and_stroke(void)
{
    char err[200];
    bool used = true;
    char *out = rewrite("q 0.002 0 0.5 RG 1.2 w 10 10 m 20 10 l S Q\n", err, &used);
    CHECK_STR(out ? out : err, "q 0 0.8 0.85 0.4 K 1.2 w 10 10 m 20 10 l S Q\n");
    CHECK(!used, "no overprint needed for a stroke");
    free(out);
    out = rewrite("0.003 0 0.5 rg 0 0 5 5 re f", err, NULL);
    CHECK_STR(out ? out : err, "0 0 0 0.7 k 0 0 5 5 re f");
    free(out);
}

static void test_black_text_overprints(void)
{
    char err[200];
    bool used = false;
    char *out = rewrite("0.001 0 0.5 rg BT /f-0-0 1 Tf (Neha)Tj ET\n"
                        "0.002 0 0.5 rg BT [(*)5(N)]TJ ET\n"
                        "0 0 5 5 re f\n",
                        err, &used);
    CHECK_STR(out ? out : err, "0 0 0 1 k BT /f-0-0 1 Tf /OP1 gs\n(Neha)Tj ET\n"
                               "0 0.8 0.85 0.4 k BT /OP0 gs\n[(*)5(N)]TJ ET\n"
                               "0 0 5 5 re f\n");
    CHECK(used, "the overprint states are used");
    free(out);
    /* Q restores the state saved by q: overprint off again, without a gs. */
    out = rewrite("q 0.001 0 0.5 rg BT (a)Tj ET Q 0 0 1 1 re f", err, NULL);
    CHECK_STR(out ? out : err, "q 0 0 0 1 k BT /OP1 gs\n(a)Tj ET Q 0 0 1 1 re f");
    free(out);
}

static void test_rgb_colour_space(void)
{
    char err[200];
    char *out = rewrite("/DeviceRGB cs 0.002 0 0.5 sc 0 0 1 1 re f /DeviceRGB CS 0.003 0 0.5 SCN",
                        err, NULL);
    CHECK_STR(out ? out : err,
              "/DeviceCMYK cs 0 0.8 0.85 0.4 sc 0 0 1 1 re f /DeviceCMYK CS 0 0 0 0.7 SCN");
    free(out);
    /* Other colour spaces pass through: a separation's tint, a pattern, CMYK and grey. */
    const char *same = "/CalpressAll CS 1 SCN /Pattern cs /p5 scn 0 0 0 1 k 0.5 g 0.5 G";
    out = rewrite(same, err, NULL);
    CHECK_STR(out ? out : err, same);
    free(out);
}

static void test_copied_unchanged(void)
{
    char err[200];
    /* Strings with brackets and escapes, hex strings, comments, dictionaries, an inline image
     * whose data holds "rg". */
    const char *same = "% a comment 1 0 0 rg\n/Span << /ActualText <feff00ad> >> BDC EMC\n"
                       "BT (a \\) 1 0 0 rg (b)) Tj ET\n"
                       "BI /W 2 /H 1 /BPC 8 /CS /RGB ID \x01rg\x02\x03 1 0 0 rg EI\n"
                       "0 0 1 1 re W n";
    char *out = rewrite(same, err, NULL);
    CHECK_STR(out ? out : err, same);
    free(out);
}

static void test_unknown_colour_fails(void)
{
    char err[200];
    char *out = rewrite("0.5 0.5 0.5 rg 0 0 1 1 re f", err, NULL);
    CHECK(out == NULL, "an unknown colour fails the rewrite");
    CHECK_STR(err, "cairo wrote the colour 0.5 0.5 0.5, which is none of the colours calpress "
                   "drew");
    free(out);
    out = rewrite("(unterminated", err, NULL);
    CHECK(out == NULL && strstr(err, "cannot read cairo's content stream") != NULL,
          "a broken stream fails: %s", err);
    free(out);
}

static void test_flate(void)
{
    size_t n = 0;
    unsigned char *z = cp_recolour_flate((const unsigned char *)"0 0 0 1 k", 9, &n);
    CHECK(z && n > 2 && z[0] == 0x78, "a zlib stream (%zu bytes)", n);
    free(z);
}

int main(void)
{
    test_fill_and_stroke();
    test_black_text_overprints();
    test_rgb_colour_space();
    test_copied_unchanged();
    test_unknown_colour_fails();
    test_flate();
    return cp_test_summary("unit/recolour");
}
