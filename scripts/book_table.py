#!/usr/bin/env python3
"""book_table.py - what longsd understands of each book, as one Markdown
table a reader can check: title, author, language, chapters found, the
narrator, the ten most mentioned characters and the titles of the 15
default ideas (3 parts x 5). Rerun it on any text:

    scripts/book_table.py [--longsd build/longsd] FILE... > docs/books.md

It runs `longsd --json ideas` twice per file (default parts, then
--by-chapter to count the chapters) in a throw-away workspace, so nothing
of the user's is touched.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def ideas(longsd, ws, path, *extra):
    out = subprocess.run([longsd, "-C", ws, "-q", "--json", "ideas", "--force", *extra, path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{path}: longsd failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--longsd", default=os.path.join(os.path.dirname(__file__), "..", "build", "longsd"))
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    print("| file | title | author | language | chapters | narrator | top 10 cast (mentions) | the 15 default ideas |")
    print("|---|---|---|---|---|---|---|---|")
    for path in a.files:
        with tempfile.TemporaryDirectory() as ws:
            plan = ideas(a.longsd, ws, path)
            by_ch = ideas(a.longsd, ws, path, "--by-chapter")
        chapters = sum(1 for p in by_ch["parts"] if p["id"].startswith("chapter-"))
        cast = plan.get("cast", [])
        narrator = next((c["name"] for c in cast if c.get("narrator")), "(third person)")
        top = ", ".join(f"{c['name']}{' [' + c['role'] + ']' if c.get('role') else ''} ({c['mentions']})"
                        for c in cast[:10])
        titles = "; ".join(f"{i['id']}: {i['title']}" for i in plan.get("ideas", []))
        print("| " + " | ".join(cell(x) for x in [
            os.path.basename(path), plan.get("title", ""), plan.get("author", "") or "(none)",
            plan.get("language", ""), chapters, narrator, top, titles]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
