/* Internal to the fonts layer: fontconfig's best matches (fcmatch.c), cairo's glyph boxes
 * (glyphmemo.c) and HarfBuzz's shapings (shapememo.c) kept between runs. */
#ifndef CP_FONTS_FCMATCH_H
#define CP_FONTS_FCMATCH_H

#include "base/hash.h"

#include <fontconfig/fontconfig.h>
#include <stdbool.h>

/* Writes the matches fontconfig made in this process that the cache file lacks. Failure to
 * write is silent: the next run matches again. */
void cp_fonts_match_memo_store(void);

/* Every element of p (a language set by FcLangSetHash) but those whose object is in skip
 * (NULL-terminated, or NULL) into h, in the order of the objects' names, without the values'
 * bindings (fontconfig's match and FcFontRenderPrepare do not always give alike, and a font
 * made from the pattern never reads them). False if a value cannot be hashed (an FT_Face). */
bool cp_fc_hash_pattern(cp_hasher *h, const FcPattern *p, const char *const *skip);

/* Writes the glyph boxes cairo measured in this process that the cache file lacks, as
 * cp_fonts_match_memo_store does. */
void cp_fonts_glyph_memo_store(void);
/* Writes what the calendar's shapings file keeps after this run (shapestore.c). */
void cp_fonts_shaping_memo_store(void);

#endif
