#!/bin/sh
# The spine on real texts: Tom Sawyer gives 15 ideas, 5 anchored inside each
# third, every prompt within CLIP's budget; the DOCX opens in python3-docx and
# LibreOffice; a re-run redoes nothing, --force redoes; Low German keeps its
# UTF-8; a chemistry text works or fails politely.
. tests/cli/lib.sh
WS=$TMP/ws
mkdir -p "$WS"
run() { "$LONGSD_BIN" -C "$WS" "$@"; }

if run --json run "$CORPUS/en-twain1.txt" >"$TMP/summary.json" 2>"$TMP/err"; then pass "run en-twain1"
else fail "run en-twain1" "$(cat "$TMP/err")"; finish; exit 1; fi
PLAN=$WS/image_prompts/en-twain1.json
DOCX=$WS/docx/en-twain1.docx

check "plan: 15 ideas, 5 anchored inside each third, tokens <= 77, seeds recorded" $PY - "$PLAN" "$CORPUS/en-twain1.txt" <<'PYEOF'
import json, sys
plan = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], "rb").read()
assert plan["schema"] == "longsd.plan" and plan["version"] == 1
parts = plan["parts"]
assert [p["id"] for p in parts] == ["beginning", "middle", "end"], parts
ideas = plan["ideas"]
assert len(ideas) == 15, len(ideas)
words = [p["words"] for p in parts]
assert max(words) / min(words) < 1.25, words          # balanced by words
for p in parts:
    mine = [i for i in ideas if i["part"] == p["id"]]
    assert len(mine) == 5, (p["id"], len(mine))
    for i in mine:
        a = i["anchor"]
        assert p["start"] <= a["start"] < a["end"] <= p["end"], (i["id"], a, p)
        span = text[a["start"]:a["end"]].decode("utf-8")
        first = a["quote"].split()[0]
        assert span.lstrip().startswith(first), (i["id"], span[:40], first)
        assert 0 < i["prompt"]["tokens"] <= 77, i["prompt"]
        assert 0 <= i["prompt"]["seed"] < 2**32
        assert i["image"]["state"] == "pending"
    starts = [i["anchor"]["start"] for i in mine]
    assert starts == sorted(starts), starts                # story order
seeds = [i["prompt"]["seed"] for i in ideas]
assert len(set(seeds)) == 15
ids = [i["id"] for i in ideas]
assert len(set(ids)) == 15 and ids[0] == "beginning-01", ids
assert any(c["name"] == "Tom" for c in plan["cast"]), plan["cast"]
PYEOF

check "summary --json" $PY -c "
import json,sys; s=json.load(open('$TMP/summary.json'))
assert s['ideas']==15 and s['redone']['ideas'] and s['redone']['docx'] and s['images']['done']==0, s"

if $PY -c "import docx" 2>/dev/null; then
    check "python3-docx opens the DOCX: title, chapters, 15 placeholders with captions, prompts appendix" $PY - "$DOCX" <<'PYEOF'
import docx, sys
d = docx.Document(sys.argv[1])
paras = d.paragraphs
styles = [p.style.name for p in paras]
assert styles[0] == "Title", styles[:3]
heads = [p.text for p in paras if p.style.name == "Heading 1"]
# 35 chapters, the CONCLUSION and the appendix
assert heads[0] == "CHAPTER I" and heads[-2] == "CONCLUSION" and heads[-1] == "Appendix: prompts" and len(heads) == 37, heads
ph = [p for p in paras if "not rendered yet" in p.text]
assert len(ph) == 15, len(ph)
assert sum(1 for p in paras if p.style.name == "Caption") == 15
assert len(d.tables) == 1 and len(d.tables[0].rows) == 16
PYEOF
else skip "python3-docx opens the DOCX" "python3-docx not installed"; fi

if command -v soffice >/dev/null; then
    mkdir -p "$TMP/pdf" "$TMP/home"
    if HOME=$TMP/home timeout 180 soffice --headless --convert-to pdf --outdir "$TMP/pdf" "$DOCX" >"$TMP/lo.log" 2>&1 \
        && [ -s "$TMP/pdf/en-twain1.pdf" ]; then pass "LibreOffice converts the DOCX to PDF"
    else fail "LibreOffice converts the DOCX to PDF" "$(cat "$TMP/lo.log")"; fi
else skip "LibreOffice converts the DOCX to PDF" "soffice not installed"; fi

# a re-run with unchanged inputs redoes nothing
before=$(stat -c %Y.%i "$PLAN" "$DOCX" | tr '\n' ' '); sum=$(md5sum "$PLAN" "$DOCX")
sleep 1
run --json run "$CORPUS/en-twain1.txt" >"$TMP/again.json" 2>"$TMP/err"
after=$(stat -c %Y.%i "$PLAN" "$DOCX" | tr '\n' ' ')
if [ "$before" = "$after" ] && [ "$sum" = "$(md5sum "$PLAN" "$DOCX")" ] && \
   $PY -c "import json; s=json.load(open('$TMP/again.json')); r=s['redone']; assert not any(r.values()), r"; then
    pass "re-run redoes nothing (plan and docx untouched)"
else fail "re-run redoes nothing" "$before / $after $(cat "$TMP/err")"; fi

# changing the style redoes prompts only; --force redoes everything
run --json run --style watercolor "$CORPUS/en-twain1.txt" >"$TMP/style.json" 2>"$TMP/err"
check "--style redoes prompts only" $PY -c "
import json; r=json.load(open('$TMP/style.json'))['redone']
assert r['prompts'] and not r['ideas'], r
p=json.load(open('$PLAN')); assert all('watercolor' in i['prompt']['positive'] for i in p['ideas'])"
run --json run --style watercolor --force "$CORPUS/en-twain1.txt" >"$TMP/force.json" 2>"$TMP/err"
check "--force redoes every stage" $PY -c "
import json; r=json.load(open('$TMP/force.json'))['redone']; assert all(r.values()), r"

# same input, same plan: deterministic
cp "$PLAN" "$TMP/plan1.json"; rm -rf "$WS/image_prompts"
run -q run --style watercolor "$CORPUS/en-twain1.txt"
check "deterministic: the same text gives the same plan" cmp "$TMP/plan1.json" "$PLAN"

# a user-edited cast description flows into every prompt that shows the character
$PY - "$PLAN" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
for c in p["cast"]:
    if c["name"] == "Tom": c["description"] = "a freckled barefoot boy in a straw hat"
json.dump(p, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PYEOF
run -q run --style watercolor "$CORPUS/en-twain1.txt" 2>"$TMP/err"
check "cast description reused by every prompt with Tom" $PY -c "
import json; p=json.load(open('$PLAN'))
tom=[i for i in p['ideas'] if 'Tom' in i['characters']]
assert tom, 'no idea with Tom'
assert all('freckled barefoot boy' in i['prompt']['positive'] for i in tom), [i['prompt']['positive'] for i in tom]
assert all(i['prompt']['tokens'] <= 77 for i in p['ideas'])
assert [c['description'] for c in p['cast'] if c['name']=='Tom'] == ['a freckled barefoot boy in a straw hat']"

# Low German: UTF-8 intact in prompts and DOCX
if run -q run "$CORPUS/de-grimm-fischer.txt" 2>"$TMP/err"; then
    check "de-grimm-fischer: umlauts intact in plan and DOCX" $PY - "$WS/image_prompts/de-grimm-fischer.json" "$WS/docx/de-grimm-fischer.docx" <<'PYEOF'
import json, sys, zipfile
p = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(p["ideas"]) >= 10, len(p["ideas"])
txt = " ".join(i["prompt"]["positive"] + " " + i["anchor"]["quote"] for i in p["ideas"])
assert any(ch in txt for ch in "äöüß"), txt[:300]
doc = zipfile.ZipFile(sys.argv[2]).read("word/document.xml").decode("utf-8")
assert any(ch in doc for ch in "äöüß")
PYEOF
else fail "run de-grimm-fischer" "$(cat "$TMP/err")"; fi

# not a story: works, or fails with a clear message (never a crash)
run -q run "$CORPUS/fr-chemie2.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -q "fr-chemie2" "$TMP/err"; }; then pass "fr-chemie2 (exit $rc)"
else fail "fr-chemie2" "exit $rc: $(cat "$TMP/err")"; fi

# the other corpus texts and options run clean
# parts_ok PLAN N KIND: N parts tiling the text in order, every idea anchored
# inside its own part; KIND "chapter" wants chapter-01.. ids, "balanced" parts
# within 25% of an even share of the words.
parts_ok() {
    $PY - "$@" <<'PYEOF'
import json, sys
plan, n, kind = json.load(open(sys.argv[1], encoding="utf-8")), int(sys.argv[2]), sys.argv[3]
parts = plan["parts"]
assert len(parts) == n, (len(parts), [p["label"] for p in parts])
for a, b in zip(parts, parts[1:]):
    assert a["end"] < b["start"], (a, b)
    assert b["first_paragraph"] == a["first_paragraph"] + a["paragraphs"], (a, b)
span = {p["id"]: (p["start"], p["end"]) for p in parts}
assert plan["ideas"], "no ideas"
for i in plan["ideas"]:
    s, e = span[i["part"]]
    assert s <= i["anchor"]["start"] < i["anchor"]["end"] <= e, (i["id"], i["anchor"], s, e)
    assert i["id"].startswith(i["part"] + "-"), i["id"]
if kind == "chapter":
    assert [p["id"] for p in parts] == ["chapter-%02d" % (k + 1) for k in range(n)], [p["id"] for p in parts]
    assert all(p["label"].lower().startswith("chapter") for p in parts), [p["label"] for p in parts]
    assert {i["part"] for i in plan["ideas"]} == set(span), "a chapter without an idea"
else:
    share = sum(p["words"] for p in parts) / n
    assert all(abs(p["words"] - share) <= 0.25 * share for p in parts), ([p["words"] for p in parts], share)
PYEOF
}
# en-twain3 has 13 chapter headings ("Chapter i." and CHAPTER II. to XIII.)
if run -q run --by-chapter --ideas-per-part 2 "$CORPUS/en-twain3.txt" 2>"$TMP/err"; then
    check "en-twain3 --by-chapter: 13 chapter parts, ideas inside their chapter" \
        parts_ok "$WS/image_prompts/en-twain3.json" 13 chapter
else fail "en-twain3 --by-chapter" "$(cat "$TMP/err")"; fi
if run -q run --parts 5 "$CORPUS/de-grimm2.txt" 2>"$TMP/err"; then
    check "de-grimm2 --parts 5: 5 balanced parts, ideas inside their part" \
        parts_ok "$WS/image_prompts/de-grimm2.json" 5 balanced
else fail "de-grimm2 --parts 5" "$(cat "$TMP/err")"; fi
check "docx re-assembles from the plan" run -q docx en-twain1
check "ideas command" run -q ideas "$CORPUS/en-twain1-ch2-fence.txt"
run prompts "$CORPUS/en-twain1-ch2-fence.txt" >"$TMP/prompts.txt" 2>&1
check "prompts command prints prompt-English" grep -q "trending on artstation" "$TMP/prompts.txt"
finish
