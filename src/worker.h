/* The second core: a helper process that lays the pages out from the last one backwards while
 * the run lays them out from the first, and sends which candidate setting won for every wrapped
 * paragraph (layout/plans.h). The run then sets only those candidates on the pages the helper
 * has finished. The output is the same with or without it; only the time changes. */
#ifndef CP_WORKER_H
#define CP_WORKER_H

#include <stdbool.h>

#include "layout/layout.h"

typedef struct cp_worker cp_worker;

/* The helper's side: lays out page `which` (cp_layout_page numbers) with a typesetter recording
 * its plans. Called from the last page to the first until the run gets there. */
typedef void (*cp_worker_page_fn)(void *ctx, int which);

/* Forks the helper, which calls setup(ctx) once (its own fonts, typesetter and layout context,
 * the typesetter's plans pointed at *record), then page(ctx, which) for the pages, and ends.
 * Call while the process has a single thread: after the manifest is loaded, before fonts. NULL
 * when there is no helper: CALPRESS_WORKER is not "on" (or "first"), or fork failed. The helper is
 * told nothing else and writes no file. Owned by the caller: cp_worker_finish. */
cp_worker *cp_worker_start(void (*setup)(void *ctx, cp_plans *record), cp_worker_page_fn page,
                           void *ctx);

/* The run's side: before each page, lc's typesetter follows the helper's plans for it when the
 * helper has finished that page. */
void cp_worker_attach(cp_worker *w, cp_layout_ctx *lc);

/* Stops the helper (it may be half-way through a page the run has done) and releases it. */
void cp_worker_finish(cp_worker *w);

/* How many pages the run took from the helper (for tests, via CALPRESS_WORKER_REPORT). */
int cp_worker_pages_followed(const cp_worker *w);

#endif
