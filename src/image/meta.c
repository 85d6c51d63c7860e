/* What a photo's metadata says, in a designer's words: EXIF through libexif, XMP and IPTC by
 * their few fields that name a place, PNG and WebP chunks, TIFF tags through libtiff. Only read,
 * to tell the designer what calpress leaves out of the PDF. */
#include "image/internal.h"
#include "base/utf8.h"
#include "base/util.h"

#include <libexif/exif-data.h>
#include <libexif/exif-mnote-data.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

void cp_meta_copy_text(char *dst, size_t dst_size, const unsigned char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < dst_size && s[i]; i++) {
        unsigned char c = s[i];
        if (c < 0x20 || c == 0x7F)
            c = ' ';
        if (c == ' ' && (o == 0 || dst[o - 1] == ' '))
            continue;
        dst[o++] = (char)c;
    }
    /* Cut at a character's start, and keep only valid UTF-8 (the rest becomes '?'). */
    if (o + 1 >= dst_size)
        while (o > 0 && ((unsigned char)dst[o] & 0xC0) == 0x80)
            o--;
    while (o > 0 && dst[o - 1] == ' ')
        o--;
    dst[o] = '\0';
    int line, col;
    unsigned char b;
    if (!cp_utf8_check(dst, o, &line, &col, &b))
        for (size_t i = 0; i < o; i++)
            if ((unsigned char)dst[i] >= 0x80)
                dst[i] = '?';
}

void cp_meta_camera(cp_image_found *found, const char *make, const char *model)
{
    if (found->camera[0])
        return;
    bool repeats = make[0] && strncmp(model, make, strlen(make)) == 0;
    snprintf(found->camera, sizeof found->camera, "%s%s%s", repeats ? "" : make,
             !repeats && make[0] && model[0] ? " " : "", model);
}

void cp_meta_thumbnail(cp_image_found *found, int w, int h)
{
    if (found->thumbnails++ == 0) {
        found->thumb_w = w;
        found->thumb_h = h;
    }
}

/* ---- EXIF ---- */

static ExifEntry *entry_in(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
    return ed->ifd[ifd] ? exif_content_get_entry(ed->ifd[ifd], tag) : NULL;
}

/* The tag from IFD 0, the EXIF IFD or IFD 1 (not the GPS or interoperability IFDs, whose tag
 * numbers overlap). */
static ExifEntry *entry(ExifData *ed, ExifTag tag)
{
    ExifEntry *e = entry_in(ed, EXIF_IFD_0, tag);
    if (!e)
        e = entry_in(ed, EXIF_IFD_EXIF, tag);
    return e ? e : entry_in(ed, EXIF_IFD_1, tag);
}

/* True if the entry holds something besides spaces and NULs (past `skip` bytes: a user comment's
 * character-set header). */
static bool has_text(const ExifEntry *e, size_t skip)
{
    if (!e || !e->data)
        return false;
    for (size_t i = skip; i < e->size; i++)
        if (e->data[i] != 0 && e->data[i] != ' ')
            return true;
    return false;
}

static void entry_text(ExifEntry *e, char *dst, size_t size)
{
    dst[0] = '\0';
    if (e && e->data && e->format == EXIF_FORMAT_ASCII)
        cp_meta_copy_text(dst, size, e->data, e->size);
}

/* Degrees from a GPS latitude or longitude (degrees, minutes, seconds as rationals); false if it
 * is not one. */
static bool gps_degrees(ExifEntry *e, ExifEntry *ref, ExifByteOrder bo, double *out)
{
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components < 1 || e->components > 3 ||
        e->size < 8 * e->components)
        return false;
    double v = 0, unit = 1;
    for (unsigned i = 0; i < e->components; i++, unit *= 60) {
        ExifRational r = exif_get_rational(e->data + 8 * i, bo);
        if (r.denominator == 0)
            return false;
        v += (double)r.numerator / r.denominator / unit;
    }
    if (ref && ref->data && ref->size >= 1 && (ref->data[0] == 'S' || ref->data[0] == 'W'))
        v = -v;
    *out = v;
    return true;
}

static void exif_gps(ExifData *ed, ExifByteOrder bo, cp_image_found *found)
{
    ExifContent *g = ed->ifd[EXIF_IFD_GPS];
    if (!g || g->count == 0)
        return;
    found->gps = true;
    double lat, lon;
    if (gps_degrees(exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE),
                    exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE_REF), bo, &lat) &&
        gps_degrees(exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE),
                    exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE_REF), bo, &lon) &&
        fabs(lat) <= 90 && fabs(lon) <= 180) {
        found->gps_known = true;
        found->lat = lat;
        found->lon = lon;
    }
}

static bool name_has_serial(const char *name)
{
    for (const char *p = name; p && *p; p++)
        if (strncmp(p, "Serial", 6) == 0 || strncmp(p, "serial", 6) == 0 ||
            strncmp(p, "SERIAL", 6) == 0)
            return true;
    return false;
}

/* "2020:12:14 10:31:05" -> "2020-12-14 10:31". */
static void exif_date(ExifEntry *e, char *dst, size_t size)
{
    char t[24];
    entry_text(e, t, sizeof t);
    int y, mo, d, h, mi;
    if (sscanf(t, "%4d:%2d:%2d %2d:%2d", &y, &mo, &d, &h, &mi) == 5 && y > 0 && mo >= 1 &&
        mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60)
        snprintf(dst, size, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

static void exif_people(ExifData *ed, cp_image_found *found)
{
    ExifTag serials[] = {EXIF_TAG_BODY_SERIAL_NUMBER, EXIF_TAG_LENS_SERIAL_NUMBER,
                         (ExifTag)0xc62f /* CameraSerialNumber (DNG) */};
    for (size_t i = 0; i < CP_ARRAY_LEN(serials); i++)
        found->serial |= has_text(entry(ed, serials[i]), 0);
    ExifMnoteData *md = exif_data_get_mnote_data(ed);
    for (unsigned i = 0, n = md ? exif_mnote_data_count(md) : 0; i < n; i++)
        found->serial |= name_has_serial(exif_mnote_data_get_name(md, i));
    ExifTag owners[] = {EXIF_TAG_CAMERA_OWNER_NAME, EXIF_TAG_ARTIST, EXIF_TAG_COPYRIGHT,
                        EXIF_TAG_XP_AUTHOR};
    for (size_t i = 0; i < CP_ARRAY_LEN(owners); i++)
        found->owner |= has_text(entry(ed, owners[i]), 0);
    ExifTag texts[] = {EXIF_TAG_IMAGE_DESCRIPTION, EXIF_TAG_XP_TITLE, EXIF_TAG_XP_COMMENT,
                       EXIF_TAG_XP_SUBJECT, EXIF_TAG_XP_KEYWORDS};
    for (size_t i = 0; i < CP_ARRAY_LEN(texts); i++)
        found->description |= has_text(entry(ed, texts[i]), 0);
    found->description |= has_text(entry(ed, EXIF_TAG_USER_COMMENT), 8);
}

int cp_meta_exif(const unsigned char *p, size_t len, cp_image_found *found)
{
    found->exif = true;
    ExifData *ed = exif_data_new();
    if (!ed)
        return 1;
    /* Read what is there: no invented defaults (FOLLOW_SPECIFICATION would add a DateTime), no
     * tags dropped for being unknown. */
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_load_data(ed, p, (unsigned)(len > 0xFFFFFFu ? 0xFFFFFFu : len));
    ExifByteOrder bo = exif_data_get_byte_order(ed);
    int o = 1;
    ExifEntry *e = entry_in(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
    if (e && e->format == EXIF_FORMAT_SHORT && e->components == 1 && e->size >= 2) {
        o = exif_get_short(e->data, bo);
        if (o < 1 || o > 8)
            o = 1;
    }
    exif_gps(ed, bo, found);
    char make[32], model[48];
    entry_text(entry(ed, EXIF_TAG_MAKE), make, sizeof make);
    entry_text(entry(ed, EXIF_TAG_MODEL), model, sizeof model);
    cp_meta_camera(found, make, model);
    exif_people(ed, found);
    if (!found->taken[0])
        exif_date(entry(ed, EXIF_TAG_DATE_TIME_ORIGINAL), found->taken, sizeof found->taken);
    if (!found->taken[0])
        exif_date(entry(ed, EXIF_TAG_DATE_TIME_DIGITIZED), found->taken, sizeof found->taken);
    if (ed->data && ed->size) {
        int w = 0, h = 0;
        cp_jpeg_frame_size(ed->data, ed->size, &w, &h);
        cp_meta_thumbnail(found, w, h);
    }
    exif_data_unref(ed);
    return o;
}

/* ---- XMP ---- */

static const unsigned char *find(const unsigned char *p, size_t n, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; k && i + k <= n; i++) {
        const unsigned char *c = memchr(p + i, key[0], n - i - k + 1);
        if (!c)
            return NULL;
        i = (size_t)(c - p);
        if (memcmp(c, key, k) == 0)
            return c;
    }
    return NULL;
}

/* The value of an XMP property written as an attribute (key="v") or an element (<key>v</key>). */
static bool xmp_value(const unsigned char *p, size_t n, const char *key, char *dst, size_t size)
{
    const unsigned char *end = p + n;
    for (const unsigned char *c = find(p, n, key); c; c = find(c + 1, (size_t)(end - c - 1), key)) {
        const unsigned char *v = c + strlen(key);
        while (v < end && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
            v++;
        if (v >= end)
            return false;
        unsigned char stop;
        if (*v == '=' && v + 1 < end && (v[1] == '"' || v[1] == '\'')) {
            stop = v[1];
            v += 2;
        } else if (*v == '>' && c > p && c[-1] == '<') {
            stop = '<';
            v++;
        } else {
            continue;
        }
        const unsigned char *e = memchr(v, stop, (size_t)(end - v));
        if (!e)
            return false;
        cp_meta_copy_text(dst, size, v, (size_t)(e - v));
        if (dst[0])
            return true;
    }
    return false;
}

void cp_meta_xmp(const unsigned char *p, size_t len, cp_image_found *found)
{
    found->xmp = true;
    static const char *const places[] = {"photoshop:City",    "Iptc4xmpCore:Location",
                                         "Iptc4xmpExt:City",  "photoshop:State",
                                         "photoshop:Country", "Iptc4xmpExt:CountryName"};
    char v[64];
    for (size_t i = 0; i < CP_ARRAY_LEN(places) && !found->xmp_location[0]; i++)
        if (xmp_value(p, len, places[i], v, sizeof v))
            snprintf(found->xmp_location, sizeof found->xmp_location, "%s", v);
    if (xmp_value(p, len, "exif:GPSLatitude", v, sizeof v) ||
        xmp_value(p, len, "exif:GPSLongitude", v, sizeof v))
        found->gps = true;
    if (xmp_value(p, len, "dc:creator", v, sizeof v) || find(p, len, "<dc:creator"))
        found->owner = true;
    if (find(p, len, "<dc:description") || find(p, len, "exif:UserComment"))
        found->description = true;
    if (find(p, len, "aux:SerialNumber") || find(p, len, "exifEX:BodySerialNumber"))
        found->serial = true;
}

/* ---- IPTC and Photoshop resources ---- */

static void iptc(const unsigned char *p, size_t n, cp_image_found *found)
{
    found->iptc = true;
    size_t i = 0;
    while (i + 5 <= n && p[i] == 0x1C) {
        unsigned rec = p[i + 1], ds = p[i + 2];
        size_t len = (size_t)p[i + 3] << 8 | p[i + 4];
        i += 5;
        if (len & 0x8000) /* an extended dataset: its length takes the next len & 0x7FFF bytes */
            return;
        if (len > n - i)
            return;
        if (rec == 2 && ds == 120)
            found->iptc_caption = true;
        else if (rec == 2 && (ds == 80 || ds == 116))
            found->owner = true;
        else if (rec == 2 && (ds == 90 || ds == 92 || ds == 95 || ds == 101) &&
                 !found->iptc_location[0])
            cp_meta_copy_text(found->iptc_location, sizeof found->iptc_location, p + i, len);
        i += len;
    }
}

void cp_meta_photoshop(const unsigned char *p, size_t n, cp_image_found *found)
{
    size_t i = n >= 14 && memcmp(p, "Photoshop 3.0\0", 14) == 0 ? 14 : 0;
    while (i + 12 <= n && memcmp(p + i, "8BIM", 4) == 0) {
        unsigned id = (unsigned)p[i + 4] << 8 | p[i + 5];
        size_t name = 1 + (size_t)p[i + 6]; /* a Pascal string, padded to even */
        i += 6 + name + (name & 1);
        if (i + 4 > n)
            return;
        size_t len = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 | (size_t)p[i + 2] << 8 | p[i + 3];
        i += 4;
        if (len > n - i)
            return;
        const unsigned char *q = p + i;
        if (id == 0x0404)
            iptc(q, len, found);
        else if ((id == 0x0409 || id == 0x040C) && len >= 12)
            cp_meta_thumbnail(found, (int)((unsigned)q[5] << 16 | (unsigned)q[6] << 8 | q[7]),
                              (int)((unsigned)q[9] << 16 | (unsigned)q[10] << 8 | q[11]));
        else if (id == 0x0424)
            cp_meta_xmp(q, len, found);
        i += len + (len & 1);
    }
}

/* ---- PNG, WebP and TIFF ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An EXIF block that may lack the "Exif\0\0" header (PNG eXIf, WebP EXIF chunks). */
static void bare_exif(const unsigned char *p, size_t n, cp_image_found *found)
{
    if (n >= 6 && memcmp(p, "Exif\0\0", 6) == 0) {
        cp_meta_exif(p, n, found);
        return;
    }
    size_t m = n < 0xFFF0 ? n : 0xFFF0;
    unsigned char *buf = cp_xmalloc(m + 6);
    memcpy(buf, "Exif\0\0", 6);
    memcpy(buf + 6, p, m);
    cp_meta_exif(buf, m + 6, found);
    free(buf);
}

static void add_text_key(cp_image_found *found, const unsigned char *p, size_t n)
{
    const unsigned char *nul = memchr(p, 0, n);
    char key[80];
    cp_meta_copy_text(key, sizeof key, p, nul ? (size_t)(nul - p) : n);
    if (strcmp(key, "XML:com.adobe.xmp") == 0) {
        found->xmp = true;
        return;
    }
    size_t used = strlen(found->texts);
    if (!key[0] || strstr(found->texts, key) || used + strlen(key) + 3 >= sizeof found->texts)
        return;
    snprintf(found->texts + used, sizeof found->texts - used, "%s%s", used ? ", " : "", key);
}

void cp_meta_png(const unsigned char *p, size_t len, cp_image_found *found)
{
    size_t i = 8;
    while (i + 12 <= len) {
        size_t n = be32(p + i);
        const unsigned char *type = p + i + 4, *q = p + i + 8;
        if (n > len - i - 12)
            return;
        if (memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
            memcmp(type, "iTXt", 4) == 0)
            add_text_key(found, q, n);
        else if (memcmp(type, "eXIf", 4) == 0)
            bare_exif(q, n, found);
        else if (memcmp(type, "tIME", 4) == 0)
            found->saved_time = true;
        else if (memcmp(type, "IEND", 4) == 0)
            return;
        i += 12 + n;
    }
}

void cp_meta_webp(const unsigned char *p, size_t len, cp_image_found *found)
{
    size_t i = 12;
    while (i + 8 <= len) {
        size_t n = (size_t)p[i + 4] | (size_t)p[i + 5] << 8 | (size_t)p[i + 6] << 16 |
                   (size_t)p[i + 7] << 24;
        if (n > len - i - 8)
            return;
        if (memcmp(p + i, "EXIF", 4) == 0)
            bare_exif(p + i + 8, n, found);
        else if (memcmp(p + i, "XMP ", 4) == 0)
            cp_meta_xmp(p + i + 8, n, found);
        i += 8 + n + (n & 1);
    }
}
