/* calpress's own modules, loaded on first use: code whose libraries most runs never need (OpenCV
 * for the focus analysis, qpdf for the PDF pass) lives in a shared object beside the program, so
 * that starting calpress does not map and relocate them. */
#ifndef CP_MODULE_H
#define CP_MODULE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Opens the module `file` (a file name, no folder) from beside the program (a build folder),
 * from the library folder of the prefix the program is installed in, from the configured one,
 * or from the build folder (tests), and returns its symbol `entry`. NULL with the reason in
 * why (naming the module) when it is not there, does not load or lacks the symbol. */
void *cp_module_symbol(const char *file, const char *entry, char *why, size_t why_len);

/* Room for a reason that names a module's path. */
#define CP_MODULE_WHY_LEN (4096 + 128)

/* The file the module `file` would be loaded from (the first found where cp_module_symbol looks)
 * into path; false when there is none. */
bool cp_module_find(const char *file, char *path, size_t len);

/* A module's entry looked up once, on first use: a static of the caller's, with file and
 * entry set. */
typedef struct cp_module_entry {
    const char *file, *entry;
    bool tried;
    void *sym;
    char why[CP_MODULE_WHY_LEN]; /* why sym is NULL */
} cp_module_entry;

/* The entry's symbol: looked up on the first call (cp_module_symbol), the same answer after. Not
 * for two threads' first calls at once (calpress loads its modules from the main thread). */
void *cp_module_entry_get(cp_module_entry *e);

/* The library's definition of a function the program defines over it (g_thread_new in fcsync.c,
 * FcFontSetMatch in fonts/fcmatch.c): dlsym(RTLD_NEXT, name), looked up once into *slot (safe
 * from any thread). Ends the process when there is none: the library is linked in. */
void *cp_module_next(void **slot, const char *name);

#endif
