/* Telling the designer what calpress left out of each photo, in plain words. */
#include "base/strbuf.h"
#include "base/util.h"
#include "image/image.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void item(cp_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void item(cp_strbuf *b, const char *fmt, ...)
{
    if (b->len)
        cp_strbuf_puts(b, ", ");
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cp_strbuf_puts(b, text);
}

/* "a" or "an" before a number said aloud: an 8, an 11, an 18, an 80; a 160. */
static const char *article(int n)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%d", n);
    size_t len = strlen(digits);
    bool eleven = digits[0] == '1' && (digits[1] == '1' || digits[1] == '8') && len % 3 == 2;
    return digits[0] == '8' || eleven ? "an" : "a";
}

static void camera_items(cp_strbuf *b, const cp_image_found *f)
{
    if (f->gps_known)
        item(b, "GPS position (%.2f %c, %.2f %c)", fabs(f->lat), f->lat < 0 ? 'S' : 'N',
             fabs(f->lon), f->lon < 0 ? 'W' : 'E');
    else if (f->gps)
        item(b, "GPS data");
    if (f->camera[0])
        item(b, "camera make and model (%s)", f->camera);
    if (f->serial)
        item(b, "camera serial number");
    if (f->owner)
        item(b, "the owner's or photographer's name");
    if (f->taken[0])
        item(b, "the date taken (%s)", f->taken);
    if (f->description)
        item(b, "a description");
    if (f->thumbnails == 1 && f->thumb_w > 0 && f->thumb_h > 0)
        item(b, "%s %d x %d thumbnail of the uncropped photo", article(f->thumb_w), f->thumb_w,
             f->thumb_h);
    else if (f->thumbnails == 1)
        item(b, "a thumbnail of the uncropped photo");
    else if (f->thumbnails > 1)
        item(b, "%d thumbnails of the uncropped photo", f->thumbnails);
    bool told = f->gps || f->camera[0] || f->serial || f->owner || f->taken[0] || f->description ||
                f->thumbnails;
    if (f->exif && !told)
        item(b, "EXIF camera data");
}

char *cp_image_found_text(const cp_image_found *f)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    camera_items(&b, f);
    if (f->xmp && f->xmp_location[0])
        item(&b, "XMP metadata (location %s)", f->xmp_location);
    else if (f->xmp)
        item(&b, "XMP metadata");
    if (f->iptc_caption && f->iptc_location[0])
        item(&b, "an IPTC caption and location (%s)", f->iptc_location);
    else if (f->iptc_caption)
        item(&b, "an IPTC caption");
    else if (f->iptc_location[0])
        item(&b, "IPTC location (%s)", f->iptc_location);
    else if (f->iptc)
        item(&b, "IPTC metadata");
    if (f->comment)
        item(&b, "a comment");
    if (f->texts[0])
        item(&b, "text fields (%s)", f->texts);
    if (f->saved_time)
        item(&b, "the time the file was saved");
    if (f->other_segments)
        item(&b, "other application data");
    if (f->trailer) {
        char size[32];
        item(&b, "%s of data after the end of the image",
             cp_format_bytes(f->trailer, size, sizeof size));
    }
    if (!b.len) {
        cp_strbuf_finish(&b);
        return NULL;
    }
    return cp_strbuf_steal(&b);
}

void cp_image_report_found(cp_image *const *images, size_t n, cp_diags *d)
{
    size_t with = 0, located = 0;
    for (size_t i = 0; i < n; i++) {
        char *text = cp_image_found_text(&images[i]->found);
        if (!text)
            continue;
        cp_note(d, images[i]->at, "%s: removed %s", images[i]->name, text);
        free(text);
        with++;
        located += images[i]->found.gps;
    }
    char gps[48] = "";
    if (located)
        snprintf(gps, sizeof gps, " (%zu with GPS data)", located);
    if (with >= 3)
        cp_note(d, (cp_pos){NULL, 0, 0},
                "%zu of %zu photos carried hidden metadata%s; calpress leaves all of it out of the "
                "PDFs",
                with, n, gps);
}
