/* The image layer's JPEG marker walk and metadata stripper on JPEGs made here with TurboJPEG
 * (baseline and progressive), with segments inserted by hand (the ICC profile survives); what
 * the notes say; and the base layer's checked file reading (FIFO, folder, device, size limit). */
#define _POSIX_C_SOURCE 200809L /* mkfifo, mkdtemp */
#include "harness.h"
#include "base/hash.h"
#include "base/util.h"
#include "image/colour.h"
#include "image/image.h"
#include "image/internal.h"
#include "image/standin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <turbojpeg.h>
#include <xxhash.h>
#include <unistd.h>

typedef struct buf {
    unsigned char *p;
    size_t len;
} buf;

static void add(buf *b, const void *data, size_t n)
{
    b->p = cp_xrealloc(b->p, b->len + n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void add16(buf *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    add(b, c, 2);
}

static void add32(buf *b, uint32_t v)
{
    add16(b, v >> 16);
    add16(b, v & 0xFFFF);
}

/* A marker segment: FF m, length, payload. */
static void segment(buf *b, unsigned m, const void *payload, size_t n)
{
    unsigned char mk[2] = {0xFF, (unsigned char)m};
    add(b, mk, 2);
    add16(b, (unsigned)n + 2);
    add(b, payload, n);
}

/* A w x h JPEG of a gradient, by TurboJPEG (progressive if asked). */
static buf make_jpeg(int w, int h, bool progressive)
{
    unsigned char *rgb = cp_xmalloc((size_t)w * h * 3);
    for (int i = 0; i < w * h * 3; i++)
        rgb[i] = (unsigned char)(i * 7 % 251);
    tjhandle tj = tjInitCompress();
    unsigned char *jpg = NULL;
    unsigned long len = 0;
    int rc = tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpg, &len, TJSAMP_420, 85,
                         progressive ? TJFLAG_PROGRESSIVE : 0);
    CHECK(rc == 0, "tjCompress2: %s", tjGetErrorStr2(tj));
    buf b = {0};
    add(&b, jpg, len);
    tjFree(jpg);
    tjDestroy(tj);
    free(rgb);
    return b;
}

/* A big-endian EXIF block: Orientation 6, Make "Canon", Model "Canon EOS 80D", a GPS IFD at
 * 22 deg 34' 21.36" N, 88 deg 21' 50.04" E. */
static buf make_exif(void)
{
    buf b = {0};
    add(&b, "Exif\0\0MM\0*", 10);
    add32(&b, 8);
    /* IFD0 at 8: 4 entries, then the next-IFD link; strings and the GPS IFD follow it. */
    uint32_t after = 8 + 2 + 4 * 12 + 4, make = after, model = make + 6, gps = model + 14;
    add16(&b, 4);
    add16(&b, 0x010F), add16(&b, 2), add32(&b, 6), add32(&b, make);
    add16(&b, 0x0110), add16(&b, 2), add32(&b, 14), add32(&b, model);
    add16(&b, 0x0112), add16(&b, 3), add32(&b, 1), add16(&b, 6), add16(&b, 0);
    add16(&b, 0x8825), add16(&b, 4), add32(&b, 1), add32(&b, gps);
    add32(&b, 0);
    add(&b, "Canon\0", 6);
    add(&b, "Canon EOS 80D\0", 14);
    uint32_t lat = gps + 2 + 4 * 12 + 4, lon = lat + 24;
    add16(&b, 4);
    add16(&b, 1), add16(&b, 2), add32(&b, 2), add(&b, "N\0\0\0", 4);
    add16(&b, 2), add16(&b, 5), add32(&b, 3), add32(&b, lat);
    add16(&b, 3), add16(&b, 2), add32(&b, 2), add(&b, "E\0\0\0", 4);
    add16(&b, 4), add16(&b, 5), add32(&b, 3), add32(&b, lon);
    add32(&b, 0);
    uint32_t r[12] = {22, 1, 34, 1, 2136, 100, 88, 1, 21, 1, 5004, 100};
    for (int i = 0; i < 12; i++)
        add32(&b, r[i]);
    return b;
}

static bool has(const buf *b, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->p + i, s, n) == 0)
            return true;
    return false;
}

/* src with the segments of `extra` inserted after its SOI. */
static buf with_segments(const buf *src, const buf *extra)
{
    buf b = {0};
    add(&b, src->p, 2);
    add(&b, extra->p, extra->len);
    add(&b, src->p + 2, src->len - 2);
    return b;
}

/* Every byte from the first SOS marker to the end: the scans and the end marker. */
static size_t first_sos(const buf *b)
{
    for (size_t i = 2; i + 1 < b->len; i++)
        if (b->p[i] == 0xFF && b->p[i + 1] == 0xDA)
            return i;
    return b->len;
}

static void test_walk(void)
{
    for (int prog = 0; prog < 2; prog++) {
        buf j = make_jpeg(64, 48, prog);
        cp_jpeg_walk w;
        CHECK_INT(cp_jpeg_walk_markers(j.p, j.len, &w), CP_JPEG_OK);
        CHECK_INT(w.extent, j.len);
        CHECK(w.width == 64 && w.height == 48 && w.components == 3, "%d x %d x %d", w.width,
              w.height, w.components);
        CHECK_INT(w.sof, prog ? 0xC2 : 0xC0);
        /* 8 x 6 luma blocks, 4 x 3 for each chroma channel: 72; 2 bits each baseline. */
        CHECK_INT(w.min_scan_bits, prog ? 72 : 144);
        CHECK(w.scan_bytes * 8 >= w.min_scan_bits, "%llu", (unsigned long long)w.scan_bytes);
        /* What follows the end marker is never looked at. */
        buf t = {0};
        add(&t, j.p, j.len);
        add(&t, "\xFF\xD8 trailing video", 18);
        CHECK_INT(cp_jpeg_walk_markers(t.p, t.len, &w), CP_JPEG_OK);
        CHECK_INT(w.extent, j.len);
        /* Every prefix is short, never bad. */
        bool all_short = true;
        for (size_t n = 0; n < j.len; n++)
            all_short &= cp_jpeg_walk_markers(j.p, n, &w) == CP_JPEG_SHORT;
        CHECK(all_short, "a prefix of a good JPEG is not SHORT");
        /* Walked again as the data grows, taking up the search of the scan cut short where it
         * stopped: every step as a walk from the start (each step's length, 1 to 7 bytes
         * more, lands on every kind of byte, 0xFF last included), the end the same. */
        for (size_t step = 1; step <= 7; step++) {
            cp_jpeg_walk r, full;
            bool same = true;
            cp_jpeg_walk_markers(t.p, 2, &r);
            for (size_t n = 2 + step; same && n <= t.len; n += step) {
                cp_jpeg_walk_resume(t.p, n, &r);
                cp_jpeg_walk_markers(t.p, n, &full);
                same = r.status == full.status && r.extent == full.extent &&
                       r.scan_bytes == full.scan_bytes && r.min_scan_bits == full.min_scan_bits;
                if (r.status == CP_JPEG_OK)
                    break;
            }
            CHECK(same && r.status == CP_JPEG_OK && r.extent == j.len,
                  "prog %d, steps of %zu bytes: a resumed walk is a walk from the start", prog,
                  step);
        }
        free(t.p);
        free(j.p);
    }
}

/* The frame header's offset (its FF byte). */
static size_t sof_at(const buf *b)
{
    size_t i = 2;
    while (b->p[i + 1] != 0xC0 && b->p[i + 1] != 0xC2)
        i += 2 + ((size_t)b->p[i + 2] << 8 | b->p[i + 3]);
    return i;
}

static void expect_bad(const buf *b, const char *why_part, const char *what)
{
    cp_jpeg_walk w;
    CHECK(cp_jpeg_walk_markers(b->p, b->len, &w) == CP_JPEG_BAD && strstr(w.why, why_part),
          "%s: status %d, why '%s'", what, w.status, w.why);
}

static void test_bad(void)
{
    buf j = make_jpeg(64, 48, false);
    size_t s = sof_at(&j);
    buf b = {0};
    add(&b, j.p, j.len);
    b.p[s + 5] = 0x2E, b.p[s + 6] = 0xE0; /* height 12000 */
    b.p[s + 7] = 0x2E, b.p[s + 8] = 0xE0; /* width 12000 */
    expect_bad(&b, "header says 12000 x 12000 pixels, but its image data is far too short",
               "a frame far larger than its scan");
    memcpy(b.p, j.p, j.len);
    b.p[s + 1] = 0xC9;
    expect_bad(&b, "arithmetic-coded", "arithmetic coding");
    memcpy(b.p, j.p, j.len);
    b.p[s + 4] = 12;
    expect_bad(&b, "12-bit", "12-bit precision");
    memcpy(b.p, j.p, j.len);
    b.p[s + 9] = 2; /* two channels (and a header too long for them: damaged first) */
    expect_bad(&b, "2 colour channels", "two channels");
    memcpy(b.p, j.p, j.len);
    b.p[s + 1] = 0xF7; /* JPEG-LS frame, unknown to libjpeg */
    expect_bad(&b, "unknown marker FF F7", "an unknown marker");
    size_t seg = ((size_t)j.p[s + 2] << 8 | j.p[s + 3]) + 2;
    buf dup = {0}; /* a second frame header */
    add(&dup, j.p, s + seg);
    add(&dup, j.p + s, j.len - s);
    expect_bad(&dup, "two frame headers", "two frame headers");
    buf nosof = {0};
    add(&nosof, j.p, s);
    add(&nosof, j.p + s + seg, j.len - s - seg);
    expect_bad(&nosof, "before its frame header", "a scan before any frame");
    buf zero = {0};
    add(&zero, j.p, 2);
    add(&zero, "\xFF\xE1\x00\x01", 4);
    expect_bad(&zero, "segment length is damaged", "a segment length of 1");
    free(j.p), free(b.p), free(dup.p), free(nosof.p), free(zero.p);
}

static void test_strip(void)
{
    buf exif = make_exif();
    buf extra = {0};
    segment(&extra, 0xE1, exif.p, exif.len);
    const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description "
                       "photoshop:City=\"Sealdah\" exif:GPSLatitude=\"22,34.356N\"/></x:xmpmeta>";
    segment(&extra, 0xE1, xmp, sizeof xmp - 1);
    /* Photoshop: an IPTC resource with a caption (2:120) and a city (2:90). */
    buf ps = {0};
    add(&ps,
        "Photoshop 3.0\0"
        "8BIM\x04\x04\0\0",
        22);
    add32(&ps, 5 + 7 + 5 + 7);
    add(&ps,
        "\x1C\x02\x78\x00\x07"
        "Caption"
        "\x1C\x02\x5A\x00\x07"
        "Kolkata",
        24);
    segment(&extra, 0xED, ps.p, ps.len);
    segment(&extra, 0xFE, "shot at the home", 16);
    segment(&extra, 0xE2,
            "ICC_PROFILE\0\x01\x02"
            "first half",
            24);
    segment(&extra, 0xE2,
            "ICC_PROFILE\0\x02\x02"
            "second half",
            25);
    segment(&extra, 0xE2, "MPF\0index", 9);
    segment(&extra, 0xEF, "vendor", 6);
    add(&extra, "\xFF\xFF\xFF", 3); /* fill bytes before a marker */
    segment(&extra, 0xEE, "Adobe\0\x64\0\0\0\0\x01", 12);
    for (int prog = 0; prog < 2; prog++) {
        buf j = make_jpeg(64, 48, prog);
        buf in = with_segments(&j, &extra);
        cp_jpeg_walk w;
        CHECK_INT(cp_jpeg_walk_markers(in.p, in.len, &w), CP_JPEG_OK);
        cp_image_found f;
        memset(&f, 0, sizeof f);
        int o = 0;
        buf out = {0};
        out.p = cp_jpeg_strip(in.p, w.extent, &out.len, &f, &o);
        CHECK_INT(o, 6);
        /* Kept: JFIF, both ICC chunks, Adobe (with its fill bytes); gone: the rest. */
        size_t want = j.len + 4 + 24 + 4 + 25 + 3 + 4 + 12;
        CHECK_INT(out.len, want);
        CHECK(memcmp(out.p + first_sos(&out), j.p + first_sos(&j), j.len - first_sos(&j)) == 0,
              "the scans are byte-identical");
        CHECK(!has(&out, "Exif") && !has(&out, "Sealdah") && !has(&out, "Caption") &&
                  !has(&out, "shot") && !has(&out, "MPF") && !has(&out, "vendor"),
              "no metadata is left");
        CHECK(has(&out, "first half") && has(&out, "second half") && has(&out, "Adobe"),
              "the ICC profile and Adobe segment are kept");
        /* The PDF's /ICCBased colour space is made from the stripped copy's profile. */
        size_t icc_len = 0;
        unsigned char *icc = cp_jpeg_icc_profile(out.p, out.len, &icc_len);
        CHECK(icc && icc_len == 21 && memcmp(icc, "first halfsecond half", 21) == 0,
              "the stripped copy's ICC profile is the original's, its two chunks in order");
        free(icc);
        cp_jpeg_walk w2;
        CHECK_INT(cp_jpeg_walk_markers(out.p, out.len, &w2), CP_JPEG_OK);
        /* Stripping again changes nothing. */
        cp_image_found f2;
        memset(&f2, 0, sizeof f2);
        size_t len2;
        unsigned char *again = cp_jpeg_strip(out.p, out.len, &len2, &f2, &o);
        CHECK(len2 == out.len && memcmp(again, out.p, len2) == 0, "stripping is idempotent");
        char *text = cp_image_found_text(&f2);
        CHECK(text == NULL, "nothing is found in a stripped JPEG: %s", text ? text : "");
        free(text);
        free(again);
        /* In place: the same bytes, the same findings. */
        unsigned char *copy = cp_xmalloc(in.len);
        memcpy(copy, in.p, in.len);
        cp_image_found f3;
        memset(&f3, 0, sizeof f3);
        int o3 = 0;
        size_t len3 = cp_jpeg_strip_in_place(copy, w.extent, &f3, &o3);
        CHECK(len3 == out.len && memcmp(copy, out.p, len3) == 0 && o3 == 6 &&
                  memcmp(&f3, &f, sizeof f) == 0,
              "stripping in place gives the copy's bytes and findings");
        free(copy);
        text = cp_image_found_text(&f);
        CHECK_STR(text ? text : "",
                  "GPS position (22.57 N, 88.36 E), camera make and model (Canon EOS 80D), "
                  "XMP metadata (location Sealdah), an IPTC caption and location (Kolkata), a "
                  "comment, other application data");
        free(text);
        free(out.p), free(in.p), free(j.p);
    }
    free(exif.p), free(extra.p), free(ps.p);
}

static void test_found_text(void)
{
    cp_image_found f;
    memset(&f, 0, sizeof f);
    CHECK(cp_image_found_text(&f) == NULL, "nothing found, no text");
    f.gps = f.gps_known = true;
    f.lat = -33.8688, f.lon = -151.2093 + 360 - 360;
    f.serial = true;
    f.thumbnails = 1, f.thumb_w = 160, f.thumb_h = 120;
    f.trailer = 3u << 20;
    char *t = cp_image_found_text(&f);
    CHECK_STR(t, "GPS position (33.87 S, 151.21 W), camera serial number, a 160 x 120 thumbnail "
                 "of the uncropped photo, 3.0 MiB of data after the end of the image");
    free(t);
    memset(&f, 0, sizeof f);
    snprintf(f.texts, sizeof f.texts, "Location, Author");
    f.saved_time = true;
    t = cp_image_found_text(&f);
    CHECK_STR(t, "text fields (Location, Author), the time the file was saved");
    free(t);
}

static void test_files(void)
{
    char dir[] = "/tmp/calpress-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char fifo[64], big[64], small[64];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(big, sizeof big, "%s/big", dir);
    snprintf(small, sizeof small, "%s/small", dir);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    cp_file_error err;
    size_t len = 99;
    CHECK(cp_file_read(fifo, &cp_file_yaml, &len, &err) == NULL, "a FIFO is refused");
    CHECK_STR(err.text, "it is a named pipe (FIFO), not a regular file");
    CHECK(cp_file_read(dir, &cp_file_yaml, &len, &err) == NULL, "a folder is refused");
    CHECK_STR(err.text, "it is a folder, not a regular file");
    CHECK(cp_file_read("/dev/zero", &cp_file_icc, &len, &err) == NULL, "a device is refused");
    CHECK_STR(err.text, "it is a device, not a regular file");
    CHECK(cp_file_read("/nonexistent/x", &cp_file_icc, &len, &err) == NULL, "missing");
    CHECK_STR(err.text, "No such file or directory");
    int fd = open(big, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0 && ftruncate(fd, (16 << 20) + 1) == 0, "a sparse file");
    close(fd);
    CHECK(cp_file_read(big, &cp_file_yaml, &len, &err) == NULL, "over the limit");
    CHECK_STR(err.text, "it is 16.0 MiB, over the 16.0 MiB limit for a YAML file");
    fd = open(small, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0 && write(fd, "a: 1\n", 5) == 5, "a small file");
    close(fd);
    char *s = cp_file_read(small, &cp_file_yaml, &len, &err);
    CHECK(s && len == 5 && strcmp(s, "a: 1\n") == 0, "read whole, NUL-terminated");
    free(s);
    s = cp_read_file(fifo, &len);
    CHECK(s == NULL && errno == EINVAL, "cp_read_file refuses a FIFO too");
    unlink(fifo), unlink(big), unlink(small), rmdir(dir);
    size_t n;
    CHECK(!cp_size_mul3(65536, 65536, (size_t)1 << 33, &n), "an overflowing size is refused");
    CHECK(cp_size_mul3(40000, 40, 3, &n) && n == 4800000, "a size is multiplied");
}

/* A stand-in names its photo by key, and tells cairo the photo's size and colours. */
static void test_standin(void)
{
    buf j = make_jpeg(640, 480, true);
    cp_diags d;
    cp_diags_init(&d);
    cp_image *img = cp_image_open_memory(j.p, j.len, "gradient.jpg", (cp_pos){NULL, 0, 0}, &d);
    CHECK(img != NULL, "the gradient opens");
    if (img) {
        size_t len = 0;
        unsigned char *m = cp_jpeg_standin(img, &len);
        uint64_t key = 0;
        CHECK(cp_standin_key(m, len, CP_STANDIN_JPEG, &key) && key == cp_standin_key_of(img),
              "the stand-in's key is the photo's");
        CHECK(!cp_standin_key(m, len, CP_STANDIN_PNG, &key), "a JPEG stand-in is no PNG's");
        CHECK(!cp_standin_key(j.p, j.len, CP_STANDIN_JPEG, &key), "the photo is no stand-in");
        CHECK(!cp_standin_key(m, 10, CP_STANDIN_JPEG, &key), "a cut stand-in is none");
        int w = 0, h = 0;
        CHECK(cp_jpeg_frame_size(m, len, &w, &h) && w == 640 && h == 480,
              "its frame says 640 x 480: %d x %d", w, h);
        CHECK(len < 64 && m[len - 2] == 0xFF && m[len - 1] == 0xD9, "a few bytes, ending in EOI");
        buf other = make_jpeg(640, 480, false);
        cp_image *img2 =
            cp_image_open_memory(other.p, other.len, "other.jpg", (cp_pos){NULL, 0, 0}, &d);
        CHECK(img2 && cp_standin_key_of(img2) != cp_standin_key_of(img),
              "another photo of the same size has another key");
        cp_image_free(img2);
        free(other.p);
        free(m);
    }
    cp_image_free(img);
    cp_diags_finish(&d);
    free(j.p);
}

/* cp_image_bytes_hash is cp_hash_bytes of the photo's bytes, long or short. */
static void test_bytes_hash(void)
{
    buf j = make_jpeg(320, 240, false);
    cp_diags d;
    cp_diags_init(&d);
    cp_image *img = cp_image_open_memory(j.p, j.len, "gradient.jpg", (cp_pos){NULL, 0, 0}, &d);
    CHECK(img && img->len > 240, "the gradient opens, over 240 bytes");
    if (img)
        CHECK(cp_image_bytes_hash(img) == cp_hash_bytes(img->data, img->len),
              "a photo's bytes hash is XXH3-64 of its bytes, taken from its XXH3-128");
    cp_image_free(img);
    cp_diags_finish(&d);
    unsigned char few[241];
    for (size_t i = 0; i < sizeof few; i++)
        few[i] = (unsigned char)(i * 13 + 1);
    for (size_t n = 239; n <= 241; n++) {
        XXH128_hash_t h = XXH3_128bits(few, n);
        cp_image small = {.data = few, .len = n, .data_hash = {h.high64, h.low64}};
        CHECK(cp_image_bytes_hash(&small) == cp_hash_bytes(few, n),
              "%zu bytes: the bytes hash is XXH3-64 of them", n);
    }
    free(j.p);
}

int main(void)
{
    test_bytes_hash();
    test_standin();
    test_walk();
    test_bad();
    test_strip();
    test_found_text();
    test_files();
    return cp_test_summary("unit/image");
}
