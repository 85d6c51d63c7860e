/* TIFF photos through libtiff, read from memory: probing (size checked before any pixel buffer),
 * decoding to RGB, and the tags that say who, where and with what camera. */
#include "base/util.h"
#include "image/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

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

unsigned char *cp_tiff_decode(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                              cp_pos at)
{
    mem_tiff m;
    TIFF *t = open_tiff(img, &m);
    uint32_t tw = 0, th = 0;
    if (!t || !TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw) ||
        !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th) || tw == 0 || th == 0) {
        if (t)
            TIFFClose(t);
        cp_error(d, at, "cannot decode photo '%s': not a readable TIFF", img->name);
        return NULL;
    }
    if (!cp_image_within_limits(img->name, tw, th, CP_IMAGE_MAX_SIDE_DECODED, at, d)) {
        TIFFClose(t);
        return NULL;
    }
    uint32_t *raster = (uint32_t *)(void *)cp_image_alloc_pixels(img->name, tw, th, 4, d, at);
    unsigned char *rgb = raster ? cp_image_alloc_pixels(img->name, tw, th, 3, d, at) : NULL;
    if (!rgb) {
        free(raster);
        TIFFClose(t);
        return NULL;
    }
    int ok = TIFFReadRGBAImageOriented(t, tw, th, raster, ORIENTATION_TOPLEFT, 1);
    TIFFClose(t);
    if (!ok) {
        free(raster);
        free(rgb);
        cp_error(d, at, "cannot decode photo '%s': the TIFF data is damaged or truncated",
                 img->name);
        return NULL;
    }
    /* Straight from libtiff's ABGR words, composited onto white paper. */
    for (size_t i = 0, n = (size_t)tw * th; i < n; i++) {
        unsigned a = TIFFGetA(raster[i]);
        unsigned c[3] = {TIFFGetR(raster[i]), TIFFGetG(raster[i]), TIFFGetB(raster[i])};
        for (int k = 0; k < 3; k++)
            rgb[3 * i + k] = (unsigned char)((c[k] * a + 255 * (255 - a) + 127) / 255);
    }
    free(raster);
    return cp_image_downscale(rgb, (int)tw, (int)th, scale_den, w, h);
}

/* ---- tags ---- */

static bool ascii_tag(TIFF *t, ttag_t tag, char *dst, size_t size)
{
    char *v = NULL;
    dst[0] = '\0';
    if (TIFFGetField(t, tag, &v) && v)
        cp_meta_copy_text(dst, size, (const unsigned char *)v, strlen(v));
    return dst[0] != '\0';
}

/* A GPS latitude or longitude: libtiff gives three rationals as doubles (or floats, by build). */
static bool gps_value(TIFF *t, ttag_t tag, ttag_t ref_tag, double *out)
{
    const TIFFField *f = TIFFFieldWithTag(t, tag);
    void *p = NULL;
    if (!f || !TIFFGetField(t, tag, &p) || !p)
        return false;
    double v[3];
    for (int i = 0; i < 3; i++)
        v[i] = TIFFFieldSetGetSize(f) == 8 ? ((double *)p)[i] : ((float *)p)[i];
    *out = v[0] + v[1] / 60 + v[2] / 3600;
    char ref[4];
    if (ascii_tag(t, ref_tag, ref, sizeof ref) && (ref[0] == 'S' || ref[0] == 'W'))
        *out = -*out;
    return isfinite(*out);
}

static void tiff_gps(TIFF *t, toff_t off, cp_image_found *found)
{
    found->gps = true;
    double lat, lon;
    if (TIFFReadGPSDirectory(t, off) && gps_value(t, GPSTAG_LATITUDE, GPSTAG_LATITUDEREF, &lat) &&
        gps_value(t, GPSTAG_LONGITUDE, GPSTAG_LONGITUDEREF, &lon) && fabs(lat) <= 90 &&
        fabs(lon) <= 180) {
        found->gps_known = true;
        found->lat = lat;
        found->lon = lon;
    }
}

static void tiff_exif(TIFF *t, toff_t off, cp_image_found *found)
{
    if (!TIFFReadEXIFDirectory(t, off))
        return;
    char v[64];
    found->exif = true;
    found->serial |= ascii_tag(t, EXIFTAG_BODYSERIALNUMBER, v, sizeof v) ||
                     ascii_tag(t, EXIFTAG_LENSSERIALNUMBER, v, sizeof v);
    found->owner |= ascii_tag(t, EXIFTAG_CAMERAOWNERNAME, v, sizeof v);
    int y, mo, dd, hh, mi;
    if (ascii_tag(t, EXIFTAG_DATETIMEORIGINAL, v, sizeof v) &&
        sscanf(v, "%4d:%2d:%2d %2d:%2d", &y, &mo, &dd, &hh, &mi) == 5)
        snprintf(found->taken, sizeof found->taken, "%04d-%02d-%02d %02d:%02d", y, mo, dd, hh, mi);
}

/* The main directory's tags, then the EXIF and GPS directories (which replace the current
 * directory: done last). */
static void tiff_tags(TIFF *t, cp_image_found *found)
{
    char make[32], model[48], v[64];
    ascii_tag(t, TIFFTAG_MAKE, make, sizeof make);
    ascii_tag(t, TIFFTAG_MODEL, model, sizeof model);
    cp_meta_camera(found, make, model);
    found->owner |=
        ascii_tag(t, TIFFTAG_ARTIST, v, sizeof v) || ascii_tag(t, TIFFTAG_COPYRIGHT, v, sizeof v);
    found->description |= ascii_tag(t, TIFFTAG_IMAGEDESCRIPTION, v, sizeof v);
    uint32_t n = 0;
    void *p = NULL;
    if (TIFFGetField(t, TIFFTAG_XMLPACKET, &n, &p) && p)
        cp_meta_xmp(p, n, found);
    if (TIFFGetField(t, TIFFTAG_PHOTOSHOP, &n, &p) && p)
        cp_meta_photoshop(p, n, found);
    if (TIFFGetField(t, TIFFTAG_RICHTIFFIPTC, &n, &p) && p) {
        /* Stored as LONGs: 4 bytes a count. */
        size_t len =
            TIFFFieldSetGetSize(TIFFFieldWithTag(t, TIFFTAG_RICHTIFFIPTC)) == 4 ? (size_t)n * 4 : n;
        unsigned char *block = cp_xmalloc(len + 26);
        /* As a Photoshop IPTC resource, so one reader serves both. */
        memcpy(block, "8BIM\x04\x04\0\0", 8);
        block[8] = (unsigned char)(len >> 24), block[9] = (unsigned char)(len >> 16);
        block[10] = (unsigned char)(len >> 8), block[11] = (unsigned char)len;
        memcpy(block + 12, p, len);
        cp_meta_photoshop(block, len + 12, found);
        free(block);
    }
    uint64_t exif_off = 0, gps_off = 0;
    bool has_exif = TIFFGetField(t, TIFFTAG_EXIFIFD, &exif_off) && exif_off;
    bool has_gps = TIFFGetField(t, TIFFTAG_GPSIFD, &gps_off) && gps_off;
    if (has_exif)
        tiff_exif(t, exif_off, found);
    if (has_gps)
        tiff_gps(t, gps_off, found);
}

/* Whether the strips or tiles in the file can hold the pixels the header claims: all of them
 * uncompressed, at least 1/4096 of them compressed (LZW and deflate pack no better). Bilevel fax
 * coding packs better still and is not judged. A header far larger than its data is damaged, and
 * is refused before its pixels are allocated. */
static bool tiff_plausible(TIFF *t, const cp_image *img, uint32_t w, uint32_t h, cp_pos at,
                           cp_diags *d)
{
    uint16_t compression = COMPRESSION_NONE, spp = 1, bps = 1;
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    if (compression == COMPRESSION_CCITTRLE || compression == COMPRESSION_CCITTFAX3 ||
        compression == COMPRESSION_CCITTFAX4 || compression == COMPRESSION_CCITTRLEW)
        return true;
    bool tiled = TIFFIsTiled(t);
    uint32_t n = tiled ? TIFFNumberOfTiles(t) : TIFFNumberOfStrips(t);
    uint64_t *offsets = NULL, *counts = NULL, held = 0;
    if (TIFFGetField(t, tiled ? TIFFTAG_TILEOFFSETS : TIFFTAG_STRIPOFFSETS, &offsets) &&
        TIFFGetField(t, tiled ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS, &counts) &&
        offsets && counts)
        for (uint32_t i = 0; i < n; i++)
            if (offsets[i] <= img->len && counts[i] <= img->len - offsets[i])
                held += counts[i];
    uint64_t raw = ((uint64_t)w * spp * bps + 7) / 8 * h;
    if (held >= (compression == COMPRESSION_NONE ? raw : raw / 4096))
        return true;
    cp_error(
        d, at,
        "photo '%s' is damaged: its TIFF header says %u x %u pixels, but its image data is far "
        "too short for that",
        img->name, w, h);
    return false;
}

bool cp_tiff_probe(cp_image *img, cp_pos at, cp_diags *d)
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
    if (!cp_image_within_limits(img->name, tw, th, CP_IMAGE_MAX_SIDE_DECODED, at, d) ||
        !tiff_plausible(t, img, tw, th, at, d)) {
        TIFFClose(t);
        return false;
    }
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(t, TIFFTAG_EXTRASAMPLES, &extra, &extra_types);
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
    tiff_tags(t, &img->found);
    TIFFClose(t);
    return true;
}
