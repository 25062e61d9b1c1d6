#!/usr/bin/env python3
"""Builds Tests/Fixtures/hosts/debian12-broken from debian12-hardened: one office PC where every
control of the regulation fails, each in a way met on real machines. Usage: make-broken.py HARDENED OUTPUT"""
import os, shutil, sys

hardened, out = sys.argv[1:3]
if os.path.exists(out):
    shutil.rmtree(out)
shutil.copytree(hardened, out, symlinks=True)

def p(rel): return os.path.join(out, rel)
def read(rel): return open(p(rel)).read()
def write(rel, text, mode=0o644):
    os.makedirs(os.path.dirname(p(rel)), exist_ok=True)
    with open(p(rel), "w") as f: f.write(text)
    os.chmod(p(rel), mode)
def edit(rel, old, new):
    text = read(rel)
    assert old in text, (rel, old)
    write(rel, text.replace(old, new, 1))

# PW-001: someone "fixed" a password complaint by making pwquality optional and shortening minlen.
edit("etc/pam.d/common-password", "password\trequisite\t\t\tpam_pwquality.so", "password\toptional\t\t\tpam_pwquality.so")
write("etc/security/pwquality.conf", read("etc/security/pwquality.conf") + "minlen = 4\ndcredit = 0\n")
# PW-003: a shared guest account with no password, and auto-login on the front-desk PC.
write("etc/passwd", read("etc/passwd") + "khach:x:1003:1003:Tai khoan khach,,,:/home/khach:/bin/bash\ntoor:x:0:0:root:/root:/bin/bash\n")
write("etc/shadow", read("etc/shadow") + "khach::20000:0:99999:7:::\ntoor:$1$Xy12ab34$JqHs8a7m1V0wYc2kP4nRt.:20000:0:99999:7:::\n", 0o640)
write("etc/group", read("etc/group") + "khach:x:1003:\n")
edit("etc/gdm3/daemon.conf", "#  AutomaticLoginEnable = true\n#  AutomaticLogin = user1", "AutomaticLoginEnable = true\nAutomaticLogin = khach")
# PW-004: aging back to Debian's default.
edit("etc/login.defs", "PASS_MAX_DAYS\t90", "PASS_MAX_DAYS\t99999")
# AUTH-001: lockout switched off (deny = 0) and the account phase removed.
edit("etc/security/faillock.conf", "deny = 5", "deny = 0")
edit("etc/pam.d/common-account", "account\trequired\t\t\tpam_faillock.so", "")
# ACC-002: the staff member is an administrator, and a helper script got passwordless sudo.
edit("etc/group", "sudo:x:27:cbcntt", "sudo:x:27:cbcntt,nguyenvana")
write("etc/sudoers.d/90-ketoan", "nguyenvana ALL=(ALL) NOPASSWD: ALL\n", 0o440)
write("etc/sudoers", "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n", 0o440)
# SW-001 / SW-002: a remote-control tool, and an old ClamAV carried over from Debian 11.
write("var/lib/dpkg/status", read("var/lib/dpkg/status").rstrip("\n") + """

Package: anydesk
Status: install ok installed
Priority: optional
Section: net
Installed-Size: 12840
Maintainer: philandro Software GmbH <info@anydesk.com>
Architecture: amd64
Version: 6.3.2
Depends: libc6, libgtk2.0-0
Description: The fastest remote desktop software on the market.
""")
edit("var/lib/dpkg/status", "Package: clamav\nStatus: install ok installed", "Package: clamav\nStatus: install ok installed")
status = read("var/lib/dpkg/status")
start = status.index("Package: clamav\n")
end = status.index("\n\n", start)
write("var/lib/dpkg/status", status[:start] + status[start:end].replace("Version: 1.4.6+dfsg-0+deb12u1", "Version: 0.103.10+dfsg-0+deb11u1") + status[end:])
# AV-001 / AV-002: freshclam disabled, no scan, signatures a month old.
os.remove(p("etc/systemd/system/multi-user.target.wants/clamav-freshclam.service"))
os.remove(p("etc/cron.d/attt-clamscan"))
header = "ClamAV-VDB:25 Oct 2026 06-10 +0000:27803:2074000:90:0123456789abcdef0123456789abcdef:fixture:attt:1792908600"
with open(p("var/lib/clamav/daily.cld"), "wb") as f: f.write(header.encode().ljust(512, b" "))
# SHR-001 / SHR-002: the whole disk shared to guests, and an NFS export of / to everyone.
write("etc/samba/smb.conf", read("etc/samba/smb.conf") + "\n[o-d]\n   path = /\n   guest ok = yes\n   read only = no\n")
write("etc/exports", "# /etc/exports\n/ *(rw,no_root_squash)\n")
# AUTH-002: a vendor's drop-in that sorts before attt's (so its MaxAuthTries wins), and a Match block
# that lets the accountant's account in with an empty password.
write("etc/ssh/sshd_config.d/10-vendor.conf", "# remote support tool\nMaxAuthTries 10\n")
write("etc/ssh/sshd_config", read("etc/ssh/sshd_config") + "\nMatch User ketoan Address 192.168.1.*\n\tPermitEmptyPasswords yes\n\tPasswordAuthentication yes\n")
# NET-002: an old "network tuning" copied into /etc/sysctl.conf, which Debian applies last
# (99-sysctl.conf links to it), so it overrides attt's 60-vn-td.conf.
write("etc/sysctl.conf", read("etc/sysctl.conf") + "\n# tuning from the old server\nnet.ipv4.tcp_syncookies=0\nnet/ipv4/conf/all/accept_redirects = 1\n")
# UPD-001: updates switched off in a later file "to save bandwidth", and the last run, weeks ago, failed.
write("etc/apt/apt.conf.d/99-tiet-kiem-bang-thong", '// tiết kiệm băng thông\nAPT::Periodic::Unattended-Upgrade "0";\n')
write("var/log/unattended-upgrades/unattended-upgrades.log", """2026-11-05 06:30:11,201 INFO Starting unattended upgrades script
2026-11-05 06:30:11,202 INFO Allowed origins are: origin=Debian,codename=bookworm,label=Debian, origin=Debian,codename=bookworm,label=Debian-Security, origin=Debian,codename=bookworm-security,label=Debian-Security
2026-11-05 06:30:14,730 ERROR Cache has broken packages, exiting
""")
# NET-001: ufw told to accept everything (to make a network printer work), and nftables.service enabled
# too, with Debian's nftables.conf that filters nothing: two managers at boot, both letting all in.
edit("etc/default/ufw", 'DEFAULT_INPUT_POLICY="DROP"', 'DEFAULT_INPUT_POLICY="ACCEPT"')
os.symlink("/lib/systemd/system/nftables.service", p("etc/systemd/system/multi-user.target.wants/nftables.service"))
# NET-003: the café's open network saved on a trip, and the PC shared as a hotspot for a phone.
write("etc/NetworkManager/system-connections/QuanCafe.nmconnection", "[connection]\nid=QuanCafe\nuuid=0b7e2f6c-1d2a-4f3b-9c8d-7e6f5a4b3c2d\ntype=wifi\n\n[wifi]\nmode=infrastructure\nssid=QuanCafe-Free\n\n[ipv4]\nmethod=auto\n", 0o600)
write("etc/NetworkManager/system-connections/Hotspot.nmconnection", "[connection]\nid=Hotspot\nuuid=3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\ntype=wifi\nautoconnect=false\n\n[wifi]\nmode=ap\nssid=ketoan-pc\n\n[wifi-security]\nkey-mgmt=wpa-psk\npsk=12345678\n\n[ipv4]\nmethod=shared\n", 0o600)
# LOG-001: the audit rules "trimmed to cut noise": the sudoers and PAM watches are gone.
rules = read("etc/audit/rules.d/50-vn-td.rules").split("\n")
write("etc/audit/rules.d/50-vn-td.rules", "\n".join(l for l in rules if "/etc/sudoers" not in l and "/etc/pam.d" not in l), 0o640)
# LOG-002: attt's journald drop-in deleted and the journal kept in RAM "to spare the SSD"; auditd told
# to halt the PC when its disk fills.
os.remove(p("etc/systemd/journald.conf.d/50-vn-td.conf"))
edit("etc/systemd/journald.conf", "#Storage=auto", "Storage=volatile")
edit("etc/audit/auditd.conf", "disk_full_action = SUSPEND", "disk_full_action = HALT")
# BAK-001: the backup server was replaced and nobody updated the job: the last run, a month ago, failed
# and wrote to a folder on the system disk; Timeshift snapshots the system onto the same disk.
write("var/lib/attt/backup/last.json", '{"time": "2026-10-26T02:09:33Z", "exitCode": 1, "tool": "restic", "target": "/var/backups/restic", "paths": ["/etc", "/home", "/var/lib", "/srv"]}\n')
write("etc/timeshift/timeshift.json", """{
  "backup_device_uuid" : "4f1c0e6a-0d4e-4a2b-9a57-0c1d2e3f4a5b",
  "parent_device_uuid" : "",
  "do_first_run" : "false",
  "btrfs_mode" : "false",
  "include_btrfs_home_for_backup" : "false",
  "include_btrfs_home_for_restore" : "false",
  "stop_cron_emails" : "true",
  "schedule_monthly" : "false",
  "schedule_weekly" : "false",
  "schedule_daily" : "true",
  "schedule_hourly" : "false",
  "schedule_boot" : "false",
  "count_monthly" : "2",
  "count_weekly" : "3",
  "count_daily" : "5",
  "count_hourly" : "6",
  "count_boot" : "5",
  "date_format" : "%Y-%m-%d %H:%M:%S",
  "exclude" : [
    "/home/nguyenvana/**"
  ],
  "exclude-apps" : []
}
""")
# HW-001: the PC still runs on the old spinning disk, and smartd has seen it fail: sectors reallocated,
# more waiting, and the last long self-test ended in a read failure.
os.remove(p("var/lib/smartmontools/smartd.Samsung_SSD_870_EVO_500GB-S6PXNM0T123456A.ata.state"))
write("var/lib/smartmontools/smartd.WDC_WD10EZEX_08WN4A0-WD_WCC6Y3KJ1234.ata.state", """# smartd state file
temperature-min = 31
temperature-max = 47
self-test-errors = 1
self-test-last-err-hour = 21877
ata-error-count = 3
ata-smart-attribute.0.id = 1
ata-smart-attribute.0.val = 200
ata-smart-attribute.0.worst = 200
ata-smart-attribute.0.raw = 17
ata-smart-attribute.1.id = 3
ata-smart-attribute.1.val = 175
ata-smart-attribute.1.worst = 172
ata-smart-attribute.1.raw = 2233
ata-smart-attribute.2.id = 4
ata-smart-attribute.2.val = 99
ata-smart-attribute.2.worst = 99
ata-smart-attribute.2.raw = 1290
ata-smart-attribute.3.id = 5
ata-smart-attribute.3.val = 199
ata-smart-attribute.3.worst = 199
ata-smart-attribute.3.raw = 8
ata-smart-attribute.4.id = 9
ata-smart-attribute.4.val = 71
ata-smart-attribute.4.worst = 71
ata-smart-attribute.4.raw = 21902
ata-smart-attribute.5.id = 194
ata-smart-attribute.5.val = 106
ata-smart-attribute.5.worst = 96
ata-smart-attribute.5.raw = 37
ata-smart-attribute.6.id = 197
ata-smart-attribute.6.val = 200
ata-smart-attribute.6.worst = 200
ata-smart-attribute.6.raw = 2
ata-smart-attribute.7.id = 198
ata-smart-attribute.7.val = 100
ata-smart-attribute.7.worst = 253
""")
write("sys/block/sda/queue/rotational", "1\n")
write("sys/block/sda/device/model", "WDC WD10EZEX-08W\n")
# AUTH-002 (remote desktop): xrdp 0.9.21.1 set up "for working from home" with its shipped settings
# (security_layer=negotiate, which falls back to RDP's own weak encryption; AllowRootLogin=true),
# enabled at boot.
pkgs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packages/xrdp")
write("etc/xrdp/xrdp.ini", open(os.path.join(pkgs, "xrdp.ini")).read())
write("etc/xrdp/sesman.ini", open(os.path.join(pkgs, "sesman.ini")).read())
os.symlink("/lib/systemd/system/xrdp.service", p("etc/systemd/system/multi-user.target.wants/xrdp.service"))
# NET-004: an old PPTP tunnel to a supplier, last used in January 2025, and an OpenVPN client config
# copied from a forum: no encryption (cipher none), its static key inline and readable by everyone.
write("etc/NetworkManager/system-connections/VPN-NhaCungCap.nmconnection", "[connection]\nid=VPN-NhaCungCap\nuuid=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\ntype=vpn\nautoconnect=false\ntimestamp=1735689600\n\n[vpn]\ngateway=vpn.nhacungcap.example\npassword-flags=0\nrequire-mppe=yes\nuser=ketoan\nservice-type=org.freedesktop.NetworkManager.pptp\n\n[vpn-secrets]\npassword=Fixture-Pptp-Secret\n\n[ipv4]\nmethod=auto\n", 0o600)
write("var/lib/NetworkManager/timestamps", "[timestamps]\n9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d=1735689600\n6f1d3c2a-4b5e-4c6d-8e7f-9a0b1c2d3e4f=1795570000\n", 0o644)
write("etc/openvpn/client/dien-dan.conf", "client\ndev tun\nproto udp\nremote vpn.dien-dan.example 1194\nnobind\n# no encryption: faster\ncipher none\nauth none\n<secret>\n-----BEGIN OpenVPN Static key V1-----\nFixture-Static-Key-Not-Real\n-----END OpenVPN Static key V1-----\n</secret>\n", 0o644)
# NET-005: the browser policy was deleted to "make a website work": DNS over HTTPS is the user's choice.
os.remove(p("etc/firefox/policies/policies.json"))
# UPD-002: the lists stopped being refreshed on 2026-10-31 (their archive date), and the openssl fix
# they already carried was never installed (installed 3.0.17, security archive 3.0.22); a libc6
# update asked for a reboot that never came. git keeps no mtimes, so the stale stamp and the old
# reboot-required are set here for a local run only; the tests set their own.
lists = "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease"
edit(lists, "Date: Tue, 24 Nov 2026 00:34:33 UTC", "Date: Sat, 31 Oct 2026 00:12:54 UTC")
status = read("var/lib/dpkg/status")
for name in ["libssl3", "openssl"]:
    start = status.index(f"Package: {name}\n")
    end = status.index("\n\n", start)
    status = status[:start] + status[start:end].replace("Version: 3.0.22-1~deb12u2", "Version: 3.0.17-1~deb12u2") + status[end:]
write("var/lib/dpkg/status", status)
write("var/run/reboot-required", "*** System restart required ***\n")
write("var/run/reboot-required.pkgs", "libc6\n")
old = 1793404800  # 2026-10-31T00:00:00Z
for rel in ["var/lib/apt/periodic/update-success-stamp", "var/run/reboot-required", "var/run/reboot-required.pkgs"]:
    os.utime(p(rel), (old, old))
# INT-001: /usr/bin/login replaced by a patched build (one byte differs), /usr/sbin/nologin deleted,
# and an interrupted upgrade left man-db half-configured.
with open(p("usr/bin/login"), "r+b") as f:
    f.seek(4096); b = f.read(1); f.seek(4096); f.write(bytes([b[0] ^ 0xFF]))
os.remove(p("usr/sbin/nologin"))
edit("var/lib/dpkg/status", "Package: man-db\nStatus: install ok installed", "Package: man-db\nStatus: install ok half-configured")
# INC-001 / INC-003: the last restore rehearsal was over a year ago; someone disabled the report socket
# ("systemctl disable attt-report.socket") and hid the menu entry from the menu (NoDisplay).
edit("var/lib/attt/backup/restore-check.json", '"time" : "2026-11-20T09:12:03Z"', '"time" : "2025-09-16T08:40:11Z"')
os.remove(p("etc/systemd/system/sockets.target.wants/attt-report.socket"))
edit("usr/share/applications/attt-bao-cao-su-co.desktop", "Terminal=true\n", "Terminal=true\nNoDisplay=true\n")
print("broken fixture written to", out)
