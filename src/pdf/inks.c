/* The colour passes of the PDF post-processing: under a CMYK intent every vector colour becomes
 * its inks (recolour.cpp) and transparency blends in CMYK; in every PDF a JPEG that carries an
 * ICC profile is given it as its colour space. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/inks.h"
#include "base/util.h"
#include "image/standin.h"
#include "pdf/recolour.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seen_obj {
    int id, gen;
} seen_obj;

typedef struct icc_obj {
    unsigned char *data;
    size_t len;
    qpdf_oh stream;
} icc_obj;

struct cp_pdf_inks {
    qpdf_data q;
    cp_colours *cv;
    const cp_doc *doc;
    const cp_pdf_photos *photos;
    cp_diags *d;
    bool cmyk;
    bool artwork; /* the page being rewritten holds SVG artwork (a logo), drawn by librsvg */
    qpdf_oh overprint, knockout; /* ExtGState dictionaries, made on first use */
    bool have_states;
    seen_obj *seen; /* forms and images already handled (shared between pages) */
    size_t n_seen, cap_seen;
    icc_obj *iccs; /* one stream per distinct embedded profile */
    size_t n_iccs, cap_iccs;
};

cp_pdf_inks *cp_pdf_inks_new(qpdf_data q, const cp_doc *doc, const cp_pdf_photos *photos,
                             cp_colours *cv, cp_diags *d)
{
    cp_pdf_inks *k = cp_xcalloc(1, sizeof *k);
    k->q = q;
    k->doc = doc;
    k->photos = photos;
    k->cv = cv;
    k->d = d;
    k->cmyk = cp_colours_cmyk(cv);
    return k;
}

void cp_pdf_inks_free(cp_pdf_inks *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n_iccs; i++)
        free(k->iccs[i].data);
    free(k->iccs);
    free(k->seen);
    free(k);
}

/* True the first time an indirect object is met. */
static bool first_visit(cp_pdf_inks *k, qpdf_oh oh)
{
    int id = qpdf_oh_get_object_id(k->q, oh), gen = qpdf_oh_get_generation(k->q, oh);
    if (id == 0)
        return true; /* direct objects are never shared */
    for (size_t i = 0; i < k->n_seen; i++)
        if (k->seen[i].id == id && k->seen[i].gen == gen)
            return false;
    cp_grow((void **)&k->seen, &k->cap_seen, k->n_seen + 1, sizeof *k->seen);
    k->seen[k->n_seen++] = (seen_obj){.id = id, .gen = gen};
    return true;
}

/* A colour cairo wrote: one of the display list's (a key), or on a page with SVG artwork one that
 * librsvg set itself. Those are CSS colours, sRGB by definition: they become inks as a layout's
 * #rrggbb does (a grey on the black plate alone), from the one place colours get their inks. */
static bool key_ink(void *ctx, const double rgb[3], double ink[4], bool *black_only)
{
    cp_pdf_inks *k = ctx;
    if (cp_colours_key_ink(k->cv, rgb, ink, black_only))
        return true;
    if (!k->artwork)
        return false;
    cp_color c = {.r = rgb[0], .g = rgb[1], .b = rgb[2]};
    cp_colours_ink(k->cv, &c, ink);
    if (black_only)
        *black_only = ink[0] == 0 && ink[1] == 0 && ink[2] == 0 && ink[3] == 1;
    return true;
}

/* Whether page `number` (1-based) of the document draws SVG artwork. */
static bool has_artwork(const cp_pdf_inks *k, int number)
{
    if (!k->doc || number < 1 || (size_t)number > k->doc->n_pages)
        return false;
    const cp_page *p = &k->doc->pages[number - 1];
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].kind == CP_ITEM_SVG)
            return true;
    return false;
}

static qpdf_oh extgstate(qpdf_data q, bool on)
{
    qpdf_oh g = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, g, "/Type", qpdf_oh_new_name(q, "/ExtGState"));
    qpdf_oh_replace_key(q, g, "/OP", qpdf_oh_new_bool(q, on));
    qpdf_oh_replace_key(q, g, "/op", qpdf_oh_new_bool(q, on));
    qpdf_oh_replace_key(q, g, "/OPM", qpdf_oh_new_integer(q, 1));
    return qpdf_make_indirect_object(q, g);
}

/* holder's /Resources /ExtGState gets /CPop and /CPko. */
static void add_overprint_states(cp_pdf_inks *k, qpdf_oh holder)
{
    qpdf_data q = k->q;
    if (!k->have_states) {
        k->overprint = extgstate(q, true);
        k->knockout = extgstate(q, false);
        k->have_states = true;
    }
    qpdf_oh res = qpdf_oh_get_key(q, holder, "/Resources");
    if (!qpdf_oh_is_dictionary(q, res)) {
        qpdf_oh_replace_key(q, holder, "/Resources", qpdf_oh_new_dictionary(q));
        res = qpdf_oh_get_key(q, holder, "/Resources");
    }
    qpdf_oh gs = qpdf_oh_get_key(q, res, "/ExtGState");
    if (!qpdf_oh_is_dictionary(q, gs)) {
        qpdf_oh_replace_key(q, res, "/ExtGState", qpdf_oh_new_dictionary(q));
        gs = qpdf_oh_get_key(q, res, "/ExtGState");
    }
    qpdf_oh_replace_key(q, gs, "/CPop", k->overprint);
    qpdf_oh_replace_key(q, gs, "/CPko", k->knockout);
}

/* A transparency group (a page's or a form's) blends in DeviceCMYK, so black ink stays black
 * ink: blending in RGB would turn it into four inks. */
static void group_in_cmyk(qpdf_data q, qpdf_oh holder)
{
    qpdf_oh g = qpdf_oh_get_key(q, holder, "/Group");
    if (qpdf_oh_is_dictionary(q, g) &&
        qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, g, "/S"), "/Transparency"))
        qpdf_oh_replace_key(q, g, "/CS", qpdf_oh_new_name(q, "/DeviceCMYK"));
}

/* Rewrites decoded content; data (malloc'd) is released. Returns the new Flate stream data. */
static unsigned char *recolour(cp_pdf_inks *k, unsigned char *data, size_t len, qpdf_oh holder,
                               const char *what, size_t *out_len)
{
    cp_recolour rc = {.ink = key_ink, .ctx = k, .overprint_gs = "/CPop", .knockout_gs = "/CPko"};
    char err[256];
    size_t n = 0;
    unsigned char *text = cp_recolour_content(data, len, &rc, &n, err, sizeof err);
    free(data);
    if (!text) {
        cp_error(k->d, (cp_pos){NULL, 0, 0}, "cannot write the inks of %s: %s", what, err);
        return NULL;
    }
    unsigned char *out = cp_recolour_flate(text, n, out_len);
    free(text);
    if (!out) {
        cp_error(k->d, (cp_pos){NULL, 0, 0}, "cannot compress the inks of %s", what);
        return NULL;
    }
    if (rc.used_overprint)
        add_overprint_states(k, holder);
    group_in_cmyk(k->q, holder);
    return out;
}

static bool recolour_form(cp_pdf_inks *k, qpdf_oh form)
{
    qpdf_data q = k->q;
    unsigned char *data = NULL;
    size_t len = 0, n = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if ((qpdf_oh_get_stream_data(q, form, qpdf_dl_generalized, &filtered, &data, &len) &
         QPDF_ERRORS) ||
        !filtered) {
        free(data);
        cp_error(k->d, (cp_pos){NULL, 0, 0}, "cannot read a form's content stream");
        return false;
    }
    qpdf_oh dict = qpdf_oh_get_dict(q, form);
    unsigned char *out = recolour(k, data, len, dict, "a form", &n);
    if (!out)
        return false;
    qpdf_oh_replace_stream_data(q, form, out, n, qpdf_oh_new_name(q, "/FlateDecode"),
                                qpdf_oh_new_null(q));
    free(out);
    return true;
}

/* The ICC stream for the profile bytes icc (taken), shared by every image with those bytes. */
static qpdf_oh icc_stream(cp_pdf_inks *k, unsigned char *icc, size_t len, int n)
{
    qpdf_data q = k->q;
    for (size_t i = 0; i < k->n_iccs; i++) {
        if (k->iccs[i].len == len && memcmp(k->iccs[i].data, icc, len) == 0) {
            free(icc);
            return k->iccs[i].stream;
        }
    }
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, stream, icc, len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, stream), "/N", qpdf_oh_new_integer(q, n));
    cp_grow((void **)&k->iccs, &k->cap_iccs, k->n_iccs + 1, sizeof *k->iccs);
    k->iccs[k->n_iccs++] = (icc_obj){.data = icc, .len = len, .stream = stream};
    return stream;
}

/* The profile of the decoded (PNG, TIFF, WebP) photo that cairo embedded as a w x h RGB image:
 * found by its size, when every such photo of that size carries the same profile. */
static unsigned char *decoded_profile(const cp_pdf_inks *k, int w, int h, size_t *len)
{
    unsigned char *found = NULL;
    for (size_t p = 0; k->doc && p < k->doc->n_pages; p++) {
        for (size_t i = 0; i < k->doc->pages[p].n; i++) {
            const cp_item *it = &k->doc->pages[p].items[i];
            const cp_image *img = it->image;
            if (it->kind != CP_ITEM_IMAGE || !img || img->format == CP_IMAGE_JPEG ||
                img->width != w || img->height != h)
                continue;
            size_t n = 0;
            unsigned char *icc = cp_image_icc_profile(img, &n);
            bool same = found && icc && n == *len && memcmp(found, icc, n) == 0;
            if (found && !same) {
                free(icc);
                free(found);
                return NULL; /* two photos of one size, told apart by nothing here */
            }
            if (!found)
                found = icc, *len = n;
            else
                free(icc);
            if (!found)
                return NULL;
        }
    }
    return found;
}

/* A JPEG image stream's embedded ICC profile: a photo's stand-in (pdf/standins.h) has its
 * photo's, read from the photo's bytes (no copy of them is made); any other JPEG stream (a photo
 * resampled for the screen) is read. */
static unsigned char *jpeg_profile(cp_pdf_inks *k, qpdf_oh image, size_t *icc_len)
{
    qpdf_data q = k->q;
    unsigned char *data = NULL, *icc = NULL;
    size_t n = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, &filtered, &data, &n) & QPDF_ERRORS)
        return NULL;
    const cp_image *img = cp_pdf_photos_find(k->photos, data, n, CP_STANDIN_JPEG);
    icc = img ? cp_jpeg_icc_profile(img->data, img->len, icc_len)
              : cp_jpeg_icc_profile(data, n, icc_len);
    free(data);
    return icc;
}

/* A photo's embedded ICC profile as its colour space, when it fits the image's components: a
 * JPEG's from its own bytes (APP2), a decoded photo's from the file it came from. A CMYK photo
 * under a CMYK intent keeps DeviceCMYK: its inks go to press as they are. */
static void tag_photo(cp_pdf_inks *k, qpdf_oh image)
{
    qpdf_data q = k->q;
    qpdf_oh dict = qpdf_oh_get_dict(q, image);
    qpdf_oh filter = qpdf_oh_get_key(q, dict, "/Filter");
    if (qpdf_oh_is_array(q, filter) && qpdf_oh_get_array_n_items(q, filter) == 1)
        filter = qpdf_oh_get_array_item(q, filter, 0);
    bool jpeg = qpdf_oh_is_name_and_equals(q, filter, "/DCTDecode");
    qpdf_oh cs = qpdf_oh_get_key(q, dict, "/ColorSpace");
    int n = qpdf_oh_is_name_and_equals(q, cs, "/DeviceRGB")    ? 3
            : qpdf_oh_is_name_and_equals(q, cs, "/DeviceGray") ? 1
            : qpdf_oh_is_name_and_equals(q, cs, "/DeviceCMYK") ? 4
                                                               : 0;
    if (!n || (n == 4 && k->cmyk) || (!jpeg && n != 3))
        return;
    unsigned char *icc = NULL;
    size_t icc_len = 0;
    if (jpeg) {
        icc = jpeg_profile(k, image, &icc_len);
    } else {
        icc = decoded_profile(
            k, qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, dict, "/Width")),
            qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, dict, "/Height")), &icc_len);
    }
    if (!icc || cp_icc_components(icc, icc_len) != n) {
        free(icc); /* none, or not for these pixels: the preflight said so */
        return;
    }
    qpdf_oh arr = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, arr, qpdf_oh_new_name(q, "/ICCBased"));
    qpdf_oh_append_item(q, arr, icc_stream(k, icc, icc_len, n));
    qpdf_oh_replace_key(q, dict, "/ColorSpace", arr);
}

/* Every form, tiling pattern and image under holder's resources, each once per document. */
static bool walk(cp_pdf_inks *k, qpdf_oh holder, int depth)
{
    qpdf_data q = k->q;
    if (depth > 32)
        return true;
    qpdf_oh res = qpdf_oh_get_key(q, holder, "/Resources");
    const char *kinds[] = {"/XObject", "/Pattern"};
    bool ok = true;
    for (int kind = 0; kind < 2 && ok; kind++) {
        qpdf_oh dict = qpdf_oh_get_key(q, res, kinds[kind]);
        if (!qpdf_oh_is_dictionary(q, dict))
            continue;
        /* Collect first: the key iteration must not see dictionaries being edited. */
        qpdf_oh *found = NULL;
        size_t n = 0, cap = 0;
        qpdf_oh_begin_dict_key_iter(q, dict);
        while (qpdf_oh_dict_more_keys(q)) {
            cp_grow((void **)&found, &cap, n + 1, sizeof *found);
            found[n++] = qpdf_oh_get_key(q, dict, qpdf_oh_dict_next_key(q));
        }
        for (size_t i = 0; i < n && ok; i++) {
            qpdf_oh x = found[i];
            if (!qpdf_oh_is_stream(q, x) || !first_visit(k, x))
                continue;
            qpdf_oh xd = qpdf_oh_get_dict(q, x);
            qpdf_oh sub = qpdf_oh_get_key(q, xd, "/Subtype");
            if (qpdf_oh_is_name_and_equals(q, sub, "/Image")) {
                tag_photo(k, x);
                continue;
            }
            /* A form XObject, or a tiling pattern (a stream with /PatternType 1). */
            if (k->cmyk)
                ok = recolour_form(k, x);
            ok = ok && walk(k, xd, depth + 1);
        }
        free(found);
    }
    return ok;
}

bool cp_pdf_inks_page(cp_pdf_inks *k, qpdf_oh page, int number)
{
    qpdf_data q = k->q;
    k->artwork = has_artwork(k, number);
    if (k->cmyk) {
        unsigned char *data = NULL;
        size_t len = 0, n = 0;
        if (qpdf_oh_get_page_content_data(q, page, &data, &len) & QPDF_ERRORS) {
            free(data);
            cp_error(k->d, (cp_pos){NULL, 0, 0}, "cannot read the content of page %d", number);
            return false;
        }
        char what[32];
        snprintf(what, sizeof what, "page %d", number);
        unsigned char *out = recolour(k, data, len, page, what, &n);
        if (!out)
            return false;
        qpdf_oh s = qpdf_oh_new_stream(q);
        qpdf_oh_replace_stream_data(q, s, out, n, qpdf_oh_new_name(q, "/FlateDecode"),
                                    qpdf_oh_new_null(q));
        free(out);
        qpdf_oh_replace_key(q, page, "/Contents", s);
    }
    return walk(k, page, 0);
}
