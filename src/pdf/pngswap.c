/* PNG photos in the PDF as their own compressed data: the stand-ins cairo embedded (marker JPEG
 * headers, see image/pngpass.h) become Flate images with PNG predictors. Here the dictionary is
 * made; the stream keeps the stand-in until the last pass (fill.cpp) writes the PNG's IDAT data
 * in its place, byte for byte, from the image's bytes. */
#include "base/util.h"
#include "image/pngpass.h"
#include "image/standin.h"
#include "pdf/internal.h"
#include "pdf/standins.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

typedef struct swap {
    qpdf_data q;
    const cp_pdf_photos *photos;
    int *done; /* object ids already swapped */
    size_t n_done, cap_done;
    bool ok;
    cp_diags *d;
} swap;

/* Makes the stand-in image stream's dictionary the PNG's; its data stays the stand-in (buf,
 * len), now under /FlateDecode, for the last pass to fill. */
static void replace(swap *sw, qpdf_oh image, const cp_image *img, const unsigned char *buf,
                    size_t len)
{
    qpdf_data q = sw->q;
    cp_png_data p;
    if (!cp_png_header(img, &p)) {
        cp_error(sw->d, cp_pos_file(img->path), "cannot read the PNG data of photo '%s'",
                 img->name);
        sw->ok = false;
        return;
    }
    qpdf_oh parms = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, parms, "/Predictor", qpdf_oh_new_integer(q, 15));
    qpdf_oh_replace_key(q, parms, "/Colors", qpdf_oh_new_integer(q, p.colors));
    qpdf_oh_replace_key(q, parms, "/BitsPerComponent", qpdf_oh_new_integer(q, p.bits));
    qpdf_oh_replace_key(q, parms, "/Columns", qpdf_oh_new_integer(q, p.width));
    qpdf_oh_replace_stream_data(q, image, buf, len, qpdf_oh_new_name(q, "/FlateDecode"), parms);
    qpdf_oh dict = qpdf_oh_get_dict(q, image);
    qpdf_oh_replace_key(q, dict, "/BitsPerComponent", qpdf_oh_new_integer(q, p.bits));
    qpdf_oh_remove_key(q, dict, "/Decode");
    if (p.palette) {
        qpdf_oh cs = qpdf_oh_new_array(q);
        qpdf_oh_append_item(q, cs, qpdf_oh_new_name(q, "/Indexed"));
        qpdf_oh_append_item(q, cs, qpdf_oh_new_name(q, "/DeviceRGB"));
        qpdf_oh_append_item(q, cs, qpdf_oh_new_integer(q, p.plte_n - 1));
        qpdf_oh_append_item(
            q, cs, qpdf_oh_new_binary_string(q, (const char *)p.plte, (size_t)p.plte_n * 3));
        qpdf_oh_replace_key(q, dict, "/ColorSpace", cs);
    } else {
        qpdf_oh_replace_key(q, dict, "/ColorSpace",
                            qpdf_oh_new_name(q, p.colors == 3 ? "/DeviceRGB" : "/DeviceGray"));
    }
}

static bool seen(swap *sw, int id)
{
    for (size_t i = 0; i < sw->n_done; i++)
        if (sw->done[i] == id)
            return true;
    cp_grow((void **)&sw->done, &sw->cap_done, sw->n_done + 1, sizeof *sw->done);
    sw->done[sw->n_done++] = id;
    return false;
}

static void visit_image(swap *sw, qpdf_oh image)
{
    qpdf_data q = sw->q;
    qpdf_oh dict = qpdf_oh_get_dict(q, image);
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Filter"), "/DCTDecode") ||
        qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, dict, "/Length")) > CP_PDF_STANDIN_MAX)
        return;
    unsigned char *buf = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, &filtered, &buf, &len) & QPDF_ERRORS)
        return;
    const cp_image *img = cp_pdf_photos_find(sw->photos, buf, len, CP_STANDIN_PNG);
    if (img)
        replace(sw, image, img, buf, len);
    free(buf);
}

/* cp_pdf_image_fn: an image not met before is swapped if it is a PNG's stand-in. */
static void on_image(qpdf_data q, qpdf_oh image, void *ctx)
{
    swap *sw = ctx;
    if (!seen(sw, qpdf_oh_get_object_id(q, image)))
        visit_image(sw, image);
}

bool cp_pdf_swap_pngs(qpdf_data q, const cp_doc *doc, const cp_pdf_photos *photos, cp_diags *d)
{
    swap sw = {.q = q, .photos = photos, .ok = true, .d = d};
    for (size_t i = 0; i < doc->n_pages; i++)
        cp_pdf_walk_xobjects(q, qpdf_get_page_n(q, i), NULL, on_image, &sw);
    free(sw.done);
    return sw.ok;
}
