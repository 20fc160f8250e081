#!/usr/bin/python3
"""serve_browser.py - the page of `longsd serve` in a real headless Chromium
(Debian's chromium + chromium-driver through python3-selenium), driven the way
a person would: open a book, choose a candidate, re-roll an idea, edit a prompt,
edit a cast description, export. After each action the plan file, the images
on disk and the DOCX (exported from the page) must show it.

usage: serve_browser.py URL WORKSPACE BOOK [SCREENSHOT_DIR]
Prints "ok   ..." / "FAIL ..." lines; test_serve_browser.sh counts them.
"""
import hashlib, json, os, sys, time, zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

URL, WS, BOOK = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else ""
PLAN = os.path.join(WS, "image_prompts", BOOK + ".json")
DOCX = os.path.join(WS, "docx", BOOK + ".docx")
failed = 0


def ok(name):
    print("ok   " + name, flush=True)


def fail(name, why):
    global failed
    failed += 1
    print("FAIL " + name + "\n  " + str(why)[:600], flush=True)


def plan():
    with open(PLAN) as f:
        return json.load(f)


def idea(p, iid):
    return next(i for i in p["ideas"] if i["id"] == iid)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def docx_media():
    with zipfile.ZipFile(DOCX) as z:
        return {hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("word/media/")}


def sidecar(img):
    with open(os.path.join(WS, os.path.splitext(img)[0] + ".json")) as f:
        return json.load(f)


def wait(cond, what, timeout=30):
    t0 = time.time()
    last = None
    while time.time() - t0 < timeout:
        try:
            v = cond()
            if v:
                return v
        except Exception as e:  # the plan may be mid-rename; try again
            last = e
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what + (": %r" % last if last else ""))


def click(find, what):
    """Click what find() returns, finding it again while the page redraws it
    (a card re-rendered after the previous action leaves a stale element)."""
    wait(lambda: find().click() or True, what)


def step(name, fn):
    try:
        fn()
        ok(name)
    except Exception as e:
        fail(name, e)


opts = webdriver.ChromeOptions()
opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,960",
          "--hide-scrollbars", "--force-device-scale-factor=1"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
drv.set_page_load_timeout(30)


def card(iid):
    return drv.find_element(By.CSS_SELECTOR, '.idea[data-idea="%s"]' % iid)


def idle():
    """the page has no render in flight and shows no error"""
    st = drv.find_element(By.ID, "status")
    return "err" not in st.get_attribute("class") and not any(
        li.get_attribute("class") in ("queued", "running") for li in drv.find_elements(By.CSS_SELECTOR, "#jobs li"))


def export():
    before = os.stat(DOCX).st_mtime_ns if os.path.exists(DOCX) else 0
    drv.find_element(By.ID, "export").click()
    wait(lambda: os.path.exists(DOCX) and os.stat(DOCX).st_mtime_ns != before
         and drv.find_element(By.ID, "exported").is_displayed(), "the DOCX to be written")
    return docx_media()


try:
    p0 = plan()
    ids = [i["id"] for i in p0["ideas"]]
    first, second, third = ids[0], ids[1], ids[2]

    def open_book():
        drv.get(URL)
        wait(lambda: len(drv.find_elements(By.CSS_SELECTOR, ".idea")) == len(ids), "every idea on the page")
        # the text is there, and each idea right after its passage
        marks = drv.find_elements(By.CSS_SELECTOR, "#story p mark")
        assert marks, "no passage marked"
        c = card(first)
        prev = c.find_element(By.XPATH, "preceding-sibling::p[1]")
        assert "has-idea" in prev.get_attribute("class"), prev.get_attribute("class")
        assert idea(p0, first)["anchor"]["quote"] in prev.text, "the card is not after its passage"
        thumbs = c.find_elements(By.CSS_SELECTOR, ".thumb")
        assert len(thumbs) == len(idea(p0, first)["candidates"]["list"]), len(thumbs)
        img = c.find_element(By.CSS_SELECTOR, ".frame img")
        wait(lambda: drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img),
             "the chosen picture to load")
        if SHOTS:  # the first idea with its passage above it
            drv.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -250)", c)
            time.sleep(0.3)
            drv.save_screenshot(os.path.join(SHOTS, "serve-desktop.png"))
            drv.execute_script("window.scrollTo(0, 0)")
    step("open a book: every idea at its passage, candidates as thumbnails, pictures load", open_book)

    def choose():
        c = card(first)
        c.find_elements(By.CSS_SELECTOR, ".thumb")[1].click()
        p = wait(lambda: (lambda q: q if idea(q, first)["candidates"]["chosen"] == 1 else None)(plan()),
                 "the plan to record candidate 2")
        i = idea(p, first)
        cand = i["candidates"]["list"][1]
        assert i["prompt"]["seed"] == cand["seed"], (i["prompt"]["seed"], cand)
        assert i["image"]["file"] == cand["image"]["file"], i["image"]
        wait(lambda: "is-chosen" in card(first).find_elements(By.CSS_SELECTOR, ".thumb")[1].get_attribute("class"),
             "the page to mark candidate 2")
        media = export()
        assert sha(os.path.join(WS, cand["image"]["file"])) in media, "the DOCX lacks the chosen picture"
        other = i["candidates"]["list"][0]["image"]["file"]
        assert sha(os.path.join(WS, other)) not in media, "the DOCX still holds the unchosen picture"
    step("choose candidate 2: plan, seed and DOCX follow", choose)

    def cli_agrees():
        # the command line changes the same plan: the page shows it on its next load
        import subprocess
        subprocess.run([os.environ["LONGSD_BIN"], "-C", WS, "-q", "choose", BOOK, first, "1"], check=True)
        assert idea(plan(), first)["candidates"]["chosen"] == 0
        drv.get(URL)
        wait(lambda: "is-chosen" in card(first).find_elements(By.CSS_SELECTOR, ".thumb")[0].get_attribute("class"),
             "the page to show the choice made by `longsd choose`")
        click(lambda: card(first).find_elements(By.CSS_SELECTOR, ".thumb")[1], "the first thumbnail")  # and back, from the page
        wait(lambda: idea(plan(), first)["candidates"]["chosen"] == 1, "the page's choice in the plan again")
    step("`longsd choose` while serve runs: the page shows it, and the page's next choice is in the plan", cli_agrees)

    def reroll():
        before = idea(plan(), second)
        seeds0 = {c["seed"] for c in before["candidates"]["list"]}
        click(lambda: card(second).find_element(By.CSS_SELECTOR, ".reroll"), "the re-roll button")

        def rerolled():
            i = idea(plan(), second)
            lst = i["candidates"]["list"]
            new = [c for c in lst if c["seed"] not in seeds0]
            return i if len(new) >= len(lst) - 1 and all(c["image"]["state"] == "done" for c in lst) else None
        i = wait(rerolled, "new seeds, all rendered", 60)
        for c in i["candidates"]["list"]:
            f = os.path.join(WS, c["image"]["file"])
            assert os.path.exists(f), f
            assert sidecar(c["image"]["file"])["seed"] == c["seed"], c
        assert i["candidates"]["draws"] > before["candidates"]["draws"], i["candidates"]
        wait(idle, "the page to finish the re-roll")
        wait(lambda: len(card(second).find_elements(By.CSS_SELECTOR, ".thumb img")) == len(i["candidates"]["list"]),
             "the new thumbnails")
        media = export()
        assert sha(os.path.join(WS, i["image"]["file"])) in media, "the DOCX lacks the re-rolled idea's picture"
    step("re-roll an idea: new seeds in the plan, drawn through the backend, in the DOCX", reroll)

    def edit_prompt():
        c = card(third)
        c.find_element(By.CSS_SELECTOR, ".toggle-edit").click()
        ta = c.find_element(By.CSS_SELECTOR, "textarea[name=prompt]")
        ta.clear()
        ta.send_keys("a red barn at dusk, oil painting")
        c.find_element(By.CSS_SELECTOR, "button.save").click()

        def edited():
            i = idea(plan(), third)
            if i["prompt"]["positive"] != "a red barn at dusk, oil painting" or i["image"]["state"] != "done":
                return None
            return i if sidecar(i["image"]["file"])["prompt"] == i["prompt"]["positive"] else None
        i = wait(edited, "the edited prompt rendered", 60)
        wait(idle, "the page to finish the render")
        media = export()
        assert sha(os.path.join(WS, i["image"]["file"])) in media, "the DOCX lacks the re-rendered picture"
        with zipfile.ZipFile(DOCX) as z:
            assert "a red barn at dusk" in z.read("word/document.xml").decode(), "the DOCX appendix lacks the prompt"
    step("edit a prompt: plan, re-rendered image and DOCX show it", edit_prompt)

    def edit_cast():
        p = plan()
        # a character some idea shows
        shown = [n for i in p["ideas"] for n in i["characters"]]
        who = next(c for c in p["cast"] if c["name"] in shown or c["full_name"] in shown)
        showing = [i["id"] for i in p["ideas"] if who["name"] in i["characters"] or who["full_name"] in i["characters"]]
        item = drv.find_element(By.CSS_SELECTOR, '.castitem[data-name="%s"]' % who["name"])
        ta = item.find_element(By.TAG_NAME, "textarea")
        ta.clear()
        ta.send_keys("a freckled barefoot boy in a straw hat")
        item.find_element(By.CSS_SELECTOR, ".save-cast").click()

        def redone():
            q = plan()
            c = next(c for c in q["cast"] if c["name"] == who["name"])
            if c["description"] != "a freckled barefoot boy in a straw hat":
                return None
            ii = [idea(q, x) for x in showing]
            if not all("freckled" in i["prompt"]["positive"] and i["image"]["state"] == "done" for i in ii):
                return None
            return ii if all("freckled" in sidecar(i["image"]["file"])["prompt"] for i in ii) else None
        ii = wait(redone, "every idea showing %s re-rendered with the description" % who["name"], 90)
        wait(idle, "the page to finish the renders")
        media = export()
        for i in ii:
            assert sha(os.path.join(WS, i["image"]["file"])) in media, "the DOCX lacks " + i["id"]
    step("edit a cast description: the ideas showing them re-rendered, plan and DOCX follow", edit_cast)

    def export_all():
        # the links of the previous export are still shown: wait for this
        # export's DOCX and its status, so the links read are the new ones
        before = os.stat(DOCX).st_mtime_ns if os.path.exists(DOCX) else 0
        drv.find_element(By.ID, "export").click()
        wait(lambda: os.path.exists(DOCX) and os.stat(DOCX).st_mtime_ns != before
             and drv.find_element(By.ID, "status").text.startswith("exported")
             and not drv.find_element(By.ID, "export").get_attribute("disabled"), "this export to finish")
        wait(lambda: len(drv.find_elements(By.CSS_SELECTOR, "#exported a")) >= 2, "download links")
        for f in ("docx/%s.docx", "epub/%s.epub", "html/%s/index.html"):
            assert os.path.exists(os.path.join(WS, f % BOOK)), f
        links = [a.get_attribute("href") for a in drv.find_elements(By.CSS_SELECTOR, "#exported a")]
        assert all("t=" in h for h in links), links
        if SHOTS:
            drv.set_window_size(390, 844)
            drv.get(URL)
            wait(lambda: len(drv.find_elements(By.CSS_SELECTOR, ".idea")) == len(ids), "the page at phone width")
            img = card(first).find_element(By.CSS_SELECTOR, ".frame img")
            wait(lambda: drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img),
                 "the picture at phone width")
            drv.execute_script("document.getElementById('idea-%s').scrollIntoView()" % first)
            drv.execute_script("window.scrollBy(0, -200)")
            time.sleep(0.3)
            drv.save_screenshot(os.path.join(SHOTS, "serve-phone.png"))
    step("export: DOCX, EPUB and HTML written, downloads carry the token", export_all)
finally:
    drv.quit()
sys.exit(1 if failed else 0)
