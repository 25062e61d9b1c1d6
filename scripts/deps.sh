# Debian packages attt needs; sourced by check.sh and test.sh.
# Building needs the headers of Linux-PAM and libaudit (LinuxPAM, LinuxAudit), SQLite (GRDB, for the collector), libyaml (YAMLParsing) and liblz4 (apt's compressed lists).
BUILD_PACKAGES=(libpam0g-dev libaudit-dev libsqlite3-dev libyaml-dev liblz4-dev libzstd-dev)
# Building the .deb packages (packaging/build.sh): dpkg-shlibdeps and dpkg-deb, help2man for the man pages.
PACKAGING_PACKAGES=(dpkg-dev help2man)
# The report tests validate JSON against the schema with python3-jsonschema; lz4 makes the frames the
# apt-list decoder is tested on; the Samba fix is
# validated with testparm (samba-common-bin); the Debian system and package tests build their tree
# with debootstrap, check the packages with lintian and their units with systemd-analyze (systemd);
# the collector tests use openssl (a foreign certificate), iproute2 (network namespaces), python3-yaml
# (the OpenAPI document), libfaketime (a collector whose clock is behind the PC's) and a headless
# Chromium driven by Selenium (the officers' web page; libnss3-tools trusts the collector's CA). attt's parsers are held against the programs that read the
# same files: sshd -T (openssh-server), shadow's tools (login, passwd), systemd-sysctl (systemd) and
# libpwquality (python3-pwquality). The administrative documents (OfficeDocumentsTests) are read back
# by the software that will open them: LibreOffice opens the ODT and makes the PDF
# (libreoffice-writer-nogui), poppler reads both PDFs' text and page size (poppler-utils), and
# Liberation Serif stands in for Times New Roman with its metrics (fonts-liberation2). The incident
# isolation ruleset is checked and loaded by nft in throw-away network namespaces, and
# attt-isolation.service runs it (nftables); the isolation proof pings across namespaces (iputils-ping).
# The evidence collection (IncidentCollectCommandTests) copies onto a real ext4 disk: mkfs.ext4
# (e2fsprogs) on a loop device (losetup, mount, unshare: util-linux and mount). The restore from backup
# (IncidentRestoreTests, RestoreTests) restores a real restic repository (restic), and a borg one
# (BorgRestoreTests: borgbackup). The catalogue bundle tests and the office abuse tests write rows a
# compromised collector database would hold (sqlite3). The metrics are read by Prometheus's own Python
# parser (python3-prometheus-client). The PostgreSQL store's tests start a throw-away cluster of
# Debian's server (postgresql: initdb, pg_ctl, psql) on a socket of their own.
TEST_PACKAGES=(postgresql sqlite3 python3-prometheus-client nftables iputils-ping e2fsprogs util-linux mount restic borgbackup python3-jsonschema openssh-server login passwd python3-pwquality lz4 samba-common-bin desktop-file-utils debootstrap lintian systemd openssl iproute2 python3-yaml libfaketime chromium chromium-driver python3-selenium libnss3-tools libreoffice-writer-nogui poppler-utils fonts-liberation2 "${PACKAGING_PACKAGES[@]}")

install_debian_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}" >&2
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }
}
