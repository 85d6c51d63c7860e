/* Internal to the layout layer: the copy-fit and line-breaking decisions of earlier runs, kept in
 * the cache folder (layout.bin). A decision says which size a frame's search settled on, or which
 * candidate setting won a paragraph's search; it is keyed by a 128-bit hash of everything the
 * search saw (the text, the whole style, the measure, the frame) and of the run's environment
 * (calpress's build, the text libraries' versions, the font files and hyphenation dictionaries
 * by their stamps). A run that meets the same request again sets only the winner: the searches
 * are deterministic, so the lines come out the same as searching again. */
#ifndef CP_DECISIONS_H
#define CP_DECISIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cp_decisions cp_decisions;

typedef struct cp_decision_key {
    unsigned char b[16];
} cp_decision_key;

enum { CP_DECISION_FRAME = 1, CP_DECISION_PARA = 2 };
enum { CP_DECISION_SHRUNK = 1u << 0, CP_DECISION_TIGHTENED = 1u << 1 };

typedef struct cp_decision {
    uint8_t type;  /* CP_DECISION_* */
    uint8_t flags; /* frames: CP_DECISION_SHRUNK, _TIGHTENED */
    int16_t kind;  /* paragraphs: the candidate's kind (cp_plan) */
    int32_t k;     /* paragraphs: its tracking step */
    double size;   /* frames: the size chosen */
} cp_decision;

/* The decisions kept, loaded from the cache folder, seen through this environment (a hash of
 * it, env): only those made in the same environment are found. Empty when there is no file or
 * it is damaged. Never NULL. */
cp_decisions *cp_decisions_open(const unsigned char env[16]);
/* Stores what this run decided anew (at most a few thousand decisions, the most recently used
 * kept), then frees. Failure to store is silent. */
void cp_decisions_close(cp_decisions *dc);
/* Writes now what was decided since the last store (watch: after each build). */
void cp_decisions_store(cp_decisions *dc);

bool cp_decisions_get(cp_decisions *dc, const cp_decision_key *key, cp_decision *out);
void cp_decisions_put(cp_decisions *dc, const cp_decision_key *key, const cp_decision *d);

/* How many decisions this process looked up, and found among those of earlier runs (or, in a
 * process that stored, earlier builds): a decision it made itself and met again is not counted. */
void cp_decisions_counts(const cp_decisions *dc, unsigned long *asked, unsigned long *found);

/* ---- Keys, and the typesetter's decisions ---- */

struct cp_typesetter;
struct cp_text_req;
struct cp_para;
struct cp_richtext;

/* A wrapped paragraph's candidate search: its text and spans, the whole style, the language, the
 * size, the measure, the hang, whether it is the first, the words never hyphenated. Its first
 * 8 bytes are also the fingerprint the helper process's plans (plans.h) name a request by. */
void cp_decision_para_key(const struct cp_text_req *req, const struct cp_para *para, double size_pt,
                          bool first, cp_decision_key *out);
/* A frame's size search (op: "fill" or "fit"): the same of every paragraph, and the frame's
 * height. */
void cp_decision_frame_key(const char *op, const struct cp_text_req *req,
                           const struct cp_richtext *rt, double max_height, cp_decision_key *out);
/* The typesetter's decisions, opened on first use; NULL when there is no cache folder, when
 * CALPRESS_LAYOUT_CACHE is "off", or while CALPRESS_VERIFY_UNSET checks the searches. */
cp_decisions *cp_typesetter_decisions(struct cp_typesetter *ts);
/* CALPRESS_VERIFY_DECISIONS: every decision taken from the cache is made again by searching,
 * and compared; the counts are said on stderr at exit. */
bool cp_decisions_verifying(void);
void cp_decisions_verified(bool same);

#endif
