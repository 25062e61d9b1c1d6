#!/usr/bin/python3
"""Drive a real headless Chromium through the office's pages: commune → unit → host → control by
clicking links, breadcrumbs back, the forms (waiver, attestation, approval, revocation), English by
its link, and no console error or CSP violation on the way.

Same packages and trust as officer_web_test.py (whose Browser it uses). Against a running collector
whose PAM service accepts --password for --user (a supervisor):

  /usr/bin/python3 office_pages_test.py --url https://127.0.0.1:18600 --ca STATE/ca/ca.pem \\
      --user root --password PW --unit "UBND xã Tứ Dân" --failing-host h-… --control VN-TD-PW-001 \\
      --silent-host h-… --screenshots /tmp/shots

Each check prints one JSON line; the exit status is 1 if any failed, 2 if the browser did not start.
"""

import argparse
import datetime
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import officer_web_test as web  # noqa: E402  (the Browser, the trust store and the report lines)

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--unit", required=True, help="the unit whose link is followed from the commune page")
    p.add_argument("--failing-host", required=True, help="id of a host of --unit failing --control")
    p.add_argument("--control", required=True, help="a control --failing-host fails")
    p.add_argument("--silent-host", help="id of a host of --unit that is silent (mất liên lạc); it is revoked at the end")
    p.add_argument("--insecure", action="store_true")
    p.add_argument("--chromium", default=next((c for c in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(c)), "chromium"))
    p.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    p.add_argument("--screenshots", help="directory to save a full-page PNG of each page")
    p.add_argument("--timeout", type=float, default=15)
    return p.parse_args()


def shot(b, name):
    """The whole page, not only the window: the screenshot is looked at."""
    if not b.screenshots:
        return
    os.makedirs(b.screenshots, exist_ok=True)
    # The first screen as an officer sees it, and the forms, then the whole page.
    b.driver.execute_script("window.scrollTo(0, 0)")
    b.driver.save_screenshot(os.path.join(b.screenshots, f"{name}-top.png"))
    forms = b.driver.find_elements(By.CSS_SELECTOR, "form.change")
    if forms:
        b.driver.execute_script("arguments[0].scrollIntoView()", forms[0])
        b.driver.save_screenshot(os.path.join(b.screenshots, f"{name}-forms.png"))
    height = b.driver.execute_script("return document.documentElement.scrollHeight")
    b.driver.set_window_size(1280, min(max(900, height), 8000))
    b.driver.save_screenshot(os.path.join(b.screenshots, f"{name}.png"))
    b.driver.set_window_size(1280, 900)


def click(b, css):
    element = b.driver.find_element(By.CSS_SELECTOR, css)
    b.submit_and_wait(element)


def text(b):
    return b.driver.find_element(By.TAG_NAME, "body").text


def accessible_tables(b):
    """Every table has a caption and its header cells a scope."""
    d = b.driver
    tables = d.find_elements(By.TAG_NAME, "table")
    bad = [t.get_attribute("class") for t in tables if not t.find_elements(By.TAG_NAME, "caption")]
    bad += [f"th without scope in {t.get_attribute('class')}" for t in tables for th in t.find_elements(By.TAG_NAME, "th") if not th.get_attribute("scope")]
    return len(tables), bad


def navigate(b, args):
    b.begin("commune")
    b.sign_in(args.user, args.password)
    count, bad = accessible_tables(b)
    shot(b, "1-commune")
    web.report("commune", b.path() == "/" and "Tình hình" in b.driver.find_element(By.TAG_NAME, "h1").text and not bad,
               f"at {b.path()}; {count} tables; problems {bad}")

    b.begin("unit")
    click(b, f"a[data-unit='{args.unit}']")
    row = b.driver.find_elements(By.CSS_SELECTOR, f"tr.host[data-host='{args.failing_host}']")
    silent = b.driver.find_elements(By.CSS_SELECTOR, f"tr.host[data-host='{args.silent_host}']") if args.silent_host else []
    count, bad = accessible_tables(b)
    shot(b, "2-unit")
    ok = (b.path().startswith("/units/") and row and "fail" in row[0].get_attribute("class").split() and args.control in row[0].text
          and (not args.silent_host or (silent and silent[0].get_attribute("data-state") == "silent" and "Mất liên lạc" in silent[0].text))
          and not bad)
    web.report("unit", ok, f"at {b.path()}; failing row {row[0].text if row else None!r}; silent row {silent[0].text if silent else None!r}; tables {count}, problems {bad}")

    b.begin("host")
    click(b, f"tr.host[data-host='{args.failing_host}'] a")
    control = b.driver.find_elements(By.CSS_SELECTOR, f"tr[data-control='{args.control}']")
    svg = b.driver.find_elements(By.CSS_SELECTOR, "figure svg title")
    caption = b.driver.find_elements(By.CSS_SELECTOR, "figure figcaption")
    count, bad = accessible_tables(b)
    shot(b, "3-host")
    ok = (b.path() == f"/hosts/{args.failing_host}" and control and control[0].get_attribute("data-status") == "fail"
          and "không đạt từ" in control[0].text and svg and caption and "báo cáo" in caption[0].text and not bad)
    web.report("host", ok, f"at {b.path()}; {args.control} row {control[0].text[:160] if control else None!r}; chart title {bool(svg)}; "
               f"text {caption[0].text[:120] if caption else None!r}; problems {bad}")

    b.begin("control")
    click(b, f"tr[data-control='{args.control}'] th a")
    row = b.driver.find_elements(By.CSS_SELECTOR, f"tr.host[data-host='{args.failing_host}'] td.since")
    count, bad = accessible_tables(b)
    shot(b, "4-control")
    web.report("control", b.path() == f"/controls/{args.control}" and row and "không đạt từ" in row[0].text and not bad,
               f"at {b.path()}; since {row[0].text if row else None!r}; problems {bad}")

    b.begin("crumbs")
    crumbs = [a.text for a in b.driver.find_elements(By.CSS_SELECTOR, "nav.crumbs a")]
    click(b, "nav.crumbs li:nth-child(2) a")
    at_unit = b.path()
    click(b, "nav.crumbs li:first-child a")
    web.report("breadcrumbs", at_unit.startswith("/units/") and b.path() == "/", f"crumbs {crumbs}: unit → {at_unit}, commune → {b.path()}")


def set_date(b, form, name, day):
    # A date field's typing is locale-dependent; its value is not.
    b.driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), day)


def forms(b, args):
    d = b.driver
    today = datetime.date.today()
    b.begin("waiver")
    b.open(f"/hosts/{args.failing_host}")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/waivers']")
    Select(form.find_element(By.NAME, "control")).select_by_visible_text(args.control)
    form.find_element(By.NAME, "justification").send_keys("Máy in cũ chưa hỗ trợ; thay thế trong quý 1")
    form.find_element(By.NAME, "approvedBy").send_keys("Chủ tịch UBND xã")
    set_date(b, form, "expires", (today + datetime.timedelta(days=90)).isoformat())
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    row = d.find_elements(By.CSS_SELECTOR, f"tr[data-control='{args.control}']")
    shot(b, "5-host-waived")
    web.report("form-waiver", b.path() == f"/hosts/{args.failing_host}" and row and "Miễn trừ" in row[0].text and "Máy in cũ" in row[0].text,
               f"at {b.path()}; row {row[0].text[:200] if row else None!r}")

    b.begin("approve")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/jobs']")
    field = form.find_element(By.NAME, "controls")
    field.clear()
    field.send_keys("VN-TD-PW-004")
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    jobs = d.find_elements(By.CSS_SELECTOR, "table.jobs tbody tr")
    web.report("form-approve", b.path() == f"/hosts/{args.failing_host}" and jobs and "VN-TD-PW-004" in jobs[0].text,
               f"at {b.path()}; jobs {[j.text for j in jobs]}")

    b.begin("attestation")
    click(b, "nav.crumbs li:nth-child(2) a")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/attestations']")
    Select(form.find_element(By.NAME, "control")).select_by_visible_text("VN-TD-ATT-001")
    set_date(b, form, "attestedOn", today.isoformat())
    form.find_element(By.NAME, "reference").send_keys("12/QĐ-UBND")
    form.find_element(By.NAME, "attestedBy").send_keys("Chủ tịch UBND xã")
    set_date(b, form, "validUntil", (today + datetime.timedelta(days=365)).isoformat())
    # The signed decision, attached through the file field (multipart/form-data).
    decision = os.path.join(tempfile.mkdtemp(prefix="attt-decision-"), "Quyết định 12.pdf")
    with open(decision, "wb") as f:
        f.write(b"%PDF-1.7 quyet dinh 12/QD-UBND\n")
    form.find_element(By.NAME, "file").send_keys(decision)
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    row = d.find_elements(By.CSS_SELECTOR, "tr.attestation[data-control='VN-TD-ATT-001']")
    due = d.find_elements(By.CSS_SELECTOR, "tr.attestation[data-control='VN-TD-ATT-002']")
    attached = row[0].find_elements(By.CSS_SELECTOR, "a.attachment") if row else []
    shot(b, "6-unit-attested")
    web.report("form-attestation", row and row[0].get_attribute("data-standing") == "attested" and "12/QĐ-UBND" in row[0].text
               and attached and attached[0].text == "Quyết định 12.pdf" and "SHA-256" in row[0].text
               and due and due[0].get_attribute("data-standing") != "attested", f"ATT-001 {row[0].text if row else None!r}; ATT-002 {due[0].text if due else None!r}")

    b.begin("refused")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/waivers']")
    form.find_element(By.NAME, "justification").send_keys("x")
    form.find_element(By.NAME, "approvedBy").send_keys("y")
    set_date(b, form, "expires", "2020-01-01")
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    statuses = b.document_statuses("refused")
    message = b.message()
    shot(b, "7-refused")
    web.report("form-refused", statuses and statuses[-1][1] == 400 and message, f"responses {statuses}; message {message!r}")

    if args.silent_host:
        b.begin("revoke")
        b.open(f"/hosts/{args.silent_host}")
        click(b, "form[action$='/revoke'] button")
        state = d.find_element(By.CSS_SELECTOR, "dl.cards .card b").text
        shot(b, "8-host-revoked")
        web.report("form-revoke", b.path() == f"/hosts/{args.silent_host}" and "thu hồi" in state and not d.find_elements(By.CSS_SELECTOR, "form[action$='/revoke']"),
                   f"at {b.path()}; state {state!r}")


def catalogues(b, args):
    """The unit's catalogues (issue 16): reached from the unit's page, a new version published by
    editing the layer's text, shown with where each entry comes from and in the versions table."""
    d = b.driver
    b.begin("catalogues")
    b.open("/")
    click(b, f"a[data-unit='{args.unit}']")
    click(b, "a[href$='/catalogues']")
    before = text(b)
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/catalogues']")
    layer = form.find_element(By.NAME, "layer")
    # The page offers the layer's text; the officer adds a denied list and a note.
    d.execute_script("arguments[0].value = arguments[1]", layer,
                     'catalogue: attt.catalogue.v1\nnote: "cấm phần mềm điều khiển từ xa"\n'
                     'controls:\n  VN-TD-PW-004: {max_days: 60}\n'
                     'catalogs:\n  software.denied: {all: [anydesk, "teamviewer*", rustdesk]}\n')
    # First the preview: nothing is published, the text stays in the form.
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[value=preview]"))
    previewed = text(b)
    shot(b, "8-unit-catalogues-preview")
    web.report("catalogues-preview", "Xem trước" in previewed and "Chưa phát hành gì" in previewed and "Các phiên bản" not in previewed,
               f"at {b.path()}; page {previewed[:300]!r}")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/catalogues']")
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]:not([name])"))
    after = text(b)
    count, bad = accessible_tables(b)
    shot(b, "8a-unit-catalogues")
    ok = (b.path().endswith("/catalogues") and "chính sách gốc" in before and "rustdesk" in after and "đơn vị v1" in after
          and "cấm phần mềm điều khiển từ xa" in after and "Gói đang phát hành" in after and "Máy chưa dùng gói mới nhất" in after and not bad)
    web.report("catalogues", ok, f"at {b.path()}; tables {count}, problems {bad}; page {after[:300]!r}")

    b.begin("catalogues-refused")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/catalogues']")
    d.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "layer"),
                     "catalogue: attt.catalogue.v1\ncontrols:\n  VN-TD-PW-004: {max_days: 365}\n")
    b.submit_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]:not([name])"))
    statuses = b.document_statuses("catalogues-refused")
    message = b.message()
    # The page comes back with the officer's text in the form, not a page that loses it.
    kept = d.find_element(By.CSS_SELECTOR, "form[action$='/catalogues'] textarea[name=layer]").get_attribute("value")
    shot(b, "8b-catalogues-refused")
    web.report("catalogues-refused", statuses and statuses[-1][1] == 400 and message and "weaker than the regulation allows" in message
               and "max_days: 365" in kept and "rustdesk" in text(b), f"responses {statuses}; message {message!r}; form {kept!r}")


def english(b, args):
    b.begin("english")
    b.open("/")
    click(b, f"a[data-unit='{args.unit}']")
    click(b, "a[hreflang=en]")
    lang = b.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    unit_text = text(b)
    shot(b, "9-unit-english")
    click(b, f"tr.host[data-host='{args.failing_host}'] a")
    host_lang = b.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    host_text = text(b)
    shot(b, "10-host-english")
    ok = (lang == "en" and host_lang == "en" and "Failing controls" in unit_text and "Sign out" in host_text
          and ("Silent (no contact)" in unit_text or not args.silent_host or "Revoked" in unit_text))
    web.report("english", ok, f"unit page lang {lang!r}, host page lang {host_lang!r} at {b.path()}")
    click(b, "a[hreflang=vi]")
    web.report("vietnamese-again", b.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", f"at {b.path()}")


def console(b):
    b.drain()
    problems = []
    for step, entry in b.console:
        if step in ("refused", "catalogues-refused") and "status of 400" in entry["message"]:
            continue  # the refused form is answered 400 on purpose
        if entry["level"] in ("SEVERE", "WARNING") or "Content Security Policy" in entry["message"]:
            problems.append(f"[{step}] {entry['level']}: {entry['message']}")
    for step, m in b.network:
        if m["method"] == "Network.loadingFailed":
            problems.append(f"[{step}] load failed: {m['params'].get('errorText')} {m['params'].get('blockedReason') or ''}")
    web.report("console", not problems, problems or f"{len(b.console)} console entries, none an error or a CSP violation")


def main():
    args = parse_args()
    args.expect_host = args.failing_host
    started = time.time()
    home = tempfile.mkdtemp(prefix="attt-browser-")
    browser = None
    try:
        try:
            web.check_tls(args)
        except (OSError, ssl.SSLError) as e:
            web.report("tls", False, f"{args.url}: {e}")
        try:
            web.make_trust_home(args, home)
            browser = web.Browser(args, home)
        except (WebDriverException, OSError, subprocess.CalledProcessError) as e:
            web.report("browser", False, f"cannot start {args.chromium}: {str(e).strip()[:400]}")
            return 2
        for name, run in [("navigate", lambda: navigate(browser, args)), ("forms", lambda: forms(browser, args)), ("catalogues", lambda: catalogues(browser, args)),
                          ("english", lambda: english(browser, args)), ("console", lambda: console(browser))]:
            try:
                run()
            except Exception as e:  # a missing element or a timeout fails this part, not the whole run
                shot(browser, f"error-{name}")
                web.report(name, False, f"{type(e).__name__} at {browser.driver.current_url}: {(str(e).strip().splitlines() or [''])[0]}")
    finally:
        if browser:
            browser.driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    failed = [c for c, ok, _ in web.RESULTS if not ok]
    print(json.dumps({"summary": {"passed": len(web.RESULTS) - len(failed), "failed": len(failed), "seconds": round(time.time() - started, 1)}}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
