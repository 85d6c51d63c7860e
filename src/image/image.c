/* Photo reading, probing and decoding with libjpeg-turbo's TurboJPEG API, libpng's simplified
 * API and libwebp (TIFF is in tiff.c): none of them needs setjmp in calpress's code. Every size
 * is checked against the limits in image.h before pixels are allocated. */
#include "image/image.h"
#include "base/hash.h"
#include "base/util.h"
#include "image/internal.h"
#include "image/pngpass.h"

#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>
#include <webp/decode.h>
#include <xxhash.h>

void cp_image_free(cp_image *img)
{
    if (!img)
        return;
    free(img->data);
    free(img->path);
    free(img->name);
    free(img->key);
    free(img);
}

void cp_image_upright_size(const cp_image *img, int *w, int *h)
{
    bool turned = img->orientation >= 5 && img->orientation <= 8;
    *w = turned ? img->height : img->width;
    *h = turned ? img->width : img->height;
}

/* Walks the JPEG markers up to the first scan: an Adobe APP14 segment marks inverted CMYK. */
bool cp_image_jpeg_is_adobe(const unsigned char *p, size_t len)
{
    size_t i = 2;
    while (i + 4 <= len && p[i] == 0xFF) {
        if (p[i + 1] == 0xFF) { /* a fill byte */
            i++;
            continue;
        }
        unsigned m = p[i + 1];
        if (m == 0xDA)
            break;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        size_t seg = ((size_t)p[i + 2] << 8) | p[i + 3];
        if (m == 0xEE && seg >= 7 && i + 9 <= len && memcmp(p + i + 4, "Adobe", 5) == 0)
            return true;
        i += 2 + seg;
    }
    return false;
}

static bool size_ok(unsigned long long w, unsigned long long h, int max_side)
{
    return w <= (unsigned long long)max_side && h <= (unsigned long long)max_side &&
           w * h <= CP_IMAGE_MAX_PIXELS;
}

bool cp_image_within_limits(const char *name, unsigned long long w, unsigned long long h,
                            int max_side, cp_pos at, cp_diags *d)
{
    if (size_ok(w, h, max_side))
        return true;
    char mp[48] = "";
    if (w * h > CP_IMAGE_MAX_PIXELS) /* no overflow: both sides are below 2^32 */
        snprintf(mp, sizeof mp, " (%llu megapixels)", (w * h + 500000) / 1000000);
    cp_error(d, at,
             "photo '%s' is %llu x %llu pixels%s; calpress takes photos of up to %llu megapixels "
             "and %d pixels a side",
             name, w, h, mp, CP_IMAGE_MAX_PIXELS / 1000000, max_side);
    return false;
}

/* The bytes of a photo as read: a JPEG up to its end marker (or the limit), else the file. */
typedef struct photo_bytes {
    unsigned char *data; /* malloc'd */
    size_t len;
    unsigned long long file_size;
    bool over_limit; /* reading stopped at the limit */
    bool walked;     /* walk is of data[0..len) as read (a JPEG read in steps) */
    cp_jpeg_walk walk;
} photo_bytes;

/* ---- JPEG ---- */

static bool probe_jpeg(cp_image *img, photo_bytes *pb, cp_pos at, cp_diags *d)
{
    cp_jpeg_walk w;
    if (pb->walked)
        w = pb->walk;
    else
        cp_jpeg_walk_markers(pb->data, pb->len, &w);
    if (w.have_sof && !cp_image_within_limits(img->name, (unsigned)w.width, (unsigned)w.height,
                                              CP_IMAGE_MAX_SIDE_JPEG, at, d))
        return false;
    if (w.status == CP_JPEG_BAD) {
        cp_error(d, at, "photo '%s' %s", img->name, w.why);
        return false;
    }
    if (w.status == CP_JPEG_SHORT) {
        char lim[32];
        if (pb->over_limit)
            cp_error(d, at,
                     "photo '%s' holds more than %s of JPEG data, over the limit for a photo",
                     img->name, cp_format_bytes(cp_file_photo.max_bytes, lim, sizeof lim));
        else
            cp_error(d, at, "photo '%s' is truncated (the JPEG data stops before its end marker)",
                     img->name);
        return false;
    }
    /* Stripped where it was read (no second copy of the photo in memory), then the buffer
     * trimmed to it: reading may have left room for twice the bytes. */
    img->len = cp_jpeg_strip_in_place(pb->data, w.extent, &img->found, &img->orientation);
    img->data = cp_xrealloc(pb->data, img->len);
    pb->data = NULL;
    img->found.trailer = pb->file_size > w.extent ? pb->file_size - w.extent : 0;
    /* libjpeg reads the tables too: what it cannot use is an error here, not in the PDF. */
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        cp_error(d, at, "cannot start the JPEG decoder");
        return false;
    }
    int tw, th, sub, cs;
    int rc = tjDecompressHeader3(tj, img->data, (unsigned long)img->len, &tw, &th, &sub, &cs);
    if (rc != 0) {
        cp_error(d, at, "photo '%s' is not a readable JPEG: %s", img->name, tjGetErrorStr2(tj));
        tjDestroy(tj);
        return false;
    }
    tjDestroy(tj);
    img->format = CP_IMAGE_JPEG;
    img->width = w.width;
    img->height = w.height;
    img->bit_depth = 8;
    img->components = cs == TJCS_GRAY ? 1 : (cs == TJCS_CMYK || cs == TJCS_YCCK) ? 4 : 3;
    img->cmyk = img->components == 4;
    img->adobe = cp_image_jpeg_is_adobe(img->data, img->len);
    return true;
}

/* ---- PNG and WebP ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether a PNG's chunks fit in the file (libpng allocates a text chunk's length before it reads
 * it) and its IDAT chunks can hold its pixels: deflate packs at most 258 bytes into about 2 bits
 * (1032:1), so a header claiming far more than its data can hold is damaged. Both are refused
 * before anything is allocated. */
static bool png_plausible(const cp_image *img, uint32_t w, uint32_t h, cp_pos at, cp_diags *d)
{
    const unsigned char *p = img->data;
    unsigned bits = p[24] * (p[25] == 2 ? 3u : p[25] == 4 ? 2u : p[25] == 6 ? 4u : 1u);
    uint64_t raw = ((uint64_t)w * bits + 7) / 8 * h + h, idat = 0;
    for (size_t i = 8; i + 12 <= img->len;) {
        size_t n = be32(p + i);
        if (n > img->len - i - 12) {
            cp_error(d, at, "photo '%s' is truncated (a PNG chunk runs past the end of the file)",
                     img->name);
            return false;
        }
        if (memcmp(p + i + 4, "IDAT", 4) == 0)
            idat += n;
        if (memcmp(p + i + 4, "IEND", 4) == 0)
            break;
        i += 12 + n;
    }
    if (idat * 1032 + 1032 >= raw)
        return true;
    cp_error(d, at,
             "photo '%s' is damaged: its PNG header says %u x %u pixels, but its image data is far "
             "too short for that",
             img->name, w, h);
    return false;
}

static bool probe_png(cp_image *img, cp_pos at, cp_diags *d)
{
    /* The size from a whole IHDR chunk first, before libpng allocates anything for the image
     * (a shorter file is libpng's to refuse). */
    if (img->len >= 33 && memcmp(img->data + 12, "IHDR", 4) == 0 &&
        (!cp_image_within_limits(img->name, be32(img->data + 16), be32(img->data + 20),
                                 CP_IMAGE_MAX_SIDE_DECODED, at, d) ||
         !png_plausible(img, be32(img->data + 16), be32(img->data + 20), at, d)))
        return false;
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, img->data, img->len)) {
        cp_error(d, at, "photo '%s' is not a readable PNG: %s", img->name, pi.message);
        png_image_free(&pi);
        return false;
    }
    img->format = CP_IMAGE_PNG;
    img->width = (int)pi.width;
    img->height = (int)pi.height;
    img->alpha = (pi.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    img->components = (pi.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
    img->bit_depth = (pi.format & PNG_FORMAT_FLAG_LINEAR) ? 16 : 8;
    img->orientation = 1;
    png_image_free(&pi);
    cp_meta_png(img->data, img->len, &img->found);
    return true;
}

static bool probe_webp(cp_image *img, cp_pos at, cp_diags *d)
{
    WebPBitstreamFeatures f;
    if (WebPGetFeatures(img->data, img->len, &f) != VP8_STATUS_OK) {
        cp_error(d, at, "photo '%s' is not a readable WebP", img->name);
        return false;
    }
    if (!cp_image_within_limits(img->name, (unsigned)f.width, (unsigned)f.height,
                                CP_IMAGE_MAX_SIDE_DECODED, at, d))
        return false;
    img->format = CP_IMAGE_WEBP;
    img->width = f.width;
    img->height = f.height;
    img->alpha = f.has_alpha;
    img->components = 3;
    img->bit_depth = 8;
    img->orientation = 1;
    cp_meta_webp(img->data, img->len, &img->found);
    return true;
}

/* ---- opening ---- */

/* Probes pb (taking ownership of its buffer) into img. */
static bool probe(cp_image *img, photo_bytes *pb, cp_pos at, cp_diags *d)
{
    const unsigned char *p = pb->data;
    size_t len = pb->len;
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        bool ok = probe_jpeg(img, pb, at, d);
        free(pb->data);
        return ok;
    }
    img->data = pb->data;
    img->len = pb->len;
    if (len == 0) {
        cp_error(d, at, "photo '%s' is empty (0 bytes)", img->name);
        return false;
    }
    bool ok;
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        ok = probe_png(img, at, d);
    } else if (len >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0)) {
        ok = cp_tiff_probe(img, at, d);
    } else if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) {
        ok = probe_webp(img, at, d);
    } else {
        cp_error(d, at, "photo '%s' is not a JPEG, PNG, TIFF or WebP file", img->name);
        return false;
    }
    /* A PNG the PDF takes undecoded (pngpass.h) gets every chunk's CRC checked instead. */
    if (ok && !(cp_png_passthrough(img) && cp_png_intact(img))) {
        /* Every format but JPEG is decoded for each use: decode once now, so that a damaged
         * file fails here, at the line that names it, and not halfway through a PDF. */
        int w, h;
        unsigned char *px = cp_image_decode_rgb(img, 1, &w, &h, d, at);
        ok = px != NULL;
        free(px);
    }
    return ok;
}

/* Reads a JPEG from fd on from pb's first bytes, in doubling steps, until its end marker, the
 * end of the file, a frame over the limits, or more than the limit for a photo. What follows the
 * end marker (a phone's motion-photo video, a gigabyte of anything) is never read. */
static bool read_jpeg(int fd, photo_bytes *pb, size_t *cap, cp_file_error *err)
{
    size_t max = cp_file_photo.max_bytes;
    const cp_jpeg_walk *w = &pb->walk;
    cp_jpeg_walk_markers(pb->data, pb->len, &pb->walk);
    pb->walked = true; /* kept of the data as it grows: probe_jpeg takes the last */
    for (;;) {
        if (w->status != CP_JPEG_SHORT)
            return true;
        if (w->have_sof &&
            !size_ok((unsigned)w->width, (unsigned)w->height, CP_IMAGE_MAX_SIDE_JPEG))
            return true; /* probe_jpeg reports it */
        if (pb->len > max) {
            pb->over_limit = true;
            return true;
        }
        size_t room = max + 1 - pb->len;
        size_t want = pb->len + (pb->len < room ? pb->len : room);
        bool eof = false;
        if (!cp_file_read_more(fd, &pb->data, &pb->len, cap, want, &eof, err))
            return false;
        cp_jpeg_walk_resume(pb->data, pb->len, &pb->walk);
        if (eof)
            return true;
    }
}

static bool read_photo(const char *path, const char *name, cp_pos at, cp_diags *d, photo_bytes *pb)
{
    memset(pb, 0, sizeof *pb);
    cp_file_error err;
    int fd = cp_file_open(path, &pb->file_size, &err);
    if (fd < 0) {
        cp_error(d, at, "cannot read photo '%s': %s", name, err.text);
        return false;
    }
    size_t cap = 0;
    bool eof = false;
    bool ok = cp_file_read_more(fd, &pb->data, &pb->len, &cap, 65536, &eof, &err);
    char a[32], b[32];
    if (ok && !eof && pb->len >= 3 && pb->data[0] == 0xFF && pb->data[1] == 0xD8) {
        ok = read_jpeg(fd, pb, &cap, &err);
    } else if (ok && !eof && pb->file_size > cp_file_photo.max_bytes) {
        cp_error(d, at, "cannot read photo '%s': it is %s, over the %s limit for a photo", name,
                 cp_format_bytes(pb->file_size, a, sizeof a),
                 cp_format_bytes(cp_file_photo.max_bytes, b, sizeof b));
        close(fd);
        free(pb->data);
        return false;
    } else if (ok && !eof) {
        ok = cp_file_read_rest(fd, &pb->data, &pb->len, &cap, cp_file_photo.max_bytes,
                               &pb->over_limit, &err);
        if (ok && pb->over_limit)
            snprintf(err.text, sizeof err.text, "it is over the %s limit for a photo",
                     cp_format_bytes(cp_file_photo.max_bytes, b, sizeof b));
        ok = ok && !pb->over_limit;
    }
    close(fd);
    if (!ok) {
        cp_error(d, at, "cannot read photo '%s': %s", name, err.text);
        free(pb->data);
        return false;
    }
    return true;
}

/* data_hash, once: the bytes are in the cache now, and three users need it. */
static void hash_data(cp_image *img)
{
    XXH128_hash_t h = XXH3_128bits(img->data, img->len);
    img->data_hash[0] = h.high64;
    img->data_hash[1] = h.low64;
}

uint64_t cp_image_bytes_hash(const cp_image *img)
{
    return img->len > 240 ? img->data_hash[1] : cp_hash_bytes(img->data, img->len);
}

uint64_t cp_image_content_key(const cp_image *img)
{
    uint64_t v[3] = {img->data_hash[0], img->data_hash[1], (uint64_t)img->orientation};
    return cp_hash_bytes(v, sizeof v);
}

static cp_image *new_image(const char *path, const char *name, cp_pos at)
{
    cp_image *img = cp_xcalloc(1, sizeof *img);
    img->path = cp_xstrdup(path);
    img->name = cp_xstrdup(name);
    img->at = at;
    img->orientation = 1;
    return img;
}

cp_image *cp_image_open(const char *path, const char *name, cp_pos at, cp_diags *d)
{
    if (!name)
        name = path;
    photo_bytes pb;
    if (!read_photo(path, name, at, d, &pb))
        return NULL;
    cp_image *img = new_image(path, name, at);
    if (!probe(img, &pb, at, d)) {
        cp_image_free(img);
        return NULL;
    }
    hash_data(img);
    return img;
}

cp_image *cp_image_open_memory(const unsigned char *data, size_t len, const char *name, cp_pos at,
                               cp_diags *d)
{
    photo_bytes pb = {cp_xmalloc(len), len, len, len > cp_file_photo.max_bytes};
    memcpy(pb.data, data, len);
    cp_image *img = new_image(name, name, at);
    if (!probe(img, &pb, at, d)) {
        cp_image_free(img);
        return NULL;
    }
    hash_data(img);
    return img;
}

/* ---- decoding ---- */

/* w x h x channels bytes, or NULL with an error if that overflows. */
unsigned char *cp_image_alloc_pixels(const char *name, size_t w, size_t h, size_t channels,
                                     cp_diags *d, cp_pos at)
{
    size_t n;
    if (!cp_size_mul3(w, h, channels, &n)) {
        cp_error(d, at, "photo '%s' is too large to decode (%zu x %zu pixels)", name, w, h);
        return NULL;
    }
    return cp_xmalloc(n);
}

static unsigned char *decode_jpeg(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                  cp_pos at)
{
    int sw = (img->width + scale_den - 1) / scale_den;
    int sh = (img->height + scale_den - 1) / scale_den;
    int bpp = img->cmyk ? 4 : 3;
    unsigned char *buf =
        cp_image_alloc_pixels(img->name, (size_t)sw, (size_t)sh, (size_t)bpp, d, at);
    if (!buf)
        return NULL;
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        cp_error(d, at, "cannot start the JPEG decoder");
        free(buf);
        return NULL;
    }
    int rc = tjDecompress2(tj, img->data, (unsigned long)img->len, buf, sw, 0, sh,
                           img->cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE);
    if (rc != 0 && tjGetErrorCode(tj) == TJERR_FATAL) {
        cp_error(d, at, "cannot decode photo '%s': %s", img->name, tjGetErrorStr2(tj));
        free(buf);
        tjDestroy(tj);
        return NULL;
    }
    tjDestroy(tj);
    if (img->cmyk) {
        /* A naive separation is enough for previews: RGB = (1 - C)(1 - K) ...; Adobe's files
         * store the values inverted (255 = no ink). */
        for (size_t i = 0, n = (size_t)sw * (size_t)sh; i < n; i++) {
            unsigned c = buf[4 * i], m = buf[4 * i + 1], y = buf[4 * i + 2], k = buf[4 * i + 3];
            if (!img->adobe) {
                c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
            }
            buf[3 * i] = (unsigned char)(c * k / 255);
            buf[3 * i + 1] = (unsigned char)(m * k / 255);
            buf[3 * i + 2] = (unsigned char)(y * k / 255);
        }
    }
    *w = sw;
    *h = sh;
    return buf;
}

unsigned char *cp_image_downscale(unsigned char *full, int fw, int fh, int scale_den, int *w,
                                  int *h)
{
    if (scale_den <= 1) {
        *w = fw;
        *h = fh;
        return full;
    }
    int sw = (fw + scale_den - 1) / scale_den, sh = (fh + scale_den - 1) / scale_den;
    /* Smaller than full, whose size was checked. */
    unsigned char *out = cp_xmalloc((size_t)sw * (size_t)sh * 3);
    for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++)
            memcpy(out + ((size_t)y * sw + x) * 3,
                   full + ((size_t)y * scale_den * fw + (size_t)x * scale_den) * 3, 3);
    free(full);
    *w = sw;
    *h = sh;
    return out;
}

/* RGBA (straight alpha) composited onto white paper, into a new RGB buffer. */
static unsigned char *flatten_rgba(const unsigned char *rgba, int w, int h)
{
    unsigned char *rgb = cp_xmalloc((size_t)w * (size_t)h * 3);
    for (size_t i = 0, n = (size_t)w * (size_t)h; i < n; i++) {
        unsigned a = rgba[4 * i + 3];
        for (int c = 0; c < 3; c++)
            rgb[3 * i + c] = (unsigned char)((rgba[4 * i + c] * a + 255 * (255 - a) + 127) / 255);
    }
    return rgb;
}

static unsigned char *decode_webp(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                  cp_pos at)
{
    int ww = 0, wh = 0;
    /* The size was checked by probe_webp from the same bytes. */
    uint8_t *rgba = WebPDecodeRGBA(img->data, img->len, &ww, &wh);
    if (!rgba) {
        cp_error(d, at, "cannot decode photo '%s': the WebP data is damaged or truncated",
                 img->name);
        return NULL;
    }
    unsigned char *rgb = flatten_rgba(rgba, ww, wh);
    WebPFree(rgba);
    return cp_image_downscale(rgb, ww, wh, scale_den, w, h);
}

static unsigned char *decode_png(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                 cp_pos at)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, img->data, img->len))
        goto fail;
    if (!cp_image_within_limits(img->name, pi.width, pi.height, CP_IMAGE_MAX_SIDE_DECODED, at, d)) {
        png_image_free(&pi);
        return NULL;
    }
    pi.format = PNG_FORMAT_RGB;
    unsigned char *full = cp_image_alloc_pixels(img->name, pi.width, pi.height, 3, d, at);
    if (!full) {
        png_image_free(&pi);
        return NULL;
    }
    /* Transparent areas composite onto white paper. */
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&pi, &white, full, 0, NULL)) {
        free(full);
        goto fail;
    }
    int fw = (int)pi.width, fh = (int)pi.height;
    png_image_free(&pi);
    return cp_image_downscale(full, fw, fh, scale_den, w, h);
fail:
    cp_error(d, at, "cannot decode photo '%s': %s", img->name, pi.message);
    png_image_free(&pi);
    return NULL;
}

unsigned char *cp_image_decode_rgb(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                   cp_pos at)
{
    if (scale_den != 1 && scale_den != 2 && scale_den != 4 && scale_den != 8)
        scale_den = 1;
    switch (img->format) {
    case CP_IMAGE_JPEG:
        return decode_jpeg(img, scale_den, w, h, d, at);
    case CP_IMAGE_TIFF:
        return cp_tiff_decode(img, scale_den, w, h, d, at);
    case CP_IMAGE_WEBP:
        return decode_webp(img, scale_den, w, h, d, at);
    default:
        return decode_png(img, scale_den, w, h, d, at);
    }
}
