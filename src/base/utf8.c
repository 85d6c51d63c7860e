/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
#include "base/utf8.h"

bool cp_utf8_check(const char *s, size_t len, int *line, int *col, unsigned char *byte)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    int ln = 1, cl = 1;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3; /* a byte-order mark opens the text; it is not a column */
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned min;
        if (c == 0)
            goto bad;
        if (c < 0x80) {
            if (c == '\n') {
                ln++;
                cl = 1;
            } else {
                cl++;
            }
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2, min = 0x80;
            c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, min = 0x800;
            c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, min = 0x10000;
            c &= 0x07;
        } else {
            goto bad;
        }
        if ((size_t)(end - p) < n)
            goto bad;
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                goto bad;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            goto bad;
        p += n;
        cl++;
    }
    return true;
bad:
    *line = ln;
    *col = cl;
    *byte = *p;
    return false;
}

size_t cp_utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}
