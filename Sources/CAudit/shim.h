// libaudit for attt's LinuxAudit module (the only importer). Debian: libaudit-dev.
#ifndef ATTT_CAUDIT_SHIM_H
#define ATTT_CAUDIT_SHIM_H

#include <libaudit.h>
#include <unistd.h>
#include <errno.h>

#endif
