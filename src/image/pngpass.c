/* PNG chunks for the PDF's own Flate decoder: IHDR, PLTE, the IDAT data, and a checked CRC for
 * each chunk instead of a decode. */
#include "image/pngpass.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>

#define MARKER_TAG "calpress-png-v1 "

typedef struct chunk {
    const unsigned char *data;
    uint32_t len;
    char type[5];
    bool crc_ok;
} chunk;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The chunk at *pos, advancing *pos past it; false at the end or on a chunk that runs past
 * the file. Its CRC is checked when crc is true (20 ms for a 20 MB PNG: once is enough). */
static bool next_chunk(const cp_image *img, size_t *pos, chunk *c, bool crc)
{
    if (*pos + 12 > img->len)
        return false;
    const unsigned char *p = img->data + *pos;
    c->len = be32(p);
    if (c->len > img->len - *pos - 12)
        return false;
    memcpy(c->type, p + 4, 4);
    c->type[4] = '\0';
    c->data = p + 8;
    c->crc_ok = !crc || crc32(0L, p + 4, (uInt)(c->len + 4)) == be32(p + 8 + c->len);
    *pos += 12 + (size_t)c->len;
    return true;
}

/* Walks the chunks up to IEND; fills what a passthrough needs. Returns false for a PNG that
 * cannot pass through (or cannot be read this way). */
static bool scan(const cp_image *img, cp_png_data *out, bool *damaged, bool crc)
{
    memset(out, 0, sizeof *out);
    *damaged = false;
    if (img->format != CP_IMAGE_PNG || img->len < 8 + 25)
        return false;
    size_t pos = 8;
    chunk c;
    bool ihdr = false, iend = false, ok = true;
    int type = -1, interlace = 0;
    while (!iend && next_chunk(img, &pos, &c, crc)) {
        *damaged |= !c.crc_ok;
        if (strcmp(c.type, "IHDR") == 0 && c.len >= 13) {
            ihdr = true;
            out->width = (int)be32(c.data);
            out->height = (int)be32(c.data + 4);
            out->bits = c.data[8];
            type = c.data[9];
            interlace = c.data[12];
        } else if (strcmp(c.type, "PLTE") == 0) {
            out->plte = c.data;
            out->plte_n = (int)(c.len / 3);
        } else if (strcmp(c.type, "tRNS") == 0 || strcmp(c.type, "iCCP") == 0 ||
                   strcmp(c.type, "cHRM") == 0) {
            ok = false; /* transparency, or colours calpress would have to convert */
        } else if (strcmp(c.type, "gAMA") == 0 && c.len == 4) {
            uint32_t g = be32(c.data);
            ok = ok && g >= 45000 && g <= 46000; /* sRGB's 1/2.2 */
        } else if (strcmp(c.type, "IEND") == 0) {
            iend = true;
        }
    }
    *damaged |= !iend;
    out->palette = type == 3;
    out->colors = type == 2 ? 3 : 1;
    bool depth_ok = type == 2 ? out->bits == 8
                    : (type == 0 || type == 3)
                        ? (out->bits == 1 || out->bits == 2 || out->bits == 4 || out->bits == 8)
                        : false;
    /* A stand-in JPEG header says the size in 16 bits. */
    return ihdr && ok && depth_ok && interlace == 0 && out->width > 0 && out->height > 0 &&
           out->width <= 65535 && out->height <= 65535 && (!out->palette || out->plte_n > 0);
}

bool cp_png_passthrough(const cp_image *img)
{
    cp_png_data p;
    bool damaged;
    return scan(img, &p, &damaged, false) && !damaged;
}

bool cp_png_intact(const cp_image *img)
{
    cp_png_data p;
    bool damaged;
    scan(img, &p, &damaged, true);
    return !damaged;
}

bool cp_png_data_load(const cp_image *img, cp_png_data *out)
{
    bool damaged;
    if (!scan(img, out, &damaged, false) || damaged)
        return false;
    size_t pos = 8, total = 0;
    chunk c;
    while (next_chunk(img, &pos, &c, false))
        if (strcmp(c.type, "IDAT") == 0)
            total += c.len;
    out->idat = cp_xmalloc(total ? total : 1);
    pos = 8;
    while (next_chunk(img, &pos, &c, false))
        if (strcmp(c.type, "IDAT") == 0) {
            memcpy(out->idat + out->idat_len, c.data, c.len);
            out->idat_len += c.len;
        }
    return total > 0;
}

void cp_png_data_finish(cp_png_data *p)
{
    free(p->idat);
    memset(p, 0, sizeof *p);
}

uint64_t cp_png_key(const cp_image *img)
{
    return XXH3_64bits(img->data, img->len);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)(v & 0xFF);
}

unsigned char *cp_png_marker(const cp_image *img, size_t *len)
{
    cp_png_data p;
    bool damaged;
    scan(img, &p, &damaged, false);
    char text[64];
    int tn = snprintf(text, sizeof text, MARKER_TAG "%016llx", (unsigned long long)cp_png_key(img));
    int nc = p.colors;
    size_t n = 2 + 4 + (size_t)tn + 2 + 8 + 3 * (size_t)nc + 2;
    unsigned char *m = cp_xmalloc(n), *q = m;
    *q++ = 0xFF, *q++ = 0xD8; /* SOI */
    *q++ = 0xFF, *q++ = 0xFE; /* COM: the key */
    put16(q, (unsigned)tn + 2), q += 2;
    memcpy(q, text, (size_t)tn), q += tn;
    *q++ = 0xFF, *q++ = 0xC0; /* SOF0: what cairo reads */
    put16(q, 8 + 3 * (unsigned)nc), q += 2;
    *q++ = 8;
    put16(q, (unsigned)p.height), q += 2; /* JPEG sizes are 16 bits: see cp_png_passthrough */
    put16(q, (unsigned)p.width), q += 2;
    *q++ = (unsigned char)nc;
    for (int i = 0; i < nc; i++)
        *q++ = (unsigned char)(i + 1), *q++ = 0x11, *q++ = 0;
    *q++ = 0xFF, *q++ = 0xD9; /* EOI */
    *len = n;
    return m;
}

bool cp_png_marker_key(const unsigned char *data, size_t len, uint64_t *key)
{
    size_t tag = strlen(MARKER_TAG);
    if (len < 6 + tag + 16 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF ||
        data[3] != 0xFE || memcmp(data + 6, MARKER_TAG, tag) != 0)
        return false;
    char hex[17];
    memcpy(hex, data + 6 + tag, 16);
    hex[16] = '\0';
    char *end;
    unsigned long long v = strtoull(hex, &end, 16);
    if (*end)
        return false;
    *key = v;
    return true;
}
