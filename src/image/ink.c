/* The colour data of photos: ICC profiles embedded in JPEGs, and the ink coverage of CMYK ones. */
#include "base/util.h"
#include "image/colour.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <zlib.h>

#define ICC_TAG  "ICC_PROFILE"
#define ICC_HEAD 14 /* "ICC_PROFILE\0", sequence number, count */

/* One APP2 ICC segment: its place in the sequence and its data. */
typedef struct icc_chunk {
    const unsigned char *data;
    size_t len;
} icc_chunk;

unsigned char *cp_jpeg_icc_profile(const unsigned char *p, size_t len, size_t *out_len)
{
    icc_chunk chunks[256];
    memset(chunks, 0, sizeof chunks);
    int count = 0;
    size_t i = 2;
    if (len < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return NULL;
    /* The profile sits in the header segments, before the first scan. */
    while (i + 4 <= len && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        if (m == 0xFF) {
            i++; /* fill byte */
            continue;
        }
        if (m == 0xDA || m == 0xD9)
            break;
        size_t seg = ((size_t)p[i + 2] << 8) | p[i + 3];
        if (seg < 2 || i + 2 + seg > len)
            return NULL;
        if (m == 0xE2 && seg >= 2 + ICC_HEAD && memcmp(p + i + 4, ICC_TAG, 12) == 0) {
            int seq = p[i + 4 + 12], n = p[i + 4 + 13];
            if (seq < 1 || n < 1 || seq > n || (count && n != count) || chunks[seq].data)
                return NULL; /* a damaged or repeated sequence */
            count = n;
            chunks[seq].data = p + i + 4 + ICC_HEAD;
            chunks[seq].len = seg - 2 - ICC_HEAD;
        }
        i += 2 + seg;
    }
    if (!count)
        return NULL;
    size_t total = 0;
    for (int k = 1; k <= count; k++) {
        if (!chunks[k].data)
            return NULL; /* a segment is missing */
        total += chunks[k].len;
    }
    unsigned char *out = cp_xmalloc(total ? total : 1);
    size_t at = 0;
    for (int k = 1; k <= count; k++) {
        memcpy(out + at, chunks[k].data, chunks[k].len);
        at += chunks[k].len;
    }
    *out_len = total;
    return out;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *copy_bytes(const unsigned char *p, size_t n, size_t *out_len)
{
    unsigned char *out = cp_xmalloc(n ? n : 1);
    memcpy(out, p, n);
    *out_len = n;
    return out;
}

/* PNG: the iCCP chunk (a name, a NUL, method 0, then the zlib-compressed profile), before the
 * image data. */
static unsigned char *png_icc(const unsigned char *p, size_t len, size_t *out_len)
{
    for (size_t i = 8; i + 12 <= len;) {
        size_t n = be32(p + i);
        if (n > len - i - 12)
            return NULL;
        const unsigned char *data = p + i + 8;
        if (memcmp(p + i + 4, "IDAT", 4) == 0 || memcmp(p + i + 4, "IEND", 4) == 0)
            return NULL;
        if (memcmp(p + i + 4, "iCCP", 4) == 0) {
            const unsigned char *nul = memchr(data, 0, n < 80 ? n : 80);
            if (!nul || (size_t)(nul - data) + 2 > n || nul[1] != 0)
                return NULL;
            /* The profile's own header says how long it is; read that much, at most 4 MB. */
            uLongf size = 4u << 20;
            unsigned char *out = cp_xmalloc(size);
            size_t head = (size_t)(nul - data) + 2;
            if (uncompress(out, &size, nul + 2, (uLong)(n - head)) != Z_OK) {
                free(out);
                return NULL;
            }
            *out_len = size;
            return out;
        }
        i += 12 + n;
    }
    return NULL;
}

static uint32_t tiff_u(const unsigned char *p, bool le, int bytes)
{
    uint32_t v = 0;
    for (int k = 0; k < bytes; k++)
        v |= (uint32_t)p[le ? k : bytes - 1 - k] << (8 * k);
    return v;
}

/* TIFF: tag 34675 (ICC profile) of the first image directory. */
static unsigned char *tiff_icc(const unsigned char *p, size_t len, size_t *out_len)
{
    if (len < 8)
        return NULL;
    bool le = p[0] == 'I';
    uint32_t ifd = tiff_u(p + 4, le, 4);
    if (ifd > len - 2)
        return NULL;
    uint32_t n = tiff_u(p + ifd, le, 2);
    for (uint32_t e = 0; e < n && ifd + 2 + 12 * (e + 1) <= len; e++) {
        const unsigned char *ent = p + ifd + 2 + 12 * e;
        if (tiff_u(ent, le, 2) != 34675)
            continue;
        uint32_t count = tiff_u(ent + 4, le, 4), off = tiff_u(ent + 8, le, 4);
        if (count <= 4 || off > len || count > len - off)
            return NULL;
        return copy_bytes(p + off, count, out_len);
    }
    return NULL;
}

/* WebP: the ICCP chunk of an extended (VP8X) file. */
static unsigned char *webp_icc(const unsigned char *p, size_t len, size_t *out_len)
{
    for (size_t i = 12; i + 8 <= len;) {
        size_t n = (size_t)p[i + 4] | (size_t)p[i + 5] << 8 | (size_t)p[i + 6] << 16 |
                   (size_t)p[i + 7] << 24;
        if (n > len - i - 8)
            return NULL;
        if (memcmp(p + i, "ICCP", 4) == 0)
            return copy_bytes(p + i + 8, n, out_len);
        i += 8 + n + (n & 1);
    }
    return NULL;
}

unsigned char *cp_image_icc_profile(const cp_image *img, size_t *out_len)
{
    switch (img->format) {
    case CP_IMAGE_JPEG:
        return cp_jpeg_icc_profile(img->data, img->len, out_len);
    case CP_IMAGE_PNG:
        return png_icc(img->data, img->len, out_len);
    case CP_IMAGE_TIFF:
        return tiff_icc(img->data, img->len, out_len);
    default:
        return webp_icc(img->data, img->len, out_len);
    }
}

/* Total ink of every pixel in percent x 255 / 100 units (0..1020), as a summed-area table with a
 * zero row and column in front: sums of any box in four look-ups. */
static uint64_t *coverage_table(const unsigned char *cmyk, int w, int h, bool inverted)
{
    size_t tw = (size_t)w + 1;
    uint64_t *t = cp_xcalloc(tw * ((size_t)h + 1), sizeof *t);
    for (int y = 0; y < h; y++) {
        uint64_t row = 0;
        const unsigned char *px = cmyk + (size_t)y * (size_t)w * 4;
        for (int x = 0; x < w; x++) {
            unsigned s = (unsigned)px[4 * x] + px[4 * x + 1] + px[4 * x + 2] + px[4 * x + 3];
            row += inverted ? 1020 - s : s;
            t[(size_t)(y + 1) * tw + (size_t)x + 1] = t[(size_t)y * tw + (size_t)x + 1] + row;
        }
    }
    return t;
}

static double max_coverage(const unsigned char *cmyk, int w, int h, int box, bool inverted)
{
    if (box < 1)
        box = 1;
    if (box > w)
        box = w;
    if (box > h)
        box = h;
    uint64_t *t = coverage_table(cmyk, w, h, inverted);
    size_t tw = (size_t)w + 1;
    uint64_t best = 0;
    for (int y = box; y <= h; y++) {
        for (int x = box; x <= w; x++) {
            uint64_t s = t[(size_t)y * tw + (size_t)x] - t[(size_t)(y - box) * tw + (size_t)x] -
                         t[(size_t)y * tw + (size_t)(x - box)] +
                         t[(size_t)(y - box) * tw + (size_t)(x - box)];
            if (s > best)
                best = s;
        }
    }
    free(t);
    return (double)best / ((double)box * box) * 100.0 / 255.0;
}

double cp_image_max_ink(const cp_image *img, int box, cp_diags *d)
{
    if (img->format != CP_IMAGE_JPEG || !img->cmyk)
        return 0;
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        cp_error(d, img->at, "cannot start the JPEG decoder");
        return -1;
    }
    size_t n = (size_t)img->width * (size_t)img->height * 4;
    unsigned char *px = cp_xmalloc(n ? n : 1);
    int rc = tjDecompress2(tj, img->data, (unsigned long)img->len, px, img->width, 0, img->height,
                           TJPF_CMYK, 0);
    if (rc != 0 && tjGetErrorCode(tj) == TJERR_FATAL) {
        cp_error(d, img->at, "cannot decode photo '%s' to measure its ink: %s", img->name,
                 tjGetErrorStr2(tj));
        tjDestroy(tj);
        free(px);
        return -1;
    }
    tjDestroy(tj);
    double v = max_coverage(px, img->width, img->height, box, img->adobe);
    free(px);
    return v;
}
