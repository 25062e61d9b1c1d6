#!/usr/bin/env bash
# The Debian 12 tree the system and package tests unpack (IntegrationTests): made once with debootstrap
# from the mirror this machine's apt uses, and kept as a tar in /var/cache/attt-tests (delete it to
# make it again). One maker at a time: the others wait for it and find it made.
#
#   bash scripts/debian-test-tree.sh            makes it if missing; prints its path
#   bash scripts/debian-test-tree.sh --mirror   prints the mirror it would use (status 1: none)
set -euo pipefail
DIR=/var/cache/attt-tests
CACHE=$DIR/debian12-pam-v5.tar
PACKAGES=libpam-modules,libpam-runtime,libpam-pwquality,cracklib-runtime,login,passwd,pamtester,libsqlite3-0,libyaml-0-2,openssh-server,ufw,unattended-upgrades,auditd

# The first URI that is not the security archive: deb822 sources first, then sources.list.
mirror() {
    local uri
    uri=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true) | awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }')
    [ -n "$uri" ] || uri=$( (cat /etc/apt/sources.list 2>/dev/null || true) | awk '/^deb / && $2 !~ /security/ { print $2; exit }')
    [ -n "$uri" ] && echo "$uri"
}

if [ "${1:-}" = --mirror ]; then mirror; exit; fi

mkdir -p "$DIR"
exec 9> "$DIR/.lock"
flock 9
if [ ! -f "$CACHE" ]; then
    source_uri=$(mirror) || { echo "no Debian mirror in this machine's apt sources to make the tree from" >&2; exit 1; }
    build=$(mktemp -d "$DIR/build-XXXXXX")
    trap 'rm -rf "$build"' EXIT
    # The tree's root as a system's is (mktemp makes it 0700): the tar keeps it, and a user other than
    # root in the chroot could not reach / at all.
    chmod 755 "$build"
    debootstrap --variant=minbase --include="$PACKAGES" bookworm "$build" "$source_uri" >&2
    tar -C "$build" -cf "$CACHE.part" . && mv "$CACHE.part" "$CACHE"
fi
echo "$CACHE"
