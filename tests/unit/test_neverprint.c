/* The never-print list (model layer): folding, whole-word matching, and the file's format. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "harness.h"
#include "base/diag.h"
#include "model/neverprint.h"

#include <stdlib.h>
#include <unistd.h>

/* The matches of `entries` (NULL-terminated) in text, as "entry:matched text;" in text order. */
static const char *scan(const char *text, const char *const *entries)
{
    static char out[512];
    cp_never_print np;
    cp_never_print_init(&np);
    for (const char *const *e = entries; *e; e++)
        cp_never_print_add(&np, *e, strlen(*e));
    cp_never_hit hits[16];
    size_t n = cp_never_print_scan(&np, text, strlen(text), hits, 16);
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 16; i++) {
        size_t len = strlen(out);
        snprintf(out + len, sizeof out - len, "%zu:%.*s;", hits[i].entry,
                 (int)(hits[i].end - hits[i].start), text + hits[i].start);
    }
    cp_never_print_finish(&np);
    return out;
}

#define E(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_matching(void)
{
    /* Whole words only: a name inside another word is not that name. */
    CHECK_STR(scan("Banana, Anaya and ana", E("Ana")), "0:ana;");
    CHECK_STR(scan("Rupa's plan; RUPA.", E("Rupa")), "0:Rupa;0:RUPA;");
    CHECK_STR(scan("Rupadas", E("Rupa")), "");
    CHECK_STR(scan("Das-Gupta", E("Das")), "0:Das;");
    /* Several words: however the white space between them was typed or set. */
    CHECK_STR(scan("Rupa  Das, Rupa\nDas, Rupa\xC2\xA0"
                   "Das, Rupa\xE2\x80\xA8"
                   "Das",
                   E("rupa das")),
              "0:Rupa  Das;0:Rupa\nDas;0:Rupa\xC2\xA0"
              "Das;0:Rupa\xE2\x80\xA8"
              "Das;");
    CHECK_STR(scan("Rupa Dasgupta", E("Rupa Das")), "");
    /* A soft hyphen left in the text does not split the word. */
    CHECK_STR(scan("Chakra\xC2\xAD"
                   "borty",
                   E("Chakraborty")),
              "0:Chakra\xC2\xAD"
              "borty;");
    /* Smart punctuation's apostrophes and quotation marks match the straight ones typed. */
    CHECK_STR(scan("O\xE2\x80\x99"
                   "Brien said \xE2\x80\x9CSonagachi\xE2\x80\x9D",
                   E("o'brien", "Sonagachi")),
              "0:O\xE2\x80\x99"
              "Brien;1:Sonagachi;");
    /* Unicode case folding, not only ASCII: German sharp s, Greek, a ligature. */
    CHECK_STR(scan("STRASSE, Stra\xC3\x9F"
                   "e",
                   E("stra\xC3\x9F"
                     "e")),
              "0:STRASSE;0:Stra\xC3\x9F"
              "e;");
    CHECK_STR(scan("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91",
                   E("\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1")),
              "0:\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91;"); /* ΣΟΦΙΑ, σοφια */
    CHECK_STR(scan("\xEF\xAC\x81le", E("file")), "0:\xEF\xAC\x81le;");
    /* Accents count, however they are encoded (precomposed or combining). */
    CHECK_STR(scan("Ram\xC3\xADrez, RAMI\xCC\x81REZ, Ramirez", E("rami\xCC\x81rez")),
              "0:Ram\xC3\xADrez;0:RAMI\xCC\x81REZ;");
    /* A combining mark continues a word: "Ana" is not "Aná". */
    CHECK_STR(scan("Ana\xCC\x81", E("Ana")), "");
    /* Bengali: a whole word matches, the word with a suffix does not. */
    CHECK_STR(scan("\xE0\xA6\xB0\xE0\xA7\x82\xE0\xA6\xAA\xE0\xA6\xBE \xE0\xA6\xB0\xE0\xA7\x82"
                   "\xE0\xA6\xAA\xE0\xA6\xBE\xE0\xA6\xB0",
                   E("\xE0\xA6\xB0\xE0\xA7\x82\xE0\xA6\xAA\xE0\xA6\xBE")),
              "0:\xE0\xA6\xB0\xE0\xA7\x82\xE0\xA6\xAA\xE0\xA6\xBE;");
    /* Entries that begin or end with punctuation; digits. */
    CHECK_STR(scan("see @rupa_das now", E("@rupa")), "0:@rupa;");
    CHECK_STR(scan("call 98310 12345 or 9831012345", E("98310 12345")), "0:98310 12345;");
    /* Two entries, one inside the other: both are found. */
    CHECK_STR(scan("Rupa Das", E("Rupa", "Rupa Das")), "0:Rupa;1:Rupa Das;");
}

static void test_contains(void)
{
    CHECK(cp_never_print_contains("KOLKATA, 14 December", "Kolkata"), "case-insensitive");
    CHECK(cp_never_print_contains("a \xE2\x80\x9Cquoted\xE2\x80\x9D word", "\"quoted\""),
          "curly quotes");
    CHECK(!cp_never_print_contains("Kolkata", "Howrah"), "absent");
}

/* Writes data to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const char *data, size_t len)
{
    static char path[] = "/tmp/calpress-np-XXXXXX";
    strcpy(path, "/tmp/calpress-np-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        abort();
    close(fd);
    return path;
}

static void test_file(void)
{
    const char text[] = "\xEF\xBB\xBF# real names: never print\n"
                        "Rupa Das   # January\r\n"
                        "\n"
                        "   Sonagachi\n"
                        "House#5\n"
                        "#Netaji\n";
    const char *path = temp_file(text, sizeof text - 1);
    cp_never_print np;
    cp_never_print_init(&np);
    cp_diags d;
    cp_diags_init(&d);
    CHECK(cp_never_print_load(&np, path, (cp_pos){"calendar.yaml", 3, 14}, "never_print", &d),
          "loads");
    CHECK_INT(d.n, 0);
    CHECK_INT(np.n, 3);
    if (np.n == 3) {
        CHECK_STR(np.entries[0], "rupa das");
        CHECK_STR(np.entries[1], "sonagachi");
        CHECK_STR(np.entries[2], "house#5");
    }
    cp_never_print_finish(&np);
    unlink(path);

    /* Invalid UTF-8: an error at its line and column in the list, quoting no entry. */
    const char bad[] = "Rupa Das\nSona\xFFgachi\n";
    path = temp_file(bad, sizeof bad - 1);
    cp_never_print_init(&np);
    CHECK(!cp_never_print_load(&np, path, (cp_pos){NULL, 0, 0}, "--never-print", &d), "fails");
    CHECK_INT(d.n, 1);
    if (d.n == 1) {
        CHECK_INT(d.items[0].line, 2);
        CHECK_INT(d.items[0].col, 5);
        CHECK_STR(d.items[0].msg, "invalid UTF-8 (byte 0xff) in the never-print list; save it as "
                                  "UTF-8");
    }
    cp_never_print_finish(&np);
    unlink(path);

    /* Missing: at the manifest key, or naming the option. */
    cp_diags_finish(&d);
    cp_diags_init(&d);
    cp_never_print_init(&np);
    CHECK(!cp_never_print_load(&np, "/nonexistent/names.txt", (cp_pos){"calendar.yaml", 3, 14},
                               "never_print", &d),
          "missing");
    CHECK(!cp_never_print_load(&np, "/nonexistent/names.txt", (cp_pos){NULL, 0, 0}, "--never-print",
                               &d),
          "missing");
    CHECK_INT(d.n, 2);
    if (d.n == 2) {
        CHECK_INT(d.items[0].line, 3);
        CHECK_STR(d.items[0].msg, "cannot read the never-print list '/nonexistent/names.txt': No "
                                  "such file or directory");
        CHECK_STR(d.items[1].msg, "--never-print: cannot read the never-print list "
                                  "'/nonexistent/names.txt': No such file or directory");
    }
    cp_never_print_finish(&np);

    /* Only comments: a warning, no entries. */
    const char empty[] = "# nothing yet\n\n";
    path = temp_file(empty, sizeof empty - 1);
    cp_diags_finish(&d);
    cp_diags_init(&d);
    cp_never_print_init(&np);
    CHECK(cp_never_print_load(&np, path, (cp_pos){"calendar.yaml", 3, 14}, "never_print", &d),
          "empty loads");
    CHECK_INT(d.n_warnings, 1);
    CHECK_INT(np.n, 0);
    CHECK_STR(scan("anything", E("")), "");
    cp_never_print_finish(&np);
    unlink(path);
    cp_diags_finish(&d);
}

int main(void)
{
    test_matching();
    test_contains();
    test_file();
    return cp_test_summary("unit/neverprint");
}
