#!/usr/bin/env bash
# Runs every test: installs the Debian packages the tests use, then `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_debian_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
if [ $# -eq 0 ]; then
    # The two longest chains start now, beside the debug build, instead of inside the test run where
    # they were its last part, with the machine half idle: the release build the package tests install
    # (packaging/build.sh; its last modules compile one at a time) and the Debian tree the system tests
    # unpack (debootstrap, mostly waiting on the mirror). Each takes a lock: the tests run them again,
    # wait for them, and find them done. A failure here is theirs to report.
    # Resolved once first: the two builds then read Package.resolved and neither writes it.
    swift package resolve
    trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
    bash packaging/build.sh > .build/packaging.log 2>&1 &
    bash scripts/debian-test-tree.sh > .build/debian-test-tree.log 2>&1 & tree=$!
fi
swift build --build-tests
# The tree is long done (it waits on the network, the build on the processors); the release build
# may still run, and the package tests wait for it while the others go on.
[ $# -ne 0 ] || wait "$tree" || echo "scripts/debian-test-tree.sh failed; the system tests will say why (.build/debian-test-tree.log)" >&2
exec swift test --skip-build "$@"
