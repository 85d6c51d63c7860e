/* The strings a PDF carries outside its pages, for the never-print check. */
#include "pdf/pdf.h"
#include "base/util.h"

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
