#ifndef CHOSTACCESS_H
#define CHOSTACCESS_H

#include <spawn.h>
struct stat; /* from <sys/stat.h>: declared, not included, so Swift takes `stat` from Glibc alone */

/// posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34): declared only under _GNU_SOURCE,
/// which Swift's Glibc module does not define.
int attt_spawn_closefrom(posix_spawn_file_actions_t *actions, int from);

/// openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (Linux >= 5.6): glibc 2.36 has no
/// wrapper. Returns the descriptor, or -1 with errno set (ENOSYS on an older kernel).
int attt_openat_in_root(int root, const char *path, int flags, unsigned int mode);

/// fstat(2) of the file `path` names inside `root`: openat2(O_PATH, RESOLVE_IN_ROOT |
/// RESOLVE_NO_MAGICLINKS), so links, `..` and anything swapped in meanwhile stay in the root, and
/// O_PATH opens nothing (a device is not touched, a FIFO not waited on). 0, or -1 with errno set
/// (ENOSYS on a kernel before 5.6).
int attt_stat_in_root(int root, const char *path, struct stat *st);

/// The process on the other end of a connected unix socket, from the kernel (SO_PEERCRED; struct
/// ucred is declared only under _GNU_SOURCE). 0, or -1 with errno set.
int attt_peer_credentials(int socket, unsigned int *uid, int *pid);

/// ioprio_set(2) for this process: best-effort class, lowest level (7), as `ionice -c2 -n7`; the
/// evidence copy must not stall the office's work. 0, or -1 with errno set.
int attt_lower_io_priority(void);

#endif
