"""tests/cli/quality.py - counts over the prompts of plans (used by
test_prompt_quality.sh; also run by hand: python3 tests/cli/quality.py
TEXT PLAN [TEXT PLAN...] prints the table).

For each idea: first-person pronouns (any language), quotation marks or
dialogue dashes, broken titles, prompts over 75 real CLIP tokens (the
plan's count comes from the real tokenizer), non-English words in the scene
(for de/fr texts: every word must be in English WordNet or en_US hunspell),
10+ consecutive words copied from the text, and narrative openers. Also
(how the cast meets the scene): subjects that are a bare sex or adjective
word ("male appearing", "ragged looking"), a cast name in a prompt (CLIP
cannot draw a name), any non-English word anywhere in a de/fr prompt (the
cast's descriptions included), titles with a doubled space, and titles
with a run of two words the book language's hunspell dictionary does not
know (dialect word salad); titles numbered to be unique ("Une scène encore
7": a title should come from the scene) and -ing forms with a stray "in"
("entering in", "heaving in")."""
import ctypes, json, re, sys

FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves",
                "ich", "mich", "mir", "mein", "meine", "meinen", "meinem", "meiner", "wir", "uns", "unser",
                "je", "j", "moi", "mon", "ma", "mes", "nous", "notre", "nos"}
OPENERS = ["when", "by and by", "well", "so", "then", "it", "there"]
DANGLING = {"a", "an", "the", "and", "or", "of", "with", "to", "in", "on", "at", "by", "for", "from", "but",
            "der", "die", "das", "den", "dem", "des", "ein", "eine", "und", "oder", "mit", "von", "zu", "im",
            "le", "la", "les", "un", "une", "et", "ou", "de", "du", "des", "avec", "dans", "au", "à"}
# an -ing form with a particle that completes nothing: "entering in,", "heaving in,"
STRAY = re.compile(r"\b\w+ing in(,|;|$)")
QUOTES = re.compile(r'["“”„«»‹›]|(^|\s)[—–-]{1,2}\s|\s--\s')

def words(s):
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", s.lower())

_english = None
def english():
    global _english
    if _english is None:
        w = set()
        for pos in ("noun", "verb", "adj", "adv"):
            for line in open("/usr/share/wordnet/index." + pos, encoding="latin-1"):
                if not line.startswith(" "):
                    w.update(line.split(" ", 1)[0].split("_"))
        for line in open("/usr/share/hunspell/en_US.dic", encoding="utf-8", errors="replace"):
            w.add(line.split("/", 1)[0].strip().lower())
        w.update(["interior", "atmosphere", "people", "artstation"])
        _english = w
    return _english

def is_english(word):
    e = english()
    if word in e:
        return True
    for suf, rep in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                     ("men", "man")):
        if word.endswith(suf) and word[: -len(suf)] + rep in e:
            return True
    return False

_spell = {}
def spell_ok(lang, word):
    """hunspell (libhunspell through ctypes) on the book's language; True when unavailable."""
    files = {"en": "en_US", "de": "de_DE", "fr": "fr"}
    if lang not in _spell:
        try:
            lib = ctypes.CDLL("libhunspell-1.7.so.0")
            lib.Hunspell_create.restype = ctypes.c_void_p
            lib.Hunspell_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            lib.Hunspell_spell.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            base = "/usr/share/hunspell/" + files.get(lang, "en_US")
            _spell[lang] = (lib, lib.Hunspell_create((base + ".aff").encode(), (base + ".dic").encode()))
        except OSError:
            _spell[lang] = None
    h = _spell[lang]
    return h is None or bool(h[0].Hunspell_spell(h[1], word.encode("utf-8")))

def unknown_run(t, lang, names):
    """Two title words in a row the dictionary does not know (names apart)."""
    name_words = set(w for n in names for w in n.split())
    run = 0
    for w in t.split():
        w = w.strip(",.;:!?")
        bad = w and not w.isdigit() and w not in name_words and not spell_ok(lang, w) and \
            not spell_ok(lang, w.lower()) and not spell_ok(lang, w.capitalize())
        run = run + 1 if bad else 0
        if run >= 2:
            return True
    return False

BARE = {"male", "female", "männlich", "weiblich", "masculin", "féminin"}
def bare_subject(p):
    """The subject (first element) is a bare sex word or a lone adjective."""
    first = p.split(",")[0].split(";")[0].strip().lower().split()
    if not first:
        return False
    if first[0] in BARE:
        return True
    preps = {"through", "in", "on", "at", "by", "over", "under", "near", "into", "down", "up", "past", "with"}
    return (len(first) == 1 or (len(first) == 2 and first[1].endswith("ing"))) and first[0] in _adj_only() and \
        first[0] not in preps

_adjs = None
def _adj_only():
    global _adjs
    if _adjs is None:
        adj, noun = set(), set()
        for pos, dst in (("adj", adj), ("noun", noun)):
            for line in open("/usr/share/wordnet/index." + pos, encoding="latin-1"):
                if not line.startswith(" "):
                    dst.add(line.split(" ", 1)[0])
        _adjs = adj - noun
    return _adjs

def title_broken(t, names):
    w = t.split()
    if not 2 <= len(w) <= 6:
        return "length %d" % len(w)
    low = [x.lower().strip(",.;:") for x in w]
    if low[-1] in DANGLING:
        return "dangling '%s'" % w[-1]
    for n in names:
        if n and t.count(n) > 1:
            return "repeated name %s" % n
    content = [x for x in low if x not in DANGLING]
    if len(set(content)) < len(content):
        return "repeated word"
    return None

def count(pairs):
    tot = {"ideas": 0, "first_person": 0, "quotes": 0, "broken_titles": 0, "over_75": 0, "non_english": 0,
           "copied10": 0, "openers": 0, "bare_subject": 0, "names": 0, "title_spaces": 0, "title_unknown": 0,
           "numbered_titles": 0, "stray_particle": 0}
    bad = []
    for text_path, plan_path in pairs:
        plan = json.load(open(plan_path, encoding="utf-8"))
        text = open(text_path, encoding="utf-8", errors="replace").read()
        tw = words(text)
        grams = set(tuple(tw[i:i + 10]) for i in range(len(tw) - 9))
        lang = plan.get("language", "en")
        names = [c["name"] for c in plan.get("cast", [])]
        name_forms = set()
        for c in plan.get("cast", []):
            for n in [c.get("name"), c.get("full_name")] + list(c.get("aliases", []) or []):
                if n and n[:1].isupper():
                    name_forms.add(n)
        titles = {}
        for idea in plan["ideas"]:
            tot["ideas"] += 1
            p = idea["prompt"]["positive"]
            pw = words(p)
            if FIRST_PERSON & set(pw):
                tot["first_person"] += 1; bad.append(("first_person", p))
            if QUOTES.search(p):
                tot["quotes"] += 1; bad.append(("quotes", p))
            tb = title_broken(idea["title"], names)
            if tb or idea["title"] in titles:
                tot["broken_titles"] += 1; bad.append(("title", "%s (%s)" % (idea["title"], tb or "duplicate")))
            titles[idea["title"]] = 1
            if idea["prompt"]["tokens"] > 77:
                tot["over_75"] += 1; bad.append(("tokens", p))
            if bare_subject(p):
                tot["bare_subject"] += 1; bad.append(("bare_subject", p))
            named = [n for n in name_forms if re.search(r"(?<![\w])" + re.escape(n) + r"(?![\w])", p)]
            if named:
                tot["names"] += 1; bad.append(("names", "%s %s" % (named, p)))
            if "  " in idea["title"] or idea["title"] != idea["title"].strip():
                tot["title_spaces"] += 1; bad.append(("title_spaces", repr(idea["title"])))
            if re.search(r"\d$", idea["title"]):
                tot["numbered_titles"] += 1; bad.append(("numbered", idea["title"]))
            if STRAY.search(p):
                tot["stray_particle"] += 1; bad.append(("stray", p))
            if unknown_run(idea["title"], lang, names):
                tot["title_unknown"] += 1; bad.append(("title_unknown", idea["title"]))
            if lang in ("de", "fr"):
                foreign = [x for x in words(idea["scene"] + " " + p) if not is_english(x)]
                if foreign:
                    tot["non_english"] += 1; bad.append(("non_english", "%s %s" % (foreign, idea["scene"])))
            if any(tuple(pw[i:i + 10]) in grams for i in range(len(pw) - 9)):
                tot["copied10"] += 1; bad.append(("copied", p))
            lp = p.lower()
            if any(lp.startswith(o + " ") or lp.startswith(o + ",") for o in OPENERS):
                tot["openers"] += 1; bad.append(("opener", p))
    return tot, bad

if __name__ == "__main__":
    args = sys.argv[1:]
    tot, bad = count(list(zip(args[0::2], args[1::2])))
    for k, v in bad:
        print("  %-12s %s" % (k, v[:160]))
    print(json.dumps(tot))
