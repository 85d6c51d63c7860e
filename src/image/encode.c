/* JPEG encoding with TurboJPEG, and an ICC profile spliced in after the JFIF header. */
#include "image/encode.h"
#include "base/util.h"

#include <string.h>
#include <turbojpeg.h>

/* The largest profile one APP2 segment holds: 65535 - 2 (length) - 12 ("ICC_PROFILE\0") - 2. */
#define ICC_MAX 65519

/* Copies jpeg with an APP2 ICC_PROFILE segment inserted after SOI and the JFIF APP0. */
static unsigned char *with_icc(const unsigned char *jpeg, size_t n, const unsigned char *icc,
                               size_t icc_len, size_t *len)
{
    size_t at = 2;
    if (n > 6 && jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        at = 4 + (((size_t)jpeg[4] << 8) | jpeg[5]);
    if (at > n)
        at = 2;
    size_t seg = 2 + 12 + 2 + icc_len;
    unsigned char *out = cp_xmalloc(n + 2 + seg);
    memcpy(out, jpeg, at);
    unsigned char *p = out + at;
    *p++ = 0xFF;
    *p++ = 0xE2;
    *p++ = (unsigned char)(seg >> 8);
    *p++ = (unsigned char)(seg & 0xFF);
    memcpy(p, "ICC_PROFILE", 12); /* with its NUL */
    p += 12;
    *p++ = 1; /* this segment's number */
    *p++ = 1; /* of one */
    memcpy(p, icc, icc_len);
    p += icc_len;
    memcpy(p, jpeg + at, n - at);
    *len = n + 2 + seg;
    return out;
}

unsigned char *cp_image_encode_jpeg(const unsigned char *rgb, int w, int h, int quality,
                                    const unsigned char *icc, size_t icc_len, size_t *len)
{
    tjhandle tj = tjInitCompress();
    if (!tj)
        return NULL;
    unsigned char *buf = NULL;
    unsigned long n = 0;
    int rc =
        tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &buf, &n, TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
    tjDestroy(tj);
    if (rc != 0) {
        tjFree(buf);
        return NULL;
    }
    unsigned char *out;
    if (icc && icc_len > 0 && icc_len <= ICC_MAX) {
        out = with_icc(buf, n, icc, icc_len, len);
    } else {
        out = cp_xmalloc(n);
        memcpy(out, buf, n);
        *len = n;
    }
    tjFree(buf);
    return out;
}
