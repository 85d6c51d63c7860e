/* Stand-in JPEG headers for the PDF step (image/standin.h). */
#include "image/standin.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t cp_standin_key_of(const cp_image *img)
{
    return img->data_hash[1];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)(v & 0xFF);
}

unsigned char *cp_standin_make(const char *tag, uint64_t key, int width, int height, int colors,
                               size_t *len)
{
    char text[64];
    int tn = snprintf(text, sizeof text, "%s%016llx", tag, (unsigned long long)key);
    size_t n = 2 + 4 + (size_t)tn + 2 + 8 + 3 * (size_t)colors + 2;
    unsigned char *m = cp_xmalloc(n), *q = m;
    *q++ = 0xFF, *q++ = 0xD8; /* SOI */
    *q++ = 0xFF, *q++ = 0xFE; /* COM: the tag and key */
    put16(q, (unsigned)tn + 2), q += 2;
    memcpy(q, text, (size_t)tn), q += tn;
    *q++ = 0xFF, *q++ = 0xC0; /* SOF0: what cairo reads */
    put16(q, 8 + 3 * (unsigned)colors), q += 2;
    *q++ = 8;
    put16(q, (unsigned)height), q += 2; /* JPEG sizes are 16 bits */
    put16(q, (unsigned)width), q += 2;
    *q++ = (unsigned char)colors;
    for (int i = 0; i < colors; i++)
        *q++ = (unsigned char)(i + 1), *q++ = 0x11, *q++ = 0;
    *q++ = 0xFF, *q++ = 0xD9; /* EOI */
    *len = n;
    return m;
}

bool cp_standin_key(const unsigned char *data, size_t len, const char *tag, uint64_t *key)
{
    size_t tn = strlen(tag);
    if (len < 6 + tn + 16 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF ||
        data[3] != 0xFE || memcmp(data + 6, tag, tn) != 0)
        return false;
    char hex[17];
    memcpy(hex, data + 6 + tn, 16);
    hex[16] = '\0';
    char *end;
    unsigned long long v = strtoull(hex, &end, 16);
    if (*end)
        return false;
    *key = v;
    return true;
}

unsigned char *cp_jpeg_standin(const cp_image *img, size_t *len)
{
    return cp_standin_make(CP_STANDIN_JPEG, cp_standin_key_of(img), img->width, img->height,
                           img->components, len);
}
