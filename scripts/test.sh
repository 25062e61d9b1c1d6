#!/usr/bin/env bash
# Runs every test: installs the Debian packages the tests use, then `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_debian_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
swift build --build-tests
exec swift test --skip-build "$@"
