/* JPEG markers: validating a JPEG that goes into a PDF as it is, finding its real end, and
 * removing the segments a decoder does not need (EXIF, XMP, IPTC, comments) without touching the
 * tables or the scan data. */
#include "image/internal.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    M_SOF0 = 0xC0,
    M_SOF1 = 0xC1,
    M_SOF2 = 0xC2,
    M_DHT = 0xC4,
    M_JPG = 0xC8,
    M_DAC = 0xCC,
    M_SOI = 0xD8,
    M_EOI = 0xD9,
    M_SOS = 0xDA,
    M_DQT = 0xDB,
    M_DNL = 0xDC,
    M_DRI = 0xDD,
    M_APP0 = 0xE0,
    M_APP1 = 0xE1,
    M_APP2 = 0xE2,
    M_APP13 = 0xED,
    M_APP14 = 0xEE,
    M_APP15 = 0xEF,
    M_COM = 0xFE
};

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static bool is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != M_DHT && m != M_JPG && m != M_DAC;
}

/* A marker that stands alone, without a length: TEM and the restart markers. */
static bool is_standalone(unsigned m)
{
    return m == 0x01 || (m >= 0xD0 && m <= 0xD7);
}

static cp_jpeg_status bad(cp_jpeg_walk *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static cp_jpeg_status bad(cp_jpeg_walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, sizeof w->why, fmt, ap);
    va_end(ap);
    return w->status = CP_JPEG_BAD;
}

static cp_jpeg_status short_data(cp_jpeg_walk *w)
{
    return w->status = CP_JPEG_SHORT;
}

/* The frame's colour channels, and how many 8 x 8 blocks each has. */
typedef struct frame {
    int n;
    struct {
        unsigned id;
        unsigned h, v;
        uint64_t blocks;
        bool coded; /* a scan carried its first coefficients */
    } c[4];
} frame;

static cp_jpeg_status frame_header(cp_jpeg_walk *w, frame *f, unsigned m, const unsigned char *q,
                                   size_t n)
{
    if (w->have_sof)
        return bad(w, "is not a readable JPEG: it has two frame headers");
    if (m != M_SOF0 && m != M_SOF1 && m != M_SOF2)
        return bad(w, "uses a kind of JPEG (lossless, arithmetic-coded or hierarchical) that PDF "
                      "readers and printers do not support; save it again as a standard JPEG");
    if (n < 6 || n < 6 + 3 * (size_t)q[5])
        return bad(w, "is not a readable JPEG: its frame header is damaged");
    if (q[0] != 8)
        return bad(w,
                   "is a %u-bit JPEG; PDF takes 8 bits a channel: save it again as a standard "
                   "JPEG",
                   q[0]);
    w->have_sof = true;
    w->sof = m;
    w->height = (int)be16(q + 1);
    w->width = (int)be16(q + 3);
    w->components = q[5];
    if (w->components != 1 && w->components != 3 && w->components != 4)
        return bad(w, "has %d colour channels; calpress takes 1 (grey), 3 (colour) or 4 (CMYK)",
                   w->components);
    if (w->width == 0 || w->height == 0)
        return bad(w, "is not a readable JPEG: its frame is %d x %d pixels", w->width, w->height);
    unsigned hmax = 1, vmax = 1;
    f->n = w->components;
    for (int k = 0; k < f->n; k++) {
        const unsigned char *c = q + 6 + 3 * k;
        f->c[k].id = c[0];
        f->c[k].h = c[1] >> 4;
        f->c[k].v = c[1] & 15;
        if (f->c[k].h < 1 || f->c[k].h > 4 || f->c[k].v < 1 || f->c[k].v > 4)
            return bad(w, "is not a readable JPEG: its frame header is damaged");
        hmax = f->c[k].h > hmax ? f->c[k].h : hmax;
        vmax = f->c[k].v > vmax ? f->c[k].v : vmax;
    }
    for (int k = 0; k < f->n; k++) {
        /* A channel's samples, rounded up, then its 8 x 8 blocks, rounded up (T.81 A.1.1). */
        uint64_t cw = ((uint64_t)w->width * f->c[k].h + hmax - 1) / hmax;
        uint64_t ch = ((uint64_t)w->height * f->c[k].v + vmax - 1) / vmax;
        f->c[k].blocks = ((cw + 7) / 8) * ((ch + 7) / 8);
    }
    return w->status = CP_JPEG_SHORT;
}

/* A scan header: which channels it codes, and the fewest bits that can code them. Baseline and
 * extended scans code every block with at least a DC code and an end-of-block code (2 bits);
 * a progressive scan of first DC coefficients needs at least 1 bit a block; later progressive
 * scans can code runs of empty blocks in a few bits, so they add nothing to the bound. */
static cp_jpeg_status scan_header(cp_jpeg_walk *w, frame *f, const unsigned char *q, size_t n)
{
    if (!w->have_sof)
        return bad(w, "is not a readable JPEG: its image data comes before its frame header");
    unsigned ns = n ? q[0] : 0;
    if (ns < 1 || ns > 4 || n < 1 + 2 * (size_t)ns + 3)
        return bad(w, "is not a readable JPEG: a scan header is damaged");
    unsigned ss = q[1 + 2 * ns], ah = q[3 + 2 * ns] >> 4;
    unsigned bits = w->sof == M_SOF2 ? (ss == 0 && ah == 0 ? 1 : 0) : 2;
    for (unsigned s = 0; s < ns; s++) {
        int k = 0;
        while (k < f->n && f->c[k].id != q[1 + 2 * s])
            k++;
        if (k == f->n)
            return bad(w, "is not a readable JPEG: a scan names a colour channel the frame "
                          "does not have");
        w->min_scan_bits += bits * f->c[k].blocks;
        if (bits)
            f->c[k].coded = true;
    }
    return w->status = CP_JPEG_SHORT;
}

/* The entropy-coded data from p[i]: up to the first marker that is not a restart marker (an FF
 * byte is followed by a stuffed 00 or a restart marker inside the data). Returns its end, or
 * len if the data stops first. */
/* Where the scan whose data starts at i ends (a marker other than a stuffed byte or a restart),
 * searching from `from`; len when the data stops first, with *resume where a search over more
 * data takes up (a 0xFF in the last byte is looked at again). */
static size_t scan_end(const unsigned char *p, size_t len, size_t from, size_t *resume)
{
    size_t i = from;
    *resume = len;
    while (i < len) {
        const unsigned char *ff = memchr(p + i, 0xFF, len - i);
        if (!ff)
            return len;
        i = (size_t)(ff - p);
        if (i + 1 >= len) {
            *resume = i;
            return len;
        }
        unsigned b = p[i + 1];
        if (b != 0x00 && !(b >= 0xD0 && b <= 0xD7))
            return i;
        i += 2;
    }
    return len;
}

static cp_jpeg_status end_of_image(cp_jpeg_walk *w, const frame *f, int scans, size_t extent)
{
    if (!scans)
        return bad(w, "is not a readable JPEG: it has no image data");
    for (int k = 0; k < f->n; k++)
        if (!f->c[k].coded)
            return bad(w, "is damaged: it has no image data for some of its colour channels");
    if (w->scan_bytes * 8 < w->min_scan_bits)
        return bad(w,
                   "is damaged: its JPEG header says %d x %d pixels, but its image data is far "
                   "too short for that",
                   w->width, w->height);
    w->extent = extent;
    return w->status = CP_JPEG_OK;
}

static bool known_marker(unsigned m)
{
    return m == M_DHT || m == M_DAC || m == M_DQT || m == M_DNL || m == M_DRI ||
           (m >= M_APP0 && m <= M_APP15) || m == M_COM;
}

/* resume_scan, resume_from: a scan whose data starts at resume_scan holds no end before
 * resume_from (0, 0: none known). */
static cp_jpeg_status walk(const unsigned char *p, size_t len, cp_jpeg_walk *w, size_t resume_scan,
                           size_t resume_from)
{
    memset(w, 0, sizeof *w);
    frame f = {0};
    if (len < 2)
        return short_data(w);
    if (p[0] != 0xFF || p[1] != M_SOI)
        return bad(w, "is not a readable JPEG: it does not start with a JPEG start marker");
    size_t i = 2;
    int scans = 0;
    for (;;) {
        if (i >= len)
            return short_data(w);
        if (p[i] != 0xFF)
            return bad(w,
                       "is not a readable JPEG: there is data where a marker should be (at "
                       "byte %zu)",
                       i);
        size_t at = i;
        while (i < len && p[i] == 0xFF)
            i++;
        if (i >= len)
            return short_data(w);
        unsigned m = p[i++];
        if (m == M_EOI)
            return end_of_image(w, &f, scans, i);
        if (is_standalone(m))
            continue;
        if (!is_sof(m) && m != M_SOS && !known_marker(m))
            return bad(w, "is not a readable JPEG: it has an unknown marker FF %02X at byte %zu", m,
                       at);
        if (len - i < 2)
            return short_data(w);
        size_t seg = be16(p + i);
        if (seg < 2)
            return bad(w, "is not a readable JPEG: a segment length is damaged (at byte %zu)", at);
        if (seg > len - i)
            return short_data(w);
        const unsigned char *q = p + i + 2;
        i += seg;
        cp_jpeg_status st = CP_JPEG_SHORT;
        if (is_sof(m))
            st = frame_header(w, &f, m, q, seg - 2);
        else if (m == M_SOS)
            st = scan_header(w, &f, q, seg - 2);
        if (st == CP_JPEG_BAD)
            return st;
        if (m == M_SOS) {
            size_t resume;
            size_t from =
                resume_scan == i && resume_from > i && resume_from <= len ? resume_from : i;
            size_t end = scan_end(p, len, from, &resume);
            if (end >= len) {
                short_data(w);
                w->short_scan = i;
                w->short_resume = resume;
                return CP_JPEG_SHORT;
            }
            w->scan_bytes += end - i;
            i = end;
            scans++;
        }
    }
}

cp_jpeg_status cp_jpeg_walk_markers(const unsigned char *p, size_t len, cp_jpeg_walk *w)
{
    return walk(p, len, w, 0, 0);
}

cp_jpeg_status cp_jpeg_walk_resume(const unsigned char *p, size_t len, cp_jpeg_walk *w)
{
    size_t scan = w->status == CP_JPEG_SHORT ? w->short_scan : 0;
    size_t from = w->status == CP_JPEG_SHORT ? w->short_resume : 0;
    return walk(p, len, w, scan, from);
}

/* ---- stripping ---- */

static bool has_prefix(const unsigned char *q, size_t n, const char *id, size_t id_len)
{
    return n >= id_len && memcmp(q, id, id_len) == 0;
}

/* Whether a decoder needs an application or comment segment: JFIF, the ICC profile, Adobe's
 * colour transform. Every other marker (tables, frame, scans) is always kept. */
static bool needed(unsigned m, const unsigned char *q, size_t n)
{
    if (m == M_APP0)
        return has_prefix(q, n, "JFIF\0", 5);
    if (m == M_APP2)
        return has_prefix(q, n, "ICC_PROFILE\0", 12);
    if (m == M_APP14)
        return has_prefix(q, n, "Adobe", 5);
    return !(m >= M_APP0 && m <= M_APP15) && m != M_COM;
}

/* Records what a removed segment held. */
static void record(unsigned m, const unsigned char *q, size_t n, cp_image_found *found,
                   int *orientation, bool *have_exif)
{
    static const char xmp[] = "http://ns.adobe.com/xap/1.0/";
    static const char xmp_ext[] = "http://ns.adobe.com/xmp/extension/";
    if (m == M_APP1 && has_prefix(q, n, "Exif\0\0", 6)) {
        int o = cp_meta_exif(q, n, found);
        if (!*have_exif)
            *orientation = o;
        *have_exif = true;
    } else if (m == M_APP1 && has_prefix(q, n, xmp, sizeof xmp)) {
        cp_meta_xmp(q + sizeof xmp, n - sizeof xmp, found);
    } else if (m == M_APP1 && has_prefix(q, n, xmp_ext, sizeof xmp_ext)) {
        /* Then a 32-byte digest, the full length and this part's offset (4 bytes each). */
        size_t skip = sizeof xmp_ext + 40;
        cp_meta_xmp(q + (n > skip ? skip : n), n > skip ? n - skip : 0, found);
    } else if (m == M_APP13 && has_prefix(q, n, "Photoshop 3.0\0", 14)) {
        cp_meta_photoshop(q, n, found);
    } else if (m == M_COM) {
        found->comment = true;
    } else if (m == M_APP0 && has_prefix(q, n, "JFXX\0", 5) && n >= 6) {
        int w = 0, h = 0;
        if (q[5] == 0x10)
            cp_jpeg_frame_size(q + 6, n - 6, &w, &h);
        else if (n >= 8)
            w = q[6], h = q[7];
        cp_meta_thumbnail(found, w, h);
    } else {
        found->other_segments++;
    }
}

/* cp_jpeg_strip into out, which may be p itself: a kept segment only ever moves toward the
 * start, over bytes already walked. Returns the stripped length. */
static size_t strip_into(const unsigned char *p, size_t extent, unsigned char *out,
                         cp_image_found *found, int *orientation)
{
    size_t o = 2, i = 2;
    bool have_exif = false;
    *orientation = 1;
    memmove(out, p, 2);
    while (i < extent) {
        size_t at = i;
        while (i < extent && p[i] == 0xFF)
            i++;
        if (i >= extent)
            break;
        unsigned m = p[i++];
        if (is_standalone(m))
            continue; /* a stray RST or TEM between segments: with the segment before it
                         removed, it would join the scan data before that */
        if (m == M_EOI || extent - i < 2) {
            memmove(out + o, p + at, i - at);
            o += i - at;
            continue;
        }
        size_t seg = be16(p + i);
        size_t end = seg > extent - i ? extent : i + seg;
        const unsigned char *q = p + i + 2;
        size_t n = end - i >= 2 ? end - i - 2 : 0;
        size_t resume;
        if (m == M_SOS)
            end = scan_end(p, extent, end, &resume);
        if (needed(m, q, n)) {
            if (out + o != p + at)
                memmove(out + o, p + at, end - at);
            o += end - at;
        } else {
            record(m, q, n, found, orientation, &have_exif);
        }
        i = end;
    }
    return o;
}

unsigned char *cp_jpeg_strip(const unsigned char *p, size_t extent, size_t *out_len,
                             cp_image_found *found, int *orientation)
{
    unsigned char *out = cp_xmalloc(extent > 2 ? extent : 2);
    *out_len = strip_into(p, extent, out, found, orientation);
    return out;
}

size_t cp_jpeg_strip_in_place(unsigned char *p, size_t extent, cp_image_found *found,
                              int *orientation)
{
    return strip_into(p, extent, p, found, orientation);
}

bool cp_jpeg_frame_size(const unsigned char *p, size_t len, int *w, int *h)
{
    if (len < 4 || p[0] != 0xFF || p[1] != M_SOI)
        return false;
    size_t i = 2;
    while (i + 4 <= len && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == M_SOS || m == M_EOI)
            return false;
        size_t seg = be16(p + i + 2);
        if (is_sof(m) && seg >= 7 && i + 2 + 7 <= len) {
            *h = (int)be16(p + i + 5);
            *w = (int)be16(p + i + 7);
            return true;
        }
        if (is_standalone(m))
            i += 2;
        else
            i += 2 + seg;
    }
    return false;
}
