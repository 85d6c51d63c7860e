/* Private fontconfig configuration and strict family checks. */
#define _DEFAULT_SOURCE /* realpath */
#include "fonts/fonts.h"
#include "base/readset.h"
#include "base/util.h"
#include "fonts/fcmatch.h"

#include <fontconfig/fontconfig.h>
#include <harfbuzz/hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cp_fonts {
    FcConfig *config;
    char *conf; /* the fonts.conf it was made from */
    PangoFontMap *map;
    char **known; /* families already checked */
    size_t n_known, cap_known;
};

/* The configuration and every font file it found are inputs: no output may replace them. */
static void note_font_files(FcConfig *cfg, const char *conf)
{
    cp_readset_note_path(conf);
    FcFontSet *set = FcConfigGetFonts(cfg, FcSetSystem);
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *file;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) == FcResultMatch)
            cp_readset_note_path((const char *)file);
    }
}

cp_fonts *cp_fonts_new(const char *fonts_dir, cp_diags *d)
{
    /* fontconfig looks for a relative configuration file in its own folders, not in the working
     * folder: a relative fonts_dir (CALPRESS_DATADIR=.) is made absolute first. */
    char conf[4096], *real = realpath(fonts_dir, NULL);
    snprintf(conf, sizeof conf, "%s/fonts.conf", real ? real : fonts_dir);
    free(real);
    FcConfig *cfg = FcConfigCreate();
    if (!cfg || !FcConfigParseAndLoad(cfg, (const FcChar8 *)conf, FcTrue)) {
        cp_error(d, cp_pos_file(conf), "cannot load the font configuration");
        if (cfg)
            FcConfigDestroy(cfg);
        return NULL;
    }
    if (!FcConfigBuildFonts(cfg)) {
        cp_error(d, cp_pos_file(conf), "fontconfig could not scan the font folders");
        FcConfigDestroy(cfg);
        return NULL;
    }
    note_font_files(cfg, conf);
    /* Pango starts a thread that calls FcInit(), which would load the desktop's configuration
     * and every system font cache, only for calpress never to use them. With the private
     * configuration as fontconfig's current one, FcInit() has nothing left to do. */
    FcConfigSetCurrent(cfg);
    cp_fonts *f = cp_xcalloc(1, sizeof *f);
    f->config = cfg;
    f->conf = cp_xstrdup(conf);
    f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!f->map || !PANGO_IS_FC_FONT_MAP(f->map)) {
        cp_error(d, cp_pos_file(conf), "Pango has no fontconfig font map");
        cp_fonts_free(f);
        return NULL;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), cfg);
    /* librsvg sets an SVG logo's text with Pango's default font map: make it this one, so the
     * logo's words come from calpress's fonts like every other word in the PDF. */
    pango_cairo_font_map_set_default(PANGO_CAIRO_FONT_MAP(f->map));
    return f;
}

void cp_fonts_free(cp_fonts *f)
{
    if (!f)
        return;
    cp_fonts_match_memo_store();
    cp_fonts_glyph_memo_store();
    cp_fonts_shaping_memo_store();
    if (f->map && pango_cairo_font_map_get_default() == f->map)
        pango_cairo_font_map_set_default(NULL);
    if (f->map)
        g_object_unref(f->map);
    if (f->config)
        FcConfigDestroy(f->config);
    free(f->conf);
    for (size_t i = 0; i < f->n_known; i++)
        free(f->known[i]);
    free(f->known);
    free(f);
}

PangoFontMap *cp_fonts_lookup_map(cp_fonts *f)
{
    return f->map;
}

bool cp_fonts_has_family(cp_fonts *f, const char *family)
{
    for (size_t i = 0; i < f->n_known; i++)
        if (strcasecmp(f->known[i], family) == 0)
            return true;
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, NULL);
    FcFontSet *set = FcFontList(f->config, pat, os);
    bool found = set && set->nfont > 0;
    FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    if (found) {
        cp_grow((void **)&f->known, &f->cap_known, f->n_known + 1, sizeof *f->known);
        f->known[f->n_known++] = cp_xstrdup(family);
    }
    return found;
}

const char *cp_fonts_font_family(PangoFont *font)
{
    if (!font || !PANGO_IS_FC_FONT(font))
        return NULL;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *fam = NULL;
    if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &fam) != FcResultMatch)
        return NULL;
    return (const char *)fam;
}

bool cp_fonts_family_next(const char **cursor, const char **name, size_t *len)
{
    const char *p = *cursor;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        *cursor = e;
        if (t > p) {
            *name = p;
            *len = (size_t)(t - p);
            return true;
        }
        p = e;
    }
    return false;
}

/* Is name one of the comma-separated families (case-insensitive)? */
static bool listed(const char *families, const char *name)
{
    size_t n = strlen(name), len;
    const char *cursor = families, *f;
    while (cp_fonts_family_next(&cursor, &f, &len))
        if (len == n && strncasecmp(f, name, n) == 0)
            return true;
    return false;
}

bool cp_fonts_font_in(PangoFont *font, const char *families)
{
    if (!font || !PANGO_IS_FC_FONT(font))
        return false;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *fam = NULL;
    for (int i = 0; pat && FcPatternGetString(pat, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (listed(families, (const char *)fam))
            return true;
    return false;
}

void cp_fonts_raise_extents(PangoFont *font, int *ascent, int *descent)
{
    hb_font_extents_t ext;
    hb_font_get_extents_for_direction(pango_font_get_hb_font(font), HB_DIRECTION_LTR, &ext);
    FcMatrix *m;
    bool transform = PANGO_IS_FC_FONT(font) &&
                     FcPatternGetMatrix(pango_fc_font_get_pattern(PANGO_FC_FONT(font)), FC_MATRIX,
                                        0, &m) == FcResultMatch &&
                     (m->xx != 1 || m->xy != 0 || m->yx != 0 || m->yy != 1);
    /* pangofc-font.c's get_face_metrics(): ints scaled by the matrix's yy, as Pango does */
    int a = transform ? (int)(ext.ascender * m->yy) : ext.ascender;
    int d = transform ? (int)(-ext.descender * m->yy) : -ext.descender;
    *ascent = a > *ascent ? a : *ascent;
    *descent = d > *descent ? d : *descent;
}

void cp_fonts_stamp(cp_fonts *f, cp_hasher *h)
{
    cp_hasher_file_stamp(h, f->conf);
    FcFontSet *set = FcConfigGetFonts(f->config, FcSetSystem);
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *file;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) == FcResultMatch)
            cp_hasher_file_stamp(h, (const char *)file);
    }
}
