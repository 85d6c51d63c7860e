/* A tiny test harness (after cmark's api_test): checks count, failures print file:line. */
#ifndef CP_TEST_HARNESS_H
#define CP_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int cp_test_run, cp_test_failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        cp_test_run++;                                                                             \
        if (!(cond)) {                                                                             \
            cp_test_failed++;                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got), (want))

#define CHECK_INT(got, want)                                                                       \
    CHECK((long long)(got) == (long long)(want), "got %lld, want %lld", (long long)(got),          \
          (long long)(want))

/* Prints the plain closing line CI reads, and returns the exit status. */
static inline int cp_test_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, cp_test_run - cp_test_failed, cp_test_failed);
    return cp_test_failed ? 1 : 0;
}

#endif
