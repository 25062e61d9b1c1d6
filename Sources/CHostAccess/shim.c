#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "CHostAccess.h"

int attt_spawn_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int attt_openat_in_root(int root, const char *path, int flags, unsigned int mode) {
#ifdef SYS_openat2
    struct open_how how = { .flags = (unsigned long long)flags, .mode = mode, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int attt_stat_in_root(int root, const char *path, struct stat *st) {
    int fd = attt_openat_in_root(root, path, O_PATH | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result = fstat(fd, st);
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

int attt_peer_credentials(int socket, unsigned int *uid, int *pid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = credentials.uid;
    *pid = credentials.pid;
    return 0;
}

/* ioprio_set(2) has no glibc wrapper. IOPRIO_WHO_PROCESS = 1; the value is the class << 13 | level. */
int attt_lower_io_priority(void) {
    return (int)syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 7);
}
