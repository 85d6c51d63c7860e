/* qpdf's output straight into an output set's file, as it is made: no copy of the PDF in memory,
 * every write checked, and the document ID put in as the bytes go by. */
#define _GNU_SOURCE /* pipe2 */
#include "pdf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The trailer comes last: the ID is in the last bytes qpdf writes (trailer, startxref, %%EOF). */
#define TAIL  4096
#define CHUNK (256 * 1024)

static const char static_id[] = "<" CP_PDF_STATIC_ID ">";

/* The last "<STATIC>" in buf, or NULL. */
static char *find_static_id(const char *buf, size_t len)
{
    size_t n = sizeof static_id - 1;
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
        if (buf[i] == '<' && memcmp(buf + i, static_id, n) == 0)
            return (char *)buf + i;
    return NULL;
}

bool cp_pdf_sink_with_id(const unsigned char *pdf, size_t len, const char id_hex[33],
                         cp_pdf_sink sink, void *ctx, cp_diags *d)
{
    size_t from = len > TAIL ? len - TAIL : 0;
    const char *at = find_static_id((const char *)pdf + from, len - from);
    if (!at) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "qpdf wrote no document ID into the PDF");
        return false;
    }
    size_t before = (size_t)(at - (const char *)pdf) + 1, after = before + 32;
    return sink(ctx, pdf, before, d) && sink(ctx, id_hex, 32, d) &&
           sink(ctx, pdf + after, len - after, d);
}

/* The reading end of the pipe qpdf writes into: everything but the last TAIL bytes goes into the
 * file at once; the tail gets the ID at the end. After a failed write it reads on to the end, so
 * that qpdf never waits on a full pipe. */
typedef struct drain {
    int fd;
    cp_outfile *f;
    const char *id_hex;
    cp_diags *d;
    bool ok;
    atomic_bool abandon; /* set before the pipe is closed: qpdf did not finish */
    char *buf;           /* CHUNK + TAIL */
    size_t len;
} drain;

static void drain_write(drain *dr, const char *data, size_t len)
{
    if (dr->ok && len && !cp_outfile_write(dr->f, data, len, dr->d))
        dr->ok = false;
}

static void *drain_main(void *arg)
{
    drain *dr = arg;
    for (;;) {
        ssize_t n = read(dr->fd, dr->buf + dr->len, CHUNK + TAIL - dr->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cp_error(dr->d, cp_pos_file(cp_outfile_path(dr->f)), "cannot write: %s",
                     strerror(errno));
            dr->ok = false;
            return NULL;
        }
        if (n == 0)
            break;
        dr->len += (size_t)n;
        if (dr->len == CHUNK + TAIL) {
            drain_write(dr, dr->buf, CHUNK);
            memmove(dr->buf, dr->buf + CHUNK, TAIL);
            dr->len = TAIL;
        }
    }
    if (atomic_load(&dr->abandon))
        return NULL;
    char *at = find_static_id(dr->buf, dr->len);
    if (!at && dr->ok) {
        cp_error(dr->d, cp_pos_file(cp_outfile_path(dr->f)),
                 "qpdf wrote no document ID into the PDF");
        dr->ok = false;
    }
    if (at)
        memcpy(at + 1, dr->id_hex, 32);
    drain_write(dr, dr->buf, dr->len);
    return NULL;
}

int cp_pdf_stream_write(qpdf_data q, void (*options)(qpdf_data), const char id_hex[33],
                        cp_outfile *f, cp_diags *d)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return CP_PDF_STREAM_UNAVAILABLE;
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
    drain dr = {.fd = p[0], .f = f, .id_hex = id_hex, .d = d, .ok = true};
    dr.buf = malloc(CHUNK + TAIL);
    pthread_t t;
    if (!dr.buf || pthread_create(&t, NULL, drain_main, &dr) != 0) {
        free(dr.buf);
        close(p[0]);
        close(p[1]);
        return CP_PDF_STREAM_UNAVAILABLE;
    }
    /* qpdf opens the pipe by its name in /proc (the C API writes only to a file name or to
     * memory); without /proc the caller writes through memory. */
    bool opened = !(qpdf_init_write(q, path) & QPDF_ERRORS);
    bool written = false;
    if (opened) {
        options(q);
        written = !(qpdf_write(q) & QPDF_ERRORS); /* closes qpdf's own handle on the pipe */
    }
    atomic_store(&dr.abandon, !written);
    close(p[1]);
    pthread_join(t, NULL);
    close(p[0]);
    free(dr.buf);
    if (!opened)
        return CP_PDF_STREAM_UNAVAILABLE;
    if (!written) {
        qpdf_error e = qpdf_get_error(q);
        cp_error(d, cp_pos_file(cp_outfile_path(f)), "cannot write the PDF: %s",
                 qpdf_get_error_full_text(q, e));
        return CP_PDF_STREAM_FAILED;
    }
    return dr.ok ? CP_PDF_STREAM_OK : CP_PDF_STREAM_FAILED;
}
