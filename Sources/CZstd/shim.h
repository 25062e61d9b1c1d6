// libzstd for the collector's stored reports (Compressed.swift, the only importer). Debian: libzstd-dev.
#ifndef ATTT_CZSTD_SHIM_H
#define ATTT_CZSTD_SHIM_H

#include <zstd.h>

#endif
