/* Telling the designer what calpress left out of each photo, in plain words. */
#include "base/strbuf.h"
#include "base/util.h"
#include "image/image.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
        item(b, "a description in the EXIF data");
    if (f->thumbnails == 1 && f->thumb_w > 0 && f->thumb_h > 0)
        item(b, "a %d x %d thumbnail of the uncropped photo", f->thumb_w, f->thumb_h);
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
    if (with >= 3)
        cp_note(d, (cp_pos){NULL, 0, 0},
                "%zu of %zu photos carried hidden metadata (%zu with GPS data); calpress leaves "
                "all of it out of the PDFs",
                with, n, located);
}
