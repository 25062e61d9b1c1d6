#!/usr/bin/env python3
"""Builds a large, synthetic host tree for benchmarking `attt check --root`.

    generate-large-host.py OUT_DIR

Copies Tests/Fixtures/hosts/debian12-hardened to OUT_DIR (OUT_DIR is replaced) and scales it up.
Everything is derived from a fixed seed, so the same command always writes the same bytes:

- var/lib/dpkg/status: the fixture's real stanzas plus synthetic ones (names shaped like Debian
  packages, Debian version strings, Depends between them, Priority optional, Conffiles for the
  -common packages, a few removed-but-not-purged "config-files" stanzas) up to >= 5,000 installed;
- var/lib/apt/extended_states: most synthetic libraries and data packages marked Auto-Installed;
- var/log/apt/history.log: a few hundred more apt runs (install, upgrade, remove);
- etc/passwd, etc/shadow, etc/group, etc/gshadow: 2,000 people's accounts (UID 1000-2999, /bin/bash,
  yescrypt-looking fake hashes, lastchg/min/max/warn), department groups, a few in sudo;
- var/log/wtmp: boot, login and logout records (struct utmp, 384 bytes, little endian), with a login
  for most of the accounts;
- etc/samba/smb.conf: 200 [share-N] sections appended (valid users = @department, guest ok = no);
- var/lib/samba/usershares: 50 usershare files.

Keep the output out of git: write it under /tmp or benchmarks/out/ (ignored).
"""
import datetime
import os
import random
import shutil
import string
import struct
import sys

SEED = 20261125
TARGET_INSTALLED = 5200      # installed packages in the status file (>= 5,000)
PEOPLE = 2000                # accounts with UID 1000..2999
SAMBA_SHARES = 200
USERSHARES = 50
HISTORY_RUNS = 300           # apt runs appended to history.log

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "Tests", "Fixtures", "hosts", "debian12-hardened")

rng = random.Random(SEED)


def days(date):
    return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days


def epoch(ts):
    return int(datetime.datetime.fromisoformat(ts).replace(tzinfo=datetime.timezone.utc).timestamp())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: generate-large-host.py OUT_DIR")
    out = sys.argv[1]
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(FIXTURE, out, symlinks=True)

    def p(rel):
        return os.path.join(out, rel)

    def read(rel):
        with open(p(rel), encoding="utf-8") as f:
            return f.read()

    def write(rel, text, mode=0o644, append=False):
        os.makedirs(os.path.dirname(p(rel)), exist_ok=True)
        with open(p(rel), "a" if append else "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(p(rel), mode)

    packages = scale_packages(read, write)
    users, departments = scale_accounts(read, write)
    write_wtmp(p("var/log/wtmp"), users)
    scale_samba(write, users, departments)
    scale_history(write, packages, users)

    installed = sum(1 for s in read("var/lib/dpkg/status").split("\n\n") if "\nStatus: install ok installed" in "\n" + s)
    print(f"{out}: {installed} installed packages, {len(users)} people's accounts (UID 1000-2999), "
          f"{SAMBA_SHARES} extra samba shares, {USERSHARES} usershares", file=sys.stderr)


# ---------------------------------------------------------------- packages

SYL = ["ab", "ac", "al", "an", "ar", "ba", "be", "bi", "bo", "ca", "ce", "chi", "co", "cu", "da", "de",
       "di", "do", "el", "en", "er", "fa", "fe", "fi", "fo", "ga", "ge", "gi", "go", "gra", "ha", "he",
       "hi", "ho", "in", "is", "ja", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "lu", "ma", "me",
       "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "ol", "or", "pa", "pe", "pi", "po", "qu", "ra",
       "re", "ri", "ro", "ru", "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu", "ul", "un",
       "va", "ve", "vi", "vo", "wa", "xa", "xe", "ya", "yo", "za", "ze", "zo"]
SUFFIX = ["", "", "", "x", "d", "io", "kit", "lib", "fs", "gl", "ml", "db", "ng", "utils", "ctl", "mm", "pp"]


def stem():
    s = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))) + rng.choice(SUFFIX)
    return s


def upstream_version():
    kind = rng.random()
    if kind < 0.55:
        v = ".".join(str(rng.randint(0, 12 if i == 0 else 40)) for i in range(rng.randint(2, 3)))
    elif kind < 0.7:
        v = f"{rng.randint(2015, 2023)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    elif kind < 0.85:
        v = f"{rng.randint(0, 5)}.{rng.randint(0, 30)}+dfsg"
    else:
        v = f"{rng.randint(0, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}~rc{rng.randint(1, 4)}"
    return v


def debian_version(up):
    v = up + f"-{rng.randint(1, 6)}"
    r = rng.random()
    if r < 0.12:
        v += f"+deb12u{rng.randint(1, 4)}"
    elif r < 0.22:
        v += f"+b{rng.randint(1, 3)}"
    if rng.random() < 0.08:
        v = f"{rng.randint(1, 3)}:" + v
    return v


MAINTAINERS = [
    "Debian Python Team <team+python@tracker.debian.org>",
    "Debian Perl Group <pkg-perl-maintainers@lists.alioth.debian.org>",
    "Debian Javascript Maintainers <pkg-javascript-devel@lists.alioth.debian.org>",
    "Debian Go Packaging Team <team+pkg-go@tracker.debian.org>",
    "Debian Ruby Team <pkg-ruby-extras-maintainers@lists.alioth.debian.org>",
    "Debian Fonts Task Force <debian-fonts@lists.debian.org>",
    "Debian GNOME Maintainers <pkg-gnome-maintainers@lists.alioth.debian.org>",
    "Debian Science Maintainers <debian-science-maintainers@lists.alioth.debian.org>",
    "Debian QA Group <packages@qa.debian.org>",
    "Nguyen Van Binh <binh@example.org>",
    "Tran Thi Cuc <cuc@example.org>",
]


def make_kind(s):
    """A Debian-shaped name for stem s and the fields that go with its kind."""
    k = rng.random()
    if k < 0.34:
        so = rng.choice(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "0t64", "1v5", "-1.0-0", "-2.0-0"])
        return f"lib{s}{so}", "libs", "amd64", "same", "library"  # stems end in a letter
    if k < 0.44:
        return f"lib{s}-dev", "libdevel", "amd64", "same", "development files"
    if k < 0.58:
        return f"python3-{s}", "python", "all", None, "Python 3 module"
    if k < 0.66:
        return f"lib{s}-perl", "perl", "all", None, "Perl module"
    if k < 0.74:
        return f"node-{s}", "javascript", "all", None, "Node.js module"
    if k < 0.78:
        return f"ruby-{s}", "ruby", "all", None, "Ruby library"
    if k < 0.82:
        return f"golang-{s}-dev", "golang", "all", None, "Go library"
    if k < 0.85:
        return f"fonts-{s}", "fonts", "all", "foreign", "font family"
    if k < 0.88:
        return f"gir1.2-{s}-1.0", "introspection", "amd64", "same", "GObject introspection data"
    if k < 0.92:
        return f"{s}-data", "misc", "all", "foreign", "data files"
    if k < 0.95:
        return f"{s}-common", "misc", "all", "foreign", "common files"
    return s, rng.choice(["utils", "admin", "net", "graphics", "sound", "text", "devel", "x11", "editors"]), "amd64", "foreign", "tool"


def scale_packages(read, write):
    status = read("var/lib/dpkg/status").rstrip("\n")
    real = [s for s in status.split("\n\n") if s.strip()]
    real_names = []
    for s in real:
        for line in s.splitlines():
            if line.startswith("Package: "):
                real_names.append(line[9:])
    real_libs = [n for n in real_names if n.startswith("lib")] or real_names
    taken = set(real_names)
    synthetic = []  # (name, version, arch, section, auto)
    stanzas = []
    need = TARGET_INSTALLED - sum(1 for s in real if "Status: install ok installed" in s)
    while len(synthetic) < need:
        s = stem()
        name, section, arch, multi, what = make_kind(s)
        if name in taken or not name[0].isalnum():
            continue
        taken.add(name)
        up = upstream_version()
        version = debian_version(up)
        # Dependencies: earlier synthetic packages (so the graph has chains) and real libraries.
        deps = []
        for _ in range(rng.randint(0, 3)):
            if synthetic:
                dn, dv = rng.choice(synthetic)[:2]
                dv_up = dv.split(":")[-1].rsplit("-", 1)[0]
                deps.append(f"{dn} (>= {dv_up})" if rng.random() < 0.6 else dn)
        for _ in range(rng.randint(0, 2)):
            lib = rng.choice(real_libs)
            deps.append(f"{lib} (>= {rng.randint(1, 3)}.{rng.randint(0, 40)})" if rng.random() < 0.5 else lib)
        if arch == "amd64":
            deps.insert(0, "libc6 (>= 2.34)")
        if section == "python":
            deps.insert(0, "python3:any")
        if rng.random() < 0.05 and len(deps) >= 2:
            deps[-1] = deps[-1] + " | " + rng.choice(real_names)
        deps = list(dict.fromkeys(deps))
        lines = [
            f"Package: {name}",
            "Status: install ok installed",
            "Priority: optional",
            f"Section: {section}",
            f"Installed-Size: {rng.randint(8, 40000)}",
            f"Maintainer: {rng.choice(MAINTAINERS)}",
            f"Architecture: {arch}",
        ]
        if multi:
            lines.append(f"Multi-Arch: {multi}")
        src = s if rng.random() < 0.7 else f"{s} ({up}-1)"
        if name != s:
            lines.append(f"Source: {src}")
        lines.append(f"Version: {version}")
        if deps:
            lines.append("Depends: " + ", ".join(deps))
        if rng.random() < 0.2 and synthetic:
            lines.append("Recommends: " + ", ".join(rng.choice(synthetic)[0] for _ in range(rng.randint(1, 2))))
        if rng.random() < 0.1 and synthetic:
            lines.append("Suggests: " + rng.choice(synthetic)[0])
        if name.endswith("-common") or (section in ("admin", "net") and rng.random() < 0.5):
            lines.append("Conffiles:")
            for i in range(rng.randint(1, 3)):
                md5 = "".join(rng.choice("0123456789abcdef") for _ in range(32))
                lines.append(f" /etc/{s}/{s}{'' if i == 0 else i}.conf {md5}")
        lines.append(f"Description: {s} {what}")
        for _ in range(rng.randint(1, 4)):
            lines.append(" " + " ".join(stem() for _ in range(rng.randint(6, 11))) + ".")
        lines.append(f"Homepage: https://{s}.example.org/")
        stanzas.append("\n".join(lines))
        auto = section in ("libs", "libdevel", "python", "perl", "javascript", "ruby", "golang", "fonts", "introspection", "misc") and rng.random() < 0.9
        synthetic.append((name, version, arch, section, auto))
    # Removed but not purged: dpkg keeps the stanza with its conffiles (not installed).
    for _ in range(40):
        s = stem()
        name = f"{s}-tools"
        if name in taken:
            continue
        taken.add(name)
        md5 = "".join(rng.choice("0123456789abcdef") for _ in range(32))
        stanzas.append("\n".join([
            f"Package: {name}", "Status: deinstall ok config-files", "Priority: optional", "Section: utils",
            f"Installed-Size: {rng.randint(20, 900)}", f"Maintainer: {rng.choice(MAINTAINERS)}", "Architecture: amd64",
            f"Version: {debian_version(upstream_version())}", "Conffiles:", f" /etc/{s}/{s}.conf {md5}",
            f"Description: {s} tools", " " + " ".join(stem() for _ in range(8)) + ".",
        ]))
    # dpkg keeps the file sorted by name.
    every = real + stanzas
    every.sort(key=lambda st: st.split("\n", 1)[0][9:])
    write("var/lib/dpkg/status", "\n\n".join(every) + "\n\n")

    states = [f"Package: {n}\nArchitecture: {'amd64' if a == 'all' else a}\nAuto-Installed: 1\n"
              for n, _, a, _, auto in synthetic if auto]
    write("var/lib/apt/extended_states", "\n" + "\n".join(states), append=True)
    return synthetic


# ---------------------------------------------------------------- accounts

FAMILY = ["nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly"]
MIDDLE = ["van", "thi", "duc", "minh", "thanh", "ngoc", "quoc", "huu", "kim", "xuan", "thu", "bao"]
GIVEN = ["an", "binh", "cuong", "dung", "giang", "ha", "hai", "hanh", "hieu", "hoa", "hung", "huong", "khanh",
         "lan", "linh", "long", "mai", "nam", "nga", "nhung", "phong", "phuong", "quang", "son", "tam", "thao",
         "trang", "trung", "tuan", "tung", "uyen", "viet", "yen"]
DEPARTMENTS = ["vanphong", "vanthu", "tuphap", "diachinh", "xaydung", "taichinh", "laodong", "vanhoa", "yte",
               "giaoduc", "congan", "quansu", "thongke", "noivu", "kinhte", "moitruong", "nongnghiep", "dantoc",
               "tiepdan", "motcua", "dangkyhotich", "chuthich", "phuongtien", "giaothong", "thuyloi", "hoinongdan",
               "hoiphunu", "doanthanhnien", "mattran", "cuuchienbinh", "khuyenhoc", "thanhtra", "kiemtra",
               "tuyengiao", "danvan", "tochuc", "btv", "hdnd", "ubnd", "ttcntt"]
HASH_ALPHABET = string.ascii_letters + string.digits + "./"


def fake_yescrypt():
    salt = "".join(rng.choice(HASH_ALPHABET) for _ in range(22))
    digest = "".join(rng.choice(HASH_ALPHABET) for _ in range(43))
    return f"$y$j9T${salt}${digest}"


def scale_accounts(read, write):
    passwd = read("etc/passwd").rstrip("\n").split("\n")
    shadow = read("etc/shadow").rstrip("\n").split("\n")
    group = read("etc/group").rstrip("\n").split("\n")
    gshadow = read("etc/gshadow").rstrip("\n").split("\n")
    names = {l.split(":")[0] for l in passwd} | {l.split(":")[0] for l in group}
    uids = {int(l.split(":")[2]) for l in passwd}
    gids = {int(l.split(":")[2]) for l in group}
    existing_people = [l.split(":")[0] for l in passwd if 1000 <= int(l.split(":")[2]) <= 2999]

    def next_free(used, start):
        n = start
        while n in used:
            n += 1
        used.add(n)
        return n

    users = list(existing_people)
    new_users = []
    for uid in range(1000, 3000):
        if uid in uids:
            continue
        while True:
            f, m, g = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
            name = f + m + g if rng.random() < 0.5 else f"{g}.{f}" if rng.random() < 0.5 else f[0] + m[0] + g
            if name in names:
                name += str(rng.randint(1, 99))
            if name not in names and len(name) <= 32:
                break
        names.add(name)
        uids.add(uid)
        gid = next_free(gids, 1000)  # adduser: a private group with the first free GID
        gecos = " ".join(w.capitalize() for w in (f, m, g)) + ",,,"
        passwd.append(f"{name}:x:{uid}:{gid}:{gecos}:/home/{name}:/bin/bash")
        lastchg = days("2026-05-01") + rng.randint(0, 200)
        pw = fake_yescrypt() if rng.random() > 0.03 else "!" + fake_yescrypt()  # a few locked (usermod -L)
        shadow.append(f"{name}:{pw}:{lastchg}:1:90:14:::")
        group.append(f"{name}:x:{gid}:")
        gshadow.append(f"{name}:!::")
        new_users.append(name)
        users.append(name)

    departments = {}
    for d in DEPARTMENTS:
        members = sorted(rng.sample(users, rng.randint(10, 80)))
        gid = next_free(gids, 3000)
        departments[d] = members
        group.append(f"{d}:x:{gid}:{','.join(members)}")
        gshadow.append(f"{d}:!::{','.join(members)}")
    # A few IT officers of the departments hold sudo; users is also what samba uses.
    admins = rng.sample(new_users, 4)
    for i, line in enumerate(group):
        f = line.split(":")
        if f[0] == "sudo":
            f[3] = ",".join([m for m in f[3].split(",") if m] + admins)
            group[i] = ":".join(f)
        if f[0] == "users":
            f[3] = ",".join([m for m in f[3].split(",") if m] + new_users[::3])
            group[i] = ":".join(f)
    write("etc/passwd", "\n".join(passwd) + "\n")
    write("etc/shadow", "\n".join(shadow) + "\n", 0o640)
    write("etc/group", "\n".join(group) + "\n")
    write("etc/gshadow", "\n".join(gshadow) + "\n", 0o640)
    return users, departments


# ---------------------------------------------------------------- wtmp

UTMP = struct.Struct("<hxxi32s4s32s256shhiii16s20x")  # type, pid, line, id, user, host, exit, session, tv, addr_v6
BOOT_TIME, USER_PROCESS, DEAD_PROCESS = 2, 7, 8
assert UTMP.size == 384


def utmp(kind, pid, line, ut_id, user, host, sec, usec=0, addr=b""):
    return UTMP.pack(kind, pid, line.encode(), ut_id.encode(), user.encode(), host.encode(),
                     0, 0, pid if kind != BOOT_TIME else 0, sec, usec, addr)


def write_wtmp(path, users):
    with open(path, "rb") as f:
        records = [f.read()]  # the fixture's own records stay first
    t = epoch("2026-06-01T07:00:00")
    end = epoch("2026-11-24T17:00:00")
    logged_in = [u for u in users if rng.random() < 0.9]  # most accounts have logged in
    pending = []
    pid = 1000
    # Logins spread over the last six months, one boot per simulated day.
    per_user = {u: rng.randint(1, 3) for u in logged_in}
    sessions = [u for u, n in per_user.items() for _ in range(n)]
    rng.shuffle(sessions)
    day_span = (end - t) // 86400
    per_day = max(1, len(sessions) // day_span + 1)
    for day in range(day_span):
        base = t + day * 86400
        records.append(utmp(BOOT_TIME, 0, "~", "~~", "reboot", "6.1.0-56-amd64", base))
        for _ in range(per_day):
            if not sessions:
                break
            user = sessions.pop()
            pid += rng.randint(1, 40)
            start = base + rng.randint(600, 4 * 3600)
            tty = f"pts/{rng.randint(0, 9)}" if rng.random() < 0.6 else "tty2"
            host = f"192.168.{rng.randint(1, 20)}.{rng.randint(2, 250)}" if tty.startswith("pts") else ""
            addr = bytes([192, 168, int(host.split(".")[2]), int(host.split(".")[3])]) if host else b""
            records.append(utmp(USER_PROCESS, pid, tty, tty[-4:], user, host, start, rng.randint(0, 999999), addr))
            pending.append((start + rng.randint(300, 8 * 3600), pid, tty))
        for stop, p_, tty in pending:
            records.append(utmp(DEAD_PROCESS, p_, tty, tty[-4:], "", "", stop))
        pending = []
    with open(path, "wb") as f:
        f.write(b"".join(records))


# ---------------------------------------------------------------- samba

def scale_samba(write, users, departments):
    depts = sorted(departments)
    text = []
    for n in range(1, SAMBA_SHARES + 1):
        d = depts[(n - 1) % len(depts)]
        text.append(f"""
[share-{n}]
   comment = Thu muc dung chung {d} {n}
   path = /srv/samba/{d}/share-{n}
   valid users = @{d}
   guest ok = no
   read only = {'no' if rng.random() < 0.7 else 'yes'}
   browseable = yes
   create mask = 0660
   directory mask = 0770
""")
    write("etc/samba/smb.conf", "".join(text), append=True)
    for n in range(1, USERSHARES + 1):
        owner = rng.choice(users)
        share = f"{owner}-tailieu{n}"
        acl = f"S-1-22-1-{1000 + n}:F," if rng.random() < 0.5 else "S-1-1-0:R,"
        write(f"var/lib/samba/usershares/{share}",
              f"#VERSION 2\npath=/home/{owner}/TaiLieu/{n}\ncomment=Tai lieu {n}\nusershare_acl={acl}\nguest_ok=n\nsharename={share}\n")


# ---------------------------------------------------------------- apt history

def previous(version):
    """The version an upgrade replaced: one Debian revision earlier, or a pre-release of it."""
    head, _, rev = version.rpartition("-")
    base = rev.split("+")[0]
    return f"{head}-{int(base) - 1}" if base.isdigit() and int(base) > 1 else f"{head}~pre1-{rev}"


def scale_history(write, packages, users):
    requesters = ["cbcntt"] * 6 + users[:40]
    when = epoch("2025-01-06T08:00:00")
    entries = []
    for i in range(HISTORY_RUNS):
        when += rng.randint(6 * 3600, 2 * 86400)
        start = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
        stop = start + datetime.timedelta(seconds=rng.randint(2, 240))
        kind = rng.random()
        chosen = rng.sample(packages, rng.randint(1, 12))
        if kind < 0.6:
            top = chosen[0][0]
            cmd = f"apt-get install {top}" if rng.random() < 0.5 else f"apt install {top}"
            body = "Install: " + ", ".join(
                f"{n}:{'amd64' if a == 'all' else a} ({v}{', automatic' if j else ''})" for j, (n, v, a, _, _) in enumerate(chosen))
        elif kind < 0.9:
            cmd = "apt-get -y upgrade" if rng.random() < 0.5 else "/usr/bin/unattended-upgrade"
            body = "Upgrade: " + ", ".join(
                f"{n}:{'amd64' if a == 'all' else a} ({previous(v)}, {v})" for n, v, a, _, _ in chosen)
        else:
            cmd = f"apt-get remove {chosen[0][0]}"
            body = "Remove: " + ", ".join(f"{n}:{'amd64' if a == 'all' else a} ({v})" for n, v, a, _, _ in chosen[:1])
        lines = [f"Start-Date: {start:%Y-%m-%d  %H:%M:%S}", f"Commandline: {cmd}"]
        if not cmd.startswith("/usr/bin/unattended"):
            who = rng.choice(requesters)
            lines.append(f"Requested-By: {who} ({1001 if who == 'cbcntt' else 1000 + users.index(who)})")
        lines += [body, f"End-Date: {stop:%Y-%m-%d  %H:%M:%S}"]
        entries.append("\n".join(lines) + "\n")
    write("var/log/apt/history.log", "\n" + "\n".join(entries), append=True)


if __name__ == "__main__":
    main()
