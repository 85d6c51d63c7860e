/* The plain program around a libFuzzer target, for ctest: replays each file named on the command
 * line (a target's seed corpus and its regressions) through LLVMFuzzerTestOneInput and prints
 * "fuzz/NAME: N passed, 0 failed" (CP_FUZZ_NAME). A crash or sanitizer report fails the test. */
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *buf = cp_read_file(argv[i], &len);
        if (!buf) {
            fprintf(stderr, "fuzz-replay: cannot read %s\n", argv[i]);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        free(buf);
        n++;
    }
    printf("fuzz/%s: %d passed, 0 failed\n", CP_FUZZ_NAME, n);
    return 0;
}
