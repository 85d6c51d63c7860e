/* Compares two PNGs by the largest difference of any channel of any pixel (after libvips's and
 * cairo's test suites); on failure writes a diff image that shows where. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: pngdiff EXPECTED.png ACTUAL.png MAX_CHANNEL_DIFF DIFF.png\n");
        return 2;
    }
    cairo_surface_t *a = cairo_image_surface_create_from_png(argv[1]);
    cairo_surface_t *b = cairo_image_surface_create_from_png(argv[2]);
    int limit = atoi(argv[3]);
    if (cairo_surface_status(a) || cairo_surface_status(b)) {
        fprintf(stderr, "pngdiff: cannot read %s\n", cairo_surface_status(a) ? argv[1] : argv[2]);
        return 1;
    }
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
        fprintf(stderr, "pngdiff: sizes differ: %dx%d vs %dx%d\n", w, h,
                cairo_image_surface_get_width(b), cairo_image_surface_get_height(b));
        return 1;
    }
    cairo_surface_t *diff = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    cairo_surface_flush(diff);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    int sd = cairo_image_surface_get_stride(diff);
    unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    unsigned char *pd = cairo_image_surface_get_data(diff);
    int worst = 0;
    long over = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int m = 0;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * sa + 4 * x + c] - pb[y * sb + 4 * x + c]);
                if (d > m)
                    m = d;
            }
            if (m > worst)
                worst = m;
            over += m > limit;
            unsigned char v = (unsigned char)(m > limit ? 255 : m);
            pd[y * sd + 4 * x + 0] = 0;
            pd[y * sd + 4 * x + 1] = 0;
            pd[y * sd + 4 * x + 2] = v;
        }
    }
    cairo_surface_mark_dirty(diff);
    int fail = worst > limit;
    if (fail)
        cairo_surface_write_to_png(diff, argv[4]);
    printf("pngdiff %s: largest channel difference %d (limit %d), %ld pixels over\n", argv[2],
           worst, limit, over);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    cairo_surface_destroy(diff);
    return fail;
}
