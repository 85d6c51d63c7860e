/* Internal to the layout layer: a justified paragraph whose line breaks are all forced, set with
 * each line shaped once.
 *
 * text.c's whole-paragraph and greedy candidates choose their breaks themselves and force them
 * with U+2028 (cp_kp_rewrite). Given a width, Pango 1.50 still treats every such line as one it
 * might have to break: it shapes the line, measures it, and shapes it a second time before it
 * accepts it (process_item's "early accept"). Set without a width, Pango takes the first
 * shaping as it is. What the width still decided is done here, as Pango does it: whether every
 * line fits (if one might not, Pango could break it again, and the layout is set with its width
 * after all) and the word spaces' share of each forced line's slack (justify_words). The lines
 * come out glyph for glyph as Pango sets them with the width; CALPRESS_VERIFY_UNSET checks
 * that (text.c). */
#ifndef CP_FORCED_H
#define CP_FORCED_H

#include <pango/pango.h>
#include <stdbool.h>

/* layout holds its text, attributes, indent and alignment (left), and its width and justification
 * as Pango would set it; its text has no tabs. Sets it without its width and justifies its
 * forced lines here. False when it cannot be set so (a line might not fit, or has no word
 * space to widen); the layout is then as it was given, to be set by Pango. */
bool cp_forced_set(PangoLayout *layout);

/* Whether a and b set the same lines, runs, glyphs (ids, widths, offsets, clusters) and line
 * extents, to the Pango unit: how forced lines are checked against Pango's own setting. */
bool cp_forced_same(PangoLayout *a, PangoLayout *b);

#endif
