/* Colour management with LittleCMS: the output intent's profile, the conversions between the
 * layout's colours, the screen and the press, the table of the colours a run draws, soft proofs. */
#include "image/colour.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/util.h"
#include "image/internal.h"

#include <lcms2.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void cp_profile_free(cp_profile *p)
{
    if (!p)
        return;
    if (p->lcms)
        cmsCloseProfile(p->lcms);
    free(p->data);
    free(p->path);
    free(p);
}

int cp_icc_components(const unsigned char *h, size_t len)
{
    if (len < 132 || memcmp(h + 36, "acsp", 4) != 0)
        return 0;
    uint32_t size = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    if (size < 132 || size > len)
        return 0;
    if (memcmp(h + 16, "RGB ", 4) == 0)
        return 3;
    if (memcmp(h + 16, "CMYK", 4) == 0)
        return 4;
    if (memcmp(h + 16, "GRAY", 4) == 0)
        return 1;
    return 0;
}

cp_profile *cp_profile_load(const char *path, cp_pos at, cp_diags *d)
{
    size_t len = 0;
    cp_file_error err;
    unsigned char *data = (unsigned char *)cp_file_read(path, &cp_file_icc, &len, &err);
    if (!data) {
        cp_error(d, at, "cannot read ICC profile '%s': %s", path, err.text);
        return NULL;
    }
    cp_profile *p = cp_xcalloc(1, sizeof *p);
    p->path = cp_xstrdup(path);
    p->data = data;
    p->len = len;
    if (len < 132 || memcmp(data + 36, "acsp", 4) != 0) {
        cp_error(d, at, "'%s' is not an ICC profile", path);
        goto fail;
    }
    p->n = cp_icc_components(data, len);
    if (!p->n) {
        if (memcmp(data + 16, "RGB ", 4) && memcmp(data + 16, "CMYK", 4) &&
            memcmp(data + 16, "GRAY", 4))
            cp_error(
                d, at,
                "ICC profile '%s' is for colour space '%.4s'; calpress needs RGB, CMYK or grey",
                path, (const char *)data + 16);
        else
            cp_error(d, at, "ICC profile '%s' is damaged: its header gives a size beyond the file",
                     path);
        goto fail;
    }
    memcpy(p->device_class, data + 12, 4);
    p->lcms = cmsOpenProfileFromMem(data, (cmsUInt32Number)len);
    if (!p->lcms) {
        cp_error(d, at, "ICC profile '%s' is damaged: LittleCMS cannot read it", path);
        goto fail;
    }
    return p;
fail:
    cp_profile_free(p);
    return NULL;
}

typedef struct entry {
    cp_color def;
    double key[3];
    double screen[3];
    double ink[4];
} entry;

/* The screen colours of cmyk() values met in earlier runs: see memo_load. */
typedef struct screen_memo {
    bool loaded;    /* read from the cache: the transform is made only for a colour it lacks */
    bool dirty;     /* holds colours the cache file lacks */
    char name[64];  /* its cache file */
    double (*v)[7]; /* C, M, Y, K (0..100) and the sRGB it shows as */
    size_t n, cap;
    int transforms; /* CMYK -> sRGB transforms made (tests) */
} screen_memo;

struct cp_colours {
    const cp_profile *intent;
    const cp_profile *show; /* the CMYK profile that shows cmyk() colours, or NULL */
    bool cmyk;              /* the intent is CMYK */
    bool keys;              /* cp_colours_draw gives keys */
    cmsHPROFILE srgb;       /* owned */
    cmsHTRANSFORM to_ink;   /* sRGB -> intent CMYK, relative colorimetric + BPC */
    cmsHTRANSFORM to_srgb;  /* a CMYK profile -> sRGB, relative colorimetric + BPC */
    cmsHTRANSFORM proof;    /* sRGB -> intent -> sRGB, absolute colorimetric (paper white) */
    entry *entries;
    size_t n, cap;
    screen_memo memo;
};

/* ---- Screen colours kept between runs ----
 * A proof shows cmyk() colours through a transform from the screen CMYK profile to sRGB, which
 * LittleCMS takes some 11 M instructions to make (it reads the profile's tables and inverts
 * sRGB's curves): more than a check spends on all its photos. A layout names a handful of
 * colours, so their screen values are kept in the cache folder, in a file named after the
 * profile's bytes and LittleCMS's version; a run that finds every colour there makes no
 * transform. The file is written only by a run that made the transform from those bytes, so
 * finding it also says that LittleCMS can. Values are stored as computed, to the bit. */

enum { MEMO_VERSION = 1, MEMO_MAX = 4096 };
static const char memo_magic[8] = "CPSCRN\0\0";

static void memo_key(const cp_profile *show, char name[64])
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, "cmyk->sRGB relative colorimetric, BPC, doubles");
    cp_hasher_u64(&h, (uint64_t)cmsGetEncodedCMMversion());
    cp_hasher_u64(&h, MEMO_VERSION);
    cp_hasher_bytes(&h, show->data, show->len);
    snprintf(name, 64, "screen-colours-%016llx.bin", (unsigned long long)cp_hasher_digest(&h));
    cp_hasher_finish(&h);
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* A file whose values are not all finite numbers is not used (cairo is never given a NaN). */
static bool memo_load(screen_memo *m)
{
    m->v = cp_cache_load_records(m->name, memo_magic, MEMO_VERSION, sizeof *m->v, MEMO_MAX, &m->n);
    if (m->v && !all_finite(&m->v[0][0], 7 * m->n)) {
        free(m->v);
        m->v = NULL;
        m->n = 0;
    }
    m->cap = m->n;
    return m->loaded = m->v != NULL;
}

static void memo_store(const screen_memo *m)
{
    cp_cache_store_records(m->name, memo_magic, MEMO_VERSION, m->v, sizeof *m->v, m->n);
}

static cmsHTRANSFORM make_to_srgb(const cp_profile *show, cmsHPROFILE srgb)
{
    return cmsCreateTransform(show->lcms, TYPE_CMYK_DBL, srgb, TYPE_RGB_DBL,
                              INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_BLACKPOINTCOMPENSATION);
}

/* in (C, M, Y, K, 0..100) as shown on screen through show, sRGB 0..1 unclamped: from the memo,
 * else through the transform, made now if it was not; false if it cannot be made. */
static bool screen_of(cp_colours *cv, const double in[4], double out[3])
{
    screen_memo *m = &cv->memo;
    for (size_t i = 0; i < m->n; i++) {
        if (memcmp(m->v[i], in, 4 * sizeof *in) == 0) {
            memcpy(out, m->v[i] + 4, 3 * sizeof *out);
            return true;
        }
    }
    if (!cv->to_srgb) {
        cv->to_srgb = make_to_srgb(cv->show, cv->srgb);
        m->transforms += cv->to_srgb != NULL;
    }
    if (!cv->to_srgb)
        return false;
    cmsDoTransform(cv->to_srgb, in, out, 1);
    if (m->n < MEMO_MAX) {
        cp_grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v);
        memcpy(m->v[m->n], in, 4 * sizeof *in);
        memcpy(m->v[m->n] + 4, out, 3 * sizeof *out);
        m->n++;
        m->dirty = true;
    }
    return true;
}

int cp_colours_screen_transforms(const cp_colours *cv)
{
    return cv->memo.transforms;
}

/* cairo's RGB24 words in memory order: B G R x on little-endian machines. */
static cmsUInt32Number xrgb_format(void)
{
    const uint32_t one = 1;
    return *(const unsigned char *)&one ? TYPE_BGRA_8 : TYPE_ARGB_8;
}

cp_colours *cp_colours_new(const cp_profile *intent, const cp_profile *screen_cmyk, cp_diags *d)
{
    cp_colours *cv = cp_xcalloc(1, sizeof *cv);
    cv->intent = intent;
    cv->cmyk = intent->n == 4;
    cv->srgb = cmsCreate_sRGBProfile();
    const cp_profile *show = cv->cmyk ? intent : screen_cmyk;
    cmsUInt32Number bpc = cmsFLAGS_BLACKPOINTCOMPENSATION;
    if (show && show->n == 4) {
        cv->show = show;
        memo_key(show, cv->memo.name);
        /* Under a CMYK intent the transform is made anyway: its inks need it for greys. */
        if (!memo_load(&cv->memo) || cv->cmyk) {
            cv->to_srgb = make_to_srgb(show, cv->srgb);
            cv->memo.transforms += cv->to_srgb != NULL;
        }
    }
    if (cv->cmyk) {
        cv->to_ink = cmsCreateTransform(cv->srgb, TYPE_RGB_DBL, intent->lcms, TYPE_CMYK_DBL,
                                        INTENT_RELATIVE_COLORIMETRIC, bpc);
    }
    /* The soft proof's transform is made when a preview first needs it. */
    if ((show && show->n == 4 && !cv->to_srgb && !cv->memo.loaded) || (cv->cmyk && !cv->to_ink)) {
        cp_error(d, cp_pos_file(intent->path),
                 "LittleCMS cannot convert colours with the ICC profile '%s'",
                 show && !cv->to_srgb ? show->path : intent->path);
        cp_colours_free(cv);
        return NULL;
    }
    return cv;
}

void cp_colours_free(cp_colours *cv)
{
    if (!cv)
        return;
    if (cv->to_ink)
        cmsDeleteTransform(cv->to_ink);
    if (cv->to_srgb)
        cmsDeleteTransform(cv->to_srgb);
    if (cv->proof)
        cmsDeleteTransform(cv->proof);
    /* Even with no colour in it, the file says that the transform can be made. */
    if (cv->to_srgb && (cv->memo.dirty || !cv->memo.loaded))
        memo_store(&cv->memo);
    free(cv->memo.v);
    cmsCloseProfile(cv->srgb);
    free(cv->entries);
    free(cv);
}

bool cp_colours_cmyk(const cp_colours *cv)
{
    return cv->cmyk;
}

bool cp_colours_can_show_cmyk(const cp_colours *cv)
{
    return cv->to_srgb != NULL || cv->memo.loaded;
}

void cp_colours_set_keys(cp_colours *cv, bool keys)
{
    cv->keys = keys && cv->cmyk;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The grey a black-ink tint k shows as on screen (0..1). */
static double k_grey(const cp_colours *cv, double k)
{
    double in[4] = {0, 0, 0, k * 100}, out[3];
    cmsDoTransform(cv->to_srgb, in, out, 1);
    return (out[0] + out[1] + out[2]) / 3;
}

/* The black-ink tint that shows as the grey v: k_grey falls from white at 0 to its darkest at
 * 100 %; anything darker than solid black ink is solid black ink. */
static double k_for_grey(const cp_colours *cv, double v)
{
    if (v >= 1)
        return 0;
    if (v <= k_grey(cv, 1))
        return 1;
    double lo = 0, hi = 1;
    for (int i = 0; i < 40; i++) {
        double mid = (lo + hi) / 2;
        if (k_grey(cv, mid) > v)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* Ink values to 0.01 %: tiny remainders of a conversion are no ink. */
static double tidy(double v)
{
    return round(clamp01(v) * 10000) / 10000;
}

void cp_colours_ink(const cp_colours *cv, const cp_color *c, double ink[4])
{
    if (c->cmyk) {
        ink[0] = c->c, ink[1] = c->m, ink[2] = c->y, ink[3] = c->k;
        return;
    }
    int r = (int)lround(c->r * 255), g = (int)lround(c->g * 255), b = (int)lround(c->b * 255);
    if (r == g && g == b) {
        ink[0] = ink[1] = ink[2] = 0;
        ink[3] = tidy(k_for_grey(cv, r / 255.0));
        return;
    }
    double in[3] = {c->r, c->g, c->b}, out[4];
    cmsDoTransform(cv->to_ink, in, out, 1);
    for (int i = 0; i < 4; i++)
        ink[i] = tidy(out[i] / 100);
}

void cp_colours_screen(cp_colours *cv, const cp_color *c, double rgb[3])
{
    if (!c->cmyk) {
        rgb[0] = c->r, rgb[1] = c->g, rgb[2] = c->b;
        return;
    }
    double in[4] = {c->c * 100, c->m * 100, c->y * 100, c->k * 100};
    if (!cv->show || !screen_of(cv, in, rgb)) {
        rgb[0] = rgb[1] = rgb[2] = 0.5;
        return;
    }
    for (int i = 0; i < 3; i++)
        rgb[i] = clamp01(rgb[i]);
}

static bool same(const cp_color *a, const cp_color *b)
{
    if (a->cmyk != b->cmyk)
        return false;
    if (a->cmyk)
        return a->c == b->c && a->m == b->m && a->y == b->y && a->k == b->k;
    return a->r == b->r && a->g == b->g && a->b == b->b;
}

/* Keys are multiples of 1/1000, which cairo writes exactly ("0.007"), with blue 0.5: entry i
 * (from 0) is ((i + 1) mod 1000, (i + 1) div 1000, 500) thousandths. */
static void key_of(size_t i, double key[3])
{
    key[0] = (double)((i + 1) % 1000) / 1000;
    key[1] = (double)((i + 1) / 1000) / 1000;
    key[2] = 0.5;
}

static entry *lookup(cp_colours *cv, const cp_color *c)
{
    for (size_t i = 0; i < cv->n; i++)
        if (same(&cv->entries[i].def, c))
            return &cv->entries[i];
    if (cv->n >= 999999) /* keys run out; never in a calendar */
        return NULL;
    cp_grow((void **)&cv->entries, &cv->cap, cv->n + 1, sizeof *cv->entries);
    entry *e = &cv->entries[cv->n];
    memset(e, 0, sizeof *e);
    e->def = *c;
    key_of(cv->n, e->key);
    cp_colours_screen(cv, c, e->screen);
    if (cv->cmyk)
        cp_colours_ink(cv, c, e->ink);
    cv->n++;
    return e;
}

void cp_colours_draw(cp_colours *cv, const cp_color *c, double rgb[3])
{
    entry *e = lookup(cv, c);
    const double *v = e ? (cv->keys ? e->key : e->screen) : NULL;
    if (!v) {
        cp_colours_screen(cv, c, rgb);
        return;
    }
    memcpy(rgb, v, 3 * sizeof *rgb);
}

bool cp_colours_key_ink(const cp_colours *cv, const double rgb[3], double ink[4], bool *black_only)
{
    if (fabs(rgb[2] - 0.5) > 1e-6)
        return false;
    double r = rgb[0] * 1000, g = rgb[1] * 1000;
    if (fabs(r - round(r)) > 1e-3 || fabs(g - round(g)) > 1e-3 || r < 0 || g < 0)
        return false;
    size_t i = (size_t)lround(g) * 1000 + (size_t)lround(r);
    if (i == 0 || i > cv->n)
        return false;
    const entry *e = &cv->entries[i - 1];
    memcpy(ink, e->ink, 4 * sizeof *ink);
    if (black_only)
        *black_only = ink[0] == 0 && ink[1] == 0 && ink[2] == 0 && ink[3] == 1;
    return true;
}

void cp_colours_soft_proof(cp_colours *cv, unsigned char *data, int w, int h, int stride)
{
    if (!cv->cmyk)
        return;
    /* Made on first use: LittleCMS precalculates it, which PDFs and check do not need. */
    if (!cv->proof)
        cv->proof = cmsCreateProofingTransform(
            cv->srgb, xrgb_format(), cv->srgb, xrgb_format(), cv->intent->lcms,
            INTENT_RELATIVE_COLORIMETRIC, INTENT_ABSOLUTE_COLORIMETRIC,
            cmsFLAGS_SOFTPROOFING | cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_COPY_ALPHA);
    if (!cv->proof)
        return;
    for (int y = 0; y < h; y++) {
        unsigned char *row = data + (size_t)y * (size_t)stride;
        cmsDoTransform(cv->proof, row, row, (cmsUInt32Number)w);
    }
}
