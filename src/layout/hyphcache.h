/* Internal to the layout layer: libhyphen dictionaries loaded through the cache folder
 * (base/cache.h), compiled once per dictionary file. */
#ifndef CP_HYPHCACHE_H
#define CP_HYPHCACHE_H

#include <hyphen.h>

/* The dictionary at path: from its compiled image in the cache folder when one matches the
 * file (path, device, inode, size, times) and this build, else parsed by hnj_hyphen_load() and
 * its image stored for the next run. NULL if the file cannot be loaded. *block is set to the
 * memory the dictionary lives in when it came from the cache (else NULL); release both with
 * cp_hyph_dict_free. */
HyphenDict *cp_hyph_dict_load(const char *path, void **block);
void cp_hyph_dict_free(HyphenDict *dict, void *block);

#endif
