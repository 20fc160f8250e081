"""tests/cli/quality.py - counts over the prompts of plans (used by
test_prompt_quality.sh; also run by hand: python3 tests/cli/quality.py
TEXT PLAN [TEXT PLAN...] prints the table).

For each idea: first-person pronouns (any language), quotation marks or
dialogue dashes, broken titles, prompts over 75 real CLIP tokens (the
plan's count comes from the real tokenizer), non-English words in the scene
(for de/fr texts: every word must be in English WordNet or en_US hunspell),
10+ consecutive words copied from the text, and narrative openers."""
import json, re, sys

FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves",
                "ich", "mich", "mir", "mein", "meine", "meinen", "meinem", "meiner", "wir", "uns", "unser",
                "je", "j", "moi", "mon", "ma", "mes", "nous", "notre", "nos"}
OPENERS = ["when", "by and by", "well", "so", "then", "it", "there"]
DANGLING = {"a", "an", "the", "and", "or", "of", "with", "to", "in", "on", "at", "by", "for", "from", "but",
            "der", "die", "das", "den", "dem", "des", "ein", "eine", "und", "oder", "mit", "von", "zu", "im",
            "le", "la", "les", "un", "une", "et", "ou", "de", "du", "des", "avec", "dans", "au", "à"}
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
        w.update(["interior", "atmosphere", "people"])
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
           "copied10": 0, "openers": 0}
    bad = []
    for text_path, plan_path in pairs:
        plan = json.load(open(plan_path, encoding="utf-8"))
        text = open(text_path, encoding="utf-8", errors="replace").read()
        tw = words(text)
        grams = set(tuple(tw[i:i + 10]) for i in range(len(tw) - 9))
        lang = plan.get("language", "en")
        names = [c["name"] for c in plan.get("cast", [])]
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
            if lang in ("de", "fr"):
                foreign = [x for x in words(idea["scene"]) if not is_english(x)]
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
