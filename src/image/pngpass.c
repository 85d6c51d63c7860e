/* PNG chunks for the PDF's own Flate decoder: IHDR, PLTE, the IDAT data, and a checked CRC for
 * each chunk instead of a decode. */
#include "image/pngpass.h"
#include "base/util.h"
#include "image/standin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

bool cp_png_header(const cp_image *img, cp_png_data *out)
{
    bool damaged;
    return scan(img, out, &damaged, false) && !damaged;
}

size_t cp_png_idat_each(const cp_image *img, cp_png_idat_fn fn, void *ctx)
{
    size_t pos = 8, total = 0;
    chunk c;
    while (next_chunk(img, &pos, &c, false))
        if (strcmp(c.type, "IDAT") == 0) {
            fn(ctx, c.data, c.len);
            total += c.len;
        }
    return total;
}

uint64_t cp_png_key(const cp_image *img)
{
    return cp_standin_key_of(img);
}

unsigned char *cp_png_marker(const cp_image *img, size_t *len)
{
    cp_png_data p;
    bool damaged;
    scan(img, &p, &damaged, false);
    return cp_standin_make(CP_STANDIN_PNG, cp_png_key(img), p.width, p.height, p.colors, len);
}

bool cp_png_marker_key(const unsigned char *data, size_t len, uint64_t *key)
{
    return cp_standin_key(data, len, CP_STANDIN_PNG, key);
}
