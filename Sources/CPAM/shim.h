// Linux-PAM for attt's LinuxPAM module (the only importer). Debian: libpam0g-dev.
#ifndef ATTT_CPAM_SHIM_H
#define ATTT_CPAM_SHIM_H

#include <security/pam_appl.h>
#include <stdlib.h>
#include <string.h>

#endif
