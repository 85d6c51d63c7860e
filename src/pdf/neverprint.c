/* The strings a PDF carries outside its pages, for the never-print check. */
#include "pdf/pdf.h"
#include "base/util.h"
#include "model/neverprint.h"

void cp_pdf_never_print(cp_np_check *c, const cp_pdf_meta *meta, const char *pdf_name)
{
    /* Every string info_dict, xmp_packet and output_intent in post.c write. */
    cp_pos manifest = cp_pos_file(c->lc->cal->manifest);
    struct {
        const char *text, *what;
        cp_pos at;
    } strings[] = {
        {meta->title, "Title in the metadata", manifest},
        {meta->author, "Author in the metadata", manifest},
        {meta->subject, "Subject in the metadata", manifest},
        {meta->keywords, "Keywords in the metadata", manifest},
        {meta->creator, "Creator in the metadata", manifest},
        {meta->lang, "language tag", manifest},
        {cp_pdf_condition_name(meta), "output intent's condition name", meta->icc_pos},
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(strings); i++)
        cp_np_check_text(c, strings[i].text, strings[i].what, pdf_name, strings[i].at);
}

bool cp_pdf_never_print_check(cp_layout_ctx *lc, const char *list, const cp_np_target *targets,
                              size_t n, cp_diags *d)
{
    const cp_str *key = &lc->cal->never_print;
    if (!list && !key->s)
        return true;
    cp_never_print np;
    cp_never_print_init(&np);
    bool ok = !list || cp_never_print_load(&np, list, (cp_pos){NULL, 0, 0}, "--never-print", d);
    ok = (!key->s || cp_never_print_load(&np, key->s, key->pos, "never_print", d)) && ok;
    if (ok) {
        cp_np_check c;
        cp_np_check_init(&c, lc, &np);
        for (size_t i = 0; i < n; i++)
            cp_np_check_doc(&c, targets[i].doc, targets[i].name);
        for (size_t i = 0; i < n; i++) /* the pages' text first, then the metadata */
            if (targets[i].meta)
                cp_pdf_never_print(&c, targets[i].meta, targets[i].name);
        ok = c.found == 0;
        cp_np_check_finish(&c);
    }
    cp_never_print_finish(&np);
    return ok;
}
