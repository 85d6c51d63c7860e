/* PNG photos in the PDF as their own compressed data: the stand-ins cairo embedded (marker JPEG
 * headers, see image/pngpass.h) become Flate images with PNG predictors holding the PNG's IDAT
 * data, byte for byte. */
#include "base/util.h"
#include "image/pngpass.h"
#include "pdf/internal.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

typedef struct png_ref {
    uint64_t key;
    const cp_image *img;
} png_ref;

typedef struct swap {
    qpdf_data q;
    png_ref *refs;
    size_t n, cap;
    int *done; /* object ids already swapped */
    size_t n_done, cap_done;
    bool ok;
    cp_diags *d;
} swap;

/* The passthrough PNGs a page shows, pages drawn inside it included. */
static void collect(swap *sw, const cp_page *p, int depth)
{
    for (size_t i = 0; i < p->n && depth < 4; i++) {
        const cp_item *it = &p->items[i];
        if (it->kind == CP_ITEM_PAGE && it->page)
            collect(sw, it->page, depth + 1);
        if (it->kind != CP_ITEM_IMAGE || !it->image || !cp_png_passthrough(it->image))
            continue;
        cp_grow((void **)&sw->refs, &sw->cap, sw->n + 1, sizeof *sw->refs);
        sw->refs[sw->n++] = (png_ref){cp_png_key(it->image), it->image};
    }
}

static const cp_image *lookup(const swap *sw, uint64_t key)
{
    for (size_t i = 0; i < sw->n; i++)
        if (sw->refs[i].key == key)
            return sw->refs[i].img;
    return NULL;
}

/* Puts the PNG's data into the stand-in image stream. */
static void replace(swap *sw, qpdf_oh image, const cp_image *img)
{
    qpdf_data q = sw->q;
    cp_png_data p;
    if (!cp_png_data_load(img, &p)) {
        cp_error(sw->d, cp_pos_file(img->path), "cannot read the PNG data of photo '%s'",
                 img->name);
        sw->ok = false;
        cp_png_data_finish(&p);
        return;
    }
    qpdf_oh parms = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, parms, "/Predictor", qpdf_oh_new_integer(q, 15));
    qpdf_oh_replace_key(q, parms, "/Colors", qpdf_oh_new_integer(q, p.colors));
    qpdf_oh_replace_key(q, parms, "/BitsPerComponent", qpdf_oh_new_integer(q, p.bits));
    qpdf_oh_replace_key(q, parms, "/Columns", qpdf_oh_new_integer(q, p.width));
    qpdf_oh_replace_stream_data(q, image, p.idat, p.idat_len, qpdf_oh_new_name(q, "/FlateDecode"),
                                parms);
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
    cp_png_data_finish(&p);
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
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Filter"), "/DCTDecode"))
        return;
    unsigned char *buf = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, &filtered, &buf, &len) & QPDF_ERRORS)
        return;
    uint64_t key;
    const cp_image *img = NULL;
    if (cp_png_marker_key(buf, len, &key))
        img = lookup(sw, key);
    free(buf);
    if (img)
        replace(sw, image, img);
}

/* cp_pdf_image_fn: an image not met before is swapped if it is a PNG's stand-in. */
static void on_image(qpdf_data q, qpdf_oh image, void *ctx)
{
    swap *sw = ctx;
    if (!seen(sw, qpdf_oh_get_object_id(q, image)))
        visit_image(sw, image);
}

bool cp_pdf_swap_pngs(qpdf_data q, const cp_doc *doc, cp_diags *d)
{
    swap sw = {.q = q, .ok = true, .d = d};
    for (size_t i = 0; i < doc->n_pages; i++)
        collect(&sw, &doc->pages[i], 0);
    for (size_t i = 0; sw.n && i < doc->n_pages; i++)
        cp_pdf_walk_xobjects(q, qpdf_get_page_n(q, i), NULL, on_image, &sw);
    free(sw.refs);
    free(sw.done);
    return sw.ok;
}
