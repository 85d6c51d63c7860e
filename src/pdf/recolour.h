/* Internal to the pdf layer: vector colours of cairo's content streams rewritten as inks (the
 * C++ unit recolour.cpp, with qpdf's tokenizer), and the CMYK and photo passes over the pages
 * that use it (inks.c). */
#ifndef CP_PDF_RECOLOUR_H
#define CP_PDF_RECOLOUR_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cp_recolour {
    /* The inks (0..1) of the DeviceRGB colour rgb, and whether it is 100 % black ink alone;
     * false when the colour is unknown, which fails the rewrite. */
    bool (*ink)(void *ctx, const double rgb[3], double ink[4], bool *black_only);
    void *ctx;
    /* ExtGState resource names ("/CPop", "/CPko") that turn overprint on (/OP /op true, /OPM 1)
     * and off: black text overprints, everything else knocks out. */
    const char *overprint_gs, *knockout_gs;
    /* Set by the rewrite when it used them. */
    bool used_overprint;
} cp_recolour;

/* Rewrites one content stream (decoded bytes): every colour set in DeviceRGB (rg, RG, and sc,
 * scn, SC, SCN after /DeviceRGB cs or CS) becomes its inks in DeviceCMYK (k, K, or /DeviceCMYK
 * with four components), and overprint is switched on for black text and off for anything else
 * painted. Everything else is copied byte for byte. Returns the new stream in malloc'd memory
 * owned by the caller (*out_len bytes, plus a terminating NUL); or NULL with a message in err
 * (errlen bytes). */
unsigned char *cp_recolour_content(const unsigned char *in, size_t len, cp_recolour *rc,
                                   size_t *out_len, char *err, size_t errlen);

/* in, Flate-compressed (qpdf's Pl_Flate), in malloc'd memory owned by the caller; NULL when
 * compression fails. */
unsigned char *cp_recolour_flate(const unsigned char *in, size_t len, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
