/* mkphotos.c: deterministic generator of abstract placeholder photos (baseline JPEG, 300 dpi) for
 * the calpress sample wall calendar. */

/*
 * Usage:
 *   mkphotos OUTDIR                             cover.jpg + twelve month photos
 *   mkphotos --png OUTDIR                       the same thirteen images as 8-bit RGB PNG
 *                                               (cover.png, neha.png, ...): the benchmark's
 *                                               PNG-photo calendar
 *   mkphotos --one W H SEED PALETTE OUT.jpg [OPTIONS]
 *                                               one image, PALETTE 0..12
 *
 * Options of --one, for test images (none of them changes the default output):
 *   --cmyk            an Adobe-style CMYK JPEG (Adobe APP14 marker, values stored
 *                     inverted as Photoshop does: 255 = no ink) of two flat patches:
 *                     the left half pure cyan ink (C 100 %), the right half pure
 *                     magenta (M 100 %); SEED and PALETTE are ignored
 *   --heavy-ink N     an Adobe-style CMYK JPEG for ink-limit tests: C60 M50 Y50 K90
 *                     (250 % total ink) with a centred N x N pixel square of C100 M90
 *                     Y80 K100 (370 %); SEED and PALETTE are ignored
 *   --orientation N   add an EXIF APP1 segment whose Orientation tag is N (1..8)
 *   --mark X Y        a flat mid-grey (128,128,128) image with one pure green
 *                     (0,255,0) disc of radius 1.5 % of the width centred at the
 *                     normalised position (X, Y), 0..1, of the stored pixels;
 *                     SEED and PALETTE are ignored (cannot go with --cmyk)
 * --mark, --cmyk and --heavy-ink images are stored without chroma subsampling
 * (4:4:4).
 *
 * Palette 0 is the cover, palettes 1..12 are January..December.  Every image
 * is a soft, out-of-focus "photograph": layered gradients, large washes of
 * colour, diagonal light shafts, defocused bokeh discs, a luminous abstract
 * head-and-shoulders shape (the focal element), a vignette and film grain.
 * For each file written one line goes to stdout:
 *   neha.jpg 3600x2790 focus 0.38 0.33
 * giving the normalised centre of the focal element for the layout manifest
 * (for a --mark image, the mark's centre, to four decimals).
 *
 * Everything is computed row by row with precomputed separable tables, so
 * there is no full-frame buffer and no convolution.  All randomness comes from
 * a fixed-seed splitmix64 / xorshift32, so the output is byte-identical on
 * every run.  In OUTDIR mode the images are made by forked worker processes
 * (one per online CPU, or MKPHOTOS_JOBS); the stdout lines are printed by the
 * parent in a fixed order once every image is written.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

#define PROG "mkphotos"

enum {
    MONTH_W = 3600, /* 303 mm with bleed at ~300 ppi */
    MONTH_H = 2790, /* 234 mm with bleed at ~300 ppi */
    COVER_W = 3600, /* A3 portrait, full bleed */
    COVER_H = 5040,
    JPEG_QUALITY = 88,
    DPI = 300,
    NPALETTES = 13,
    MAX_WASH = 5,
    MAX_WAVE = 4,
    MAX_DISC = 40,
    PROFILE_N = 512, /* entries of a disc's radial profile table */
    MAX_SIDE = 20000
};

/* ------------------------------------------------------------------------ */
/* Colours and palettes                                                      */

typedef struct {
    float r, g, b;
} Rgb;

/* One month's colours, as 0xRRGGBB: sky/top, ground/bottom, a diagonal
 * accent, two bokeh tints and the warm light of the glow and the figure. */
typedef struct {
    uint32_t top, bottom, accent, bok_a, bok_b, light;
} Palette;

static const Palette palettes[NPALETTES] = {
    /* 0 cover: terracotta dusk over plum */
    {0xbf7650, 0x6b3442, 0xd9a352, 0xf2c58c, 0xe0876a, 0xfbe2c0},
    /* 1 January: dusk blue with a warm rose light */
    {0x56698a, 0x313f5e, 0x8c6f8c, 0xe2b592, 0x9fb2cc, 0xf5dcc2},
    /* 2 February: dusty rose and mauve */
    {0xb07a84, 0x684963, 0xcf9d98, 0xf0cbbd, 0xc48d9b, 0xfbe4da},
    /* 3 March: deep green and sage */
    {0x6f8a6b, 0x2f4a3d, 0xa3ab78, 0xe2d9a4, 0x8fb39a, 0xf3ebc9},
    /* 4 April: ochre and burnt sienna */
    {0xc99549, 0x8f5630, 0xe0b86b, 0xf8dfa4, 0xdc9760, 0xfdefd0},
    /* 5 May: teal with sand light */
    {0x4f8d8a, 0x264f50, 0x8fbaa4, 0xe6d4a8, 0x82bdb8, 0xf2e9d2},
    /* 6 June: indigo with terracotta */
    {0x4d5288, 0x2c2f57, 0xa96b5e, 0xe2a98d, 0x8d94c8, 0xf3d9c6},
    /* 7 July: monsoon grey-green */
    {0x6c8481, 0x3a4e4f, 0x98a388, 0xd7dec6, 0xa2bab4, 0xedf0de},
    /* 8 August: rose terracotta */
    {0xb86f5e, 0x763f40, 0xd39471, 0xf2c6a6, 0xd2807b, 0xfbe1cd},
    /* 9 September: ochre and olive */
    {0xad9553, 0x66572f, 0xcdb36b, 0xefdca2, 0xc19f5c, 0xf9efcf},
    /* 10 October: saffron and maroon */
    {0xcc8640, 0x843c30, 0xe2aa52, 0xfad690, 0xd9804e, 0xfee8c4},
    /* 11 November: dusk violet-blue */
    {0x68638f, 0x39355e, 0xb98a7c, 0xedc29d, 0xa19ac9, 0xf6e0cd},
    /* 12 December: deep teal-green with gold */
    {0x41706a, 0x203e3b, 0xb39a5e, 0xecd192, 0x80a79c, 0xf6e6c3},
};

/* Hex to float colour, because the palette table is easier to read as hex. */
static Rgb hex_rgb(uint32_t v)
{
    Rgb c;
    c.r = (float)((v >> 16) & 0xff) / 255.0f;
    c.g = (float)((v >> 8) & 0xff) / 255.0f;
    c.b = (float)(v & 0xff) / 255.0f;
    return c;
}

/* Linear blend; used for every "paint over" operation. */
static Rgb mix_rgb(Rgb a, Rgb b, float t)
{
    Rgb c;
    c.r = a.r + (b.r - a.r) * t;
    c.g = a.g + (b.g - a.g) * t;
    c.b = a.b + (b.b - a.b) * t;
    return c;
}

static Rgb scale_rgb(Rgb a, float k)
{
    Rgb c;
    c.r = a.r * k;
    c.g = a.g * k;
    c.b = a.b * k;
    return c;
}

/* ------------------------------------------------------------------------ */
/* Deterministic randomness                                                  */

/* splitmix64: good statistical quality from any seed, used for scene layout. */
static uint64_t sm_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform float in [0,1) with 24 bits, identical on every platform. */
static float rnd01(uint64_t *s)
{
    return (float)(sm_next(s) >> 40) * (1.0f / 16777216.0f);
}

static float rnd_range(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * rnd01(s);
}

/* ------------------------------------------------------------------------ */
/* Small maths helpers                                                       */

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Hermite smoothstep on [0,1]: the soft edge used for every shape. */
static float smooth01(float t)
{
    t = clampf(t, 0.0f, 1.0f);
    return t * t * (3.0f - 2.0f * t);
}

static float smoothstepf(float e0, float e1, float x)
{
    return smooth01((x - e0) / (e1 - e0));
}

/* A turned ellipse with the reciprocals its distance function needs, so the
 * per-pixel work has one division instead of five. */
typedef struct {
    float cx, cy, c, s; /* centre, cosine and sine of the turn */
    float ia, ib;       /* 1/a, 1/b */
    float ia2, ib2;     /* 1/a^2, 1/b^2 */
    float oa, ob;       /* 1/(a+M), 1/(b+M): the ellipse grown by margin M */
    float rmin;         /* min(a, b) */
} Ellipse;

/* Fills an Ellipse; margin is how far outside it anything is still drawn. */
static Ellipse ellipse_make(float cx, float cy, float a, float b, float angle, float margin)
{
    Ellipse e;
    e.cx = cx;
    e.cy = cy;
    e.c = cosf(angle);
    e.s = sinf(angle);
    e.ia = 1.0f / a;
    e.ib = 1.0f / b;
    e.ia2 = e.ia * e.ia;
    e.ib2 = e.ib * e.ib;
    e.oa = 1.0f / (a + margin);
    e.ob = 1.0f / (b + margin);
    e.rmin = a < b ? a : b;
    return e;
}

/* True when (x,y) is farther than the margin from the ellipse: a cheap test
 * (no square root) that skips most of the figure's bounding box. */
static int ellipse_far(const Ellipse *e, float x, float y)
{
    float px = x - e->cx, py = y - e->cy;
    float u = (e->c * px + e->s * py) * e->oa, v = (-e->s * px + e->c * py) * e->ob;
    return u * u + v * v > 1.0f;
}

/* Approximate signed distance to the ellipse (accurate near the outline,
 * which is all the soft edge needs). */
static float ellipse_sd(const Ellipse *e, float x, float y)
{
    float px = x - e->cx, py = y - e->cy;
    float u = e->c * px + e->s * py, v = -e->s * px + e->c * py;
    float qx = u * e->ia, qy = v * e->ib;
    float k0 = sqrtf(qx * qx + qy * qy);
    float rx = u * e->ia2, ry = v * e->ib2;
    float k1 = sqrtf(rx * rx + ry * ry);
    if (k1 < 1e-12f)
        return -e->rmin;
    return k0 * (k0 - 1.0f) / k1;
}

/* Polynomial smooth minimum (ik = 1/k): joins head and shoulders with a soft
 * "neck". */
static float smin(float a, float b, float k, float ik)
{
    float h = clampf(0.5f + 0.5f * (b - a) * ik, 0.0f, 1.0f);
    return b + (a - b) * h - k * h * (1.0f - h);
}

/* Gaussian weight, used only while building tables, never per pixel. */
static float gauss(float d, float sigma)
{
    return expf(-0.5f * (d * d) / (sigma * sigma));
}

/* ------------------------------------------------------------------------ */
/* Scene description                                                         */

/* One defocused light disc with its own radial profile table, so the inner
 * loop is a table look-up on the squared distance (no sqrt, no exp). */
typedef struct {
    float cx, cy, outer, inv_outer2;
    float alpha;
    Rgb col;
    float prof[PROFILE_N + 1];
} Disc;

typedef struct {
    int w, h;
    int nblk; /* row length in blocks of 8: tables and planes hold nblk * 8 */
    float m;  /* the shorter side: all shapes scale with it */
    uint32_t seed;
    Rgb top, bottom, accent, light, fig_fill;

    /* diagonal accent gradient: weight = smooth(ax*x + ay*y + c) * amt */
    float diag_ax, diag_ay, diag_c, diag_amt;

    /* large soft washes of colour: separable Gaussians */
    int nwash;
    Rgb wash_col[MAX_WASH];
    float wash_alpha[MAX_WASH], wash_cy[MAX_WASH], wash_sy[MAX_WASH];
    float *wash_gx[MAX_WASH];

    /* painterly mottling: rotated plane waves split into separable parts */
    int nwave;
    float wave_ky[MAX_WAVE];
    float *wave_s[MAX_WAVE], *wave_c[MAX_WAVE];

    /* diagonal light shafts: a 1-D table across the shaft direction */
    float light_nx, light_ny, light_umin, light_amt;
    int light_n;
    float *light_tab;

    /* glow around the focal point: two separable Gaussians */
    float fx, fy; /* focal point in pixels */
    float halo_a[2], halo_sy[2];
    float *halo_gx[2];

    /* head-and-shoulders figure */
    Ellipse head, shoulders;
    float fig_k, fig_ik, fig_edge, fig_rim, fig_reach, fig_cut, fig_fade, fig_op;
    float lit_dx, lit_dy; /* unit vector from the figure towards the light */
    int fig_x0, fig_x1, fig_y0, fig_y1;

    /* vignette: separable quadratic */
    float *vig_x;

    int ndisc;
    Disc disc[MAX_DISC];

    float *mem; /* owns every table above */
} Scene;

/* Normalised focal point for a palette: odd months left, even months right,
 * the cover centred a little above the middle. */
static void focus_for(int palette, float *fxn, float *fyn)
{
    if (palette == 0) {
        *fxn = 0.50f;
        *fyn = 0.40f;
    } else {
        *fxn = (palette % 2 == 1) ? 0.38f : 0.62f;
        *fyn = 0.33f;
    }
}

/* Builds the radial profile of a bokeh disc: flat body, a slightly brighter
 * rim as real lens bokeh has, and a soft edge whose width is the defocus. */
static void disc_profile(Disc *d, float soft)
{
    float outer = 1.0f + soft;
    for (int i = 0; i <= PROFILE_N; i++) {
        float t = (float)i / (float)PROFILE_N; /* d^2 / outer^2 */
        float rr = sqrtf(t) * outer;           /* in units of the radius */
        float edge = smoothstepf(1.0f + soft, 1.0f - soft, rr);
        float rim = clampf(rr, 0.0f, 1.0f);
        rim *= rim;
        float body = 0.80f + 0.20f * rim * rim;
        d->prof[i] = edge * body;
    }
    d->prof[PROFILE_N] = 0.0f;
}

/* Lays out one image from its seed and palette; allocates the tables.
 * Returns 0, or -1 when out of memory. */
static int scene_init(Scene *s, int w, int h, uint32_t seed, int pal)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->h = h;
    s->nblk = (w + 7) / 8;
    s->m = (float)(w < h ? w : h);
    s->seed = seed;
    const float W = (float)w, H = (float)h, m = s->m;
    const Palette *p = &palettes[pal];
    s->top = hex_rgb(p->top);
    s->bottom = hex_rgb(p->bottom);
    s->accent = hex_rgb(p->accent);
    s->light = hex_rgb(p->light);
    Rgb bok_a = hex_rgb(p->bok_a), bok_b = hex_rgb(p->bok_b);

    uint64_t st = ((uint64_t)seed << 8) ^ (uint64_t)pal ^ 0x63616C7072657373ull;

    float fxn, fyn;
    focus_for(pal, &fxn, &fyn);
    s->fx = fxn * W;
    s->fy = fyn * H;
    const float side = (fxn < 0.5f) ? -1.0f : 1.0f; /* which side the figure is on */

    /* tables: washes, wave sin+cos, halos, vignette, light shafts */
    /* per-column tables are padded to whole blocks of 8 so that row loops have
     * a trip count the compiler can vectorise at -O2 without a scalar tail */
    const int wp = s->nblk * 8;
    s->light_n = (int)(W + H) + 40; /* spans every pixel of the padded row */
    size_t nf = (size_t)wp * (MAX_WASH + 2 * MAX_WAVE + 2 + 1) + (size_t)s->light_n;
    s->mem = malloc(nf * sizeof(float));
    if (!s->mem)
        return -1;
    float *mp = s->mem;

    /* diagonal accent rising from the lower corner away from the figure */
    {
        float ang = rnd_range(&st, 0.45f, 0.75f);
        float ax = -side * cosf(ang), ay = sinf(ang);
        float span = fabsf(ax) * W + ay * H;
        s->diag_ax = ax / span * 1.6f;
        s->diag_ay = ay / span * 1.6f;
        float at_far = (side > 0 ? 0.0f : W) * s->diag_ax + H * s->diag_ay;
        s->diag_c = 1.0f - at_far; /* full weight at the far bottom corner */
        s->diag_c -= 0.15f;
        s->diag_amt = rnd_range(&st, 0.45f, 0.6f);
    }

    /* washes */
    {
        const Rgb cands[MAX_WASH] = {
            mix_rgb(s->accent, s->top, 0.3f), bok_b,
            scale_rgb(s->bottom, 0.85f),      mix_rgb(s->top, s->light, 0.35f),
            mix_rgb(bok_a, s->bottom, 0.5f),
        };
        s->nwash = MAX_WASH;
        for (int k = 0; k < s->nwash; k++) {
            float cx = rnd_range(&st, -0.1f, 1.1f) * W;
            float cy = rnd_range(&st, -0.1f, 1.1f) * H;
            float sig = rnd_range(&st, 0.18f, 0.38f) * m;
            s->wash_col[k] = cands[k];
            s->wash_alpha[k] = rnd_range(&st, 0.30f, 0.55f);
            s->wash_cy[k] = cy;
            s->wash_sy[k] = sig * rnd_range(&st, 0.8f, 1.2f);
            s->wash_gx[k] = mp;
            float sx = sig * rnd_range(&st, 0.9f, 1.5f);
            for (int x = 0; x < wp; x++)
                mp[x] = gauss((float)x + 0.5f - cx, sx);
            mp += wp;
        }
    }

    /* waves: sin(kx x + ky y + ph) = sin(kx x + ph) cos(ky y) + cos(kx x + ph) sin(ky y) */
    {
        s->nwave = MAX_WAVE;
        for (int k = 0; k < s->nwave; k++) {
            float lambda = rnd_range(&st, 0.35f, 1.1f) * m;
            float ang = rnd_range(&st, 0.0f, 3.14159265f);
            float ph = rnd_range(&st, 0.0f, 6.2831853f);
            float amp = 0.030f / (float)(k + 1) + 0.016f;
            float kx = 6.2831853f / lambda * cosf(ang);
            s->wave_ky[k] = 6.2831853f / lambda * sinf(ang);
            s->wave_s[k] = mp;
            mp += wp;
            s->wave_c[k] = mp;
            mp += wp;
            for (int x = 0; x < wp; x++) {
                float a = kx * ((float)x + 0.5f) + ph;
                s->wave_s[k][x] = amp * sinf(a);
                s->wave_c[k][x] = amp * cosf(a);
            }
        }
    }

    /* light shafts, falling from the upper corner away from the figure across it */
    {
        float sx = (side > 0) ? -0.25f * W : 1.25f * W, sy = -0.35f * H;
        float dx = s->fx - sx, dy = s->fy - sy;
        float len = sqrtf(dx * dx + dy * dy);
        dx /= len;
        dy /= len;
        s->lit_dx = -dx;
        s->lit_dy = -dy;
        /* u = distance across the shafts */
        s->light_nx = -dy;
        s->light_ny = dx;
        float umin = 0.0f, umax = 0.0f;
        for (int c = 0; c < 4; c++) {
            float u = s->light_nx * ((c & 1) ? W : 0.0f) + s->light_ny * ((c & 2) ? H : 0.0f);
            if (c == 0 || u < umin)
                umin = u;
            if (c == 0 || u > umax)
                umax = u;
        }
        s->light_umin = umin - 16.0f; /* keeps indices of padded columns >= 0 */
        s->light_tab = mp;
        mp += s->light_n;
        float ufocus = s->light_nx * s->fx + s->light_ny * s->fy;
        float cen[3], wid[3], amp[3];
        cen[0] = ufocus + rnd_range(&st, -0.04f, 0.04f) * m;
        wid[0] = rnd_range(&st, 0.10f, 0.14f) * m;
        amp[0] = 1.0f;
        for (int k = 1; k < 3; k++) {
            cen[k] = ufocus + (k == 1 ? -1.0f : 1.0f) * rnd_range(&st, 0.28f, 0.5f) * m;
            wid[k] = rnd_range(&st, 0.04f, 0.09f) * m;
            amp[k] = rnd_range(&st, 0.45f, 0.75f);
        }
        for (int i = 0; i < s->light_n; i++) {
            float u = s->light_umin + (float)i;
            float v = 0.0f;
            for (int k = 0; k < 3; k++)
                v += amp[k] * gauss(u - cen[k], wid[k]);
            s->light_tab[i] = v;
        }
        s->light_amt = rnd_range(&st, 0.22f, 0.30f);
    }

    /* glow around the focal point */
    {
        const float sig[2] = {0.16f * m, 0.42f * m};
        s->halo_a[0] = 0.22f;
        s->halo_a[1] = 0.16f;
        for (int k = 0; k < 2; k++) {
            s->halo_sy[k] = sig[k];
            s->halo_gx[k] = mp;
            for (int x = 0; x < wp; x++)
                mp[x] = gauss((float)x + 0.5f - s->fx, sig[k] * 1.15f);
            mp += wp;
        }
    }

    /* vignette */
    s->vig_x = mp;
    for (int x = 0; x < wp; x++) {
        float t = ((float)x + 0.5f) / W * 2.0f - 1.0f;
        mp[x] = t * t;
    }
    mp += wp;

    /* figure: a luminous head-and-shoulders shape centred on the focal point */
    {
        s->fig_k = 0.060f * m;
        s->fig_ik = 1.0f / s->fig_k;
        s->fig_edge = 0.032f * m;
        s->fig_rim = 0.020f * m;
        s->fig_reach = s->fig_edge + 5.0f * s->fig_rim; /* nothing visible beyond */
        /* smin lies at most k/4 below the nearer shape, hence the margin */
        float margin = s->fig_reach + 0.25f * s->fig_k + 2.0f;
        float head_a = 0.064f * m, head_b = 0.084f * m, sh_a = 0.235f * m, sh_b = 0.200f * m;
        float head_x = s->fx - side * 0.016f * m; /* head turned slightly inwards */
        float head_y = s->fy - 0.105f * m;
        float sh_x = s->fx + side * 0.010f * m;
        s->head = ellipse_make(head_x, head_y, head_a, head_b, side * 0.14f, margin);
        s->shoulders = ellipse_make(sh_x, s->fy + 0.205f * m, sh_a, sh_b, -side * 0.05f, margin);
        s->fig_cut = s->fy + 0.250f * m;
        s->fig_fade = 0.210f * m;
        s->fig_op = 0.62f;
        s->fig_fill = mix_rgb(s->light, s->top, 0.30f);
        s->fig_x0 = (int)floorf(sh_x - sh_a - margin);
        s->fig_x1 = (int)ceilf(sh_x + sh_a + margin);
        s->fig_y0 = (int)floorf(head_y - head_b - margin);
        s->fig_y1 = (int)ceilf(s->fig_cut);
        if (s->fig_x0 < 0)
            s->fig_x0 = 0;
        if (s->fig_x1 > w)
            s->fig_x1 = w;
        if (s->fig_y0 < 0)
            s->fig_y0 = 0;
        if (s->fig_y1 > h)
            s->fig_y1 = h;
    }

    /* bokeh discs, kept off the head and shoulders so the focal element stays clean */
    {
        const Rgb tints[3] = {bok_a, bok_b, s->light};
        int want = 10 + (int)(8.0f * (W * H) / (m * m) * 0.5f);
        if (want > MAX_DISC)
            want = MAX_DISC;
        int tries = 0;
        s->ndisc = 0;
        while (s->ndisc < want && tries < 400) {
            tries++;
            float u = rnd01(&st);
            float r = (0.018f + 0.085f * u * u) * m;
            float cx = rnd_range(&st, -0.05f, 1.05f) * W;
            float cy = rnd_range(&st, -0.05f, 1.05f) * H;
            float soft = rnd_range(&st, 0.10f, 0.55f);
            float tint = rnd01(&st);
            float al = rnd01(&st);
            float ddx = cx - s->head.cx, ddy = cy - s->head.cy;
            if (sqrtf(ddx * ddx + ddy * ddy) < r + 0.16f * m)
                continue;
            ddx = cx - s->fx;
            ddy = cy - (s->fy + 0.06f * m);
            if (sqrtf(ddx * ddx + ddy * ddy) < r + 0.24f * m)
                continue;
            Disc *d = &s->disc[s->ndisc++];
            d->cx = cx;
            d->cy = cy;
            d->outer = r * (1.0f + soft);
            d->inv_outer2 = 1.0f / (d->outer * d->outer);
            d->col = tints[(int)(tint * 3.0f) % 3];
            d->alpha = (0.10f + 0.22f * al) * (1.0f - 0.5f * u);
            disc_profile(d, soft);
        }
    }
    return 0;
}

static void scene_free(Scene *s)
{
    free(s->mem);
    s->mem = NULL;
}

/* ------------------------------------------------------------------------ */
/* Rendering                                                                 */

/* Loop over a padded row in blocks of 8. The fixed inner trip count lets the
 * compiler vectorise the body at plain -O2 even once render_row is inlined
 * (a loop to a symbolic bound would need a scalar tail it will not emit). */
#define FOR_PADDED(x, n)                                                                           \
    for (int x##_blk = 0; x##_blk < (n); x##_blk += 8)                                             \
        for (int x = x##_blk; x < x##_blk + 8; x++)

/* Renders row y into the float planes R,G,B and the 8-bit RGB scanline out.
 * Each layer is its own loop over the row so the compiler can vectorise it. */
static void render_row(const Scene *s, int y, float *restrict R, float *restrict G,
                       float *restrict B, unsigned char *restrict out)
{
    const int w = s->w;
    const int n = s->nblk * 8; /* padded length for the vectorisable passes */
    const float yf = (float)y + 0.5f;

    /* base: vertical gradient plus the diagonal accent */
    {
        Rgb base = mix_rgb(s->top, s->bottom, smooth01(yf / (float)s->h * 1.1f - 0.05f));
        Rgb acc = s->accent;
        float d0 = s->diag_ay * yf + s->diag_c, dx = s->diag_ax, amt = s->diag_amt;
        FOR_PADDED(x, n)
        {
            float t = d0 + dx * ((float)x + 0.5f);
            t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
            t = t * t * (3.0f - 2.0f * t) * amt;
            R[x] = base.r + (acc.r - base.r) * t;
            G[x] = base.g + (acc.g - base.g) * t;
            B[x] = base.b + (acc.b - base.b) * t;
        }
    }

    /* washes of colour */
    for (int k = 0; k < s->nwash; k++) {
        float a = s->wash_alpha[k] * gauss(yf - s->wash_cy[k], s->wash_sy[k]);
        if (a < 1e-3f)
            continue;
        const float *gx = s->wash_gx[k];
        Rgb c = s->wash_col[k];
        FOR_PADDED(x, n)
        {
            float t = a * gx[x];
            R[x] += (c.r - R[x]) * t;
            G[x] += (c.g - G[x]) * t;
            B[x] += (c.b - B[x]) * t;
        }
    }

    /* painterly mottling */
    {
        float cy[MAX_WAVE], sy[MAX_WAVE];
        for (int k = 0; k < s->nwave; k++) {
            cy[k] = cosf(s->wave_ky[k] * yf);
            sy[k] = sinf(s->wave_ky[k] * yf);
        }
        const float *s0 = s->wave_s[0], *c0 = s->wave_c[0];
        const float *s1 = s->wave_s[1], *c1 = s->wave_c[1];
        const float *s2 = s->wave_s[2], *c2 = s->wave_c[2];
        const float *s3 = s->wave_s[3], *c3 = s->wave_c[3];
        FOR_PADDED(x, n)
        {
            float nz = s0[x] * cy[0] + c0[x] * sy[0] + s1[x] * cy[1] + c1[x] * sy[1] +
                       s2[x] * cy[2] + c2[x] * sy[2] + s3[x] * cy[3] + c3[x] * sy[3];
            float f = 1.0f + nz;
            R[x] *= f;
            G[x] *= f * (1.0f - 0.25f * nz); /* a hint of warm/cool drift */
            B[x] *= f * (1.0f - 0.6f * nz);
        }
    }

    /* diagonal light shafts, screen-blended, fading downwards */
    {
        float fade = s->light_amt * (1.0f - 0.6f * yf / (float)s->h);
        float u0 = s->light_ny * yf - s->light_umin, du = s->light_nx;
        const float *tab = s->light_tab; /* has margins: no index clamping needed */
        Rgb lc = scale_rgb(s->light, fade);
        FOR_PADDED(x, n)
        {
            float L = tab[(int)(u0 + du * ((float)x + 0.5f))];
            R[x] += L * lc.r * (1.0f - R[x]);
            G[x] += L * lc.g * (1.0f - G[x]);
            B[x] += L * lc.b * (1.0f - B[x]);
        }
    }

    /* bokeh discs, each only over its own bounding box */
    for (int k = 0; k < s->ndisc; k++) {
        const Disc *d = &s->disc[k];
        float dy = yf - d->cy;
        float rem = d->outer * d->outer - dy * dy;
        if (rem <= 0.0f)
            continue;
        float half = sqrtf(rem);
        int x0 = (int)floorf(d->cx - half), x1 = (int)ceilf(d->cx + half);
        if (x0 < 0)
            x0 = 0;
        if (x1 > w)
            x1 = w;
        float dy2 = dy * dy, sc = d->inv_outer2 * (float)PROFILE_N;
        Rgb c = scale_rgb(d->col, d->alpha);
        for (int x = x0; x < x1; x++) {
            float dx = (float)x + 0.5f - d->cx;
            int i = (int)((dx * dx + dy2) * sc);
            if (i > PROFILE_N)
                i = PROFILE_N;
            float p = d->prof[i];
            R[x] += p * c.r * (1.0f - R[x]);
            G[x] += p * c.g * (1.0f - G[x]);
            B[x] += p * c.b * (1.0f - B[x]);
        }
    }

    /* glow around the focal point */
    {
        float a0 = s->halo_a[0] * gauss(yf - s->fy, s->halo_sy[0]);
        float a1 = s->halo_a[1] * gauss(yf - s->fy, s->halo_sy[1]);
        const float *g0 = s->halo_gx[0], *g1 = s->halo_gx[1];
        Rgb lc = s->light;
        FOR_PADDED(x, n)
        {
            float t = a0 * g0[x] + a1 * g1[x];
            R[x] += t * lc.r * (1.0f - R[x]);
            G[x] += t * lc.g * (1.0f - G[x]);
            B[x] += t * lc.b * (1.0f - B[x]);
        }
    }

    /* the head-and-shoulders figure, softly lit from the light's side */
    if (y >= s->fig_y0 && y < s->fig_y1) {
        float vf = smoothstepf(s->fig_cut, s->fig_cut - s->fig_fade, yf);
        float rim2 = s->fig_rim * s->fig_rim;
        float inv_span = 1.0f / (0.25f * s->m);
        float iedge = 0.5f / s->fig_edge;
        Rgb fill = s->fig_fill, lc = s->light;
        for (int x = s->fig_x0; x < s->fig_x1; x++) {
            float xf = (float)x + 0.5f;
            if (ellipse_far(&s->head, xf, yf) && ellipse_far(&s->shoulders, xf, yf))
                continue;
            float dh = ellipse_sd(&s->head, xf, yf);
            float ds = ellipse_sd(&s->shoulders, xf, yf);
            float d = smin(dh, ds, s->fig_k, s->fig_ik);
            if (d > s->fig_reach)
                continue; /* outside both the fill and any visible rim */
            float mask = smooth01((s->fig_edge - d) * iedge) * vf;
            float side = clampf(((xf - s->fx) * s->lit_dx + (yf - s->fy) * s->lit_dy) * inv_span,
                                -1.0f, 1.0f);
            float lit = 0.93f + 0.10f * side;
            float t = mask * s->fig_op;
            R[x] += (fill.r * lit - R[x]) * t;
            G[x] += (fill.g * lit - G[x]) * t;
            B[x] += (fill.b * lit - B[x]) * t;
            float lor = rim2 / (rim2 + d * d);
            float rim = lor * lor * (0.03f + 0.20f * (side > 0.0f ? side : 0.0f)) * vf;
            R[x] += rim * lc.r * (1.0f - R[x]);
            G[x] += rim * lc.g * (1.0f - G[x]);
            B[x] += rim * lc.b * (1.0f - B[x]);
        }
    }

    /* vignette and a matte tone curve (lifted blacks, softened whites) */
    {
        float vy = yf / (float)s->h * 2.0f - 1.0f;
        vy *= vy;
        const float *vx = s->vig_x;
        const float lo = 0.035f, span = 0.95f;
        FOR_PADDED(x, n)
        {
            float q = 0.5f * (vx[x] + vy);
            float v = (1.0f - 0.38f * q * q) * span;
            R[x] = lo + R[x] * v;
            G[x] = lo + G[x] * v;
            B[x] = lo + B[x] * v;
        }
    }

    /* monochrome film grain (triangular, from a per-row xorshift32 so rows
     * are independent) and quantisation to 8 bits */
    {
        uint64_t rs = ((uint64_t)s->seed << 32) ^ (uint64_t)(uint32_t)y ^ 0x677261696Eull;
        uint32_t g = (uint32_t)(sm_next(&rs) >> 32) | 1u;
        const float amp = 0.016f / 65536.0f;
        for (int x = 0; x < w; x++) {
            g ^= g << 13;
            g ^= g >> 17;
            g ^= g << 5;
            float gr = ((float)(g & 0xffffu) + (float)(g >> 16) - 65536.0f) * amp;
            float r = R[x] + gr;
            float gg = G[x] + gr;
            float b = B[x] + gr;
            r = r < 0.0f ? 0.0f : (r > 1.0f ? 1.0f : r);
            gg = gg < 0.0f ? 0.0f : (gg > 1.0f ? 1.0f : gg);
            b = b < 0.0f ? 0.0f : (b > 1.0f ? 1.0f : b);
            out[3 * x + 0] = (unsigned char)(r * 255.0f + 0.5f);
            out[3 * x + 1] = (unsigned char)(gg * 255.0f + 0.5f);
            out[3 * x + 2] = (unsigned char)(b * 255.0f + 0.5f);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* JPEG output                                                               */

/* libjpeg error manager that returns to write_photo instead of exit(), so the
 * temporary file can be removed. */
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    const char *path; /* named in messages */
} ErrMgr;

_Noreturn static void on_jpeg_error(j_common_ptr cinfo)
{
    ErrMgr *e = (ErrMgr *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, msg);
    fprintf(stderr, PROG ": %s: libjpeg: %s\n", e->path, msg);
    longjmp(e->jb, 1);
}

/* Prefix libjpeg warnings so they are recognisable in build logs. */
static void on_jpeg_message(j_common_ptr cinfo)
{
    ErrMgr *e = (ErrMgr *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, msg);
    fprintf(stderr, PROG ": %s: libjpeg: %s\n", e->path, msg);
}

/* The --one options for test images; all zero for an ordinary photo. */
typedef struct {
    int cmyk;        /* --cmyk: inverted CMYK patches with an Adobe marker */
    int orientation; /* --orientation N: EXIF Orientation tag, 0 = no EXIF segment */
    int mark;        /* --mark X Y: grey image with a green disc */
    double mark_x, mark_y;
    int heavy; /* --heavy-ink N: CMYK, 250 % ink with an N x N square of 370 % (cmyk is set) */
    int png;   /* --png (set mode): the same pixels as a PNG instead of a JPEG */
} Extras;

static const Extras no_extras = {.heavy = 0};
static const Extras png_extras = {.png = 1};

/* A row of a --mark image: mid-grey with a pure green disc (hard edge). */
static void mark_row(int w, int h, int y, const Extras *ex, unsigned char *out)
{
    double cx = ex->mark_x * w, cy = ex->mark_y * h, r = 0.015 * w;
    double dy = (double)y + 0.5 - cy;
    for (int x = 0; x < w; x++) {
        double dx = (double)x + 0.5 - cx;
        int in = dx * dx + dy * dy <= r * r;
        out[3 * x + 0] = in ? 0 : 128;
        out[3 * x + 1] = in ? 255 : 128;
        out[3 * x + 2] = in ? 0 : 128;
    }
}

/* A row of a --heavy-ink image, stored inverted: 250 % ink around a centred
 * square of 370 %. */
static void heavy_row(int w, int h, int y, int n, unsigned char *out)
{
    static const unsigned char base[4] = {60, 50, 50, 90}, patch[4] = {100, 90, 80, 100};
    int in_y = y >= (h - n) / 2 && y < (h - n) / 2 + n;
    for (int x = 0; x < w; x++) {
        int in = in_y && x >= (w - n) / 2 && x < (w - n) / 2 + n;
        for (int c = 0; c < 4; c++)
            out[4 * x + c] = (unsigned char)(255 - ((in ? patch[c] : base[c]) * 255 + 50) / 100);
    }
}

/* A row of a --cmyk image, stored inverted (Photoshop's convention, 255 = no
 * ink): the left half cyan ink only, the right half magenta ink only. */
static void cmyk_row(int w, unsigned char *out)
{
    for (int x = 0; x < w; x++) {
        int left = x < w / 2;
        out[4 * x + 0] = left ? 0 : 255; /* C */
        out[4 * x + 1] = left ? 255 : 0; /* M */
        out[4 * x + 2] = 255;            /* Y */
        out[4 * x + 3] = 255;            /* K */
    }
}

/* Writes an EXIF APP1 segment holding only IFD0 with one Orientation entry. */
static void write_exif_orientation(j_compress_ptr cinfo, int orientation)
{
    static const unsigned char head[] = {
        'E',  'x',  'i',  'f',  0, 0, /* APP1 identifier */
        'M',  'M',  0x00, 0x2A,       /* TIFF header, big-endian */
        0x00, 0x00, 0x00, 0x08,       /* offset of IFD0 */
        0x00, 0x01,                   /* one entry */
        0x01, 0x12,                   /* tag 0x0112 Orientation */
        0x00, 0x03,                   /* type SHORT */
        0x00, 0x00, 0x00, 0x01,       /* count 1 */
    };
    unsigned char seg[sizeof head + 8];
    memcpy(seg, head, sizeof head);
    seg[sizeof head + 0] = (unsigned char)(orientation >> 8); /* value, left-justified */
    seg[sizeof head + 1] = (unsigned char)(orientation & 0xff);
    seg[sizeof head + 2] = 0;
    seg[sizeof head + 3] = 0;
    memset(seg + sizeof head + 4, 0, 4); /* no next IFD */
    jpeg_write_marker(cinfo, JPEG_APP0 + 1, seg, (unsigned int)sizeof seg);
}

/* Encodes the image as a baseline JPEG (or the --one test variants) onto fp. Returns 0, or -1
 * after a message. */
static int encode_jpeg(FILE *fp, const char *path, const Scene *scene, const Extras *ex, float *R,
                       float *G, float *B, unsigned char *row)
{
    int w = scene->w, h = scene->h;
    struct jpeg_compress_struct cinfo;
    ErrMgr jerr;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = on_jpeg_error;
    jerr.pub.output_message = on_jpeg_message;
    jerr.path = path;
    if (setjmp(jerr.jb)) {
        jpeg_destroy_compress(&cinfo);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, fp);
    cinfo.image_width = (JDIMENSION)w;
    cinfo.image_height = (JDIMENSION)h;
    cinfo.input_components = ex->cmyk ? 4 : 3;
    cinfo.in_color_space = ex->cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, JPEG_QUALITY, TRUE);
    if (ex->cmyk) {
        /* plain CMYK components (Adobe transform 0); jpeg_set_colorspace turns
         * the Adobe APP14 marker on and JFIF off, as for Photoshop's files */
        jpeg_set_colorspace(&cinfo, JCS_CMYK);
        for (int c = 0; c < 4; c++) {
            cinfo.comp_info[c].h_samp_factor = 1;
            cinfo.comp_info[c].v_samp_factor = 1;
        }
    } else if (ex->mark) {
        for (int c = 0; c < 3; c++) { /* 4:4:4 keeps the disc's colour crisp */
            cinfo.comp_info[c].h_samp_factor = 1;
            cinfo.comp_info[c].v_samp_factor = 1;
        }
    } else {
        cinfo.comp_info[0].h_samp_factor = 2; /* 4:2:0 */
        cinfo.comp_info[0].v_samp_factor = 2;
        cinfo.comp_info[1].h_samp_factor = 1;
        cinfo.comp_info[1].v_samp_factor = 1;
        cinfo.comp_info[2].h_samp_factor = 1;
        cinfo.comp_info[2].v_samp_factor = 1;
    }
    if (!ex->cmyk) {
        cinfo.write_JFIF_header = TRUE;
        cinfo.density_unit = 1; /* dots per inch */
        cinfo.X_density = DPI;
        cinfo.Y_density = DPI;
    }
    jpeg_start_compress(&cinfo, TRUE);
    if (ex->orientation)
        write_exif_orientation(&cinfo, ex->orientation);
    {
        JSAMPROW rp[1] = {row};
        for (int y = 0; y < h; y++) {
            if (ex->heavy)
                heavy_row(w, h, y, ex->heavy, row);
            else if (ex->cmyk)
                cmyk_row(w, row);
            else if (ex->mark)
                mark_row(w, h, y, ex, row);
            else
                render_row(scene, y, R, G, B, row);
            jpeg_write_scanlines(&cinfo, rp, 1);
        }
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}

/* libpng's errors return to encode_png; the message names the file. */
_Noreturn static void on_png_error(png_structp png, png_const_charp msg)
{
    fprintf(stderr, PROG ": %s: libpng: %s\n", (const char *)png_get_error_ptr(png), msg);
    png_longjmp(png, 1);
}

/* Encodes the image as an 8-bit RGB PNG at 300 dpi onto fp (zlib's default level, as image
 * editors export). Returns 0, or -1 after a message. */
static int encode_png(FILE *fp, const char *path, const Scene *scene, const Extras *ex, float *R,
                      float *G, float *B, unsigned char *row)
{
    (void)ex;
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, (png_voidp)path, on_png_error, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        fprintf(stderr, PROG ": %s: out of memory\n", path);
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)scene->w, (png_uint_32)scene->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(DPI / 0.0254 + 0.5); /* pixels per metre */
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < scene->h; y++) {
        render_row(scene, y, R, G, B, row);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

/* Writes scene to path via a temporary file beside it (named into tmp, tmp_len bytes) and
 * rename, so a half-written photo never sits under the final name. Returns 0 or -1. */
static int write_via_temp(const char *path, char *tmp, size_t tmp_len, const Scene *scene,
                          const Extras *ex, float *R, float *G, float *B, unsigned char *row)
{
    snprintf(tmp, tmp_len, "%s.tmp%ld", path, (long)getpid());
    FILE *fp = fopen(tmp, "wbx");
    if (!fp && errno == EEXIST) {
        remove(tmp); /* stale leftover of an earlier crash with the same pid */
        fp = fopen(tmp, "wbx");
    }
    if (!fp) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    if ((ex->png ? encode_png : encode_jpeg)(fp, path, scene, ex, R, G, B, row) != 0) {
        fclose(fp);
        remove(tmp);
        return -1;
    }
    if (fflush(fp) != 0 || ferror(fp)) {
        fprintf(stderr, PROG ": write error on %s: %s\n", tmp, strerror(errno));
        fclose(fp);
        remove(tmp);
        return -1;
    }
    if (fclose(fp) != 0) {
        fprintf(stderr, PROG ": write error on %s: %s\n", tmp, strerror(errno));
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, PROG ": cannot rename %s to %s: %s\n", tmp, path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Renders one image and writes it to path (write_via_temp). Returns 0 or -1. */
static int write_photo(const char *path, int w, int h, uint32_t seed, int palette, const Extras *ex)
{
    Scene *scene = malloc(sizeof *scene);
    bool have_scene = scene && scene_init(scene, w, h, seed, palette) == 0;
    size_t plen = strlen(path) + 32;
    char *tmp = malloc(plen);
    /* three separate planes: distinct allocations let the compiler see they
     * never overlap, which keeps the row loops vectorised after inlining */
    size_t plane = have_scene ? (size_t)scene->nblk * 8 * sizeof(float) : 1;
    float *R = malloc(plane), *G = malloc(plane), *B = malloc(plane);
    unsigned char *row = malloc((size_t)w * (ex->cmyk ? 4 : 3));
    int rc = -1;
    if (!have_scene || !tmp || !R || !G || !B || !row)
        fprintf(stderr, PROG ": %s: out of memory\n", path);
    else
        rc = write_via_temp(path, tmp, plen, scene, ex, R, G, B, row);
    free(tmp);
    free(R);
    free(G);
    free(B);
    free(row);
    if (have_scene)
        scene_free(scene);
    free(scene);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */

typedef struct {
    const char *name;
    int w, h, palette;
    uint32_t seed;
} Job;

static const char *const month_names[12] = {
    "neha.jpg",  "rupa.jpg",   "shefali.jpg", "mitali.jpg", "ahana.jpg", "priya.jpg",
    "tania.jpg", "saumya.jpg", "joya.jpg",    "anjali.jpg", "rima.jpg",  "puja.jpg",
};

/* The manifest line; the focal point is what the layout needs. */
static void print_focus(const char *name, int w, int h, int palette)
{
    float fxn, fyn;
    focus_for(palette, &fxn, &fyn);
    printf("%s %dx%d focus %.2f %.2f\n", name, w, h, (double)fxn, (double)fyn);
}

static void usage(void)
{
    fprintf(stderr, "usage: " PROG " [--png] OUTDIR\n"
                    "       " PROG " --one W H SEED PALETTE OUT.jpg [OPTIONS]   (PALETTE 0..12)\n"
                    "options of --one (test images):\n"
                    "  --cmyk            Adobe CMYK JPEG, stored inverted: left half cyan ink,\n"
                    "                    right half magenta ink (SEED, PALETTE ignored)\n"
                    "  --heavy-ink N     Adobe CMYK JPEG at 250 %% ink with a centred N x N px\n"
                    "                    square at 370 %% (ink-limit tests)\n"
                    "  --orientation N   add an EXIF segment with Orientation N (1..8)\n"
                    "  --mark X Y        mid-grey image with a pure green disc (radius 1.5 %%\n"
                    "                    of the width) at normalised X, Y in 0..1 (SEED,\n"
                    "                    PALETTE ignored; not with --cmyk)\n");
}

/* Strict integer parsing: the whole argument must be a whole number in [lo, hi]. WHAT names the
 * argument in the message ("width", "--orientation"). Returns 0, or -1 after a message. */
static int parse_num(const char *what, const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: '%s' is not a whole number in %lld..%lld\n", what, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Strict parsing of a number in [lo, hi]; as parse_num. */
static int parse_real(const char *what, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !(v >= lo && v <= hi)) {
        fprintf(stderr, PROG ": %s: '%s' is not a number in %g..%g\n", what, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Takes the value that follows option argv[*i] (named OPT in messages) as a whole number in
 * [lo, hi] and moves *i onto it. Returns 0, or -1 after a message: the value is missing, not a
 * number or out of range. */
static int take_num(int argc, char **argv, int *i, const char *opt, long long lo, long long hi,
                    long long *out)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, PROG ": %s needs a value (a whole number in %lld..%lld)\n", opt, lo, hi);
        return -1;
    }
    return parse_num(opt, argv[++*i], lo, hi, out);
}

/* As take_num for a number that need not be whole. */
static int take_real(int argc, char **argv, int *i, const char *opt, double lo, double hi,
                     double *out)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, PROG ": %s needs a value (a number in %g..%g)\n", opt, lo, hi);
        return -1;
    }
    return parse_real(opt, argv[++*i], lo, hi, out);
}

/* The options after --one's five arguments. Returns 0, or -1 after a message. */
static int parse_extras(int argc, char **argv, Extras *ex)
{
    *ex = no_extras;
    for (int i = 0; i < argc; i++) {
        long long v;
        if (strcmp(argv[i], "--cmyk") == 0) {
            ex->cmyk = 1;
        } else if (strcmp(argv[i], "--heavy-ink") == 0) {
            if (take_num(argc, argv, &i, "--heavy-ink", 0, 100000, &v) != 0)
                return -1;
            ex->heavy = (int)v;
            ex->cmyk = 1;
        } else if (strcmp(argv[i], "--orientation") == 0) {
            if (take_num(argc, argv, &i, "--orientation", 1, 8, &v) != 0)
                return -1;
            ex->orientation = (int)v;
        } else if (strcmp(argv[i], "--mark") == 0) {
            if (take_real(argc, argv, &i, "--mark X", 0.0, 1.0, &ex->mark_x) != 0 ||
                take_real(argc, argv, &i, "--mark Y", 0.0, 1.0, &ex->mark_y) != 0)
                return -1;
            ex->mark = 1;
        } else {
            fprintf(stderr, PROG ": unknown option '%s'\n", argv[i]);
            return -1;
        }
    }
    if (ex->cmyk && ex->mark) {
        fprintf(stderr, PROG ": --mark and --cmyk cannot be combined\n");
        return -1;
    }
    return 0;
}

/* Worker count: online CPUs unless MKPHOTOS_JOBS says otherwise. */
static int worker_count(int njobs)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("MKPHOTOS_JOBS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0)
            n = v;
    }
    if (n < 1)
        n = 1;
    if (n > njobs)
        n = njobs;
    return (int)n;
}

/* Runs the jobs in forked workers, at most nwork at a time; returns the
 * number of failed jobs. Falls back to in-process work if fork fails. */
static int run_jobs(char *const *paths, const Job *jobs, int njobs, int nwork, const Extras *ex)
{
    pid_t pids[16];
    int slot_job[16];
    int running = 0, next = 0, failed = 0;
    if (nwork > 16)
        nwork = 16;
    fflush(stdout);
    fflush(stderr);
    while (next < njobs || running > 0) {
        while (running < nwork && next < njobs) {
            const Job *j = &jobs[next];
            pid_t pid = fork();
            if (pid == 0) {
                int r = write_photo(paths[next], j->w, j->h, j->seed, j->palette, ex);
                _exit(r == 0 ? 0 : 1);
            }
            if (pid < 0) {
                if (write_photo(paths[next], j->w, j->h, j->seed, j->palette, ex) != 0)
                    failed++;
                next++;
                continue;
            }
            pids[running] = pid;
            slot_job[running] = next;
            running++;
            next++;
        }
        if (running == 0)
            break;
        int status;
        pid_t done = waitpid(-1, &status, 0);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, PROG ": waitpid: %s\n", strerror(errno));
            return failed + running + (njobs - next);
        }
        for (int i = 0; i < running; i++) {
            if (pids[i] != done)
                continue;
            if (WIFSIGNALED(status)) {
                fprintf(stderr, PROG ": %s: worker killed by signal %d\n", paths[slot_job[i]],
                        WTERMSIG(status));
                failed++;
            } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                failed++; /* the worker has already said why */
            }
            pids[i] = pids[running - 1];
            slot_job[i] = slot_job[running - 1];
            running--;
            break;
        }
    }
    return failed;
}

/* Full set: cover plus the twelve months, into outdir (created if missing).
 * The cover is rendered first (it is the largest) but put under its final
 * name only after every other image is written, so cover.jpg can serve the
 * build as a stamp meaning "the whole set is complete". */
static int make_set(const char *outdir, const Extras *ex)
{
    enum { NJOBS = 13 };
    Job jobs[NJOBS];
    char *paths[NJOBS];
    char *cover_final;
    jobs[0].name = "cover.jpg";
    jobs[0].w = COVER_W;
    jobs[0].h = COVER_H;
    jobs[0].palette = 0;
    jobs[0].seed = 0xC0FE2026u;
    for (int i = 0; i < 12; i++) {
        jobs[i + 1].name = month_names[i];
        jobs[i + 1].w = MONTH_W;
        jobs[i + 1].h = MONTH_H;
        jobs[i + 1].palette = i + 1;
        jobs[i + 1].seed = 20260100u + (uint32_t)(i + 1) * 7919u;
    }

    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": cannot create directory %s: %s\n", outdir, strerror(errno));
        return 1;
    }
    struct stat sb;
    if (stat(outdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, PROG ": %s is not a directory\n", outdir);
        return 1;
    }
    size_t dl = strlen(outdir);
    int slash = dl > 0 && outdir[dl - 1] == '/';
    for (int i = 0; i < NJOBS; i++) {
        size_t n = dl + strlen(jobs[i].name) + 40;
        paths[i] = malloc(n);
        if (!paths[i]) {
            fprintf(stderr, PROG ": out of memory\n");
            for (int k = 0; k < i; k++)
                free(paths[k]);
            return 1;
        }
        snprintf(paths[i], n, "%s%s%s", outdir, slash ? "" : "/", jobs[i].name);
        if (ex->png) /* the same name with .png for .jpg */
            memcpy(paths[i] + strlen(paths[i]) - 3, "png", 3);
    }
    /* the cover goes to a pending name first, moved into place at the end */
    cover_final = paths[0];
    size_t pn = strlen(cover_final) + 40;
    paths[0] = malloc(pn);
    if (!paths[0]) {
        fprintf(stderr, PROG ": out of memory\n");
        free(cover_final);
        for (int k = 1; k < NJOBS; k++)
            free(paths[k]);
        return 1;
    }
    snprintf(paths[0], pn, "%s.pending%ld", cover_final, (long)getpid());

    int failed = run_jobs(paths, jobs, NJOBS, worker_count(NJOBS), ex);
    if (failed == 0 && rename(paths[0], cover_final) != 0) {
        fprintf(stderr, PROG ": cannot rename %s to %s: %s\n", paths[0], cover_final,
                strerror(errno));
        failed = 1;
    }
    if (failed) {
        /* neither a new nor an old cover may stamp an incomplete set */
        remove(paths[0]);
        remove(cover_final);
    } else {
        for (int i = 0; i < NJOBS; i++) {
            const char *base = strrchr(i ? paths[i] : cover_final, '/');
            print_focus(base ? base + 1 : jobs[i].name, jobs[i].w, jobs[i].h, jobs[i].palette);
        }
    }
    free(cover_final);
    for (int i = 0; i < NJOBS; i++)
        free(paths[i]);
    if (failed) {
        fprintf(stderr, PROG ": %d of %d images failed\n", failed, NJOBS);
        return 1;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, PROG ": cannot write to stdout: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && argv[1][0] != '-')
        return make_set(argv[1], &no_extras);
    if (argc == 3 && strcmp(argv[1], "--png") == 0)
        return make_set(argv[2], &png_extras);
    if (argc >= 7 && strcmp(argv[1], "--one") == 0) {
        long long w, h, seed, pal;
        Extras ex;
        if (parse_num("width", argv[2], 16, MAX_SIDE, &w) != 0 ||
            parse_num("height", argv[3], 16, MAX_SIDE, &h) != 0 ||
            parse_num("seed", argv[4], 0, 0xFFFFFFFFLL, &seed) != 0 ||
            parse_num("palette", argv[5], 0, NPALETTES - 1, &pal) != 0 ||
            parse_extras(argc - 7, argv + 7, &ex) != 0) {
            if (argc > 7)
                usage();
            return 1;
        }
        if (write_photo(argv[6], (int)w, (int)h, (uint32_t)seed, (int)pal, &ex) != 0)
            return 1;
        const char *base = strrchr(argv[6], '/');
        if (ex.mark)
            printf("%s %dx%d focus %.4f %.4f\n", base ? base + 1 : argv[6], (int)w, (int)h,
                   ex.mark_x, ex.mark_y);
        else
            print_focus(base ? base + 1 : argv[6], (int)w, (int)h, (int)pal);
        if (fflush(stdout) != 0) {
            fprintf(stderr, PROG ": cannot write to stdout: %s\n", strerror(errno));
            return 1;
        }
        return 0;
    }
    usage();
    return 1;
}
