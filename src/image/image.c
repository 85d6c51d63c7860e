/* Photo probing and decoding with libjpeg-turbo's TurboJPEG API, libpng's simplified API and
 * libexif: none of them needs setjmp in calpress's code. */
#include "image/image.h"
#include "base/util.h"
#include "image/pngpass.h"

#include <errno.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <tiffio.h>
#include <turbojpeg.h>
#include <webp/decode.h>

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

static int exif_orientation(const unsigned char *data, size_t len)
{
    ExifData *ed = exif_data_new_from_data(data, (unsigned int)(len > 0xFFFFFFu ? 0xFFFFFFu : len));
    if (!ed)
        return 1;
    int o = 1;
    ExifEntry *e = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
    if (e && e->format == EXIF_FORMAT_SHORT && e->components == 1) {
        o = exif_get_short(e->data, exif_data_get_byte_order(ed));
        if (o < 1 || o > 8)
            o = 1;
    }
    exif_data_unref(ed);
    return o;
}

/* Walks the JPEG markers up to the first scan: an Adobe APP14 segment marks inverted CMYK. */
bool cp_image_jpeg_is_adobe(const unsigned char *p, size_t len)
{
    size_t i = 2;
    while (i + 4 <= len && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        if (m == 0xDA)
            break;
        size_t seg = ((size_t)p[i + 2] << 8) | p[i + 3];
        if (m == 0xEE && seg >= 7 && i + 9 <= len && memcmp(p + i + 4, "Adobe", 5) == 0)
            return true;
        i += 2 + seg;
    }
    return false;
}

/* A complete JPEG has an end-of-image marker (FF D9) after its first scan. Inside scan data an
 * FF byte is always followed by 00 or a restart marker, so the first FF D9 after the SOS is the
 * end. What follows it (a phone's motion-photo video, vendor trailers) is not our concern. */
static bool jpeg_complete(const unsigned char *p, size_t len)
{
    size_t i = 2;
    while (i + 4 <= len && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            i += 2;
            continue;
        }
        if (m == 0xDA)
            break;
        i += 2 + (((size_t)p[i + 2] << 8) | p[i + 3]);
    }
    for (; i + 1 < len; i++)
        if (p[i] == 0xFF && p[i + 1] == 0xD9)
            return true;
    return false;
}

static bool probe_jpeg(cp_image *img, cp_pos at, cp_diags *d)
{
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        cp_error(d, at, "cannot start the JPEG decoder");
        return false;
    }
    int w, h, sub, cs;
    int rc = tjDecompressHeader3(tj, img->data, (unsigned long)img->len, &w, &h, &sub, &cs);
    if (rc != 0) {
        cp_error(d, at, "photo '%s' is not a readable JPEG: %s", img->name, tjGetErrorStr2(tj));
        tjDestroy(tj);
        return false;
    }
    tjDestroy(tj);
    if (!jpeg_complete(img->data, img->len)) {
        cp_error(d, at, "photo '%s' is truncated (the JPEG data stops before its end marker)",
                 img->name);
        return false;
    }
    img->format = CP_IMAGE_JPEG;
    img->width = w;
    img->height = h;
    img->bit_depth = 8;
    img->components = cs == TJCS_GRAY ? 1 : (cs == TJCS_CMYK || cs == TJCS_YCCK) ? 4 : 3;
    img->cmyk = img->components == 4;
    img->adobe = cp_image_jpeg_is_adobe(img->data, img->len);
    img->orientation = exif_orientation(img->data, img->len);
    return true;
}

static bool probe_png(cp_image *img, cp_pos at, cp_diags *d)
{
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
    return true;
}

static bool probe_tiff(cp_image *img, cp_pos at, cp_diags *d);
static bool probe_webp(cp_image *img, cp_pos at, cp_diags *d);

cp_image *cp_image_open(const char *path, const char *name, cp_pos at, cp_diags *d)
{
    size_t len = 0;
    if (!name)
        name = path;
    unsigned char *data = (unsigned char *)cp_read_file(path, &len);
    if (!data) {
        cp_error(d, at, "cannot read photo '%s': %s", name, strerror(errno));
        return NULL;
    }
    cp_image *img = cp_xcalloc(1, sizeof *img);
    img->path = cp_xstrdup(path);
    img->name = cp_xstrdup(name);
    img->at = at;
    img->data = data;
    img->len = len;
    bool ok;
    if (len == 0) {
        cp_error(d, at, "photo '%s' is empty (0 bytes)", name);
        ok = false;
    } else if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        ok = probe_jpeg(img, at, d);
    } else if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) {
        ok = probe_png(img, at, d);
    } else if (len >= 4 && (memcmp(data, "II*\0", 4) == 0 || memcmp(data, "MM\0*", 4) == 0)) {
        ok = probe_tiff(img, at, d);
    } else if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0) {
        ok = probe_webp(img, at, d);
    } else {
        cp_error(d, at, "photo '%s' is not a JPEG, PNG, TIFF or WebP file", name);
        ok = false;
    }
    /* A PNG the PDF takes undecoded (pngpass.h) gets every chunk's CRC checked instead. */
    if (ok && img->format != CP_IMAGE_JPEG && !(cp_png_passthrough(img) && cp_png_intact(img))) {
        /* Every format but JPEG is decoded for each use: decode once now, so that a damaged
         * file fails here, at the line that names it, and not halfway through a PDF. */
        int w, h;
        unsigned char *px = cp_image_decode_rgb(img, 1, &w, &h, d, at);
        ok = px != NULL;
        free(px);
    }
    if (!ok) {
        cp_image_free(img);
        return NULL;
    }
    return img;
}

static unsigned char *decode_jpeg(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                  cp_pos at)
{
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return NULL;
    int sw = (img->width + scale_den - 1) / scale_den;
    int sh = (img->height + scale_den - 1) / scale_den;
    int bpp = img->cmyk ? 4 : 3;
    unsigned char *buf = cp_xmalloc((size_t)sw * (size_t)sh * (size_t)bpp);
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

/* Keeps every scale_den-th pixel of an RGB buffer (previews only: print gets every pixel);
 * takes ownership of full. */
static unsigned char *downscale(unsigned char *full, int fw, int fh, int scale_den, int *w, int *h)
{
    if (scale_den <= 1) {
        *w = fw;
        *h = fh;
        return full;
    }
    int sw = (fw + scale_den - 1) / scale_den, sh = (fh + scale_den - 1) / scale_den;
    unsigned char *out = cp_xmalloc((size_t)sw * (size_t)sh * 3);
    for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++)
            memcpy(out + ((size_t)y * sw + x) * 3,
                   full + ((size_t)(y * scale_den) * fw + (size_t)(x * scale_den)) * 3, 3);
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

/* ---- TIFF, read from memory through libtiff's client procedures ---- */
typedef struct mem_tiff {
    const unsigned char *data;
    toff_t len, pos;
} mem_tiff;

static tmsize_t mt_read(thandle_t h, void *buf, tmsize_t n)
{
    mem_tiff *m = h;
    if (m->pos >= m->len || n <= 0)
        return 0;
    toff_t k = m->len - m->pos < (toff_t)n ? m->len - m->pos : (toff_t)n;
    memcpy(buf, m->data + m->pos, (size_t)k);
    m->pos += k;
    return (tmsize_t)k;
}

static tmsize_t mt_write(thandle_t h, void *buf, tmsize_t n)
{
    (void)h, (void)buf, (void)n;
    return 0;
}

static toff_t mt_seek(thandle_t h, toff_t off, int whence)
{
    mem_tiff *m = h;
    toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
    m->pos = base + off;
    return m->pos;
}

static int mt_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t mt_size(thandle_t h)
{
    return ((mem_tiff *)h)->len;
}

static int mt_map(thandle_t h, void **base, toff_t *size)
{
    mem_tiff *m = h;
    *base = (void *)m->data;
    *size = m->len;
    return 1;
}

static void mt_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h, (void)base, (void)size;
}

static TIFF *open_tiff(const cp_image *img, mem_tiff *m)
{
    /* libtiff prints to stderr by default; calpress reports failures itself. */
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    *m = (mem_tiff){img->data, (toff_t)img->len, 0};
    return TIFFClientOpen(img->name, "rm", (thandle_t)m, mt_read, mt_write, mt_seek, mt_close,
                          mt_size, mt_map, mt_unmap);
}

static unsigned char *decode_tiff(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                  cp_pos at)
{
    mem_tiff m;
    TIFF *t = open_tiff(img, &m);
    uint32_t tw = 0, th = 0;
    if (!t || !TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw) ||
        !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th) || tw == 0 || th == 0 ||
        (uint64_t)tw * th > 400000000u) {
        if (t)
            TIFFClose(t);
        cp_error(d, at, "cannot decode photo '%s': not a readable TIFF", img->name);
        return NULL;
    }
    uint32_t *raster = cp_xmalloc((size_t)tw * th * sizeof *raster);
    int ok = TIFFReadRGBAImageOriented(t, tw, th, raster, ORIENTATION_TOPLEFT, 1);
    TIFFClose(t);
    if (!ok) {
        free(raster);
        cp_error(d, at, "cannot decode photo '%s': the TIFF data is damaged or truncated",
                 img->name);
        return NULL;
    }
    unsigned char *rgba = cp_xmalloc((size_t)tw * th * 4);
    for (size_t i = 0, n = (size_t)tw * th; i < n; i++) {
        rgba[4 * i] = (unsigned char)TIFFGetR(raster[i]);
        rgba[4 * i + 1] = (unsigned char)TIFFGetG(raster[i]);
        rgba[4 * i + 2] = (unsigned char)TIFFGetB(raster[i]);
        rgba[4 * i + 3] = (unsigned char)TIFFGetA(raster[i]);
    }
    free(raster);
    unsigned char *rgb = flatten_rgba(rgba, (int)tw, (int)th);
    free(rgba);
    return downscale(rgb, (int)tw, (int)th, scale_den, w, h);
}

static bool probe_tiff(cp_image *img, cp_pos at, cp_diags *d)
{
    mem_tiff m;
    TIFF *t = open_tiff(img, &m);
    uint32_t tw = 0, th = 0;
    uint16_t spp = 3, bps = 8, photometric = PHOTOMETRIC_RGB, extra = 0;
    uint16_t *extra_types = NULL;
    if (!t || !TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw) ||
        !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th)) {
        if (t)
            TIFFClose(t);
        cp_error(d, at, "photo '%s' is not a readable TIFF", img->name);
        return false;
    }
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(t, TIFFTAG_EXTRASAMPLES, &extra, &extra_types);
    TIFFClose(t);
    img->format = CP_IMAGE_TIFF;
    img->width = (int)tw;
    img->height = (int)th;
    img->bit_depth = bps;
    img->alpha = extra > 0;
    img->cmyk = photometric == PHOTOMETRIC_SEPARATED;
    img->components = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE
                          ? 1
                      : img->cmyk ? 4
                                  : 3;
    img->orientation = 1; /* libtiff applies the TIFF's own orientation when it decodes */
    return true;
}

/* ---- WebP ---- */
static unsigned char *decode_webp(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                  cp_pos at)
{
    int ww = 0, wh = 0;
    uint8_t *rgba = WebPDecodeRGBA(img->data, img->len, &ww, &wh);
    if (!rgba) {
        cp_error(d, at, "cannot decode photo '%s': the WebP data is damaged or truncated",
                 img->name);
        return NULL;
    }
    unsigned char *rgb = flatten_rgba(rgba, ww, wh);
    WebPFree(rgba);
    return downscale(rgb, ww, wh, scale_den, w, h);
}

static bool probe_webp(cp_image *img, cp_pos at, cp_diags *d)
{
    WebPBitstreamFeatures f;
    if (WebPGetFeatures(img->data, img->len, &f) != VP8_STATUS_OK) {
        cp_error(d, at, "photo '%s' is not a readable WebP", img->name);
        return false;
    }
    img->format = CP_IMAGE_WEBP;
    img->width = f.width;
    img->height = f.height;
    img->alpha = f.has_alpha;
    img->components = 3;
    img->bit_depth = 8;
    img->orientation = 1;
    return true;
}

static unsigned char *decode_png(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                 cp_pos at)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, img->data, img->len))
        goto fail;
    pi.format = PNG_FORMAT_RGB;
    size_t stride = (size_t)pi.width * 3;
    unsigned char *full = cp_xmalloc(stride * pi.height);
    /* Transparent areas composite onto white paper. */
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&pi, &white, full, 0, NULL)) {
        free(full);
        goto fail;
    }
    int fw = (int)pi.width, fh = (int)pi.height;
    png_image_free(&pi);
    return downscale(full, fw, fh, scale_den, w, h);
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
        return decode_tiff(img, scale_den, w, h, d, at);
    case CP_IMAGE_WEBP:
        return decode_webp(img, scale_den, w, h, d, at);
    default:
        return decode_png(img, scale_den, w, h, d, at);
    }
}
