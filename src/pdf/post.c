/* Post-processing cairo's PDF with libqpdf into PDF/X-4 structure: page boxes, crop marks in the
 * registration colour, Info and XMP metadata, an OutputIntent with its ICC profile, default
 * colour spaces where the intent is CMYK, a deterministic ID and no object streams. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/internal.h"
#include "base/hash.h"
#include "base/strbuf.h"
#include "base/path.h"
#include "base/util.h"
#include "config.h"
#include "image/image.h"
#include "pdf/inks.h"
#include "pdf/standins.h"
#include "image/standin.h"

#include <errno.h>
#include <stdint.h>
#include <glib.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct icc {
    char *data;
    size_t len;
    int n;            /* components: 1, 3 or 4 */
    const char *name; /* for OutputConditionIdentifier */
} icc;

static qpdf_oh box(qpdf_data q, double x0, double y0, double x1, double y1)
{
    qpdf_oh a = qpdf_oh_new_array(q);
    double v[4] = {x0, y0, x1, y1};
    for (int i = 0; i < 4; i++)
        qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, v[i], 4));
    return a;
}

static bool report(qpdf_data q, cp_diags *d, const char *what)
{
    if (!qpdf_has_error(q))
        return true;
    qpdf_error e = qpdf_get_error(q);
    cp_error(d, (cp_pos){NULL, 0, 0}, "%s: %s", what, qpdf_get_error_full_text(q, e));
    return false;
}

/* Reads sRGB.icc from icc-profiles-free (for /DefaultRGB) and checks its header. */
static bool load_srgb(icc *out, cp_diags *d)
{
    const char *path = CP_ICC_DIR "/sRGB.icc";
    cp_file_error err;
    out->data = cp_file_read(path, &cp_file_icc, &out->len, &err);
    if (!out->data) {
        cp_error(d, cp_pos_file(path), "cannot read ICC profile '%s': %s", path, err.text);
        return false;
    }
    const unsigned char *h = (const unsigned char *)out->data;
    if (out->len < 132 || memcmp(h + 36, "acsp", 4) != 0 || memcmp(h + 16, "RGB ", 4) != 0) {
        cp_error(d, cp_pos_file(path), "'%s' is not an RGB ICC profile", path);
        free(out->data);
        out->data = NULL;
        return false;
    }
    out->n = 3;
    out->name = "sRGB IEC61966-2.1";
    return true;
}

/* The output intent's profile, read and checked by the caller (meta->profile), as a copy. */
static void intent_icc(const cp_pdf_meta *meta, icc *out)
{
    out->len = meta->profile->len;
    out->data = cp_xmalloc(out->len);
    memcpy(out->data, meta->profile->data, out->len);
    out->n = meta->profile->n;
    out->name = cp_pdf_condition_name(meta);
}

static qpdf_oh icc_stream(qpdf_data q, const icc *p)
{
    qpdf_oh s = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, s, (const unsigned char *)p->data, p->len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, s), "/N", qpdf_oh_new_integer(q, p->n));
    return s;
}

static qpdf_oh new_stream(qpdf_data q, const char *data, size_t len)
{
    qpdf_oh s = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, s, (const unsigned char *)data, len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    return s;
}

/* A page or form's /Resources /ColorSpace dictionary, created if missing. */
static qpdf_oh colorspaces(qpdf_data q, qpdf_oh holder)
{
    qpdf_oh res = qpdf_oh_get_key(q, holder, "/Resources");
    if (!qpdf_oh_is_dictionary(q, res)) {
        res = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, holder, "/Resources", res);
        res = qpdf_oh_get_key(q, holder, "/Resources");
    }
    qpdf_oh cs = qpdf_oh_get_key(q, res, "/ColorSpace");
    if (!qpdf_oh_is_dictionary(q, cs)) {
        qpdf_oh_replace_key(q, res, "/ColorSpace", qpdf_oh_new_dictionary(q));
        cs = qpdf_oh_get_key(q, res, "/ColorSpace");
    }
    return cs;
}

/* The form XObjects being walked, innermost first: a form that paints itself (directly or
 * through others) is walked once, not for ever. */
typedef struct form_path {
    const struct form_path *up;
    int id, gen;
} form_path;

static bool on_path(const form_path *p, int id, int gen)
{
    for (; p; p = p->up)
        if (p->id == id && p->gen == gen)
            return true;
    return false;
}

/* cp_pdf_walk_xobjects below the forms on path. */
static void walk_xobjects(qpdf_data q, qpdf_oh holder, cp_pdf_holder_fn on_holder,
                          cp_pdf_image_fn on_image, void *ctx, const form_path *path)
{
    if (on_holder)
        on_holder(q, holder, ctx);
    qpdf_oh res = qpdf_oh_get_key(q, holder, "/Resources");
    qpdf_oh xo = qpdf_oh_get_key(q, res, "/XObject");
    if (!qpdf_oh_is_dictionary(q, xo))
        return;
    /* Collect first: the key iteration must not see dictionaries being edited. */
    qpdf_oh *found = NULL;
    bool *form = NULL;
    size_t n = 0, cap_found = 0, cap_form = 0;
    qpdf_oh_begin_dict_key_iter(q, xo);
    while (qpdf_oh_dict_more_keys(q)) {
        qpdf_oh x = qpdf_oh_get_key(q, xo, qpdf_oh_dict_next_key(q));
        if (!qpdf_oh_is_stream(q, x))
            continue;
        qpdf_oh sub = qpdf_oh_get_key(q, qpdf_oh_get_dict(q, x), "/Subtype");
        if (qpdf_oh_is_name_and_equals(q, sub, "/Form") ||
            qpdf_oh_is_name_and_equals(q, sub, "/Image")) {
            cp_grow((void **)&found, &cap_found, n + 1, sizeof *found);
            cp_grow((void **)&form, &cap_form, n + 1, sizeof *form);
            form[n] = qpdf_oh_is_name_and_equals(q, sub, "/Form");
            found[n++] = x;
        }
    }
    for (size_t i = 0; i < n; i++) {
        form_path here = {path, qpdf_oh_get_object_id(q, found[i]),
                          qpdf_oh_get_generation(q, found[i])};
        if (form[i] && !on_path(path, here.id, here.gen))
            walk_xobjects(q, qpdf_oh_get_dict(q, found[i]), on_holder, on_image, ctx, &here);
        else if (!form[i] && on_image)
            on_image(q, found[i], ctx);
    }
    free(found);
    free(form);
}

void cp_pdf_walk_xobjects(qpdf_data q, qpdf_oh holder, cp_pdf_holder_fn on_holder,
                          cp_pdf_image_fn on_image, void *ctx)
{
    walk_xobjects(q, holder, on_holder, on_image, ctx, NULL);
}

/* What the walk over a page's forms and images needs and finds. */
typedef struct photo_walk {
    qpdf_oh srgb; /* /DefaultRGB's colour space, under a CMYK or grey intent */
    const cp_pdf_photos *photos;
} photo_walk;

/* With a CMYK (or grey) intent, cairo's DeviceRGB must be characterised: /DefaultRGB maps it to
 * sRGB in every page and every form XObject it paints. */
static void add_default_rgb(qpdf_data q, qpdf_oh holder, void *ctx)
{
    qpdf_oh_replace_key(q, colorspaces(q, holder), "/DefaultRGB", ((photo_walk *)ctx)->srgb);
}

/* A JPEG image: cairo embeds a CMYK JPEG as /DeviceCMYK without the /Decode [1 0 ...] that
 * Adobe's inverted CMYK JPEGs need: without it they print as a negative. A stand-in's photo says
 * whether it is one; another JPEG stream is read. */
static void photo_image(qpdf_data q, qpdf_oh image, void *ctx)
{
    photo_walk *w = ctx;
    qpdf_oh dict = qpdf_oh_get_dict(q, image);
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Filter"), "/DCTDecode"))
        return;
    bool cmyk =
        qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/ColorSpace"), "/DeviceCMYK") &&
        !qpdf_oh_has_key(q, dict, "/Decode");
    if (!cmyk)
        return;
    unsigned char *buf = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, &filtered, &buf, &len) & QPDF_ERRORS)
        return;
    const cp_image *img = cp_pdf_photos_find(w->photos, buf, len, CP_STANDIN_JPEG);
    if (img ? img->adobe : cp_image_jpeg_is_adobe(buf, len)) {
        qpdf_oh dec = qpdf_oh_new_array(q);
        for (int i = 0; i < 4; i++) {
            qpdf_oh_append_item(q, dec, qpdf_oh_new_integer(q, 1));
            qpdf_oh_append_item(q, dec, qpdf_oh_new_integer(q, 0));
        }
        qpdf_oh_replace_key(q, dict, "/Decode", dec);
    }
    free(buf);
}

/* A printer's mark of the registration colour: a line or a ring (pdf coordinates: o, the trim's
 * corner from the media's; mh, the media's height; y up). */
static void registration_item(cp_strbuf *s, const cp_item *it, double o, double mh)
{
    double x = o + it->x, y = mh - o - it->y;
    if (it->kind == CP_ITEM_LINE) {
        cp_strbuf_printf(s, "%.3f %.3f m %.3f %.3f l S\n", x, y, o + it->x1, mh - o - it->y1);
        return;
    }
    if (it->kind != CP_ITEM_DOT)
        return;
    /* a circle as four Béziers, through the middle of the stroke */
    double r = it->ring ? it->w - it->stroke_pt / 2 : it->w, k = 0.5523 * r;
    cp_strbuf_printf(s,
                     "%.3f %.3f m %.3f %.3f %.3f %.3f %.3f %.3f c %.3f %.3f %.3f %.3f "
                     "%.3f %.3f c %.3f %.3f %.3f %.3f %.3f %.3f c %.3f %.3f %.3f %.3f "
                     "%.3f %.3f c %s\n",
                     x + r, y, x + r, y + k, x + k, y + r, x, y + r, x - k, y + r, x - r, y + k,
                     x - r, y, x - r, y - k, x - k, y - r, x, y - r, x + k, y - r, x + r, y - k,
                     x + r, y, it->ring ? "S" : "f");
}

/* The operators of the page's printer's marks (layout/marks.c), in their order: registration lines
 * and rings in /Separation /All, colour-bar patches in DeviceCMYK process inks (only under a CMYK
 * intent). Each run of one kind starts from the page's initial graphics state. Appends nothing and
 * returns false when the page has no mark to draw. */
static bool marks_content(cp_strbuf *s, const cp_page *p, bool cmyk)
{
    double o = p->slug + p->bleed, mh = p->trim_h + 2 * o;
    cp_mark mode = CP_MARK_NONE;
    double width = -1;
    for (size_t i = 0; i < p->n_marks; i++) {
        const cp_item *it = &p->marks[i];
        if (it->mark == CP_MARK_PROCESS && cmyk && it->kind == CP_ITEM_RECT && it->color.cmyk) {
            if (mode != CP_MARK_PROCESS)
                cp_strbuf_puts(s, "Q\nq\n");
            mode = CP_MARK_PROCESS;
            const cp_color *c = &it->color;
            cp_strbuf_printf(s, "%.2f %.2f %.2f %.2f k %.3f %.3f %.3f %.3f re f\n", c->c, c->m,
                             c->y, c->k, o + it->x, mh - o - it->y - it->h, it->w, it->h);
        } else if (it->mark == CP_MARK_REGISTRATION) {
            if (mode != CP_MARK_REGISTRATION)
                cp_strbuf_printf(s, "Q\nq\n/CalpressAll CS 1 SCN %.2f w 0 J [] 0 d\n",
                                 it->stroke_pt);
            else if (it->stroke_pt != width)
                cp_strbuf_printf(s, "%.2f w\n", it->stroke_pt);
            mode = CP_MARK_REGISTRATION;
            width = it->stroke_pt;
            registration_item(s, it, o, mh);
        }
    }
    if (mode != CP_MARK_NONE)
        cp_strbuf_puts(s, "Q\n");
    return mode != CP_MARK_NONE;
}

/* Draws the page's printer's marks after cairo's content, wrapped in q ... Q first, since
 * cairo's content may leave its graphics state changed. */
static void draw_marks(qpdf_data q, qpdf_oh page, const cp_page *p, qpdf_oh all, bool cmyk)
{
    cp_strbuf s;
    cp_strbuf_init(&s);
    if (!marks_content(&s, p, cmyk)) {
        cp_strbuf_finish(&s);
        return;
    }
    qpdf_oh_replace_key(q, colorspaces(q, page), "/CalpressAll", all);
    qpdf_oh pre = new_stream(q, "q\n", 2);
    qpdf_oh post = new_stream(q, s.data, s.len);
    cp_strbuf_finish(&s);
    qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents");
    qpdf_oh arr = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, arr, pre);
    if (qpdf_oh_is_array(q, contents)) {
        int n = qpdf_oh_get_array_n_items(q, contents);
        for (int i = 0; i < n; i++)
            qpdf_oh_append_item(q, arr, qpdf_oh_get_array_item(q, contents, i));
    } else {
        qpdf_oh_append_item(q, arr, contents);
    }
    qpdf_oh_append_item(q, arr, post);
    qpdf_oh_replace_key(q, page, "/Contents", arr);
}

/* [/Separation /All /DeviceCMYK {tint -> all four inks}]: the printer's registration colour. */
static qpdf_oh registration_colour(qpdf_data q)
{
    qpdf_oh fn = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, fn, "/FunctionType", qpdf_oh_new_integer(q, 2));
    qpdf_oh dom = qpdf_oh_new_array(q), c0 = qpdf_oh_new_array(q), c1 = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, dom, qpdf_oh_new_integer(q, 0));
    qpdf_oh_append_item(q, dom, qpdf_oh_new_integer(q, 1));
    for (int i = 0; i < 4; i++) {
        qpdf_oh_append_item(q, c0, qpdf_oh_new_integer(q, 0));
        qpdf_oh_append_item(q, c1, qpdf_oh_new_integer(q, 1));
    }
    qpdf_oh_replace_key(q, fn, "/Domain", dom);
    qpdf_oh_replace_key(q, fn, "/C0", c0);
    qpdf_oh_replace_key(q, fn, "/C1", c1);
    qpdf_oh_replace_key(q, fn, "/N", qpdf_oh_new_integer(q, 1));
    qpdf_oh cs = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, cs, qpdf_oh_new_name(q, "/Separation"));
    qpdf_oh_append_item(q, cs, qpdf_oh_new_name(q, "/All"));
    qpdf_oh_append_item(q, cs, qpdf_oh_new_name(q, "/DeviceCMYK"));
    qpdf_oh_append_item(q, cs, qpdf_make_indirect_object(q, fn));
    return qpdf_make_indirect_object(q, cs);
}

static void xml_escape(cp_strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            cp_strbuf_puts(b, "&amp;");
            break;
        case '<':
            cp_strbuf_puts(b, "&lt;");
            break;
        case '>':
            cp_strbuf_puts(b, "&gt;");
            break;
        case '"':
            cp_strbuf_puts(b, "&quot;");
            break;
        default:
            cp_strbuf_putc(b, *s);
        }
    }
}

/* A UUID from a fast 128-bit hash of the given bytes (two 64-bit multiply-xorshift lanes, eight
 * bytes a step): deterministic IDs for deterministic output. Not cryptographic, and need not
 * be: SHA-256 over a 10 MB PDF cost a tenth of the whole render. */
static void uuid_of(const char *a, size_t alen, const char *b, char out[37])
{
    uint64_t h1 = 0x9E3779B97F4A7C15u ^ alen, h2 = 0xC2B2AE3D27D4EB4Fu;
    size_t i = 0;
    for (; i + 8 <= alen; i += 8) {
        uint64_t w;
        memcpy(&w, a + i, 8);
        h1 = (h1 ^ w) * 0xFF51AFD7ED558CCDu;
        h1 ^= h1 >> 32;
        h2 = (h2 + w) * 0xC4CEB9FE1A85EC53u;
        h2 ^= h2 >> 29;
    }
    for (; i < alen; i++)
        h1 = (h1 ^ (unsigned char)a[i]) * 0x100000001B3u;
    for (const char *p = b; p && *p; p++)
        h2 = (h2 ^ (unsigned char)*p) * 0x100000001B3u;
    h1 ^= h2 >> 17;
    h2 ^= h1 >> 23;
    snprintf(out, 37, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(h1 >> 32),
             (unsigned)(h1 >> 16) & 0xFFFF, (unsigned)h1 & 0xFFF, (unsigned)(h2 >> 52) & 0xFFF,
             (unsigned long long)(h2 & 0xFFFFFFFFFFFFull));
}

static char *xmp_packet(const cp_pdf_meta *meta, const char *iso, const char *doc_id,
                        const char *inst_id)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    cp_strbuf_puts(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                       "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                       " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                       "  <rdf:Description rdf:about=\"\"\n"
                       "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                       "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                       "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                       "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"");
    if (meta->pdfx)
        cp_strbuf_puts(&b, "\n    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"");
    cp_strbuf_puts(&b, ">\n   <dc:format>application/pdf</dc:format>\n");
    if (meta->title) {
        cp_strbuf_puts(&b, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_escape(&b, meta->title);
        cp_strbuf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (meta->author) {
        cp_strbuf_puts(&b, "   <dc:creator><rdf:Seq><rdf:li>");
        xml_escape(&b, meta->author);
        cp_strbuf_puts(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (meta->subject) {
        cp_strbuf_puts(&b, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_escape(&b, meta->subject);
        cp_strbuf_puts(&b, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    cp_strbuf_printf(&b,
                     "   <xmp:CreateDate>%s</xmp:CreateDate>\n"
                     "   <xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                     "   <xmp:MetadataDate>%s</xmp:MetadataDate>\n",
                     iso, iso, iso);
    cp_strbuf_puts(&b, "   <xmp:CreatorTool>");
    xml_escape(&b, meta->creator);
    cp_strbuf_puts(&b, "</xmp:CreatorTool>\n   <pdf:Producer>");
    xml_escape(&b, meta->creator);
    cp_strbuf_printf(&b,
                     "</pdf:Producer>\n"
                     "   <pdf:Trapped>False</pdf:Trapped>\n"
                     "   <xmpMM:DocumentID>uuid:%s</xmpMM:DocumentID>\n"
                     "   <xmpMM:InstanceID>uuid:%s</xmpMM:InstanceID>\n"
                     "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
                     "   <xmpMM:VersionID>1</xmpMM:VersionID>\n",
                     doc_id, inst_id);
    /* Only a file made for a printing condition says it is PDF/X (a screen proof is not). */
    if (meta->pdfx)
        cp_strbuf_puts(&b, "   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n");
    cp_strbuf_puts(&b, "  </rdf:Description>\n"
                       " </rdf:RDF>\n"
                       "</x:xmpmeta>\n");
    /* Padding lets an editor update the packet in place, as XMP recommends. */
    for (int i = 0; i < 20; i++)
        cp_strbuf_puts(&b,
                       "                                                                    \n");
    cp_strbuf_puts(&b, "<?xpacket end=\"w\"?>");
    return cp_strbuf_steal(&b);
}

static void info_dict(qpdf_data q, const cp_pdf_meta *meta, const char *pdfdate)
{
    qpdf_oh info = qpdf_oh_new_dictionary(q);
    struct {
        const char *key, *val;
    } text[] = {{"/Title", meta->title},     {"/Author", meta->author},
                {"/Subject", meta->subject}, {"/Keywords", meta->keywords},
                {"/Creator", meta->creator}, {"/Producer", meta->creator}};
    for (size_t i = 0; i < CP_ARRAY_LEN(text); i++)
        if (text[i].val)
            qpdf_oh_replace_key(q, info, text[i].key, qpdf_oh_new_unicode_string(q, text[i].val));
    qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, pdfdate));
    qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, pdfdate));
    qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q, "/False"));
    if (meta->pdfx)
        qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion", qpdf_oh_new_string(q, "PDF/X-4"));
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", qpdf_make_indirect_object(q, info));
}

static void output_intent(qpdf_data q, const icc *profile)
{
    qpdf_oh oi = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, oi, "/Type", qpdf_oh_new_name(q, "/OutputIntent"));
    qpdf_oh_replace_key(q, oi, "/S", qpdf_oh_new_name(q, "/GTS_PDFX"));
    qpdf_oh_replace_key(q, oi, "/OutputConditionIdentifier",
                        qpdf_oh_new_unicode_string(q, profile->name));
    qpdf_oh_replace_key(q, oi, "/OutputCondition", qpdf_oh_new_unicode_string(q, profile->name));
    qpdf_oh_replace_key(q, oi, "/Info", qpdf_oh_new_unicode_string(q, profile->name));
    qpdf_oh_replace_key(q, oi, "/RegistryName", qpdf_oh_new_string(q, "http://www.color.org"));
    qpdf_oh_replace_key(q, oi, "/DestOutputProfile", icc_stream(q, profile));
    qpdf_oh arr = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, arr, qpdf_make_indirect_object(q, oi));
    qpdf_oh_replace_key(q, qpdf_get_root(q), "/OutputIntents", arr);
}

/* The document's identity: what the run drew (drawn, the hash of cairo's output) and everything
 * post-processing adds to it. Stable across runs; different when anything printed differs. */
static void document_hash(const cp_doc *doc, const unsigned char drawn[16], const cp_pdf_meta *meta,
                          const icc *profile, const char *iso, unsigned char out[16])
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, "calpress PDF ID 2");
    cp_hasher_bytes(&h, drawn, 16);
    /* The marks are written here, not by cairo: they count as drawn too. */
    for (size_t i = 0; i < doc->n_pages; i++) {
        const cp_page *p = &doc->pages[i];
        cp_hasher_u64(&h, p->n_marks);
        for (size_t j = 0; j < p->n_marks; j++) {
            const cp_item *m = &p->marks[j];
            cp_hasher_u64(&h, (uint64_t)m->kind << 8 | (uint64_t)m->mark << 1 | m->ring);
            const double v[] = {m->x, m->y, m->w, m->h, m->x1, m->y1, m->stroke_pt};
            for (size_t k = 0; k < CP_ARRAY_LEN(v); k++)
                cp_hasher_pt(&h, v[k]);
            cp_hasher_u64(&h, cp_color_key(&m->color));
        }
    }
    const char *text[] = {meta->title,   meta->author, meta->subject, meta->keywords,
                          meta->creator, meta->lang,   profile->name, iso};
    for (size_t i = 0; i < CP_ARRAY_LEN(text); i++)
        cp_hasher_str(&h, text[i]);
    cp_hasher_u64(&h, (uint64_t)profile->n);
    cp_hasher_u64(&h, meta->pdfx);
    cp_hasher_u64(&h, cp_hash_bytes(profile->data, profile->len));
    cp_hasher_digest128(&h, out);
    cp_hasher_finish(&h);
}

/* The ID as 32 hex digits, and as the XMP's instance UUID (version 4 and variant bits set). */
static void id_text(const unsigned char id[16], char hex[33], char uuid[37])
{
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    snprintf(uuid, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex, hex + 8, hex + 13, hex + 17, hex + 20);
}

static void metadata(qpdf_data q, const cp_doc *doc, const cp_pdf_meta *meta, const icc *profile,
                     const unsigned char drawn[16], char id_hex[33])
{
    char pdfdate[40], iso[40];
    struct tm tm;
    gmtime_r(&meta->date, &tm);
    strftime(pdfdate, sizeof pdfdate, "D:%Y%m%d%H%M%S+00'00'", &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    info_dict(q, meta, pdfdate);
    unsigned char id[16];
    document_hash(doc, drawn, meta, profile, iso, id);
    char doc_id[37], inst_id[37];
    uuid_of(meta->title ? meta->title : "", meta->title ? strlen(meta->title) : 0, meta->author,
            doc_id);
    id_text(id, id_hex, inst_id);
    /* Both halves of the /ID: the first here, the second put in as the file is written. */
    qpdf_oh ids = qpdf_oh_new_array(q);
    for (int i = 0; i < 2; i++)
        qpdf_oh_append_item(q, ids, qpdf_oh_new_binary_string(q, (const char *)id, 16));
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/ID", ids);
    char *xmp = xmp_packet(meta, iso, doc_id, inst_id);
    qpdf_oh md = new_stream(q, xmp, strlen(xmp));
    free(xmp);
    qpdf_oh mdd = qpdf_oh_get_dict(q, md);
    qpdf_oh_replace_key(q, mdd, "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, mdd, "/Subtype", qpdf_oh_new_name(q, "/XML"));
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh_replace_key(q, root, "/Metadata", md);
    output_intent(q, profile);
    if (meta->lang)
        qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_string(q, meta->lang));
}

/* Everything post-processing changes in cairo's PDF, read into q; id_hex gets the /ID. */
static bool edit(qpdf_data q, const cp_doc *doc, const cp_pdf_meta *meta, const icc *profile,
                 cp_pdf_inks *inks, photo_walk *pw, const unsigned char drawn[16], char id_hex[33],
                 cp_diags *d)
{
    int n = qpdf_get_num_pages(q);
    if (n != (int)doc->n_pages) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "cairo wrote %d pages, expected %zu", n, doc->n_pages);
        return false;
    }
    if (!cp_pdf_swap_pngs(q, doc, pw->photos, d)) /* PNG photos as their own data (pngswap.c) */
        return false;
    qpdf_oh all = registration_colour(q);
    if (profile->n != 4 && doc->n_pages && doc->pages[0].color_bar)
        cp_warning(d, (cp_pos){NULL, 0, 0},
                   "the layout asks for a colour bar, which needs a CMYK output intent (--icc): "
                   "none is drawn");
    pw->srgb = qpdf_oh_new_null(q);
    if (profile->n != 3) {
        icc s = {0};
        if (!load_srgb(&s, d))
            return false;
        qpdf_oh arr = qpdf_oh_new_array(q);
        qpdf_oh_append_item(q, arr, qpdf_oh_new_name(q, "/ICCBased"));
        qpdf_oh_append_item(q, arr, icc_stream(q, &s));
        pw->srgb = qpdf_make_indirect_object(q, arr);
        free(s.data);
    }
    /* Boxes: MediaBox = trim + bleed + slug; BleedBox = trim + bleed; TrimBox = the trim. */
    for (int i = 0; i < n; i++) {
        const cp_page *p = &doc->pages[i];
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
        double o = p->slug + p->bleed, b = p->slug;
        double mw = p->trim_w + 2 * o, mh = p->trim_h + 2 * o;
        qpdf_oh_replace_key(q, page, "/MediaBox", box(q, 0, 0, mw, mh));
        qpdf_oh_remove_key(q, page, "/CropBox");
        qpdf_oh_replace_key(q, page, "/BleedBox", box(q, b, b, mw - b, mh - b));
        qpdf_oh_replace_key(q, page, "/TrimBox", box(q, o, o, mw - o, mh - o));
        if (!cp_pdf_inks_page(inks, page, i + 1))
            return false;
        draw_marks(q, page, p, all, profile->n == 4);
        walk_xobjects(q, page, profile->n != 3 ? add_default_rgb : NULL, photo_image, pw, NULL);
    }
    metadata(q, doc, meta, profile, drawn, id_hex);
    return report(q, d, "cannot edit the PDF");
}

/* No object streams, streams as they are, PDF 1.6, and qpdf's static second /ID half, which is
 * replaced with calpress's own as the bytes go out (no MD5 over the whole file). */
static void write_options(qpdf_data q)
{
    qpdf_set_static_ID(q, QPDF_TRUE);
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
    qpdf_set_stream_data_mode(q, qpdf_s_preserve);
    qpdf_force_pdf_version(q, "1.6");
}

/* Into memory: qpdf's own file writer does not report every failed write (on a full disk it goes
 * on, and its last flush is not checked), so the sink writes the file. */
static bool write_memory(qpdf_data q, const char id_hex[33], cp_pdf_sink sink, void *sink_ctx,
                         cp_diags *d)
{
    if (qpdf_init_write_memory(q) & QPDF_ERRORS)
        return report(q, d, "cannot write the PDF");
    write_options(q);
    if (qpdf_write(q) & QPDF_ERRORS)
        return report(q, d, "cannot write the PDF");
    return cp_pdf_sink_with_id(qpdf_get_buffer(q), qpdf_get_buffer_length(q), id_hex, sink,
                               sink_ctx, d);
}

static bool to_outfile(void *ctx, const void *data, size_t len, cp_diags *d)
{
    return cp_outfile_write(ctx, data, len, d);
}

bool cp_pdf_write_into(qpdf_data q, const char id_hex[33], cp_outfile *f, cp_diags *d)
{
    int st = cp_pdf_stream_write(q, write_options, id_hex, f, d);
    if (st == CP_PDF_STREAM_UNAVAILABLE)
        return write_memory(q, id_hex, to_outfile, f, d);
    return st == CP_PDF_STREAM_OK;
}

/* cairo's PDF: in memory (pdf, len) or in the file path; the result to sink, or into f when f
 * is given. */
typedef struct post_io {
    const char *pdf, *path;
    size_t len;
    const unsigned char *drawn; /* XXH3-128 of cairo's bytes */
    cp_pdf_sink sink;
    void *sink_ctx;
    cp_outfile *f;
} post_io;

/* The edited q with its photos' stand-ins filled: written without the photos (half a megabyte
 * for the sample; into memory, or into a scratch file when cairo's output was large enough to
 * spill), then again with them by the last pass (fill.cpp), which hands its bytes to the sink or
 * f as it makes them. */
static bool write_filled(qpdf_data q, const post_io *io, const cp_pdf_photos *photos,
                         const char id_hex[33], cp_diags *d)
{
    int fd = io->path ? cp_pdf_scratch(d) : -1;
    if (io->path && fd < 0)
        return false;
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if ((fd >= 0 ? qpdf_init_write(q, path) : qpdf_init_write_memory(q)) & QPDF_ERRORS) {
        if (fd >= 0)
            close(fd);
        return report(q, d, "cannot write the PDF");
    }
    write_options(q);
    bool ok = !(qpdf_write(q) & QPDF_ERRORS) || report(q, d, "cannot write the PDF");
    /* qpdf's file writer may miss a failed last write: the last pass then finds no trailer and
     * says so. */
    cp_pdf_fill_result r = {0};
    ok = ok && cp_pdf_fill_standins(fd >= 0 ? NULL : (const char *)qpdf_get_buffer(q),
                                    fd >= 0 ? 0 : qpdf_get_buffer_length(q), fd >= 0 ? path : NULL,
                                    photos, id_hex, io->f ? to_outfile : io->sink,
                                    io->f ? (void *)io->f : io->sink_ctx, &r, d);
    if (ok && r.left) {
        cp_error(d, (cp_pos){NULL, 0, 0},
                 "%d photo%s could not be put in place of %s stand-in%s in the PDF", r.left,
                 r.left == 1 ? "" : "s", r.left == 1 ? "its" : "their", r.left == 1 ? "" : "s");
        ok = false;
    }
    if (fd >= 0)
        close(fd);
    return ok;
}

static bool postprocess(const post_io *io, const cp_doc *doc, const cp_pdf_meta *meta, int *pages,
                        cp_diags *d)
{
    icc profile = {0};
    intent_icc(meta, &profile);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    bool ok = false;
    photo_walk pw = {.photos = cp_pdf_photos_new(doc)};
    cp_pdf_inks *inks = cp_pdf_inks_new(q, doc, pw.photos, meta->colours, d);
    char id_hex[33];
    QPDF_ERROR_CODE rc = io->path ? qpdf_read(q, io->path, NULL)
                                  : qpdf_read_memory(q, "cairo output", io->pdf, io->len, NULL);
    if (rc & QPDF_ERRORS) {
        report(q, d, "cannot read cairo's PDF");
        goto done;
    }
    if (!edit(q, doc, meta, &profile, inks, &pw, io->drawn, id_hex, d))
        goto done;
    if (!cp_pdf_photos_empty(pw.photos))
        ok = write_filled(q, io, pw.photos, id_hex, d);
    else if (io->f)
        ok = cp_pdf_write_into(q, id_hex, io->f, d);
    else
        ok = write_memory(q, id_hex, io->sink, io->sink_ctx, d);
    if (ok)
        *pages = qpdf_get_num_pages(q);
done:
    cp_pdf_inks_free(inks);
    cp_pdf_photos_free((cp_pdf_photos *)pw.photos);
    qpdf_cleanup(&q);
    free(profile.data);
    return ok;
}

bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        cp_pdf_sink sink, void *sink_ctx, int *pages, cp_diags *d)
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_bytes(&h, pdf, len);
    unsigned char drawn[16];
    cp_hasher_digest128(&h, drawn);
    cp_hasher_finish(&h);
    post_io io = {.pdf = pdf, .len = len, .drawn = drawn, .sink = sink, .sink_ctx = sink_ctx};
    return postprocess(&io, doc, meta, pages, d);
}

bool cp_pdf_postprocess_drawn(const char *pdf, size_t len, const char *path,
                              const unsigned char hash[16], const cp_doc *doc,
                              const cp_pdf_meta *meta, cp_outfile *f, int *pages, cp_diags *d)
{
    post_io io = {.pdf = pdf, .len = len, .path = path, .drawn = hash, .f = f};
    return postprocess(&io, doc, meta, pages, d);
}
