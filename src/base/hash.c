/* XXH3 hashing through Debian's libxxhash. */
#include "base/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void cp_hasher_init(cp_hasher *h)
{
    XXH3_state_t *s = XXH3_createState();
    if (!s) {
        fputs("calpress: out of memory\n", stderr);
        abort();
    }
    XXH3_64bits_reset(s);
    h->state = s;
}

void cp_hasher_finish(cp_hasher *h)
{
    XXH3_freeState(h->state);
    h->state = NULL;
}

void cp_hasher_bytes(cp_hasher *h, const void *data, size_t len)
{
    if (len)
        XXH3_64bits_update(h->state, data, len);
}

void cp_hasher_str(cp_hasher *h, const char *s)
{
    static const unsigned char null_marker[2] = {0xff, 0};
    if (!s)
        cp_hasher_bytes(h, null_marker, sizeof null_marker);
    else
        cp_hasher_bytes(h, s, strlen(s) + 1);
}

void cp_hasher_u64(cp_hasher *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    cp_hasher_bytes(h, b, sizeof b);
}

void cp_hasher_pt(cp_hasher *h, double v)
{
    long long c = llround(v * 100);
    if (c == 0)
        c = 0; /* -0.00 and 0.00 are one number */
    cp_hasher_u64(h, (uint64_t)c);
}

uint64_t cp_hasher_digest(const cp_hasher *h)
{
    return XXH3_64bits_digest(h->state);
}

void cp_hasher_digest128(const cp_hasher *h, unsigned char out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h->state));
    memcpy(out, c.digest, 16);
}

uint64_t cp_hash_bytes(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}

char *cp_hash_hex(uint64_t v, char *buf)
{
    snprintf(buf, 17, "%016llx", (unsigned long long)v);
    return buf;
}

bool cp_hash_parse(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (s[16] != '\0')
        return false;
    *out = v;
    return true;
}
