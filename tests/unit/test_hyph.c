/* cp_hyph_apply: soft hyphens from the system's libhyphen dictionaries, and the offset map.
 *
 * Expected break positions were observed with the dictionaries of hyphen-en-us 2.8.8 and
 * hyphen-bn/hyphen-hi 0.9.0 (Debian 12) and checked against hnj_hyphen_hyphenate3 directly. Text
 * is shown with '|' for U+00AD. */
#include "harness.h"
#include "base/util.h"
#include "config.h"
#include "layout/hyph.h"

#include <glib.h>
#include <stdlib.h>

#define SHY "\xC2\xAD"

/* The text's soft hyphens shown as '|' (static buffer). */
static const char *bars(const char *s)
{
    static char buf[4096];
    size_t o = 0;
    for (const char *p = s; *p && o + 2 < sizeof buf; p++) {
        if (p[0] == '\xC2' && p[1] == '\xAD') {
            buf[o++] = '|';
            p++;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* s without its soft hyphens (caller frees). */
static char *strip_shy(const char *s)
{
    char *out = cp_xmalloc(strlen(s) + 1), *o = out;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\xC2' && p[1] == '\xAD')
            p++;
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

static cp_hyph *hy;

/* Hyphenates text and checks the invariants every result must keep: removing the soft hyphens
 * gives the input back, and map sends each old byte to the same byte in the output, in order,
 * with map[len] = the output's length. Returns the result with '|' for soft hyphens. */
static const char *apply(const char *lang, const char *text, const cp_hyph_rules *r)
{
    size_t len = strlen(text);
    size_t *map = cp_xmalloc((len + 1) * sizeof *map);
    for (size_t i = 0; i <= len; i++)
        map[i] = (size_t)-1;
    char *out = cp_hyph_apply(hy, lang, text, r, map);
    size_t olen = strlen(out);
    char *back = strip_shy(out);
    CHECK(strcmp(back, text) == 0, "[%s] %s: removing U+00AD gives \"%s\"", lang, text, back);
    free(back);
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++) {
        if (map[i] >= olen || out[map[i]] != text[i] || (i > 0 && map[i] <= map[i - 1])) {
            CHECK(false, "[%s] %s: map[%zu] = %zu is not the same byte", lang, text, i, map[i]);
            ok = false;
        }
        /* a byte that did not move past a soft hyphen is right after its predecessor */
        else if (i > 0 && map[i] != map[i - 1] + 1 &&
                 !(map[i] == map[i - 1] + 3 && memcmp(out + map[i - 1] + 1, SHY, 2) == 0)) {
            CHECK(false, "[%s] %s: map jumps from %zu to %zu", lang, text, map[i - 1], map[i]);
            ok = false;
        }
    }
    if (ok)
        CHECK(map[len] == olen, "[%s] %s: map[len] = %zu, want %zu", lang, text, map[len], olen);
    if (ok && len > 0)
        CHECK(map[0] == 0, "[%s] %s: map[0] = %zu", lang, text, map[0]);
    /* U+00AD only ever between two letters (or marks) of one word */
    for (const char *p = strstr(out, SHY); p; p = strstr(p + 2, SHY)) {
        gunichar before = g_utf8_get_char(g_utf8_prev_char(p));
        gunichar after = g_utf8_get_char(p + 2);
        CHECK(p > out && (g_unichar_isalpha(before) || g_unichar_ismark(before)) &&
                  g_unichar_isalpha(after),
              "[%s] %s: soft hyphen between U+%04X and U+%04X", lang, text, (unsigned)before,
              (unsigned)after);
    }
    static char shown[4][4096];
    static int slot;
    char *res = shown[slot++ % 4];
    snprintf(res, sizeof shown[0], "%s", bars(out));
    free(out);
    free(map);
    return res;
}

#define CHECK_HYPH(lang, text, rules, want)                                                        \
    do {                                                                                           \
        const char *got_ = apply(lang, text, rules);                                               \
        CHECK(strcmp(got_, want) == 0, "[%s] \"%s\": got \"%s\", want \"%s\"", lang, text, got_,   \
              want);                                                                               \
    } while (0)

/* The rules text.c uses for story text. */
static const cp_hyph_rules story = {6, 2, 3, NULL};

static void test_available(void)
{
    CHECK(cp_hyph_available(hy, "en"), "English dictionary in %s", CP_HYPHEN_DIR);
    CHECK(cp_hyph_available(hy, "bn"), "Bengali dictionary in %s", CP_HYPHEN_DIR);
    CHECK(cp_hyph_available(hy, "hi"), "Hindi dictionary in %s", CP_HYPHEN_DIR);
    CHECK(!cp_hyph_available(hy, "xx"), "no dictionary for xx");
    CHECK(!cp_hyph_available(hy, ""), "no dictionary for the empty language");
    cp_hyph *none = cp_hyph_new("/nonexistent/calpress/hyphen");
    CHECK(!cp_hyph_available(none, "en"), "missing directory");
    char *out = cp_hyph_apply(none, "en", "rehabilitation", &story, NULL);
    CHECK_STR(out, "rehabilitation");
    free(out);
    cp_hyph_free(none);
    cp_hyph_free(NULL);
}

static void test_english(void)
{
    CHECK_HYPH("en", "rehabilitation", &story, "re|ha|bil|i|ta|tion");
    CHECK_HYPH("en", "Rehabilitation programme", &story, "Re|ha|bil|i|ta|tion pro|gramme");
    CHECK_HYPH("en", "REHABILITATION", &story, "RE|HA|BIL|I|TA|TION");
    CHECK_HYPH("en", "hyphenation", &story, "hy|phen|ation");
    CHECK_HYPH("en", "supervisor", &story, "su|per|vi|sor");
    CHECK_HYPH("en", "information", &story, "in|for|ma|tion");
    CHECK_HYPH("en", "communities", &story, "com|mu|ni|ties");
    CHECK_HYPH("en", "responsibility", &story, "re|spon|si|bil|ity");
    CHECK_HYPH("en", "extraordinary", &story, "ex|tra|or|di|nary");
    CHECK_HYPH("en", "computer", &story, "com|puter");
    /* whitespace, newlines and U+2028 between words pass through */
    CHECK_HYPH("en",
               "  supervisor\ninformation\xE2\x80\xA8"
               "computer  ",
               &story,
               "  su|per|vi|sor\nin|for|ma|tion\xE2\x80\xA8"
               "com|puter  ");
    CHECK_HYPH("en", "", &story, "");
}

static void test_punctuation_digits(void)
{
    /* quotes and punctuation around a word: the word is hyphenated, they are left alone */
    CHECK_HYPH("en", "\"rehabilitation,\" she said", &story, "\"re|ha|bil|i|ta|tion,\" she said");
    CHECK_HYPH("en", "\xE2\x80\x9Crehabilitation\xE2\x80\x9D", &story,
               "\xE2\x80\x9Cre|ha|bil|i|ta|tion\xE2\x80\x9D");
    CHECK_HYPH("en", "(information)!", &story, "(in|for|ma|tion)!");
    /* an apostrophe ends a word: "don" and "t" are too short */
    CHECK_HYPH("en", "don't rehabilitate", &story, "don't re|ha|bil|i|tate");
    CHECK_HYPH("en", "don\xE2\x80\x99t", &story, "don\xE2\x80\x99t");
    /* digits are never part of a word, never broken */
    CHECK_HYPH("en", "12345678901234567890", &story, "12345678901234567890");
    CHECK_HYPH("en", "2024 rehabilitation1234", &story, "2024 re|ha|bil|i|ta|tion1234");
    CHECK_HYPH("en", "+91 98300 12345, 2024-2025", &story, "+91 98300 12345, 2024-2025");
    CHECK_HYPH("en", "info@example.org", &story, "info@ex|am|ple.org");
    /* an existing hyphen is a word boundary */
    CHECK_HYPH("en", "well-being self-rehabilitation", &story,
               "well-being self-re|ha|bil|i|ta|tion");
}

static void test_keep(void)
{
    static const char *const keep[] = {"rehabilitation", "Shefali", NULL};
    const cp_hyph_rules r = {6, 2, 3, keep};
    CHECK_HYPH("en", "rehabilitation", &r, "rehabilitation");
    CHECK_HYPH("en", "Shefali and Shefali's information", &r,
               "Shefali and Shefali's in|for|ma|tion");
    /* without keep the name is broken by the dictionary */
    CHECK_HYPH("en", "Shefali", &story, "She|fali");
    /* keep matches whole words only */
    CHECK_HYPH("en", "rehabilitations", &r, "re|ha|bil|i|ta|tions");
    static const char *const empty_keep[] = {NULL};
    const cp_hyph_rules r2 = {6, 2, 3, empty_keep};
    CHECK_HYPH("en", "rehabilitation", &r2, "re|ha|bil|i|ta|tion");
}

static void test_min_word(void)
{
    /* "rehabilitation" has 14 letters */
    cp_hyph_rules r = {14, 2, 3, NULL};
    CHECK_HYPH("en", "rehabilitation", &r, "re|ha|bil|i|ta|tion");
    r.min_word = 15;
    CHECK_HYPH("en", "rehabilitation", &r, "rehabilitation");
    r.min_word = 20;
    CHECK_HYPH("en", "rehabilitation information", &r, "rehabilitation information");
    /* mixed: only the long word */
    r.min_word = 12;
    CHECK_HYPH("en", "information rehabilitation", &r, "information re|ha|bil|i|ta|tion");
    /* story rules: words under 6 letters are never broken */
    CHECK_HYPH("en", "water paper table", &story, "water paper table");
}

/* The break positions (in characters) of word under the rules, as a bit set. */
static unsigned long breaks_of(const char *lang, const char *word, const cp_hyph_rules *r)
{
    char *out = cp_hyph_apply(hy, lang, word, r, NULL);
    unsigned long set = 0;
    int chars = 0;
    for (const char *p = out; *p; p = g_utf8_next_char(p)) {
        if (p[0] == '\xC2' && p[1] == '\xAD')
            set |= 1ul << chars;
        else
            chars++;
    }
    free(out);
    return set;
}

static void test_min_left_right(void)
{
    const cp_hyph_rules r44 = {5, 4, 4, NULL};
    CHECK_HYPH("en", "rehabilitation", &r44, "reha|bil|i|ta|tion");
    CHECK_HYPH("en", "responsibility", &r44, "respon|si|bility");
    const cp_hyph_rules r55 = {5, 5, 5, NULL};
    CHECK_HYPH("en", "rehabilitation", &r55, "rehabil|i|tation");
    const cp_hyph_rules r77 = {5, 7, 7, NULL};
    CHECK_HYPH("en", "rehabilitation", &r77, "rehabil|itation");
    const cp_hyph_rules r88 = {5, 8, 8, NULL};
    CHECK_HYPH("en", "rehabilitation", &r88, "rehabilitation");

    /* As a property: raising min_left/min_right only removes the breaks too close to an edge. */
    static const char *const words[] = {"rehabilitation", "responsibility", "extraordinary",
                                        "communities",    "information",    "supervisor",
                                        "unbelievable",   "hyphenation",    "internationalisation"};
    for (size_t w = 0; w < CP_ARRAY_LEN(words); w++) {
        int n = (int)strlen(words[w]);
        unsigned long base = breaks_of("en", words[w], &story);
        for (int L = 2; L <= 6; L++) {
            for (int R = 3; R <= 6; R++) {
                cp_hyph_rules r = {5, L, R, NULL};
                unsigned long got = breaks_of("en", words[w], &r), want = 0;
                for (int b = 1; b < n; b++)
                    if ((base >> b & 1) && b >= L && n - b >= R)
                        want |= 1ul << b;
                CHECK(got == want, "%s with min_left %d min_right %d: breaks %#lx, want %#lx",
                      words[w], L, R, got, want);
            }
        }
    }
}

static void test_bengali_hindi(void)
{
    /* পরিবর্তন (change): পরি|ব|র্তন under the story rules */
    const char *bn = "\xE0\xA6\xAA\xE0\xA6\xB0\xE0\xA6\xBF\xE0\xA6\xAC\xE0\xA6\xB0\xE0\xA7\x8D"
                     "\xE0\xA6\xA4\xE0\xA6\xA8";
    const char *got = apply("bn", bn, &story);
    CHECK(strchr(got, '|') != NULL, "Bengali word gets at least one break: %s", got);
    CHECK_STR(got, "\xE0\xA6\xAA\xE0\xA6\xB0\xE0\xA6\xBF|\xE0\xA6\xAC|\xE0\xA6\xB0\xE0\xA7\x8D"
                   "\xE0\xA6\xA4\xE0\xA6\xA8");
    /* in a sentence, after a Bengali full stop (দাঁড়ি) */
    char sentence[256];
    snprintf(sentence, sizeof sentence, "%s\xE0\xA5\xA4 %s", bn, bn);
    got = apply("bn", sentence, &story);
    CHECK(strstr(got, "\xE0\xA5\xA4 ") != NULL, "danda kept: %s", got);
    /* never split before a vowel sign, virama or other mark, at the loosest rules */
    static const char *const words[] = {
        "\xE0\xA6\xB8\xE0\xA7\x8D\xE0\xA6\xAC\xE0\xA6\xBE\xE0\xA6\xB8\xE0\xA7\x8D\xE0\xA6\xA5"
        "\xE0\xA7\x8D\xE0\xA6\xAF\xE0\xA6\x95\xE0\xA6\xB0\xE0\xA7\x8D\xE0\xA6\xAE\xE0\xA7\x80",
        "\xE0\xA6\xAA\xE0\xA7\x8D\xE0\xA6\xB0\xE0\xA6\xB6\xE0\xA6\xBF\xE0\xA6\x95\xE0\xA7\x8D"
        "\xE0\xA6\xB7\xE0\xA6\xA3",
        "\xE0\xA6\xB8\xE0\xA6\xAE\xE0\xA7\x8D\xE0\xA6\xAA\xE0\xA7\x8D\xE0\xA6\xB0\xE0\xA6\xA6"
        "\xE0\xA6\xBE\xE0\xA6\xAF\xE0\xA6\xBC",
    };
    const cp_hyph_rules loose = {2, 1, 1, NULL};
    for (size_t i = 0; i < CP_ARRAY_LEN(words); i++) {
        got = apply("bn", words[i], &loose); /* apply() checks the marks */
        CHECK(strchr(got, '|') != NULL, "Bengali word %zu gets a break: %s", i, got);
    }
    /* keep works for Bengali names too */
    const char *const keep[] = {bn, NULL};
    const cp_hyph_rules rk = {6, 2, 3, keep};
    CHECK_HYPH("bn", bn, &rk, bn);
    /* Hindi: परिवर्तन */
    const char *hi = "\xE0\xA4\xAA\xE0\xA4\xB0\xE0\xA4\xBF\xE0\xA4\xB5\xE0\xA4\xB0\xE0\xA5\x8D"
                     "\xE0\xA4\xA4\xE0\xA4\xA8";
    got = apply("hi", hi, &story);
    CHECK(strchr(got, '|') != NULL, "Hindi word gets a break: %s", got);
    /* English text with the Bengali dictionary: no Latin patterns, no breaks */
    CHECK_HYPH("bn", "rehabilitation", &story, "rehabilitation");
}

static void test_unknown_language(void)
{
    CHECK_HYPH("xx", "rehabilitation information", &story, "rehabilitation information");
    CHECK_HYPH("", "rehabilitation", &story, "rehabilitation");
    /* map is optional */
    char *out = cp_hyph_apply(hy, "en", "information", &story, NULL);
    CHECK_STR(bars(out), "in|for|ma|tion");
    free(out);
}

/* A long paragraph: invariants (checked by apply) over many words, and long words. */
static void test_long_text(void)
{
    char text[8192] = "";
    static const char *const words[] = {"The",
                                        "rehabilitation",
                                        "programme",
                                        "trains",
                                        "community",
                                        "health",
                                        "workers,",
                                        "supervisors",
                                        "and",
                                        "counsellors",
                                        "\xE2\x80\x94",
                                        "extraordinary",
                                        "responsibility.",
                                        "\xE2\x80\x9CQuoted\xE2\x80\x9D",
                                        "don\xE2\x80\x99t",
                                        "2024."};
    for (int i = 0; i < 200; i++) {
        strcat(text, words[i % CP_ARRAY_LEN(words)]);
        strcat(text, i % 17 == 16 ? "\n" : " ");
    }
    apply("en", text, &story);
    /* a 300-letter "word" is past libhyphen's buffer and stays whole */
    char longword[301];
    memset(longword, 'a', 300);
    longword[300] = '\0';
    const char *got = apply("en", longword, &story);
    CHECK(strchr(got, '|') == NULL, "300-letter word left whole");
    /* 199 letters is the longest word hyphenated */
    char w199[400] = "";
    while (strlen(w199) + 14 <= 199)
        strcat(w199, "rehabilitation");
    got = apply("en", w199, &story);
    CHECK(strchr(got, '|') != NULL, "%zu-letter word hyphenated", strlen(w199));
}

int main(void)
{
    hy = cp_hyph_new(CP_HYPHEN_DIR);
    test_available();
    test_english();
    test_punctuation_digits();
    test_keep();
    test_min_word();
    test_min_left_right();
    test_bengali_hindi();
    test_unknown_language();
    test_long_text();
    cp_hyph_free(hy);
    return cp_test_summary("unit/hyph");
}
