/* Internal to the fonts layer: the shapings shapememo.c keeps, in the cache folder, one file a
 * calendar (shapestore.c). */
#ifndef CP_FONTS_SHAPESTORE_H
#define CP_FONTS_SHAPESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A shaped glyph as hb_shape leaves it: its index, cluster and flags (the info's mask), and its
 * position. */
typedef struct cp_shape_glyph {
    uint32_t codepoint, cluster, mask;
    int32_t x_advance, y_advance, x_offset, y_offset;
} cp_shape_glyph;

/* The glyphs kept for key (a shaping's 128-bit key): a malloc'd copy, *n of them; NULL when none
 * are. Marks the entry used by this run. */
cp_shape_glyph *cp_shape_recall(const unsigned char key[16], size_t *n);
/* Keeps the n glyphs HarfBuzz made for key. */
void cp_shape_note(const unsigned char key[16], const cp_shape_glyph *g, size_t n);
/* The calendar whose shapings are kept from now on, by its ID (16 hex digits); the last one's
 * are written first. */
void cp_shape_scope(const char *id);
/* CALPRESS_VERIFY_SHAPING is set: every kept shaping is made again and compared. */
bool cp_shape_verifying(void);

#endif
