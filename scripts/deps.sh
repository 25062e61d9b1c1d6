# Debian packages attt needs; sourced by check.sh and test.sh.
# Building needs the headers of Linux-PAM and libaudit (LinuxPAM, LinuxAudit) and SQLite (GRDB, for the collector).
BUILD_PACKAGES=(libpam0g-dev libaudit-dev libsqlite3-dev)
# The report tests validate JSON against the schema with python3-jsonschema; the Samba fix is
# validated with testparm (samba-common-bin); the Debian system test builds its tree with debootstrap.
TEST_PACKAGES=(python3-jsonschema samba-common-bin debootstrap openssl iproute2 python3-yaml chromium chromium-driver python3-selenium libnss3-tools)

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
