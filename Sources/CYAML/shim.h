// libyaml for attt's YAMLParsing module (the only importer). Debian: libyaml-dev.
#ifndef ATTT_CYAML_SHIM_H
#define ATTT_CYAML_SHIM_H

#include <yaml.h>

#endif
