/* Dictionary hyphenation through libhyphen: soft hyphens inserted before Pango breaks lines. */
#ifndef CP_HYPH_H
#define CP_HYPH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cp_hyph cp_hyph;
struct cp_hasher;

typedef struct cp_hyph_rules {
    int min_word;            /* shortest word (in letters) that may be hyphenated */
    int min_left;            /* letters before a break */
    int min_right;           /* letters after a break */
    const char *const *keep; /* words never hyphenated (names), NULL-terminated, or NULL */
} cp_hyph_rules;

/* Dictionaries are looked up in dir (e.g. /usr/share/hyphen) and loaded on first use. Owned by
 * the caller: cp_hyph_free. */
cp_hyph *cp_hyph_new(const char *dir);
void cp_hyph_free(cp_hyph *h);

/* Every dictionary file it may load, by its stamp. */
void cp_hyph_stamp(const cp_hyph *h, struct cp_hasher *hs);

/* True if a dictionary for lang exists (en, bn, hi). */
bool cp_hyph_available(cp_hyph *h, const char *lang);

/* Returns text with U+00AD inserted at every allowed break (malloc'd). If map is not NULL it
 * must hold strlen(text)+1 entries and receives each old byte offset's new offset. When no
 * dictionary exists for lang the text comes back unchanged. */
char *cp_hyph_apply(cp_hyph *h, const char *lang, const char *text, const cp_hyph_rules *rules,
                    size_t *map);

#endif
