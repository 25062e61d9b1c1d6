#!/usr/bin/env bash
# Builds the two Debian packages from this tree:
#
#   bash packaging/build.sh            → packaging/out/attt_<version>_amd64.deb
#                                        packaging/out/attt-collector_<version>_amd64.deb
#
# Release build with the Swift standard library and Foundation linked statically (the binaries run on
# a Debian 12 machine without a Swift toolchain), stripped; man pages from --help (help2man); runtime
# dependencies from dpkg-shlibdeps. Needs dpkg-dev, help2man (scripts/deps.sh installs them).
# Writes only .build-release/ and packaging/out/ (both git-ignored). Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PKG=$REPO/packaging
OUT=$PKG/out
SCRATCH=$REPO/.build-release
# One build at a time: scripts/test.sh starts one beside its own build, and the package tests' run
# waits for it here and finds it done.
mkdir -p "$SCRATCH"
exec 8> "$SCRATCH/packaging.lock"
flock 8
VERSION=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/HardeningCore/Report/AtttVersion.swift)
log() { echo "packaging: $*" >&2; }
source scripts/deps.sh
install_debian_packages "${BUILD_PACKAGES[@]}" "${PACKAGING_PACKAGES[@]}"

for product in attt attt-collector; do
    log "swift build -c release --product $product --static-swift-stdlib"
    swift build -c release --product "$product" --static-swift-stdlib --scratch-path "$SCRATCH" >&2
done
BIN=$(swift build -c release --show-bin-path --scratch-path "$SCRATCH")
rm -rf "$OUT" && mkdir -p "$OUT"

# Files every package has: the binary (stripped), its man page, copyright and changelog.
common() {
    local name=$1 stage=$2 summary=$3
    install -D -m 0755 "$BIN/$name" "$stage/usr/bin/$name"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$name"
    install -d "$stage/usr/share/man/man1"
    # The man page: the command's --help, and each subcommand's --help below it.
    local include=$OUT/$name.h2m
    echo "[SUBCOMMANDS]" > "$include"
    for sub in $("$stage/usr/bin/$name" --help | awk '/^SUBCOMMANDS:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
        [ "$sub" = help ] && continue
        printf '.SS "%s %s"\n.nf\n' "$name" "$sub" >> "$include"
        "$stage/usr/bin/$name" "$sub" --help | sed -e 's/\\/\\\\/g' -e 's/^\./\\\&./' >> "$include"
        printf '.fi\n' >> "$include"
    done
    help2man --no-info --section 1 --name "$summary" --version-string "$VERSION" --include "$include" \
        "$stage/usr/bin/$name" | gzip -9n > "$stage/usr/share/man/man1/$name.1.gz"
    install -D -m 0644 "$PKG/debian/copyright" "$stage/usr/share/doc/$name/copyright"
    if [ -f "$PKG/lintian/$name" ]; then
        install -D -m 0644 "$PKG/lintian/$name" "$stage/usr/share/lintian/overrides/$name"
    fi
    sed "s/@VERSION@/$VERSION/" "$PKG/debian/changelog" | gzip -9n > "$stage/usr/share/doc/$name/changelog.gz"
    chmod 0644 "$stage/usr/share/doc/$name/changelog.gz" "$stage/usr/share/man/man1/$name.1.gz"
}

# DEBIAN/: control with the computed dependencies and size, conffiles, maintainer scripts.
control() {
    local name=$1 stage=$2
    local shlibs=$OUT/shlibs-$name
    mkdir -p "$shlibs/debian"
    printf 'Source: attt\n\nPackage: %s\nArchitecture: amd64\n' "$name" > "$shlibs/debian/control"
    local depends
    depends=$(cd "$shlibs" && dpkg-shlibdeps -O "$stage/usr/bin/$name" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
    install -d -m 0755 "$stage/DEBIAN"
    sed -e "s/@VERSION@/$VERSION/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$stage" | cut -f1)/" \
        "$PKG/debian/$name/control.in" > "$stage/DEBIAN/control"
    install -m 0644 "$PKG/debian/$name/conffiles" "$stage/DEBIAN/conffiles"
    for script in postinst prerm postrm; do install -m 0755 "$PKG/debian/$name/$script" "$stage/DEBIAN/$script"; done
    dpkg-deb --root-owner-group -Zxz -z9 --build "$stage" "$OUT/${name}_${VERSION}_amd64.deb" >&2
}

# The agent.
A=$OUT/stage-attt
common attt "$A" "information security self-check of this machine (an toàn thông tin)"
install -d "$A/usr/share/attt"
cp -r Policies "$A/usr/share/attt/policies"
install -D -m 0644 schemas/report.schema.json "$A/usr/share/attt/schemas/report.schema.json"
install -D -m 0644 "$PKG/systemd/attt.service" "$A/lib/systemd/system/attt.service"
install -D -m 0644 "$PKG/systemd/attt.timer" "$A/lib/systemd/system/attt.timer"
install -D -m 0644 "$PKG/systemd/attt-isolation.service" "$A/lib/systemd/system/attt-isolation.service"
install -D -m 0644 "$PKG/systemd/attt-report.socket" "$A/lib/systemd/system/attt-report.socket"
install -D -m 0644 "$PKG/systemd/attt-report@.service" "$A/lib/systemd/system/attt-report@.service"
install -D -m 0644 "$PKG/desktop/attt-bao-cao-su-co.desktop" "$A/usr/share/applications/attt-bao-cao-su-co.desktop"
install -D -m 0644 "$PKG/pam/attt" "$A/etc/pam.d/attt"
install -D -m 0644 "$PKG/etc/default/attt" "$A/etc/default/attt"
install -D -m 0644 "$PKG/etc/attt/tailoring.yaml" "$A/etc/attt/tailoring.yaml"
install -D -m 0644 README.md "$A/usr/share/doc/attt/README.md"
find "$A/usr/share/attt" -type d -exec chmod 0755 {} + && find "$A/usr/share/attt" -type f -exec chmod 0644 {} +
control attt "$A"

# The collector.
C=$OUT/stage-attt-collector
common attt-collector "$C" "collector for attt information security self-checks"
install -D -m 0644 "$PKG/systemd/attt-collector.service" "$C/lib/systemd/system/attt-collector.service"
install -D -m 0644 "$PKG/pam/attt-collector" "$C/etc/pam.d/attt-collector"
install -D -m 0644 "$PKG/etc/attt-collector/collector.yaml" "$C/etc/attt-collector/collector.yaml"
install -D -m 0644 docs/collector.md "$C/usr/share/doc/attt-collector/collector.md"
install -D -m 0644 openapi/collector.yaml "$C/usr/share/doc/attt-collector/openapi.yaml"
# The shipped policy the units' catalogue bundles are made for and checked against, as the agent has it.
install -d "$C/usr/share/attt-collector"
cp -r Policies "$C/usr/share/attt-collector/policies"
find "$C/usr/share/attt-collector" -type d -exec chmod 0755 {} + && find "$C/usr/share/attt-collector" -type f -exec chmod 0644 {} +
control attt-collector "$C"

for name in attt attt-collector; do
    deb=$OUT/${name}_${VERSION}_amd64.deb
    echo "$name: package $(du -k "$deb" | cut -f1) KiB, binary $(du -k "$OUT/stage-$name/usr/bin/$name" | cut -f1) KiB installed, $(sed -n 's/^Installed-Size: //p' "$OUT/stage-$name/DEBIAN/control") KiB in all; depends: $(sed -n 's/^Depends: //p' "$OUT/stage-$name/DEBIAN/control")"
done
