/* calpress's own modules, loaded on first use: code whose libraries most runs never need (OpenCV
 * for the focus analysis, qpdf for the PDF pass) lives in a shared object beside the program, so
 * that starting calpress does not map and relocate them. */
#ifndef CP_MODULE_H
#define CP_MODULE_H

#include <stddef.h>

/* Opens the module `file` (a file name, no folder) from beside the program (a build folder),
 * from the library folder of the prefix the program is installed in, from the configured one,
 * or from the build folder (tests), and returns its symbol `entry`. NULL with the reason in
 * why (naming the module) when it is not there, does not load or lacks the symbol. */
void *cp_module_symbol(const char *file, const char *entry, char *why, size_t why_len);

#endif
