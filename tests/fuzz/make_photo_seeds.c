/* Writes the seed corpus of the photo fuzz targets into a folder: small JPEG (baseline,
 * progressive, grey, 4:4:4, CMYK, and one with every metadata segment calpress removes), PNG
 * (RGB, RGBA, 16-bit grey, text and EXIF chunks), TIFF (uncompressed, LZW, deflate, tiled, grey,
 * CMYK, with tags) and WebP (lossy, lossless, with EXIF and XMP chunks) files, made here with
 * TurboJPEG, libpng, libtiff and libwebp; nothing is downloaded.
 * usage: make_photo_seeds DIR */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include <errno.h>
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <turbojpeg.h>
#include <webp/encode.h>

typedef struct buf {
    unsigned char *p;
    size_t len;
} buf;

static const char *dir;
static int written;

static void add(buf *b, const void *data, size_t n)
{
    unsigned char *p = realloc(b->p, b->len + n + 1);
    if (!p)
        abort();
    b->p = p;
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void add_be(buf *b, uint32_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        unsigned char c = (unsigned char)(v >> (8 * i));
        add(b, &c, 1);
    }
}

static void add_le32(buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    add(b, c, 4);
}

static void save(const char *name, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "make_photo_seeds: cannot write %s\n", path);
        exit(1);
    }
    written++;
}

/* w x h pixels of `channels` bytes: a gradient with a few edges. */
static unsigned char *pixels(int w, int h, int channels)
{
    unsigned char *p = malloc((size_t)w * h * channels);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < channels; c++)
                p[((size_t)y * w + x) * channels + c] =
                    (unsigned char)((x * 9 + y * 5 + c * 70) ^ (x / 8 % 2 ? 0x40 : 0));
    return p;
}

/* ---- JPEG ---- */

static buf jpeg(int w, int h, int pf, int sub, int flags)
{
    int channels = tjPixelSize[pf];
    unsigned char *px = pixels(w, h, channels);
    tjhandle tj = tjInitCompress();
    unsigned char *out = NULL;
    unsigned long len = 0;
    if (tjCompress2(tj, px, w, 0, h, pf, &out, &len, sub, 80, flags) != 0) {
        fprintf(stderr, "make_photo_seeds: %s\n", tjGetErrorStr2(tj));
        exit(1);
    }
    buf b = {0};
    add(&b, out, len);
    tjFree(out);
    tjDestroy(tj);
    free(px);
    return b;
}

static void segment(buf *b, unsigned m, const void *payload, size_t n)
{
    add_be(b, 0xFF00u | m, 2);
    add_be(b, (uint32_t)n + 2, 2);
    add(b, payload, n);
}

/* A big-endian EXIF block: orientation, make, model, serial, date, GPS and a thumbnail. */
static buf exif_block(const buf *thumb)
{
    buf b = {0};
    add(&b, "Exif\0\0MM\0*", 10);
    add_be(&b, 8, 4);
    /* IFD0 (5 entries) at 8, its strings, the EXIF IFD, the GPS IFD, IFD1, the thumbnail. */
    uint32_t ifd0 = 8, s0 = ifd0 + 2 + 5 * 12 + 4, make = s0, model = make + 6;
    uint32_t exif = model + 14, date = exif + 2 + 2 * 12 + 4, serial = date + 20;
    uint32_t gps = serial + 10, lat = gps + 2 + 4 * 12 + 4, lon = lat + 24;
    uint32_t ifd1 = lon + 24, th = ifd1 + 2 + 2 * 12 + 4;
    add_be(&b, 5, 2);
    uint32_t e0[5][4] = {{0x010F, 2, 6, make},
                         {0x0110, 2, 14, model},
                         {0x0112, 3, 1, 6u << 16},
                         {0x8769, 4, 1, exif},
                         {0x8825, 4, 1, gps}};
    for (int i = 0; i < 5; i++)
        add_be(&b, e0[i][0], 2), add_be(&b, e0[i][1], 2), add_be(&b, e0[i][2], 4),
            add_be(&b, e0[i][3], 4);
    add_be(&b, ifd1, 4);
    add(&b, "Canon\0Canon EOS 80D\0", 20);
    add_be(&b, 2, 2);
    add_be(&b, 0x9003, 2), add_be(&b, 2, 2), add_be(&b, 20, 4), add_be(&b, date, 4);
    add_be(&b, 0xA431, 2), add_be(&b, 2, 2), add_be(&b, 10, 4), add_be(&b, serial, 4);
    add_be(&b, 0, 4);
    add(&b, "2020:12:14 10:31:05\0SN4471130\0", 30);
    add_be(&b, 4, 2);
    add_be(&b, 1, 2), add_be(&b, 2, 2), add_be(&b, 2, 4), add(&b, "N\0\0\0", 4);
    add_be(&b, 2, 2), add_be(&b, 5, 2), add_be(&b, 3, 4), add_be(&b, lat, 4);
    add_be(&b, 3, 2), add_be(&b, 2, 2), add_be(&b, 2, 4), add(&b, "E\0\0\0", 4);
    add_be(&b, 4, 2), add_be(&b, 5, 2), add_be(&b, 3, 4), add_be(&b, lon, 4);
    add_be(&b, 0, 4);
    uint32_t r[12] = {22, 1, 34, 1, 2136, 100, 88, 1, 21, 1, 5004, 100};
    for (int i = 0; i < 12; i++)
        add_be(&b, r[i], 4);
    add_be(&b, 2, 2);
    add_be(&b, 0x0201, 2), add_be(&b, 4, 2), add_be(&b, 1, 4), add_be(&b, th, 4);
    add_be(&b, 0x0202, 2), add_be(&b, 4, 2), add_be(&b, 1, 4), add_be(&b, (uint32_t)thumb->len, 4);
    add_be(&b, 0, 4);
    add(&b, thumb->p, thumb->len);
    return b;
}

static void jpeg_seeds(void)
{
    buf b = jpeg(48, 32, TJPF_RGB, TJSAMP_420, 0);
    save("jpeg-baseline.jpg", b.p, b.len);
    buf p = jpeg(48, 32, TJPF_RGB, TJSAMP_420, TJFLAG_PROGRESSIVE);
    save("jpeg-progressive.jpg", p.p, p.len);
    buf g = jpeg(24, 24, TJPF_GRAY, TJSAMP_GRAY, 0);
    save("jpeg-grey.jpg", g.p, g.len);
    buf f = jpeg(17, 9, TJPF_RGB, TJSAMP_444, 0);
    save("jpeg-444.jpg", f.p, f.len);
    buf c = jpeg(16, 16, TJPF_CMYK, TJSAMP_444, 0);
    save("jpeg-cmyk.jpg", c.p, c.len);
    buf thumb = jpeg(16, 12, TJPF_RGB, TJSAMP_420, 0);
    buf ex = exif_block(&thumb);
    buf m = {0};
    add(&m, p.p, 2);
    segment(&m, 0xE1, ex.p, ex.len);
    const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description "
                       "photoshop:City=\"Sealdah\" exif:GPSLatitude=\"22,34.356N\"><dc:creator>"
                       "R</dc:creator></rdf:Description></x:xmpmeta>";
    segment(&m, 0xE1, xmp, sizeof xmp - 1);
    const unsigned char ps[] = "Photoshop 3.0\0"
                               "8BIM\x04\x04\0\0\0\0\0\x18"
                               "\x1C\x02\x78\x00\x07"
                               "Caption"
                               "\x1C\x02\x5A\x00\x07"
                               "Kolkata";
    segment(&m, 0xED, ps, sizeof ps - 1);
    segment(&m, 0xFE, "a comment", 9);
    segment(&m, 0xE2, "ICC_PROFILE\0\x01\x02profile-part-1", 28);
    segment(&m, 0xE2, "ICC_PROFILE\0\x02\x02profile-part-2", 28);
    segment(&m, 0xE0, "JFXX\0\x13\x02\x02", 8);
    add(&m, "\xFF\xFF", 2);
    segment(&m, 0xEF, "vendor", 6);
    add(&m, p.p + 2, p.len - 2);
    add(&m, "trailing bytes after the end marker", 35);
    save("jpeg-metadata.jpg", m.p, m.len);
    free(b.p), free(p.p), free(g.p), free(f.p), free(c.p), free(thumb.p), free(ex.p), free(m.p);
}

/* ---- PNG ---- */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void png_chunk(buf *b, const char *type, const void *data, size_t n)
{
    add_be(b, (uint32_t)n, 4);
    size_t at = b->len;
    add(b, type, 4);
    add(b, data, n);
    add_be(b, crc32_of(b->p + at, n + 4), 4);
}

static buf png(int w, int h, uint32_t format)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)w;
    pi.height = (png_uint_32)h;
    pi.format = format;
    unsigned char *px = pixels(w, h, (int)PNG_IMAGE_PIXEL_SIZE(format));
    png_alloc_size_t size = 0;
    png_image_write_to_memory(&pi, NULL, &size, 0, px, 0, NULL);
    buf b = {malloc(size + 1), size};
    if (!png_image_write_to_memory(&pi, b.p, &size, 0, px, 0, NULL)) {
        fprintf(stderr, "make_photo_seeds: %s\n", pi.message);
        exit(1);
    }
    b.len = size;
    free(px);
    return b;
}

static void png_seeds(void)
{
    buf a = png(16, 12, PNG_FORMAT_RGB);
    save("png-rgb.png", a.p, a.len);
    buf b = png(12, 16, PNG_FORMAT_RGBA);
    save("png-rgba.png", b.p, b.len);
    buf c = png(9, 7, PNG_FORMAT_LINEAR_Y);
    save("png-grey16.png", c.p, c.len);
    /* RGB with text, EXIF and time chunks after IHDR (8 + 25 bytes in). */
    buf t = {0};
    add(&t, a.p, 33);
    png_chunk(&t, "tEXt", "Location\0Sealdah", 16);
    png_chunk(&t, "tEXt", "Author\0R", 8);
    static const char itxt[] = "XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>";
    png_chunk(&t, "iTXt", itxt, sizeof itxt - 1);
    png_chunk(&t, "tIME", "\x07\xE4\x0C\x0E\x0A\x1F\x05", 7);
    buf thumb = jpeg(8, 8, TJPF_RGB, TJSAMP_420, 0);
    buf ex = exif_block(&thumb);
    png_chunk(&t, "eXIf", ex.p + 6, ex.len - 6);
    add(&t, a.p + 33, a.len - 33);
    save("png-metadata.png", t.p, t.len);
    free(a.p), free(b.p), free(c.p), free(t.p), free(thumb.p), free(ex.p);
}

/* ---- TIFF ---- */

static void tiff(const char *name, int w, int h, int spp, int photometric, int compression,
                 bool tiled, bool tags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    TIFF *t = TIFFOpen(path, "w");
    if (!t)
        exit(1);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photometric);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, compression);
    if (tags) {
        TIFFSetField(t, TIFFTAG_MAKE, "Canon");
        TIFFSetField(t, TIFFTAG_MODEL, "Canon EOS 80D");
        TIFFSetField(t, TIFFTAG_ARTIST, "R");
        TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, "a caption");
        const char xmp[] = "<x:xmpmeta photoshop:City=\"Sealdah\"/>";
        TIFFSetField(t, TIFFTAG_XMLPACKET, (uint32_t)(sizeof xmp - 1), xmp);
        const unsigned char ps[] = "8BIM\x04\x04\0\0\0\0\0\x0C\x1C\x02\x78\x00\x07"
                                   "Caption";
        TIFFSetField(t, TIFFTAG_PHOTOSHOP, (uint32_t)(sizeof ps - 1), ps);
    }
    unsigned char *px = pixels(w, h, spp);
    if (tiled) {
        TIFFSetField(t, TIFFTAG_TILEWIDTH, 16);
        TIFFSetField(t, TIFFTAG_TILELENGTH, 16);
        unsigned char tile[16 * 16 * 4];
        for (int ty = 0; ty < h; ty += 16)
            for (int tx = 0; tx < w; tx += 16) {
                memset(tile, 0, sizeof tile);
                for (int y = 0; y < 16 && ty + y < h; y++)
                    for (int x = 0; x < 16 && tx + x < w; x++)
                        memcpy(tile + (y * 16 + x) * spp,
                               px + ((size_t)(ty + y) * w + tx + x) * spp, (size_t)spp);
                TIFFWriteTile(t, tile, (uint32_t)tx, (uint32_t)ty, 0, 0);
            }
    } else {
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 4);
        for (int y = 0; y < h; y++)
            TIFFWriteScanline(t, px + (size_t)y * w * spp, (uint32_t)y, 0);
    }
    TIFFClose(t);
    free(px);
    written++;
}

static void tiff_seeds(void)
{
    tiff("tiff-rgb.tif", 20, 10, 3, PHOTOMETRIC_RGB, COMPRESSION_NONE, false, false);
    tiff("tiff-lzw.tif", 20, 10, 3, PHOTOMETRIC_RGB, COMPRESSION_LZW, false, false);
    tiff("tiff-deflate.tif", 20, 10, 3, PHOTOMETRIC_RGB, COMPRESSION_ADOBE_DEFLATE, false, false);
    tiff("tiff-tiled.tif", 40, 20, 3, PHOTOMETRIC_RGB, COMPRESSION_NONE, true, false);
    tiff("tiff-grey.tif", 9, 9, 1, PHOTOMETRIC_MINISBLACK, COMPRESSION_PACKBITS, false, false);
    tiff("tiff-cmyk.tif", 8, 8, 4, PHOTOMETRIC_SEPARATED, COMPRESSION_NONE, false, false);
    tiff("tiff-metadata.tif", 12, 12, 3, PHOTOMETRIC_RGB, COMPRESSION_NONE, false, true);
}

/* ---- WebP ---- */

static void webp_seeds(void)
{
    unsigned char *rgb = pixels(24, 16, 3), *rgba = pixels(24, 16, 4), *out = NULL;
    size_t n = WebPEncodeRGB(rgb, 24, 16, 24 * 3, 80, &out);
    save("webp-lossy.webp", out, n);
    /* The same image in an extended (VP8X) file with EXIF and XMP chunks. */
    buf v = {0}, body = {0};
    add(&body, "WEBP", 4);
    add(&body, "VP8X", 4), add_le32(&body, 10);
    unsigned char x[10] = {0x0C, 0, 0, 0, 23, 0, 0, 15, 0, 0}; /* EXIF and XMP flags, 24 x 16 */
    add(&body, x, 10);
    add(&body, out + 12, n - 12); /* the VP8 chunk */
    buf thumb = jpeg(8, 8, TJPF_RGB, TJSAMP_420, 0);
    buf ex = exif_block(&thumb);
    add(&body, "EXIF", 4), add_le32(&body, (uint32_t)ex.len), add(&body, ex.p, ex.len);
    if (ex.len & 1)
        add(&body, "", 1);
    const char xmp[] = "<x:xmpmeta photoshop:City=\"Sealdah\"/>";
    add(&body, "XMP ", 4), add_le32(&body, sizeof xmp - 1), add(&body, xmp, sizeof xmp - 1);
    if ((sizeof xmp - 1) & 1)
        add(&body, "", 1);
    add(&v, "RIFF", 4), add_le32(&v, (uint32_t)body.len), add(&v, body.p, body.len);
    save("webp-metadata.webp", v.p, v.len);
    WebPFree(out);
    n = WebPEncodeLosslessRGBA(rgba, 24, 16, 24 * 4, &out);
    save("webp-lossless.webp", out, n);
    WebPFree(out);
    free(rgb), free(rgba), free(v.p), free(body.p), free(thumb.p), free(ex.p);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_photo_seeds DIR\n");
        return 2;
    }
    dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    TIFFSetWarningHandler(NULL);
    jpeg_seeds();
    png_seeds();
    tiff_seeds();
    webp_seeds();
    printf("make_photo_seeds: %d seeds in %s\n", written, dir);
    return 0;
}
