/* A private fontconfig set-up over the project's fonts/ folder: calpress never sees the user's
 * desktop fonts, and a family that does not resolve to itself is an error, not a substitution. */
#ifndef CP_FONTS_H
#define CP_FONTS_H

#include <stdbool.h>

#include <pango/pango.h>

#include "base/diag.h"
#include "base/hash.h"

typedef struct cp_fonts cp_fonts;

/* Loads fonts_dir/fonts.conf into a fresh fontconfig configuration and makes a Pango font map
 * over it. Returns NULL (with a diagnostic) on failure; free with cp_fonts_free. */
cp_fonts *cp_fonts_new(const char *fonts_dir, cp_diags *d);
void cp_fonts_free(cp_fonts *f);

/* The end of a build (a run, or each build under watch): with ok, the calendar's shapings file
 * is written to keep what this build and the one before used; else (a never-print word found,
 * say) the calendar's files are removed at once, so that none of the text it shaped stays in the
 * cache folder (glyphs spell the text they were shaped from; src/fonts/shapestore.c). */
void cp_fonts_shaping_build_end(bool ok);
/* The calendar whose text the process sets from now on (its manifest's path): each calendar's
 * shapings are kept apart, for the text it sets now (src/fonts/shapestore.c). */
void cp_fonts_shaping_scope(const char *manifest);

/* The font map, borrowed from f. */
PangoFontMap *cp_fonts_lookup_map(cp_fonts *f);

/* True if fontconfig knows a font whose family is exactly `family` (case-insensitive). */
bool cp_fonts_has_family(cp_fonts *f, const char *family);

/* Steps through a comma-separated family list: sets *name and *len to the next family, trimmed,
 * and advances *cursor. Returns false at the end. */
bool cp_fonts_family_next(const char **cursor, const char **name, size_t *len);

/* The (first) family name of the font file behind a Pango font; borrowed from font. */
const char *cp_fonts_font_family(PangoFont *font);
/* True if any of the font file's family names (a face may have several, e.g. "EB Garamond" and
 * "EB Garamond 12") is listed in the comma-separated `families`. */
bool cp_fonts_font_in(PangoFont *font, const char *families);

/* Raises *ascent and *descent (Pango units) to the font's own as Pango's font metrics give them
 * (its HarfBuzz extents, under its pattern's transform if it has one), without measuring the
 * approximate character widths that pango_font_get_metrics() also works out. */
void cp_fonts_raise_extents(PangoFont *font, int *ascent, int *descent);

/* The configuration file and every font file it found, by their stamps: what says the fonts are
 * the ones an earlier run set its text with. */
void cp_fonts_stamp(cp_fonts *f, cp_hasher *h);

#endif
