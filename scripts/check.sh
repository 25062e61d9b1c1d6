#!/usr/bin/env bash
# Sets up and runs `attt check` on this machine: installs the Debian packages the build needs,
# builds a release binary, runs the check. Extra arguments go to `attt check` (e.g. --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_debian_packages "${BUILD_PACKAGES[@]}"
swift build -c release --product attt
exec .build/release/attt check "$@"
