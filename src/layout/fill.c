/* Copy-fit upwards: a text that leaves its frame room grows toward its style's max_size, so a
 * short story fills its column instead of stopping half way down. */
#include "layout/layout.h"

#include <math.h>

static bool fill(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                 double max_height, const char *frame, const cp_pos *frame_pos, cp_block *out)
{
    const cp_style *st = req->style;
    int steps = (int)floor((st->max_size_pt - st->size_pt) / 0.25 + 1e-9);
    if (steps > 0) {
        /* Most short texts fit at max_size, set well: then that one setting is all it takes. */
        size_t errors = ts->diags->n_errors;
        cp_set_rich(ts, req, rt, st->max_size_pt, out);
        if (ts->diags->n_errors != errors)
            return false; /* font problems: reported once */
        if (out->n && out->height <= max_height + 0.01 && !out->loose && !out->runts)
            return true;
        cp_block_finish(out);
    }
    bool ok = cp_set_fit(ts, req, rt, max_height, frame, frame_pos, out);
    if (!ok || out->shrunk || out->tightened || steps <= 0 || out->n == 0)
        return ok;
    /* Quarter points up to max_size: the largest size that still fits. A short text fits at
     * max_size: one setting. Else, as a text's height grows with its size, halving the range of
     * steps finds it in a few. */
    cp_block nominal = *out, best = {0};
    int lo = 0, hi = steps;
    cp_set_rich(ts, req, rt, st->size_pt + steps * 0.25, &best);
    if (best.height <= max_height + 0.01)
        lo = steps;
    else
        cp_block_finish(&best), hi = steps - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        cp_block b;
        cp_set_rich(ts, req, rt, st->size_pt + mid * 0.25, &b);
        if (b.height <= max_height + 0.01) {
            cp_block_finish(&best);
            best = b;
            lo = mid;
        } else {
            cp_block_finish(&b);
            hi = mid - 1;
        }
    }
    /* Growing must not open word spaces or leave a word alone on a line that the style's own
     * size sets well: step back down until it does not. */
    while (lo > 0 && (best.loose > nominal.loose || best.runts > nominal.runts)) {
        cp_block_finish(&best);
        best = (cp_block){0};
        if (--lo == 0)
            break;
        cp_set_rich(ts, req, rt, st->size_pt + lo * 0.25, &best);
        if (best.height > max_height + 0.01) {
            /* heights are not always monotonic: keep the style's own size */
            cp_block_finish(&best);
            best = (cp_block){0};
            lo = 0;
        }
    }
    if (lo > 0) {
        cp_block_finish(&nominal);
        *out = best;
    } else {
        cp_block_finish(&best);
        *out = nominal;
    }
    return true;
}

bool cp_set_fill(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                 double max_height, const char *frame, const cp_pos *frame_pos, cp_block *out)
{
    /* The sizes tried here and in cp_set_fit overlap (max_size is set first and again in the
     * search; stepping back down meets sizes the halving tried): each is set once, in the one
     * search cp_set_searched runs. */
    return cp_set_searched(ts, "fill", req, rt, max_height, frame, frame_pos, out, fill);
}
