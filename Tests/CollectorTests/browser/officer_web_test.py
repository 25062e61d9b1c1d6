#!/usr/bin/python3
"""Drive a real headless Chromium through the collector's officer web page.

Debian packages (bookworm): chromium chromium-driver python3-selenium libnss3-tools
  apt-get install -y chromium chromium-driver python3-selenium libnss3-tools
Run it with Debian's /usr/bin/python3 (that is where python3-selenium lives), against a running
`attt-collector serve` whose PAM service accepts --password for --user and for --locked-user:

  /usr/bin/python3 officer_web_test.py --url https://127.0.0.1:18600 --ca STATE/ca/ca.pem \
      --user root --password PW --expect-unit "UBND xã Tứ Dân" \
      --expect-host ubnd-xa-pc01 --expect-failing VN-TD-PW-001 --attempts 5

Checks, in order (each prints one JSON line; the exit status is 1 if any failed, 2 if the browser
could not be started at all):
  tls               the server's certificate verifies against --ca (Python's ssl, no browser)
  a-sign-in-page    / without a session lands on /sign-in, in Vietnamese ("Đăng nhập")
  b-wrong-password  a wrong password answers 401 with p.message, still on /sign-in, no cookie
  c-signed-in       the right password leads to /, whose unit's page lists the host with the control
  c-cookie          __Host-attt_session is HttpOnly, Secure, SameSite=Strict, and hidden from scripts
  e-sign-out        the sign-out form leads to /sign-in, the cookie is gone, / redirects again
  e-old-session     the old session cookie, put back by hand, no longer opens /
  e-back-button     Back after signing out does not show the hosts again
  f-lockout         --attempts wrong passwords for --locked-user, then the right one: 429 "tạm khóa"
  f-per-account     --user can still sign in while --locked-user is locked
  d-console         no console error, CSP violation or failed load in all of the above
  d-console-canary  a deliberate CSP violation is seen, so d-console is not blind

Trust: the collector's CA is given to Chromium through an NSS database in a throwaway HOME
(Chromium on Linux trusts $HOME/.pki/nssdb; certutil from libnss3-tools makes it), so the browser
checks the real chain. Only with --insecure does Chromium get --ignore-certificate-errors instead.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    sys.exit(f"selenium is not importable by {sys.executable}: run with /usr/bin/python3 "
             "after `apt-get install -y chromium chromium-driver python3-selenium`")

COOKIE = "__Host-attt_session"
RESULTS = []


def report(check, ok, detail):
    RESULTS.append((check, ok, detail))
    print(json.dumps({"check": check, "ok": bool(ok), "detail": detail}, ensure_ascii=False), flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="collector base URL, e.g. https://127.0.0.1:18600")
    p.add_argument("--ca", required=True, help="the collector's CA certificate (STATE/ca/ca.pem)")
    p.add_argument("--user", required=True, help="an officer account")
    p.add_argument("--password", required=True, help="its password")
    p.add_argument("--expect-host", required=True, help="host id (data-host) or hostname shown in the table")
    p.add_argument("--expect-failing", required=True, help="a control id that host must fail")
    p.add_argument("--expect-unit", help="the unit (h2) the host must be listed under; default: any")
    p.add_argument("--locked-user", default=f"attt-locktest-{secrets.token_hex(3)}",
                   help="account name for the lockout check (default: a fresh random one, so runs do not interfere)")
    p.add_argument("--locked-password", help="the right password for --locked-user (default: --password)")
    p.add_argument("--attempts", type=int, default=5, help="failures that lock an account (officers.lockout-attempts)")
    p.add_argument("--insecure", action="store_true", help="skip certificate checks in the browser instead of trusting --ca")
    p.add_argument("--chromium", default=next((c for c in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(c)), "chromium"))
    p.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    p.add_argument("--screenshots", help="directory to save a PNG after each step")
    p.add_argument("--timeout", type=float, default=15, help="seconds to wait for a page")
    return p.parse_args()


class Browser:
    """Headless Chromium with its console ('browser') and network ('performance') logs kept."""

    def __init__(self, args, home):
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        # --no-sandbox: Chromium refuses to start as root otherwise (tests here run as root).
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-extensions"):
            options.add_argument(flag)
        if args.insecure:
            # Fallback only: the page is then loaded without checking the chain at all.
            options.add_argument("--ignore-certificate-errors")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        env = dict(os.environ, HOME=home)  # Chromium reads its NSS trust from $HOME/.pki/nssdb
        self.driver = webdriver.Chrome(service=Service(args.chromedriver, env=env), options=options)
        self.driver.set_page_load_timeout(args.timeout)
        self.base = args.url.rstrip("/")
        self.timeout = args.timeout
        self.screenshots = args.screenshots
        self.console = []   # (step, entry) for every console entry seen
        self.network = []   # (step, CDP event) for every network event seen
        self.step = "start"

    def drain(self):
        for entry in self.driver.get_log("browser"):
            self.console.append((self.step, entry))
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"].startswith("Network."):
                self.network.append((self.step, message))

    def begin(self, step):
        self.drain()
        self.step = step

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def document_statuses(self, step=None):
        """(url, status) of every document response in a step, in order, redirects included."""
        self.drain()
        out = []
        for s, m in self.network:
            if step is not None and s != step:
                continue
            p = m["params"]
            if m["method"] == "Network.requestWillBeSent" and p.get("redirectResponse") and p.get("type") == "Document":
                out.append((p["redirectResponse"]["url"], p["redirectResponse"]["status"]))
            elif m["method"] == "Network.responseReceived" and p.get("type") == "Document":
                out.append((p["response"]["url"], p["response"]["status"]))
        return [(url, status) for url, status in out if url.startswith(self.base)]  # not the first data:, page

    def last_document_headers(self):
        self.drain()
        for _, m in reversed(self.network):
            if m["method"] == "Network.responseReceived" and m["params"].get("type") == "Document":
                return {k.lower(): v for k, v in m["params"]["response"]["headers"].items()}
        return {}

    def open(self, path):
        self.driver.get(self.base + path)
        self.wait_loaded()

    def wait_loaded(self):
        WebDriverWait(self.driver, self.timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def submit_and_wait(self, button):
        """Click a submit button and wait until the next document has replaced this one."""
        marker = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, self.timeout).until(lambda d: _stale(marker))
        self.wait_loaded()

    def sign_in(self, user, password):
        d = self.driver
        if self.path() != "/sign-in":
            self.open("/sign-in")
        d.find_element(By.NAME, "user").clear()
        d.find_element(By.NAME, "user").send_keys(user)
        d.find_element(By.NAME, "password").clear()
        d.find_element(By.NAME, "password").send_keys(password)
        self.submit_and_wait(d.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))

    def message(self):
        found = self.driver.find_elements(By.CSS_SELECTOR, "p.message")
        return found[0].text if found else None

    def session_cookie(self):
        return next((c for c in self.driver.get_cookies() if c["name"] == COOKIE), None)

    def shot(self, name):
        if self.screenshots:
            os.makedirs(self.screenshots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.screenshots, f"{name}.png"))


def _stale(element):
    try:
        element.tag_name
        return False
    except WebDriverException:
        return True


def check_tls(args):
    """The chain itself, checked by Python against --ca only (not the system store)."""
    u = urllib.parse.urlsplit(args.url)
    context = ssl.create_default_context(cafile=args.ca)
    with socket.create_connection((u.hostname, u.port or 443), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=u.hostname) as tls:
            cert, version = tls.getpeercert(), tls.version()
    subject = dict(x[0] for x in cert["subject"])
    names = [v for _, v in cert.get("subjectAltName", ())]
    report("tls", True, f"verified against {args.ca}: subject {subject.get('commonName')}, names {names}, {version}")


def make_trust_home(args, home):
    """A throwaway HOME whose NSS database trusts the collector's CA for TLS servers."""
    if args.insecure:
        return "ignore-certificate-errors (--insecure)"
    certutil = shutil.which("certutil")
    if not certutil:
        raise SystemExit("certutil not found: apt-get install -y libnss3-tools (or pass --insecure to skip browser certificate checks)")
    db = os.path.join(home, ".pki", "nssdb")
    os.makedirs(db)
    subprocess.run([certutil, "-d", f"sql:{db}", "-N", "--empty-password"], check=True, capture_output=True)
    subprocess.run([certutil, "-d", f"sql:{db}", "-A", "-n", "attt-collector-ca", "-t", "C,,", "-i", args.ca],
                   check=True, capture_output=True)
    return f"collector CA in {db}"


def step_a(b):
    b.begin("a")
    b.open("/")
    statuses = b.document_statuses("a")
    d = b.driver
    h1 = d.find_element(By.TAG_NAME, "h1").text
    lang = d.find_element(By.TAG_NAME, "html").get_attribute("lang")
    has_form = bool(d.find_elements(By.NAME, "user")) and bool(d.find_elements(By.CSS_SELECTOR, "input[name=password][type=password]"))
    csp = b.last_document_headers().get("content-security-policy", "")
    ok = (b.path() == "/sign-in" and "Đăng nhập" in h1 and lang == "vi" and has_form
          and statuses[:1] == [(b.base + "/", 302)] and "default-src 'none'" in csp)
    b.shot("a-sign-in")
    report("a-sign-in-page", ok, f"/ -> {statuses}; at {b.path()}; h1 {h1!r}; lang {lang!r}; form {has_form}; CSP {csp!r}")


def step_b(b, args):
    b.begin("b")
    b.sign_in(args.user, args.password + "-sai")
    statuses = b.document_statuses("b")
    message = b.message()
    cookie = b.session_cookie()
    ok = (b.path() == "/sign-in" and statuses and statuses[-1][1] == 401 and message and "Sai" in message
          and cookie is None and "Đăng nhập" in b.driver.find_element(By.TAG_NAME, "h1").text)
    b.shot("b-wrong-password")
    report("b-wrong-password", ok, f"responses {statuses}; at {b.path()}; message {message!r}; cookie {cookie}")


def step_c(b, args):
    b.begin("c")
    b.sign_in(args.user, args.password)
    statuses = b.document_statuses("c")
    d = b.driver
    b.shot("c-signed-in")
    if b.path() != "/":
        report("c-signed-in", False, f"responses {statuses}; at {b.path()} with message {b.message()!r}, not /")
        return False
    # The commune page lists the units; each unit's page lists its hosts (office_pages_test.py
    # walks the rest of the pages).
    units = {}
    links = [(a.get_attribute("data-unit"), a.get_attribute("href")) for a in d.find_elements(By.CSS_SELECTOR, "a[data-unit]")]
    for unit, href in links:
        d.get(href)
        b.wait_loaded()
        rows = []
        for tr in d.find_elements(By.CSS_SELECTOR, "tr.host"):
            name = tr.find_element(By.TAG_NAME, "td").text
            rows.append({"id": tr.get_attribute("data-host"), "name": name,
                         "class": tr.get_attribute("class"),
                         "failing": tr.find_element(By.CSS_SELECTOR, "td.failing").text.split()})
        units[unit] = rows
    if links:
        b.open("/")
    where = {u: r for u, r in units.items() if args.expect_unit in (None, u)}
    rows = [r for rs in where.values() for r in rs if args.expect_host in (r["id"], r["name"], r["name"].split(" (")[0])]
    good = [r for r in rows if "fail" in r["class"].split() and args.expect_failing in r["failing"]]
    listing = {u: [f"{r['name']} [{r['id']}] {r['class']} {len(r['failing'])} failing" for r in rs] for u, rs in units.items()}
    if args.expect_unit and args.expect_unit not in units:
        report("c-signed-in", False, f"unit {args.expect_unit!r} not on the page; units: {listing}")
    elif not rows:
        report("c-signed-in", False, f"host {args.expect_host!r} not listed{' under ' + repr(args.expect_unit) if args.expect_unit else ''}; page: {listing}")
    elif not good:
        report("c-signed-in", False, f"host {args.expect_host!r} listed but not failing {args.expect_failing!r}: {rows}")
    else:
        officer = d.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] span").text
        report("c-signed-in", statuses[-2:] == [(b.base + "/sign-in", 302), (b.base + "/", 200)],
               f"responses {statuses}; {officer!r}; host {good[0]['name']} [{good[0]['id']}] fails {args.expect_failing} "
               f"({len(good[0]['failing'])} failing); units: {listing}")
    cookie = b.session_cookie()
    seen_by_script = COOKIE in (d.execute_script("return document.cookie") or "")
    ok = bool(cookie and cookie.get("httpOnly") and cookie.get("secure") and cookie.get("sameSite") == "Strict"
              and cookie.get("path") == "/" and not seen_by_script)
    shown = cookie and {k: cookie.get(k) for k in ("httpOnly", "secure", "sameSite", "path", "domain")}
    if cookie and "expiry" in cookie:
        shown["expires_in_h"] = round((cookie["expiry"] - time.time()) / 3600, 2)
    report("c-cookie", ok, f"{COOKIE}: {shown}; visible to document.cookie: {seen_by_script}")
    return bool(rows and good)


def step_e(b):
    b.begin("e")
    d = b.driver
    old = b.session_cookie()
    b.submit_and_wait(d.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))
    after_sign_out = (b.path(), b.document_statuses("e"), b.session_cookie())
    b.shot("e-signed-out")
    b.open("/")
    redirected = b.path()
    ok = (after_sign_out[0] == "/sign-in" and after_sign_out[2] is None and redirected == "/sign-in"
          and any(s == (b.base + "/sign-out", 302) for s in after_sign_out[1]))
    report("e-sign-out", ok, f"after sign-out at {after_sign_out[0]} (responses {after_sign_out[1]}), cookie {after_sign_out[2]}; / then lands on {redirected}")

    # The server must have forgotten the session, not only the browser its cookie.
    b.begin("e-old")
    if old:
        d.add_cookie({"name": COOKIE, "value": old["value"], "path": "/", "secure": True, "httpOnly": True, "sameSite": "Strict"})
        b.open("/")
        hosts = d.find_elements(By.CSS_SELECTOR, "tr.host")
        report("e-old-session", b.path() == "/sign-in" and not hosts, f"old cookie put back: / lands on {b.path()}, {len(hosts)} host rows")
        d.delete_cookie(COOKIE)
    else:
        report("e-old-session", False, "no session cookie was set before signing out")

    # History: Back must not bring the status page back from a cache (Cache-Control: no-store).
    b.begin("e-back")
    d.back()
    b.wait_loaded()
    hosts = d.find_elements(By.CSS_SELECTOR, "tr.host")
    report("e-back-button", not hosts, f"Back lands on {b.path()} with {len(hosts)} host rows")


def step_f(b, args):
    user, right = args.locked_user, args.locked_password or args.password
    seen = []
    b.begin("f")
    b.open("/sign-in")
    for i in range(1, args.attempts + 1):
        b.sign_in(user, f"sai-{i}")
        status = b.document_statuses("f")[-1][1]
        seen.append(status)
        if status != 401:
            report("f-lockout", False, f"wrong password {i} of {args.attempts} for {user!r} answered {status} ({b.message()!r}), expected 401"
                   + (" — already locked by an earlier run? use a fresh --locked-user" if status == 429 and i == 1 else
                      " — is --attempts the server's officers.lockout-attempts?" if status == 429 else ""))
            return
    b.sign_in(user, right)
    status = b.document_statuses("f")[-1][1]
    message = b.message() or ""
    b.shot("f-locked")
    ok = status == 429 and "tạm khóa" in message and b.path() == "/sign-in" and b.session_cookie() is None
    hint = "" if ok else " — is --attempts the server's officers.lockout-attempts?"
    report("f-lockout", ok, f"{user!r}: {args.attempts} wrong passwords answered {seen}; then the right one answered {status}, "
           f"message {message!r}, at {b.path()}{hint}")

    # The lock is on that account only: the other officer is not locked out with it.
    b.begin("f-other")
    b.sign_in(args.user, args.password)
    ok = b.path() == "/" and b.session_cookie() is not None
    report("f-per-account", ok, f"{args.user!r} signing in while {user!r} is locked lands on {b.path()}")
    if ok:
        b.submit_and_wait(b.driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))


EXPECTED_NOISE = re.compile(r"^(?P<url>\S+) - Failed to load resource: the server responded with a status of (?P<status>\d+)")


def step_d(b):
    """Every console entry and network failure since the browser started."""
    b.drain()
    problems = []
    expected_error_pages = {("b", 401), ("f", 401), ("f", 429)}  # the refusal pages are answered with these on purpose
    for step, entry in b.console:
        m = EXPECTED_NOISE.match(entry["message"])
        if m and m["url"] == b.base + "/sign-in" and (step, int(m["status"])) in expected_error_pages:
            continue
        if entry["level"] in ("SEVERE", "WARNING") or "Content Security Policy" in entry["message"]:
            problems.append(f"[{step}] console {entry['level']} {entry['source']}: {entry['message']}")
    kinds = {}
    for step, m in b.network:
        p = m["params"]
        if m["method"] == "Network.loadingFailed":
            problems.append(f"[{step}] load failed: {p.get('type')} {p.get('errorText')} {p.get('blockedReason') or ''}".strip())
        elif m["method"] == "Network.requestWillBeSent":
            kinds[p.get("type")] = kinds.get(p.get("type"), 0) + 1
        elif m["method"] == "Network.responseReceived":
            status = p["response"]["status"]
            if status >= 400 and not (p.get("type") == "Document" and (step, status) in expected_error_pages):
                problems.append(f"[{step}] {p.get('type')} {p['response']['url']} answered {status}")
    report("d-console", not problems, problems or f"{len(b.console)} console entries, all expected; requests by type {kinds}")


def step_d_canary(b):
    """Make a CSP violation on purpose (an inline image, which default-src 'none' forbids) and
    check it shows up where d-console looks, so a clean d-console means something."""
    b.begin("canary")
    b.open("/sign-in")
    b.driver.execute_script("const i = document.createElement('img'); i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.body.append(i);")
    deadline = time.time() + 5
    while time.time() < deadline:
        b.drain()
        hits = [e["message"] for s, e in b.console if s == "canary" and "Content Security Policy" in e["message"]]
        if hits:
            report("d-console-canary", True, f"caught: {hits[0][:160]}")
            return
        time.sleep(0.2)
    report("d-console-canary", False, "a deliberate CSP violation did not reach the console log: d-console cannot be trusted")


def main():
    args = parse_args()
    started = time.time()
    home = tempfile.mkdtemp(prefix="attt-browser-")
    browser = None
    try:
        try:
            check_tls(args)
        except (OSError, ssl.SSLError) as e:
            report("tls", False, f"{args.url} with CA {args.ca}: {e}")
        try:
            trust = make_trust_home(args, home)
            browser = Browser(args, home)
        except (WebDriverException, OSError, subprocess.CalledProcessError) as e:
            report("browser", False, f"cannot start {args.chromium} through {args.chromedriver}: {str(e).strip()[:400]}")
            return 2
        print(json.dumps({"browser": f"Chromium {browser.driver.capabilities.get('browserVersion')}",
                          "driver": browser.driver.capabilities.get("chrome", {}).get("chromedriverVersion", "").split(" ")[0],
                          "trust": trust, "locked_user": args.locked_user}, ensure_ascii=False), flush=True)
        steps = [("a-sign-in-page", lambda: step_a(browser)),
                 ("b-wrong-password", lambda: step_b(browser, args)),
                 ("c-signed-in", lambda: step_c(browser, args)),
                 ("e-sign-out", lambda: step_e(browser)),
                 ("f-lockout", lambda: step_f(browser, args)),
                 ("d-console", lambda: step_d(browser)),
                 ("d-console-canary", lambda: step_d_canary(browser))]
        for name, run in steps:
            if name == "e-sign-out" and browser.path() != "/":
                report(name, False, "not signed in, so there is nothing to sign out of (see c-signed-in)")
                continue
            try:
                run()
            except Exception as e:  # a missing element or a timeout fails this step, not the whole run
                browser.shot(f"error-{name}")
                report(name, False, f"{type(e).__name__} at {browser.driver.current_url}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
    finally:
        if browser:
            browser.driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    failed = [c for c, ok, _ in RESULTS if not ok]
    print(json.dumps({"summary": {"passed": len(RESULTS) - len(failed), "failed": len(failed), "seconds": round(time.time() - started, 1)}}), flush=True)
    if failed:
        print(f"officer_web_test: FAILED {', '.join(failed)} (see the JSON lines above)", file=sys.stderr)
    print(f"officer_web_test: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
