#!/usr/bin/env python3
"""Builds Tests/Fixtures/hosts/debian12-hardened from debian12-desktop.

The hardened host is the stock desktop after an IT officer applied the regulation's measures the way
attt's fixers will: real files generated on a Debian 12 install (`apt-get install libpam-pwquality
clamav clamav-freshclam samba`, then `pam-auth-update --enable` of two pam-configs profiles for
pam_faillock, see README.md), plus the drop-ins and settings below. Usage:

    make-hardened.py STOCK_FIXTURE DEBIAN12_INSTALL OUTPUT

DEBIAN12_INSTALL is the root of that Debian 12 install (where the generated PAM files and the dpkg
stanzas come from). The result is committed; this script records how it was made.
"""
import os, shutil, struct, sys, datetime

stock, install, out = sys.argv[1:4]
if os.path.exists(out):
    shutil.rmtree(out)
shutil.copytree(stock, out, symlinks=True)

def p(*parts): return os.path.join(out, *parts)
def write(rel, text, mode=0o644):
    os.makedirs(os.path.dirname(p(rel)), exist_ok=True)
    with open(p(rel), "w") as f: f.write(text)
    os.chmod(p(rel), mode)
def read(rel, base=None): return open(os.path.join(base or out, rel)).read()
def days(date): return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days
def epoch(ts): return int(datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp())

# PAM: files pam-auth-update generated on the install (pwquality, and faillock through two profiles).
for name in ["common-auth", "common-account", "common-password", "common-session", "common-session-noninteractive"]:
    shutil.copy(os.path.join(install, "etc/pam.d", name), p("etc/pam.d", name))
os.makedirs(p("usr/share/pam-configs"), exist_ok=True)
for name in ["vn-td-faillock-preauth", "vn-td-faillock"]:
    shutil.copy(os.path.join(install, "usr/share/pam-configs", name), p("usr/share/pam-configs", name))

write("etc/security/pwquality.conf.d/50-vn-td.conf", """# attt (VN-TD-PW-001, Điều 9 khoản 6): at least 12 characters with upper, lower, digit and special.
minlen = 12
dcredit = -1
ucredit = -1
lcredit = -1
ocredit = -1
maxrepeat = 3
dictcheck = 1
usercheck = 1
enforcing = 1
enforce_for_root
""")
faillock = read("etc/security/faillock.conf")
faillock = faillock.replace("# deny = 3", "deny = 5").replace("# fail_interval = 900", "fail_interval = 900").replace("# unlock_time = 600", "unlock_time = 900")
write("etc/security/faillock.conf", faillock)

defs = read("etc/login.defs")
defs = defs.replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t90").replace("PASS_MIN_DAYS\t0", "PASS_MIN_DAYS\t1").replace("PASS_WARN_AGE\t7", "PASS_WARN_AGE\t14")
write("etc/login.defs", defs)

# Accounts: an IT officer (cbcntt) holds sudo; the staff member does not.
passwd = read("etc/passwd").rstrip("\n") + "\ncbcntt:x:1001:1001:Can bo chuyen trach CNTT,,,:/home/cbcntt:/bin/bash\n"
write("etc/passwd", passwd)
group_lines = []
for line in read("etc/group").splitlines():
    f = line.split(":")
    if f[0] == "sudo": f[3] = "cbcntt"
    group_lines.append(":".join(f))
group_lines.append("cbcntt:x:1001:")
group_lines.append("ketoan:x:1002:nguyenvana,cbcntt")
write("etc/group", "\n".join(group_lines) + "\n")
changed = days("2026-11-01")
shadow_lines = []
for line in read("etc/shadow").splitlines():
    f = line.split(":")
    if f[0] == "nguyenvana":
        f[2:6] = [str(changed), "1", "90", "14"]
        user_hash = f[1]
    shadow_lines.append(":".join(f))
shadow_lines.append(":".join(["cbcntt", user_hash, str(changed), "1", "90", "14", "", "", ""]))
write("etc/shadow", "\n".join(shadow_lines) + "\n", 0o640)
gshadow = read("etc/gshadow").rstrip("\n") + "\ncbcntt:!::\nketoan:!::nguyenvana,cbcntt\n"
gshadow = "\n".join(("sudo:*::cbcntt" if l.startswith("sudo:") else l) for l in gshadow.splitlines()) + "\n"
write("etc/gshadow", gshadow, 0o640)

# Logins this month, in wtmp (struct utmp, 384 bytes, USER_PROCESS = 7).
def utmp(user, when, line="tty2"):
    rec = bytearray(384)
    struct.pack_into("<hi", rec, 0, 7, 1234)
    rec[8:8 + len(line)] = line.encode()
    rec[44:44 + len(user)] = user.encode()
    struct.pack_into("<ii", rec, 340, epoch(when), 0)
    return bytes(rec)
os.makedirs(p("var/log"), exist_ok=True)
with open(p("var/log/wtmp"), "wb") as f:
    f.write(utmp("nguyenvana", "2026-11-20T01:30:00Z") + utmp("cbcntt", "2026-11-21T02:00:00Z"))

# Packages: real stanzas from the install for what was added.
added = ["libpam-pwquality", "clamav", "clamav-base", "clamav-freshclam", "libclamav11", "samba", "samba-common",
         "samba-common-bin", "samba-libs", "python3-samba", "libpwquality-tools", "cracklib-runtime", "libcrack2"]
stanzas = read("var/lib/dpkg/status", install).split("\n\n")
picked = [s for s in stanzas if s.startswith("Package: ") and s.split("\n")[0][9:] in added]
status = read("var/lib/dpkg/status").rstrip("\n") + "\n\n" + "\n\n".join(s.strip("\n") for s in picked) + "\n"
write("var/lib/dpkg/status", status)
auto = [a for a in added if a not in ("libpam-pwquality", "clamav", "clamav-freshclam", "samba")]
ext = read("var/lib/apt/extended_states").rstrip("\n") + "\n\n" + "\n\n".join(f"Package: {a}\nArchitecture: amd64\nAuto-Installed: 1" for a in auto) + "\n"
write("var/lib/apt/extended_states", ext)
history = read("var/log/apt/history.log").replace("Requested-By: nguyenvana (1000)", "Requested-By: cbcntt (1001)")
history += """
Start-Date: 2026-11-02  09:12:40
Commandline: apt-get install libpam-pwquality clamav clamav-freshclam samba
Requested-By: cbcntt (1001)
Install: libpam-pwquality:amd64 (1.4.5-1+b1), clamav:amd64 (1.4.3+dfsg-0+deb12u1), clamav-freshclam:amd64 (1.4.3+dfsg-0+deb12u1), samba:amd64 (2:4.17.12+dfsg-0+deb12u2), libclamav11:amd64 (1.4.3+dfsg-0+deb12u1, automatic)
End-Date: 2026-11-02  09:13:55
"""
write("var/log/apt/history.log", history)

# Services: freshclam and Samba enabled at boot.
wants = p("etc/systemd/system/multi-user.target.wants")
for unit in ["clamav-freshclam.service", "smbd.service", "nmbd.service"]:
    link = os.path.join(wants, unit)
    if not os.path.lexists(link): os.symlink("/lib/systemd/system/" + unit, link)

# ClamAV: configuration from the package, fresh signatures (headers only), a weekly scan.
os.makedirs(p("etc/clamav"), exist_ok=True)
shutil.copy(os.path.join(install, "etc/clamav/freshclam.conf"), p("etc/clamav/freshclam.conf"))
def cvd(name, built, version, sigs):
    t = datetime.datetime.fromisoformat(built.replace("Z", "+00:00"))
    header = f"ClamAV-VDB:{t.strftime('%d %b %Y %H-%M %z')}:{version}:{sigs}:90:0123456789abcdef0123456789abcdef:fixture:attt:{int(t.timestamp())}"
    os.makedirs(p("var/lib/clamav"), exist_ok=True)
    with open(p("var/lib/clamav", name), "wb") as f:
        f.write(header.encode().ljust(512, b" "))
cvd("daily.cld", "2026-11-24T06:10:00Z", 27833, 2076521)
cvd("main.cvd", "2025-09-16T08:41:00Z", 63, 3287027)
cvd("bytecode.cvd", "2025-09-16T08:42:00Z", 336, 83)
write("var/log/clamav/freshclam.log", """--------------------------------------
freshclam daemon 1.4.3 (OS: linux-gnu, ARCH: x86_64, CPU: x86_64)
ClamAV update process started at Mon Nov 24 06:10:02 2026
daily.cld database is up-to-date (version: 27833, sigs: 2076521, f-level: 90, builder: raynman)
main.cvd database is up-to-date (version: 63, sigs: 3287027, f-level: 90, builder: tomjudge)
bytecode.cvd database is up-to-date (version: 336, sigs: 83, f-level: 90, builder: nrandolp)
""")
write("etc/cron.d/attt-clamscan", """# attt (VN-TD-AV-001): weekly scan of user data, at low priority, report only.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
30 12 * * 3 root nice -n 19 ionice -c3 clamscan -r -i --no-summary /home /tmp /var/tmp /media >> /var/log/clamav/attt-scan.log 2>&1
""")

# Samba: the package's smb.conf with guests off and one department share for a group.
smb = read("etc/samba/smb.conf").replace("usershare allow guests = yes", "usershare allow guests = no")
smb += """
[ketoan]
   comment = Phong ke toan
   path = /srv/ketoan
   valid users = @ketoan
   read only = no
   guest ok = no
"""
write("etc/samba/smb.conf", smb)
write("etc/fstab", "# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=4f1c0e6a-0d4e-4a2b-9a57-0c1d2e3f4a5b / ext4 errors=remount-ro 0 1\nUUID=9b2f-1A3C /boot/efi vfat umask=0077 0 1\nUUID=0d7e5c1a-2b3c-4d5e-8f90-1a2b3c4d5e6f none swap sw 0 0\n")

write("etc/attt/tailoring.yaml", """# The unit's tailoring (attt.tailoring.v1): never weaker than the regulation.
tailoring: attt.tailoring.v1
parameters:
  it_accounts: [cbcntt]
""")

# SSH server (VN-TD-AUTH-002): Debian 12's sshd_config as openssh-server 1:9.2p1-2+deb12u* installs it
# (kept next to this script), and the drop-in attt's fixer writes. Debian's file includes
# sshd_config.d/*.conf at the top, so the drop-in's values come first and win.
write("etc/ssh/sshd_config", open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/openssh-server/sshd_config")).read())
write("etc/ssh/sshd_config.d/50-vn-td.conf", """# attt VN-TD-AUTH-002 (Điều 7 khoản 2, Điều 9 khoản 3): remote logins are limited and logged.
PermitEmptyPasswords no
MaxAuthTries 3
LogLevel VERBOSE
PermitRootLogin no
""")
# Kernel network parameters (VN-TD-NET-002): the drop-in attt's fixer writes. Debian's
# 99-sysctl.conf (a link to /etc/sysctl.conf, every line commented) comes later and sets nothing.
write("etc/sysctl.d/60-vn-td.conf", """# attt VN-TD-NET-002 (Điều 6 khoản 4, trang thiết bị): limit denial-of-service on the host.
net.ipv4.tcp_syncookies = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv4.conf.all.rp_filter = 2
net.ipv4.conf.default.rp_filter = 2
""")
# Security updates (VN-TD-UPD-001): unattended-upgrades 2.9.1+nmu3 installed (its status stanza is the
# package's control file with dpkg's Status and Conffiles), its two apt.conf.d files as its postinst
# installs them, and the log of the last two daily runs.
pkgs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/unattended-upgrades")
write("var/lib/dpkg/status", read("var/lib/dpkg/status").rstrip("\n") + "\n\n" + open(os.path.join(pkgs, "status-stanza")).read())
write("etc/apt/apt.conf.d/50unattended-upgrades", open(os.path.join(pkgs, "50unattended-upgrades")).read())
write("etc/apt/apt.conf.d/20auto-upgrades", open(os.path.join(pkgs, "20auto-upgrades")).read())
runs = ""
for day in ["2026-11-23", "2026-11-24"]:
    runs += f"""{day} 06:31:22,415 INFO Starting unattended upgrades script
{day} 06:31:22,416 INFO Allowed origins are: origin=Debian,codename=bookworm,label=Debian, origin=Debian,codename=bookworm,label=Debian-Security, origin=Debian,codename=bookworm-security,label=Debian-Security
{day} 06:31:22,416 INFO Initial blacklist: 
{day} 06:31:22,416 INFO Initial whitelist (not strict): 
{day} 06:31:25,102 INFO No packages found that can be upgraded unattended and no pending auto-removals
"""
write("var/log/unattended-upgrades/unattended-upgrades.log", runs)
# Host firewall (VN-TD-NET-001): ufw 0.36.2-1 installed (status stanza from its control file) and
# enabled the way `ufw enable` does (ENABLED=yes in the ufw.conf its postinst copies from the
# template); its /etc/default/ufw as shipped (DEFAULT_INPUT_POLICY="DROP", IPV6=yes); ufw.service
# enabled by its postinst.
pkgs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/ufw")
write("var/lib/dpkg/status", read("var/lib/dpkg/status").rstrip("\n") + "\n\n" + open(os.path.join(pkgs, "status-stanza")).read())
write("etc/ufw/ufw.conf", open(os.path.join(pkgs, "ufw.conf")).read().replace("ENABLED=no", "ENABLED=yes"))
write("etc/default/ufw", open(os.path.join(pkgs, "ufw")).read())
os.makedirs(p("etc/systemd/system/multi-user.target.wants"), exist_ok=True)
os.symlink("/lib/systemd/system/ufw.service", p("etc/systemd/system/multi-user.target.wants/ufw.service"))
# Wi-Fi (VN-TD-NET-003): the office network saved by NetworkManager 1.42 (keyfile, mode 0600), WPA2-PSK
# with a 21-character fixture key (`\\s` is a space in GKeyFile).
write("etc/NetworkManager/system-connections/UBND-Xa.nmconnection", """[connection]
id=UBND-Xa
uuid=6f1d3c2a-4b5e-4c6d-8e7f-9a0b1c2d3e4f
type=wifi
interface-name=wlp2s0
timestamp=1795570000

[wifi]
mode=infrastructure
ssid=UBND-Xa

[wifi-security]
auth-alg=open
key-mgmt=wpa-psk
psk=Fixture\\sOnly-Key-2026

[ipv4]
method=auto

[ipv6]
addr-gen-mode=default
method=auto

[proxy]
""", 0o600)
# Logging (VN-TD-LOG-001, VN-TD-LOG-002): auditd 1:3.0.9-1 installed (status stanza from its control
# file, Conffiles with their md5sums), its auditd.conf and rules.d/audit.rules as shipped, auditd.service
# enabled by its postinst, and the rules file attt's audit-rules fixer writes (from
# Policies/catalogs/audit.yaml: the package watches for samba-common and network-manager, which are
# installed; openssh-server is not). /etc/audit/audit.rules is what augenrules merges from rules.d (in `ls -v` order).
# journald.conf is systemd 252's as shipped (every line commented), with the drop-in attt's
# log-retention fixer writes. systemd-timesyncd is already enabled on the stock install.
import re
tools = os.path.dirname(os.path.abspath(__file__))
pkgs = os.path.join(tools, "packages/auditd")
write("var/lib/dpkg/status", read("var/lib/dpkg/status").rstrip("\n") + "\n\n" + open(os.path.join(pkgs, "status-stanza")).read())
write("etc/audit/auditd.conf", open(os.path.join(pkgs, "auditd.conf")).read(), 0o640)
write("etc/audit/rules.d/audit.rules", open(os.path.join(pkgs, "audit.rules")).read(), 0o640)
os.symlink("/lib/systemd/system/auditd.service", p("etc/systemd/system/multi-user.target.wants/auditd.service"))
catalog = open(os.path.join(tools, "../../../Policies/catalogs/audit.yaml")).read()
installed = set(re.findall(r"^Package: (\S+)$", read("var/lib/dpkg/status"), re.M))
rules = ["## attt VN-TD-LOG-001 — Điều 7 khoản 4, Điều 9 khoản 3: ghi nhật ký đăng nhập và thao tác cấu hình.",
         "## Written by attt from the policy's audit catalogue; tailor the catalogue, not this file.",
         "## No -e 2 here: locked rules could only be changed by a reboot."]
for entry in re.findall(r"^\s+- \{(path: .*)\}$", catalog, re.M):
    fields = dict((k.strip(), v.strip().strip('"')) for k, v in (f.split(":", 1) for f in re.split(r", (?=\w+:)", entry)))
    if "package" in fields and fields["package"] not in installed: continue
    rules += [f"# Điều 7 khoản 4: {fields['clause']} — {fields['path']}", f"-w {fields['path']} -p wa -k {fields['key']}"]
write("etc/audit/rules.d/50-vn-td.rules", "\n".join(rules) + "\n", 0o640)
def augenrules(texts):
    minus = {"e": "", "D": "", "f": "", "b": ""}
    rest = []
    for line in "".join(texts).split("\n"):
        s = line.lstrip()
        if not line or s.startswith("#"): continue
        if s.startswith("-e"): minus["e"] = line
        elif re.match(r"^-D\s*$", s): minus["D"] = line
        elif s.startswith("-f"): minus["f"] = line
        elif s.startswith("-b"): minus["b"] = line
        else: rest.append(line)
    return "## This file is automatically generated from /etc/audit/rules.d\n" + "\n".join([minus["D"], minus["b"], minus["f"]] + rest + [minus["e"]]) + "\n"
write("etc/audit/audit.rules", augenrules([read("etc/audit/rules.d/50-vn-td.rules"), read("etc/audit/rules.d/audit.rules")]), 0o640)
write("etc/systemd/journald.conf.d/50-vn-td.conf", """# attt VN-TD-LOG-002 — Điều 7 khoản 4 ("hạn chế việc tràn log file"), Điều 9 khoản 3:
# the journal is kept across reboots (Storage=persistent) and capped (SystemMaxUse).
[Journal]
Storage=persistent
SystemMaxUse=1G
# Backup (VN-TD-BAK-001): a daily systemd timer, enabled, whose service runs a small script calling
# restic on /etc, /home, /var/lib and /srv towards the unit's backup server, then writing the status
# record attt reads, with the snapshot restic made (its --json summary's snapshot_id); the last run,
# early this morning, succeeded.
write("etc/systemd/system/attt-backup.timer", """[Unit]
Description=Sao lưu hằng ngày /etc, /home và dữ liệu ứng dụng (VN-TD-BAK-001)

[Timer]
OnCalendar=*-*-* 02:00:00
RandomizedDelaySec=30min
Persistent=true

[Install]
WantedBy=timers.target
""")
write("etc/systemd/system/attt-backup.service", """[Unit]
Description=Sao lưu bằng restic sang máy chủ sao lưu của đơn vị
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/attt-backup
Nice=10
IOSchedulingClass=idle
""")
write("usr/local/sbin/attt-backup", r"""#!/bin/sh
# Daily backup (VN-TD-BAK-001): /etc, /home and application data to the unit's restic repository,
# then the status record attt reads (/var/lib/attt/backup/last.json), naming the snapshot made.
set -u; json=$(mktemp); trap 'rm -f "$json"' EXIT
. /etc/restic/env    # RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE, readable by root only
restic backup --json --one-file-system --exclude-caches \
    /etc /home /var/lib /srv > "$json"
code=$?
restic forget --keep-daily 7 --keep-weekly 4 --keep-monthly 6 --prune
mkdir -p /var/lib/attt/backup
# restic's summary line names the snapshot it made: the one `attt incident restore` takes (docs/backup-status.md).
snapshot=$(sed -n 's/^{"message_type":"summary".*"snapshot_id":"\([0-9a-f]*\)".*/\1/p' "$json")
printf '{"time": "%s", "exitCode": %d, "tool": "restic", "target": "%s", "paths": ["/etc", "/home", "/var/lib", "/srv"]%s}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$code" "$RESTIC_REPOSITORY" "${snapshot:+, \"snapshot\": \"$snapshot\"}" > /var/lib/attt/backup/last.json.new
mv /var/lib/attt/backup/last.json.new /var/lib/attt/backup/last.json
exit $code
""", 0o755)
os.symlink("/etc/systemd/system/attt-backup.timer", p("etc/systemd/system/timers.target.wants/attt-backup.timer"))
write("var/lib/attt/backup/last.json", """{"time": "2026-11-25T02:14:51Z", "exitCode": 0, "tool": "restic", "target": "sftp:backup@10.10.0.5:/srv/restic/pc-ketoan-01", "paths": ["/etc", "/home", "/var/lib", "/srv"], "snapshot": "5d326d30"}
""")
# Hardware (VN-TD-HW-001): what the kernel shows of the office's Dell OptiPlex 7090 (DMI, 4 CPUs,
# 16 GB, one 500 GB SSD; a loop device that does not count), smartmontools 7.3-1+b1 installed (status
# stanza from its control file, /etc/default/smartmontools from the package, smartd enabled and aliased
# as its postinst does), and the state smartd saved for the SSD: no reallocated or pending sectors
# (smartd leaves zero values out), no failed self-test.
for name, value in [("sys_vendor", "Dell Inc."), ("product_name", "OptiPlex 7090"), ("product_serial", "7QJ4MH3"), ("bios_version", "1.22.0"), ("bios_date", "07/10/2024")]:
    write("sys/class/dmi/id/" + name, value + "\n")
write("proc/cpuinfo", "".join(f"""processor\t: {i}
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 167
model name\t: 11th Gen Intel(R) Core(TM) i5-11500 @ 2.70GHz
stepping\t: 1
cpu MHz\t\t: 2700.000
cache size\t: 12288 KB
physical id\t: 0
siblings\t: 4
core id\t\t: {i}
cpu cores\t: 4

""" for i in range(4)))
write("proc/meminfo", """MemTotal:       16076348 kB
MemFree:         9120764 kB
MemAvailable:   12874512 kB
Buffers:          210348 kB
Cached:          3712020 kB
SwapCached:            0 kB
Active:          3920116 kB
Inactive:        2203744 kB
SwapTotal:       1000444 kB
SwapFree:        1000444 kB
""")
write("proc/loadavg", "0.42 0.51 0.47 2/1187 24631\n")
write("sys/block/sda/size", "976773168\n")
write("sys/block/sda/queue/rotational", "0\n")
write("sys/block/sda/device/model", "Samsung SSD 870 \n")
write("sys/block/loop0/size", "0\n")
pkgs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/smartmontools")
write("var/lib/dpkg/status", read("var/lib/dpkg/status").rstrip("\n") + "\n\n" + open(os.path.join(pkgs, "status-stanza")).read())
write("etc/default/smartmontools", open(os.path.join(pkgs, "smartmontools.default")).read())
os.symlink("/lib/systemd/system/smartmontools.service", p("etc/systemd/system/multi-user.target.wants/smartmontools.service"))
os.symlink("/lib/systemd/system/smartmontools.service", p("etc/systemd/system/smartd.service"))
write("var/lib/smartmontools/smartd.Samsung_SSD_870_EVO_500GB-S6PXNM0T123456A.ata.state", """# smartd state file
temperature-min = 27
temperature-max = 41
ata-smart-attribute.0.id = 5
ata-smart-attribute.0.val = 100
ata-smart-attribute.0.worst = 100
ata-smart-attribute.1.id = 9
ata-smart-attribute.1.val = 99
ata-smart-attribute.1.worst = 99
ata-smart-attribute.1.raw = 3412
ata-smart-attribute.2.id = 12
ata-smart-attribute.2.val = 99
ata-smart-attribute.2.worst = 99
ata-smart-attribute.2.raw = 418
ata-smart-attribute.3.id = 177
ata-smart-attribute.3.val = 99
ata-smart-attribute.3.worst = 99
ata-smart-attribute.3.raw = 6
ata-smart-attribute.4.id = 179
ata-smart-attribute.4.val = 100
ata-smart-attribute.4.worst = 100
ata-smart-attribute.5.id = 181
ata-smart-attribute.5.val = 100
ata-smart-attribute.5.worst = 100
ata-smart-attribute.6.id = 182
ata-smart-attribute.6.val = 100
ata-smart-attribute.6.worst = 100
ata-smart-attribute.7.id = 183
ata-smart-attribute.7.val = 100
ata-smart-attribute.7.worst = 100
ata-smart-attribute.8.id = 187
ata-smart-attribute.8.val = 100
ata-smart-attribute.8.worst = 100
ata-smart-attribute.9.id = 190
ata-smart-attribute.9.val = 66
ata-smart-attribute.9.worst = 59
ata-smart-attribute.9.raw = 34
ata-smart-attribute.10.id = 195
ata-smart-attribute.10.val = 200
ata-smart-attribute.10.worst = 200
ata-smart-attribute.11.id = 199
ata-smart-attribute.11.val = 100
ata-smart-attribute.11.worst = 100
ata-smart-attribute.12.id = 235
ata-smart-attribute.12.val = 99
ata-smart-attribute.12.worst = 99
ata-smart-attribute.12.raw = 251
ata-smart-attribute.13.id = 241
ata-smart-attribute.13.val = 99
ata-smart-attribute.13.worst = 99
ata-smart-attribute.13.raw = 7395312846
""")
# Web filter (VN-TD-NET-005): firefox-esr (installed with the desktop) gets the enterprise policy that
# turns DNS over HTTPS off and locks it, so the browser asks the office resolver that NetworkManager
# wrote into resolv.conf (the DHCP server hands out the commune's filtering resolver).
write("etc/firefox/policies/policies.json", """{
  "policies": {
    "DNSOverHTTPS": {
      "Enabled": false,
      "Locked": true
    },
    "DisableTelemetry": true
  }
}
""")
write("etc/resolv.conf", "# Generated by NetworkManager\nsearch tudan.local\nnameserver 192.168.1.1\n")
# VPN (VN-TD-NET-004): none. The default register is empty, and git keeps no 0600 mode, so a tunnel is
# tested on copies (Tests/ControlTests/NetworkRoleControlTests.swift) rather than in this tree.
# Pending security fixes (VN-TD-UPD-002): the bookworm-security lists of a real `apt update` of
# 2026-11-24 (packages/apt-lists): the InRelease header as published (hash list cut to the one index
# kept, signature removed) and the real index stanzas of eight packages. The installed versions are
# the same or newer (the point release carries libc6 deb12u14), so nothing is pending. The stamp
# apt.systemd.daily touches after a refresh is an empty file; only its mtime counts.
lists = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/apt-lists")
for name in sorted(os.listdir(lists)):
    write("var/lib/apt/lists/" + name, open(os.path.join(lists, name)).read())
write("var/lib/apt/periodic/update-success-stamp", "")
# File integrity (VN-TD-INT-001): Debian 12 is usr-merged (/bin and /sbin are links into /usr); real
# files of login and passwd 1:4.13+dfsg1-1+deb12u2 (packages/login, packages/passwd) and dpkg's
# md5sums lines for just those files, so `dpkg --verify` of what is present is clean.
os.symlink("usr/bin", p("bin"))
os.symlink("usr/sbin", p("sbin"))
for pkg, files in [("login", {"bin/login": "usr/bin/login", "usr/bin/lastlog": "usr/bin/lastlog", "usr/sbin/nologin": "usr/sbin/nologin"}),
                   ("passwd", {"usr/bin/passwd": "usr/bin/passwd", "sbin/shadowconfig": "usr/sbin/shadowconfig", "usr/lib/tmpfiles.d/passwd.conf": "usr/lib/tmpfiles.d/passwd.conf"})]:
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages", pkg)
    sums = [l for l in open(os.path.join(src, "md5sums")).read().splitlines() if l.split("  ", 1)[1] in files]
    write(f"var/lib/dpkg/info/{pkg}.md5sums", "\n".join(sums) + "\n")
    for listed, installed in files.items():
        os.makedirs(os.path.dirname(p(installed)), exist_ok=True)
        shutil.copy(os.path.join(src, os.path.basename(listed)), p(installed))
# Password policy record (VN-TD-PW-002): the scheduled `attt run` noted the day PW-001 first passed;
# both people changed their passwords on 2026-10-31 (shadow lastchg 20758), after it.
write("var/lib/attt/enforcement.json", '{\n  "firstPassed" : {\n    "VN-TD-PW-001" : "2026-10-01T03:12:40Z"\n  },\n  "schema" : "attt.enforcement.v1"\n}')
# Incident response (VN-TD-INC-001, VN-TD-INC-003). attt's users' report channel as its package
# installs it (packaging/): attt-report.socket, enabled by the postinst's deb-systemd-helper (the
# link below), and the "Báo cáo sự cố" menu entry. And the record `attt incident restore --dry-run
# --skip-collection "diễn tập"` wrote when the IT officer rehearsed a restore on 20 November: restic
# checked the repository, and the copy of /etc matched the live tree (written by attt itself, in its
# own format). nftables (for isolation) is already installed on a Debian 12 desktop.
repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")
write("usr/lib/systemd/system/attt-report.socket", open(os.path.join(repo, "packaging/systemd/attt-report.socket")).read())
os.makedirs(p("etc/systemd/system/sockets.target.wants"), exist_ok=True)
os.symlink("/lib/systemd/system/attt-report.socket", p("etc/systemd/system/sockets.target.wants/attt-report.socket"))
write("usr/share/applications/attt-bao-cao-su-co.desktop", open(os.path.join(repo, "packaging/desktop/attt-bao-cao-su-co.desktop")).read())
write("var/lib/attt/backup/restore-check.json", """{
  "changes" : 0,
  "schema" : "attt.restore-check.v1",
  "scopes" : [
    "system"
  ],
  "snapshot" : "a3c90f17",
  "target" : "sftp:backup@10.10.0.5:/srv/restic/pc-ketoan-01",
  "time" : "2026-11-20T09:12:03Z",
  "tool" : "restic",
  "verified" : true
}""")
print("hardened fixture written to", out)
