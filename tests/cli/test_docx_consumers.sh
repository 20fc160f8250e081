#!/bin/sh
# tests/cli/test_docx_consumers.sh - the DOCX writer judged by real consumers:
# test_docx writes its sample document (title, headings, hostile text, two
# PNGs and a JPEG, a placeholder), then python-docx reads it back (3 inline
# pictures at their aspect ratio, headings, text intact, metadata), every
# XML part must parse, and LibreOffice must turn it into a PDF holding the 3
# images. A missing consumer is a skip (a failure under
# LONGSD_REQUIRE_CONSUMERS=1, as in CI).
. tests/cli/lib.sh
BUILD=${BUILD:-build}
T=$REPO/$BUILD/tests/test_docx
DOCX=$TMP/sample.docx

if [ ! -x "$T" ]; then
    fail "docx sample" "$T is not built"
    finish
    exit $?
fi
if LONGSD_DOCX_SAMPLE=$DOCX "$T" docx_sample >"$TMP/gen.log" 2>&1 && [ -s "$DOCX" ]; then
    pass "docx sample written"
else
    fail "docx sample written" "$(head -c 600 "$TMP/gen.log")"
    finish
    exit $?
fi

# ---- python-docx (and the standard XML parser for every part)
if [ -x "$PY" ] && "$PY" -c 'import docx' >/dev/null 2>&1; then
    cat >"$TMP/check.py" <<'EOF'
import sys, zipfile, xml.dom.minidom
import docx

path = sys.argv[1]
errors = []

with zipfile.ZipFile(path) as z:
    if z.testzip() is not None:
        errors.append("corrupt zip member %s" % z.testzip())
    for name in z.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            try:
                xml.dom.minidom.parseString(z.read(name))
            except Exception as e:
                errors.append("%s does not parse: %s" % (name, e))

d = docx.Document(path)
shapes = d.inline_shapes
if len(shapes) != 3:
    errors.append("%d inline shapes, want 3" % len(shapes))
for s, (w, h) in zip(shapes, [(768, 512), (512, 768), (16, 8)]):
    got = s.height / s.width
    if abs(got / (h / w) - 1) > 0.001:
        errors.append("shape %dx%d EMU, aspect %.4f, want %.4f" % (s.width, s.height, got, h / w))

paras = [(p.style.name, p.text) for p in d.paragraphs]
want = [
    ("Title", "The Fence & the <Cat>"),
    ("Heading 1", "Chapter One"),
    ("Heading 2", "Scene 1: the fence"),
    ("Heading 2", "Scene 2: the cat"),
    ("Caption", "\u201cWhitewashing\u201d \u2014 a quote"),
    ("Prompt", "Prompt: a boy painting a fence, artstation"),
    ("Placeholder", "Image not rendered yet"),
    ("Normal", "Tom & Huck <said> \"hi\" 'there' |ok caf\u00e9 \U0001F600 "
               "\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d  end"),
    ("Normal", "  two spaces each side  "),
    ("Normal", "line one\nline two\nline three\tand a tab"),
]
for w in want:
    if w not in paras:
        errors.append("paragraph %r not found" % (w,))

cp = d.core_properties
if cp.title != "The Fence & the <Cat>" or cp.author != "Mark Twain" or cp.language != "en":
    errors.append("core properties %r %r %r" % (cp.title, cp.author, cp.language))
sec = d.sections[0]
if abs(sec.left_margin.inches - 1) > 1e-6 or abs(sec.top_margin.inches - 1) > 1e-6:
    errors.append("margins are not 1 inch")

if errors:
    print("\n".join(errors))
    sys.exit(1)
EOF
    check "python-docx reads 3 pictures, headings, hostile text, metadata" "$PY" "$TMP/check.py" "$DOCX"
else
    skip "python-docx reads the sample" "python3-docx not installed for $PY"
fi

# ---- LibreOffice: DOCX -> PDF, then count the images in the PDF
SOFFICE=$(command -v soffice || true)
[ -z "$SOFFICE" ] && [ -x /usr/bin/soffice ] && SOFFICE=/usr/bin/soffice
if [ -n "$SOFFICE" ]; then
    mkdir -p "$TMP/lohome" "$TMP/pdf"
    # Its own HOME and profile, so the user's LibreOffice profile is never touched.
    if HOME=$TMP/lohome timeout 120 "$SOFFICE" --headless --norestore \
        "-env:UserInstallation=file://$TMP/lohome/profile" \
        --convert-to pdf --outdir "$TMP/pdf" "$DOCX" >"$TMP/lo.log" 2>&1 && [ -s "$TMP/pdf/sample.pdf" ]; then
        pass "LibreOffice converts the sample to PDF"
        if command -v pdfimages >/dev/null 2>&1; then
            n=$(pdfimages -list "$TMP/pdf/sample.pdf" 2>/dev/null | tail -n +3 | grep -c .)
            if [ "$n" = 3 ]; then pass "the PDF holds 3 images"
            else fail "the PDF holds 3 images" "pdfimages -list found $n"; fi
        else
            skip "the PDF holds 3 images" "pdfimages (poppler-utils) not installed"
        fi
        if command -v pdftotext >/dev/null 2>&1; then
            pdftotext "$TMP/pdf/sample.pdf" "$TMP/pdf/sample.txt" 2>/dev/null
            if grep -q "Chapter One" "$TMP/pdf/sample.txt" && grep -q "Image not rendered yet" "$TMP/pdf/sample.txt" &&
                grep -q "Tom & Huck <said>" "$TMP/pdf/sample.txt"; then
                pass "the PDF shows the headings, the placeholder and the text"
            else
                fail "the PDF shows the headings, the placeholder and the text" "$(head -c 600 "$TMP/pdf/sample.txt")"
            fi
        else
            skip "the PDF shows the text" "pdftotext (poppler-utils) not installed"
        fi
    else
        fail "LibreOffice converts the sample to PDF" "$(tail -c 600 "$TMP/lo.log")"
    fi
else
    skip "LibreOffice converts the sample to PDF" "soffice not installed"
fi

finish
