/* XXH3 hashing through Debian's libxxhash. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "base/hash.h"

#include <elf.h>
#include <link.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

void cp_hasher_init(cp_hasher *h)
{
    XXH3_state_t *s = XXH3_createState();
    if (!s) {
        fputs("calpress: out of memory\n", stderr);
        abort();
    }
    XXH3_64bits_reset(s);
    h->state = s;
}

void cp_hasher_finish(cp_hasher *h)
{
    XXH3_freeState(h->state);
    h->state = NULL;
}

void cp_hasher_bytes(cp_hasher *h, const void *data, size_t len)
{
    if (len)
        XXH3_64bits_update(h->state, data, len);
}

void cp_hasher_str(cp_hasher *h, const char *s)
{
    static const unsigned char null_marker[2] = {0xff, 0};
    if (!s)
        cp_hasher_bytes(h, null_marker, sizeof null_marker);
    else
        cp_hasher_bytes(h, s, strlen(s) + 1);
}

void cp_hasher_u64(cp_hasher *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    cp_hasher_bytes(h, b, sizeof b);
}

void cp_hasher_pt(cp_hasher *h, double v)
{
    long long c = llround(v * 100);
    if (c == 0)
        c = 0; /* -0.00 and 0.00 are one number */
    cp_hasher_u64(h, (uint64_t)c);
}

uint64_t cp_hasher_digest(const cp_hasher *h)
{
    return XXH3_64bits_digest(h->state);
}

void cp_hasher_digest128(const cp_hasher *h, unsigned char out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h->state));
    memcpy(out, c.digest, 16);
}

uint64_t cp_hash_bytes(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}

char *cp_hash_hex(uint64_t v, char *buf)
{
    snprintf(buf, 17, "%016llx", (unsigned long long)v);
    return buf;
}

bool cp_hash_parse(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (s[16] != '\0')
        return false;
    *out = v;
    return true;
}

void cp_hasher_f64(cp_hasher *h, double v)
{
    uint64_t bits;
    if (v == 0)
        v = 0; /* -0 and 0 are one number */
    memcpy(&bits, &v, sizeof bits);
    cp_hasher_u64(h, bits);
}

void cp_hasher_file_stamp(cp_hasher *h, const char *path)
{
    struct stat st;
    cp_hasher_str(h, path);
    if (stat(path, &st) != 0) {
        cp_hasher_u64(h, UINT64_MAX);
        return;
    }
    cp_hasher_u64(h, (uint64_t)st.st_dev);
    cp_hasher_u64(h, (uint64_t)st.st_ino);
    cp_hasher_u64(h, (uint64_t)st.st_size);
    cp_hasher_u64(h, (uint64_t)st.st_mtim.tv_sec);
    cp_hasher_u64(h, (uint64_t)st.st_mtim.tv_nsec);
    cp_hasher_u64(h, (uint64_t)st.st_ctim.tv_sec);
    cp_hasher_u64(h, (uint64_t)st.st_ctim.tv_nsec);
}

typedef struct ids_walk {
    cp_hasher *h;
    const char *const *prefixes;
    bool first;
} ids_walk;

/* The object's NT_GNU_BUILD_ID note into the hash; false if it has none. Sizes are checked
 * against the segment before anything is read. */
static bool hash_build_id(cp_hasher *h, const struct dl_phdr_info *info)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t left = ph->p_memsz, align = ph->p_align == 8 ? 8 : 4;
        /* As glibc reads notes: the descriptor and the next note start at the segment's
         * alignment (4 or 8) after the header and name, and after the descriptor. */
        while (left >= sizeof(ElfW(Nhdr))) {
            ElfW(Nhdr) n;
            memcpy(&n, p, sizeof n);
            size_t at_desc = (sizeof n + (size_t)n.n_namesz + align - 1) & ~(align - 1);
            if (at_desc > left || n.n_descsz > left - at_desc)
                break;
            size_t next = (at_desc + (size_t)n.n_descsz + align - 1) & ~(align - 1);
            if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 &&
                memcmp(p + sizeof n, "GNU", 4) == 0) {
                cp_hasher_bytes(h, p + at_desc, n.n_descsz);
                return true;
            }
            if (next >= left)
                break;
            p += next;
            left -= next;
        }
    }
    return false;
}

static int ids_one(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    ids_walk *w = data;
    const char *name = info->dlpi_name ? info->dlpi_name : "";
    bool program = w->first; /* the program comes first, without a name */
    w->first = false;
    if (!program) {
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        bool wanted = false;
        for (const char *const *p = w->prefixes; p && *p && !wanted; p++)
            wanted = strncmp(base, *p, strlen(*p)) == 0;
        if (!wanted)
            return 0;
        cp_hasher_str(w->h, base);
    }
    if (!hash_build_id(w->h, info))
        cp_hasher_file_stamp(w->h, program ? "/proc/self/exe" : name);
    return 0;
}

void cp_hasher_build_ids(cp_hasher *h, const char *const *prefixes)
{
    ids_walk w = {.h = h, .prefixes = prefixes, .first = true};
    dl_iterate_phdr(ids_one, &w);
}

uint64_t cp_hash_builds(uint64_t *slot, const char *tag, const char *const *prefixes)
{
    uint64_t known = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (known)
        return known;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, tag);
    cp_hasher_build_ids(&h, prefixes);
    uint64_t v = cp_hasher_digest(&h) | 1;
    cp_hasher_finish(&h);
    __atomic_store_n(slot, v, __ATOMIC_RELEASE); /* threads that race store the same */
    return v;
}

uint64_t cp_hash_file_stamp(uint64_t seed, const char *path)
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, seed);
    cp_hasher_str(&h, path);
    cp_hasher_file_stamp(&h, path);
    uint64_t v = cp_hasher_digest(&h) | 1;
    cp_hasher_finish(&h);
    return v;
}
