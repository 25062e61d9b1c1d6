// liblz4's frame API for attt's HostProbes (LZ4Frame, the only importer). Debian: liblz4-dev.
#ifndef ATTT_CLZ4_SHIM_H
#define ATTT_CLZ4_SHIM_H

#include <lz4frame.h>

#endif
