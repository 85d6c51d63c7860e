/* The document's photos by stand-in key (pdf/standins.h). */
#include "pdf/standins.h"
#include "base/util.h"
#include "image/standin.h"
#include "layout/display.h"

#include <stdlib.h>
#include <string.h>

typedef struct photo_ref {
    uint64_t key;
    const cp_image *img;
} photo_ref;

struct cp_pdf_photos {
    photo_ref *refs;
    size_t n, cap;
};

static void collect(cp_pdf_photos *ph, const cp_page *p, int depth)
{
    for (size_t i = 0; i < p->n && depth < 4; i++) {
        const cp_item *it = &p->items[i];
        if (it->kind == CP_ITEM_PAGE && it->page)
            collect(ph, it->page, depth + 1);
        const cp_image *img = it->kind == CP_ITEM_IMAGE ? it->image : NULL;
        if (!img || (img->format != CP_IMAGE_JPEG && img->format != CP_IMAGE_PNG))
            continue;
        cp_grow((void **)&ph->refs, &ph->cap, ph->n + 1, sizeof *ph->refs);
        ph->refs[ph->n++] = (photo_ref){cp_standin_key_of(img), img};
    }
}

cp_pdf_photos *cp_pdf_photos_new(const cp_doc *doc)
{
    cp_pdf_photos *ph = cp_xcalloc(1, sizeof *ph);
    for (size_t i = 0; i < doc->n_pages; i++)
        collect(ph, &doc->pages[i], 0);
    return ph;
}

void cp_pdf_photos_free(cp_pdf_photos *ph)
{
    if (!ph)
        return;
    free(ph->refs);
    free(ph);
}

bool cp_pdf_photos_empty(const cp_pdf_photos *ph)
{
    return !ph || ph->n == 0;
}

const cp_image *cp_pdf_photos_find(const cp_pdf_photos *ph, const unsigned char *data, size_t len,
                                   const char *tag)
{
    uint64_t key;
    if (!ph || !cp_standin_key(data, len, tag, &key))
        return NULL;
    cp_image_format want = strcmp(tag, CP_STANDIN_JPEG) == 0 ? CP_IMAGE_JPEG : CP_IMAGE_PNG;
    for (size_t i = 0; i < ph->n; i++)
        if (ph->refs[i].key == key && ph->refs[i].img->format == want)
            return ph->refs[i].img;
    return NULL;
}
