#!/usr/bin/env python3
"""ner serve's page in a real browser: headless Chromium driven by Selenium loads the page from a server started on
127.0.0.1, types a sentence, submits it, and checks the highlighted entities against `ner tag`'s for that sentence,
then asks for the n-best paths. Usage: serve_browser_test.py NER_BINARY MODEL [--screenshot FILE.png]
Exits 77 (skipped) when Selenium or chromedriver is missing (Debian: python3-selenium chromium-driver)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SENTENCE = "李克强在北京会见了联合国秘书长潘基文。"


def fail(message):
    print("serve_browser_test: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    screenshot = None
    if "--screenshot" in args:
        at = args.index("--screenshot")
        screenshot = args[at + 1]
        del args[at:at + 2]
    if len(args) != 2:
        fail("usage: serve_browser_test.py NER_BINARY MODEL [--screenshot FILE.png]")
    ner, model = args
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        print("serve_browser_test: skipped: Selenium is not installed (python3-selenium)")
        sys.exit(77)
    driver_path = shutil.which("chromedriver")
    browser_path = shutil.which("chromium")
    if not driver_path or not browser_path:
        print("serve_browser_test: skipped: chromedriver or chromium is missing (chromium-driver)")
        sys.exit(77)

    # What ner tag finds in the sentence: the page must show the same.
    tagged = subprocess.run([ner, "tag", "--model", model, "--precision", "float"], input=SENTENCE + "\n",
                            capture_output=True, text=True, check=True)
    expected = [(e["text"], e["type"]) for e in json.loads(tagged.stdout)["entities"]]
    if len(expected) < 2:
        fail("the model finds fewer than two entities in the test sentence: " + tagged.stdout)

    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([ner, "serve", "--model", model, "--port", "0", "--precision", "float"], stderr=log)
    try:
        port = None
        for _ in range(600):
            log.seek(0)
            found = re.search(r"127\.0\.0\.1:(\d+)", log.read())
            if found:
                port = int(found.group(1))
                break
            if server.poll() is not None:
                break
            time.sleep(0.05)
        if port is None:
            log.seek(0)
            fail("the server did not start: " + log.read())

        options = webdriver.ChromeOptions()
        options.binary_location = browser_path
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,700"):
            options.add_argument(argument)
        browser = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            browser.get("http://127.0.0.1:%d/" % port)
            box = browser.find_element(By.ID, "text")
            box.send_keys(SENTENCE)
            browser.find_element(By.ID, "tag").click()
            WebDriverWait(browser, 20).until(lambda b: "entities" in b.find_element(By.ID, "status").text)
            marks = browser.find_elements(By.CSS_SELECTOR, "#result mark.entity")
            # Each mark holds the entity's text, then its label.
            shown = [(m.text.rsplit(m.get_attribute("data-type"), 1)[0].strip(), m.get_attribute("data-type")) for m in marks]
            if shown != expected:
                fail("the page shows %s, ner tag finds %s" % (shown, expected))
            result = browser.find_element(By.ID, "result").text
            if not result.replace("\n", "").startswith(SENTENCE[:1]):
                fail("the page's text is not the sentence: " + result)
            titles = [m.get_attribute("title") for m in marks]
            if not all("confidence" in t for t in titles):
                fail("an entity lacks its confidence on hover: %s" % titles)
            legend = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#legend span")]
            if sorted(set(t for _, t in expected)) != legend:
                fail("the legend is %s" % legend)
            # n-best on request.
            nbest = browser.find_element(By.ID, "nbest")
            nbest.clear()
            nbest.send_keys("3")
            browser.find_element(By.ID, "tag").click()
            WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#alternatives .path")) == 3)
            if screenshot:
                browser.save_screenshot(screenshot)
        finally:
            browser.quit()
        server.send_signal(signal.SIGTERM)
        if server.wait(timeout=20) != 0:
            fail("ner serve exited %d after SIGTERM" % server.returncode)
    finally:
        if server.poll() is None:
            server.kill()
    print("serve_browser_test: the page shows %d entities as ner tag finds them: %s" % (len(expected), expected))


if __name__ == "__main__":
    main()
