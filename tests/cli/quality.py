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
("entering in", "heaving in"). And, read as an illustrator would (WordNet's
own files, /usr/share/wordnet): two bare participles in a row ("a boy
striking, hiding"), a "with" list holding a thing whose commonest WordNet
sense is abstract ("with a stupendous scene", "with a fair enemy"), an
English title whose -ing verb has a direct object though none of its
commonest senses takes one ("Henry sitting the coat"), and an English
title whose preposition the passage never uses ("Tom near the window"
from a passage without "near"). And, in German and French, titles that
are roll calls of bare nouns ("Bonnet, laine et lettre", "Heures et
porte"): a title names people and things with their articles ("Le lit dans
la petite chambre", "Der Vater und die Schwester")."""
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

WN = "/usr/share/wordnet/"
_wn_index = {}
def _index(pos):
    """lemma -> synset offsets (commonest first) of index.<pos>."""
    if pos not in _wn_index:
        d = {}
        for line in open(WN + "index." + pos, encoding="latin-1"):
            if line.startswith(" "):
                continue
            f = line.split()
            p_cnt = int(f[3])
            d[f[0]] = [int(x) for x in f[6 + p_cnt:]]
        _wn_index[pos] = d
    return _wn_index[pos]

_wn_data = {}
def _synset(pos, off):
    if pos not in _wn_data:
        _wn_data[pos] = open(WN + "data." + pos, "rb")
    f = _wn_data[pos]
    f.seek(off)
    return f.readline().decode("latin-1").split(" | ")[0].split()

_wn_exc = {}
MORPHY = {"noun": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                   ("men", "man"), ("ies", "y")],
          "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
                   ("ing", "")]}
def _lemmas(word, pos):
    """WordNet's morphy: the exception list (leaves -> leaf), the word, then its suffix rules."""
    if pos not in _wn_exc:
        d = {}
        for line in open(WN + pos + ".exc", encoding="latin-1"):
            f = line.split()
            if len(f) >= 2:
                d.setdefault(f[0], f[1:])
        _wn_exc[pos] = d
    idx = _index(pos)
    out = [x for x in _wn_exc[pos].get(word, []) if x in idx]
    for suf, rep in MORPHY[pos]:
        if word.endswith(suf) and len(word) > len(suf) + 1:
            stem = word[: -len(suf)] + rep
            if stem in idx and stem not in out:
                out.append(stem)
            if suf == "ing" and not rep and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in idx:
                out.append(stem[:-1])  # "dipping" -> dip
    if word in idx:
        out.append(word)  # after the rules: "wings" is a wing before the insignia
    return out

def stray_particle(p):
    """An -ing form with an 'in' that completes nothing ("entering in,"):
    stray unless WordNet has the phrasal verb ("coming in": come_in, "creeping
    in": creep_in)."""
    for m in STRAY.finditer(p):
        verb = m.group(0).split()[0]
        if not any(l + "_in" in _index("verb") for l in _lemmas(verb, "verb")):
            return True
    return False

# noun.act, attribute, cognition, event, feeling, motive, possession, process, quantity, relation, state, time
ABSTRACT_LEX = {4, 7, 9, 11, 12, 16, 21, 22, 23, 24, 26, 28}
def noun_abstract(word):
    """The commonest WordNet sense of the noun is an abstraction."""
    lem = _lemmas(word, "noun")
    if not lem:
        return False
    offs = _index("noun")[lem[0]]
    return bool(offs) and int(_synset("noun", offs[0])[1]) in ABSTRACT_LEX

TRANSITIVE = {8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 24, 25, 30, 31}
def verb_takes_object(word):
    """Some of the two commonest senses of the -ing form's verb takes a direct object
    (WordNet's verb frames); True when WordNet does not know the verb."""
    lem = _lemmas(word, "verb")
    if not lem:
        return True
    for l in lem:
        for off in _index("verb")[l][:2]:
            f = _synset("verb", off)
            w_cnt = int(f[3], 16)
            i = 4 + 2 * w_cnt
            p_cnt = int(f[i]); i += 1 + 4 * p_cnt
            if i < len(f) and f[i].isdigit():
                n = int(f[i]); i += 1
                for k in range(n):
                    if int(f[i + 1]) in TRANSITIVE:
                        return True
                    i += 3
    return False

NOT_PARTICIPLES = {"morning", "evening", "lightning", "spring", "ceiling", "building", "clothing", "painting",
                   "king", "ring", "string", "thing", "wing", "nothing", "something", "anything", "everything",
                   "pudding", "stocking", "wedding", "dwelling", "swing", "sling", "sting", "awning", "bring"}
PARTICIPLE_RUN = re.compile(r"(?:^|,\s)[a-z ]*?\b([a-z]{3,}ing),\s([a-z]{3,}ing)(?:,|;|$)")
def participle_run(scene):
    """Two bare -ing forms in a row: "a boy striking, hiding the raft"."""
    for m in PARTICIPLE_RUN.finditer(scene):
        if m.group(1) not in NOT_PARTICIPLES and m.group(2) not in NOT_PARTICIPLES:
            return True
    return False

def with_abstract(scene):
    """A thing of the "with" list whose commonest sense is abstract ("with a stupendous scene")."""
    for el in re.split(r"[,;]", scene):
        el = el.strip()
        if not el.startswith("with "):
            continue
        for item in el[5:].split(" and "):
            w = item.split()
            if w and noun_abstract(w[-1].lower()):
                return w[-1]
    return None

TITLE_PREPS = {"near", "by", "at", "in", "on", "under", "over", "behind", "beside", "across", "along", "through",
               "into", "upon", "among", "against", "below", "beneath", "above", "around", "inside", "outside"}
TIME_WORDS = {"morning", "afternoon", "evening", "night", "rain", "storm", "snow", "fog", "mist", "wind",
              "moonlight", "sunshine", "sunlight", "darkness", "dawn", "dusk", "midnight", "noon", "sunset",
              "sunrise", "twilight", "nightfall", "daybreak"}
def title_grammar(t, quote):
    """An English title's verb with an object it cannot take, or a preposition the passage lacks."""
    w = t.split()
    qw = set(words(quote))
    for i, x in enumerate(w):
        lx = x.lower()
        if lx.endswith("ing") and i + 1 < len(w) and w[i + 1].lower() in ("the", "a", "an", "his", "her", "their") \
                and not verb_takes_object(lx):
            return "verb '%s' takes no object" % x
        if lx in TITLE_PREPS and i + 2 < len(w) and w[i + 1].lower() == "the" and \
                w[i + 2].lower() not in TIME_WORDS and lx not in qw:
            return "preposition '%s' not in the passage" % x
    return None

ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "au", "aux", "son", "sa", "ses", "leur", "leurs",
            "der", "die", "das", "dem", "den", "des", "ein", "eine", "einen", "einem", "einer", "sein", "seine",
            "seinem", "ihr", "ihre", "ihrem", "im", "am", "zum", "zur", "beim"}
def title_rollcall(t, lang, names):
    """A German or French title listing bare nouns: "A, B et C", "Heures et porte"."""
    if lang not in ("de", "fr"):
        return False
    name_words = set(w for n in names for w in n.split())
    parts = [p.strip() for p in re.split(r",| et | und ", t) if p.strip()]
    if len(parts) < 2:
        return False
    bare = 0
    for p in parts:
        w = p.split()
        if len(w) == 1 and w[0] not in name_words and w[0].lower() not in ARTICLES and "'" not in w[0]:
            bare += 1
    return bare >= 2 or ("," in t and bare >= 1)

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
           "numbered_titles": 0, "stray_particle": 0, "participle_run": 0, "with_abstract": 0,
           "title_grammar": 0, "title_rollcall": 0}
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
            if stray_particle(p):
                tot["stray_particle"] += 1; bad.append(("stray", p))
            sc = idea.get("scene", "")
            if participle_run(sc):
                tot["participle_run"] += 1; bad.append(("participles", sc))
            wa = with_abstract(sc)
            if wa:
                tot["with_abstract"] += 1; bad.append(("with_abstr", "%s: %s" % (wa, sc)))
            if lang == "en":
                tg = title_grammar(idea["title"], (idea.get("anchor") or {}).get("quote", ""))
                if tg:
                    tot["title_grammar"] += 1; bad.append(("title_gram", "%s (%s)" % (idea["title"], tg)))
            if title_rollcall(idea["title"], lang, names):
                tot["title_rollcall"] += 1; bad.append(("rollcall", idea["title"]))
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
