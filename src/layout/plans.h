/* Internal to the layout layer: which of its candidate settings a wrapped paragraph ended with
 * (text.c's set_para), recorded by a helper process that lays out pages ahead and followed by
 * the main one, which then sets only that candidate. Setting a candidate is deterministic, so
 * following a plan gives the same lines as searching again. */
#ifndef CP_PLANS_H
#define CP_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A paragraph's choice: kind 0 greedy by Pango (k 0: the plain setting), 1 whole-paragraph
 * breaks, 2 the last two words tied, 3 greedy breaks on the measured widths, forced; k indexes
 * the tracking steps. fp identifies the paragraph's request, so a follower that has got out of
 * step notices. */
typedef struct cp_plan {
    uint64_t fp;
    int32_t kind, k;
} cp_plan;

typedef struct cp_plans {
    cp_plan *items; /* owned */
    size_t n, cap;
    size_t next;    /* following: the next plan to take */
    bool recording; /* true: set_para appends its choices; false: it follows items */
    bool lost;      /* following: a paragraph did not match; search from here on */
} cp_plans;

void cp_plans_init(cp_plans *p, bool recording);
void cp_plans_finish(cp_plans *p);
/* Forgets the plans (for the next page) and starts following or recording afresh. */
void cp_plans_reset(cp_plans *p);
/* Recording: appends a choice. */
void cp_plans_put(cp_plans *p, const cp_plan *plan);
/* Following: the next plan if it is for fp; otherwise false, and no plan is taken any more. */
bool cp_plans_take(cp_plans *p, uint64_t fp, cp_plan *out);

#endif
