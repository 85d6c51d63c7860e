/* Output files written so that a failed, killed or concurrent run never loses the last good file.
 *
 * A set of output files in one folder is written and then put in place together:
 * - Each file is written into a temporary file beside its target: an unnamed O_TMPFILE where the
 *   file system has them (nothing to leave behind if the process is killed), else a named
 *   ".NAME.XXXXXX". Every write, fchmod, fsync and close is checked.
 * - cp_outset_commit checks every target first (a folder, a device, a read-only file or one of
 *   the run's inputs is an error before anything is replaced), then swaps the files in, keeping
 *   the old ones until every new one is in place and the folder is flushed, and puts the old
 *   ones back if any step fails. A new file gets the mode of the file it replaces, or
 *   0666 & ~umask.
 * - While a set is open, its folder is locked: flock(2), exclusive, on the folder itself (where
 *   the file system cannot lock a folder, as on NFS, on a file DIR/.calpress.lock that is
 *   removed when the set is freed). A second calpress writing into the same folder waits, so the
 *   files of two runs never mix.
 * - Stale temporary files of the set's names (".NAME.XXXXXX", left by a run killed with SIGKILL
 *   on a file system without O_TMPFILE, or in the instant of replacement) are removed after a
 *   successful commit; the lock guarantees no live run owns them.
 * - SIGINT, SIGTERM and SIGHUP remove the temporary files, the lock file and the folders the run
 *   created, then end the process by the same signal (they wait while the files are swapped).
 * SIGXFSZ is ignored, so that a file-size limit ('ulimit -f') is a write error (EFBIG) instead of a
 * silent death. Errors are reported as diagnostics naming the target file, with strerror's words.
 */
#ifndef CP_OUTFILE_H
#define CP_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"

typedef struct cp_outset cp_outset;
typedef struct cp_outfile cp_outfile;

/* The name of the lock file in an output folder that cannot itself be locked. */
#define CP_OUTSET_LOCK_NAME ".calpress.lock"
/* The bytes a temporary file name adds to its target's name: ".NAME.XXXXXX". */
#define CP_OUTFILE_TEMP_EXTRA 8

/* Opens a set of output files in dir: creates dir and its missing parents when make_dir (they are
 * removed again if the set is freed without a commit), and takes the folder's lock, waiting for
 * another calpress. Returns a set owned by the caller (cp_outset_free), or NULL after reporting
 * an error. */
cp_outset *cp_outset_open(const char *dir, bool make_dir, cp_diags *d);

/* Starts the file name (a plain file name, no '/') in the set's folder: a temporary file that
 * cp_outfile_write fills. Returns a handle owned by the set, or NULL after reporting an error. */
cp_outfile *cp_outset_add(cp_outset *s, const char *name, cp_diags *d);

/* Appends len bytes. False after reporting the error (the set can then no longer commit). */
bool cp_outfile_write(cp_outfile *f, const void *data, size_t len, cp_diags *d);

/* The bytes written into f so far. */
size_t cp_outfile_size(const cp_outfile *f);
/* The hash of those bytes (base/hash.h's, as cp_hash_bytes gives it of the whole file). */
uint64_t cp_outfile_hash(const cp_outfile *f);

/* The final path of f, "DIR/NAME"; borrowed from the set. */
const char *cp_outfile_path(const cp_outfile *f);

/* Puts every file of the set in place, all or none (see above). False after reporting errors;
 * then every target is as it was before. */
bool cp_outset_commit(cp_outset *s, cp_diags *d);

/* Removes the temporary files not committed, the lock file, and (when nothing was committed) the
 * folders the set created; releases s. Accepts NULL. */
void cp_outset_free(cp_outset *s);

/* Writes data as the whole content of path: atomically through a one-file set (the folder must
 * exist) when path is a regular file or missing; straight into it when path is a character
 * device or a FIFO (/dev/null, /dev/full, a pipe), checking every write and the close. Refuses
 * to write over a file this process has read (see base/readset.h). False after reporting. */
bool cp_outfile_save(const char *path, const void *data, size_t len, cp_diags *d);

#endif
