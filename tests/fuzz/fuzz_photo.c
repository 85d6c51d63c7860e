/* libFuzzer targets for photo probing and decoding: the bytes are a photo file, opened as
 * cp_image_open does (the JPEG marker walk, limits, metadata stripping and notes, a trial decode
 * of PNG, TIFF and WebP), then decoded at 1/8 and, when small, at full size; its embedded ICC
 * profile is read, and a CMYK JPEG's ink measured, as the colour pass does; a PNG that would
 * pass into a PDF undecoded has its data, palette and stand-in read as the PDF step does. Built
 * once per format with -DCP_FUZZ_FORMAT=jpeg|png|tiff|webp, a target ignores other formats, so
 * that each keeps a corpus of its own. Linked with replay_main.c it is a plain program that
 * replays files of every format. */
#include "base/diag.h"
#include "base/util.h"
#include "image/colour.h"
#include "image/image.h"
#include "image/internal.h"
#include "image/pngpass.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FMT_ANY  0
#define FMT_JPEG 1
#define FMT_PNG  2
#define FMT_TIFF 3
#define FMT_WEBP 4
#ifndef CP_FUZZ_FORMAT
#define CP_FUZZ_FORMAT FMT_ANY
#endif

static int sniff(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xD8)
        return FMT_JPEG;
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return FMT_PNG;
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return FMT_TIFF;
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return FMT_WEBP;
    return FMT_ANY;
}

static void check_diags(const cp_diags *d, bool want_error)
{
    for (size_t i = 0; i < d->n; i++)
        if (!d->items[i].msg || !d->items[i].msg[0])
            abort();
    if (want_error && d->n_errors == 0)
        abort(); /* a refused photo always says why */
}

/* The stripper on its own, on any bytes that walk as a JPEG: the copy walks as a JPEG with the
 * same frame and scans, has no segment a decoder does not need, keeps the ICC profile (the PDF's
 * colour space is made from the copy's), and stripping it again changes nothing. */
static void check_strip(const uint8_t *data, size_t size)
{
    cp_jpeg_walk w, w2;
    if (cp_jpeg_walk_markers(data, size, &w) != CP_JPEG_OK)
        return;
    cp_image_found found, found2;
    memset(&found, 0, sizeof found);
    memset(&found2, 0, sizeof found2);
    size_t len, len2;
    int o, o2;
    unsigned char *out = cp_jpeg_strip(data, w.extent, &len, &found, &o);
    if (len > w.extent || o < 1 || o > 8)
        abort();
    if (cp_jpeg_walk_markers(out, len, &w2) != CP_JPEG_OK || w2.extent != len ||
        w2.width != w.width || w2.height != w.height || w2.scan_bytes != w.scan_bytes ||
        w2.min_scan_bits != w.min_scan_bits)
        abort();
    unsigned char *again = cp_jpeg_strip(out, len, &len2, &found2, &o2);
    if (len2 != len || memcmp(again, out, len) != 0)
        abort();
    /* In place, as photos are read: the same bytes and findings as the copy. */
    unsigned char *place = malloc(w.extent ? w.extent : 1);
    if (!place)
        abort();
    memcpy(place, data, w.extent);
    cp_image_found found3;
    memset(&found3, 0, sizeof found3);
    int o3;
    size_t len3 = cp_jpeg_strip_in_place(place, w.extent, &found3, &o3);
    if (len3 != len || memcmp(place, out, len) != 0 || o3 != o ||
        memcmp(&found3, &found, sizeof found) != 0)
        abort();
    free(place);
    size_t n_in = 0, n_out = 0;
    unsigned char *icc_in = cp_jpeg_icc_profile(data, w.extent, &n_in);
    unsigned char *icc_out = cp_jpeg_icc_profile(out, len, &n_out);
    if (icc_in && (!icc_out || n_out != n_in || memcmp(icc_in, icc_out, n_in) != 0))
        abort();
    free(icc_in);
    free(icc_out);
    char *text = cp_image_found_text(&found2);
    if (text) /* nothing is left to find */
        abort();
    text = cp_image_found_text(&found);
    free(text);
    free(again);
    free(out);
}

static void count_idat(void *ctx, const unsigned char *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
}

/* A PNG the PDF would take undecoded (issue 12): its header, palette and data as the PDF step
 * reads them, and the stand-in that names it. */
static void check_png_passthrough(const cp_image *img)
{
    if (!cp_png_passthrough(img))
        return;
    cp_png_data p;
    size_t seen = 0;
    if (cp_png_header(img, &p) &&
        (p.width != img->width || p.height != img->height ||
         cp_png_idat_each(img, count_idat, &seen) == 0 || seen == 0 ||
         (p.palette && (p.plte_n < 1 || p.plte_n > 256)) || (p.colors != 1 && p.colors != 3)))
        abort();
    size_t n;
    uint64_t key;
    unsigned char *m = cp_png_marker(img, &n);
    if (!cp_png_marker_key(m, n, &key) || key != cp_png_key(img))
        abort();
    free(m);
}

static void check_image(const cp_image *img, cp_diags *d)
{
    int side = img->format == CP_IMAGE_JPEG ? CP_IMAGE_MAX_SIDE_JPEG : CP_IMAGE_MAX_SIDE_DECODED;
    if (img->width < 1 || img->height < 1 || img->width > side || img->height > side ||
        (uint64_t)img->width * (uint64_t)img->height > CP_IMAGE_MAX_PIXELS ||
        img->orientation < 1 || img->orientation > 8)
        abort();
    if (img->format == CP_IMAGE_JPEG) {
        cp_jpeg_walk w;
        if (cp_jpeg_walk_markers(img->data, img->len, &w) != CP_JPEG_OK || w.extent != img->len)
            abort();
    }
    int w, h;
    unsigned char *px = cp_image_decode_rgb(img, 8, &w, &h, d, img->at);
    free(px);
    /* Full size only when small: a large photo within the limits is slow, not wrong. */
    if ((uint64_t)img->width * (uint64_t)img->height <= 4000000) {
        px = cp_image_decode_rgb(img, 1, &w, &h, d, img->at);
        if (px && (w != img->width || h != img->height))
            abort();
        free(px);
    }
    if (img->format == CP_IMAGE_PNG)
        check_png_passthrough(img);
    cp_image *list[1] = {(cp_image *)img};
    cp_image_report_found(list, 1, d);
    /* The colour data the PDF pass reads: an embedded profile, a CMYK photo's ink. */
    size_t n = 0;
    unsigned char *icc = cp_image_icc_profile(img, &n);
    int comps = icc ? cp_icc_components(icc, n) : 0;
    if (comps != 0 && comps != 1 && comps != 3 && comps != 4)
        abort();
    free(icc);
    if (img->cmyk && (uint64_t)img->width * (uint64_t)img->height <= 4000000) {
        size_t errors = d->n_errors;
        double ink = cp_image_max_ink(img, 4, d);
        if (ink < 0 ? d->n_errors == errors : ink > 400.0 + 1e-9)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fmt = sniff(data, size);
#if CP_FUZZ_FORMAT != FMT_ANY
    if (fmt != CP_FUZZ_FORMAT)
        return -1; /* not this target's format: keep it out of the corpus */
#endif
    if (fmt == FMT_JPEG)
        check_strip(data, size);
    cp_diags d;
    cp_diags_init(&d);
    cp_pos at = {"fuzz.yaml", 3, 8};
    cp_image *img = cp_image_open_memory(data, size, "photo.jpg", at, &d);
    if (img)
        check_image(img, &d);
    check_diags(&d, img == NULL);
    cp_image_free(img);
    cp_diags_finish(&d);
    return 0;
}
