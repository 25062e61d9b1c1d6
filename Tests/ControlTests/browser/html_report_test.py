#!/usr/bin/python3
"""Open attt's HTML report in a real headless Chromium and check what a reader would see.

Debian packages (bookworm): chromium chromium-driver python3-selenium. Run with Debian's python3:

  /usr/bin/python3 html_report_test.py --html report.html --json report.json

Checks (one JSON line each; exit 1 if any failed, 2 if the browser could not start):
  rendered        the page has the heading, Vietnamese (lang="vi"), a non-trivial height
  counts          every total on the page equals the JSON report's summary
  articles        one article per result, with the JSON's status for each control
  failures-first  no failing control comes after one that does not fail
  self-contained  nothing but the file itself was loaded (no outside stylesheet, font, image or script)
  console         no console error and no CSP violation
  console-canary  a copy of the page with a forbidden image shows its CSP violation, so the console
                  check is not blind
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    sys.exit(f"selenium is not importable by {sys.executable}: run with /usr/bin/python3")

RESULTS = []


def report(check, ok, detail):
    RESULTS.append(ok)
    print(json.dumps({"check": check, "ok": ok, "detail": detail}, ensure_ascii=False), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--html", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--chromium", default=next((c for c in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(c)), "chromium"))
    p.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    args = p.parse_args()
    data = json.load(open(args.json, encoding="utf-8"))

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    home = tempfile.mkdtemp(prefix="attt-html-")
    try:
        driver = webdriver.Chrome(service=Service(args.chromedriver, env=dict(os.environ, HOME=home)), options=options)
    except Exception as error:  # noqa: BLE001 - any failure to start is reported as such
        print(json.dumps({"check": "browser", "ok": False, "detail": str(error)}), flush=True)
        return 2
    try:
        url = "file://" + os.path.abspath(args.html)
        driver.get(url)
        heading = driver.find_element(By.TAG_NAME, "h1").text
        lang = driver.execute_script("return document.documentElement.lang")
        height = driver.execute_script("return document.body.scrollHeight")
        report("rendered", heading == "KẾT QUẢ KIỂM TRA AN TOÀN THÔNG TIN" and lang == "vi" and height > 900,
               {"heading": heading, "lang": lang, "height": height})

        summary = data["summary"]
        shown = {e.get_attribute("data-count"): int(e.text) for e in driver.find_elements(By.CSS_SELECTOR, "[data-count]")}
        expected = {k: summary[k] for k in ("pass", "fail", "error", "manual", "not_applicable", "total")}
        report("counts", shown == expected, {"page": shown, "json": expected})

        articles = {e.get_attribute("id"): e.get_attribute("data-status") for e in driver.find_elements(By.CSS_SELECTOR, "article.result")}
        statuses = {r["control"]: r["status"] for r in data["results"]}
        report("articles", articles == statuses, {"page": len(articles), "json": len(statuses),
                                                   "differ": sorted(k for k in statuses if articles.get(k) != statuses[k])})

        order = [e.get_attribute("data-status") for e in driver.find_elements(By.CSS_SELECTOR, "article.result")]
        first_other = next((i for i, s in enumerate(order) if s != "fail"), len(order))
        report("failures-first", "fail" not in order[first_other:], {"order": order[:first_other + 3]})

        loaded = set()
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                loaded.add(message["params"]["request"]["url"])
        report("self-contained", loaded <= {url}, {"loaded": sorted(loaded)})

        console = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
        report("console", not console, {"entries": console})

        canary = os.path.join(home, "canary.html")
        with open(args.html, encoding="utf-8") as f, open(canary, "w", encoding="utf-8") as out:
            out.write(f.read().replace("<main>", '<main><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', 1))
        driver.get("file://" + canary)
        seen = [e for e in driver.get_log("browser") if "Content Security Policy" in e.get("message", "")]
        report("console-canary", bool(seen), {"entries": seen[:1]})
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"failed": RESULTS.count(False), "passed": RESULTS.count(True)}), flush=True)
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
