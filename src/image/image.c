/* Photo probing and decoding with libjpeg-turbo's TurboJPEG API, libpng's simplified API and
 * libexif: none of them needs setjmp in calpress's code. */
#include "image/image.h"
#include "base/util.h"

#include <errno.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

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
    /* PNG data is decoded for every use; decode once here so a damaged file fails early. */
    int w, h;
    unsigned char *px = cp_image_decode_rgb(img, 1, &w, &h, d, at);
    if (!px)
        return false;
    free(px);
    return true;
}

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
    } else {
        cp_error(d, at, "photo '%s' is neither a JPEG nor a PNG file", name);
        ok = false;
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
    if (img->format == CP_IMAGE_JPEG)
        return decode_jpeg(img, scale_den, w, h, d, at);
    return decode_png(img, scale_den, w, h, d, at);
}
