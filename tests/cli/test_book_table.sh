#!/bin/sh
# tests/cli/test_book_table.sh - scripts/book_table.py, which makes the
# docs/books.md table, runs on any text and reports what longsd read:
# title and author from the title page, chapters, narrator, cast, ideas.
. tests/cli/lib.sh

out="$TMP/table.md"
if "$PY" scripts/book_table.py --longsd "$LONGSD_BIN" "$CORPUS/en-twain3.txt" "$CORPUS/en-twain1.txt" >"$out" 2>"$TMP/err"; then
    pass "book_table runs on two books"
else
    fail "book_table runs on two books" "$(head -c 600 "$TMP/err")"
fi
# Tom Sawyer Abroad: told by Huck, 13 chapters, 15 ideas
row=$(grep '^| en-twain3.txt |' "$out")
case "$row" in
*"| Tom Sawyer Abroad | (none) | en | 13 | Huck |"*) pass "twain3 row: title, author, language, chapters, narrator" ;;
*) fail "twain3 row: title, author, language, chapters, narrator" "$row" ;;
esac
n=$(printf '%s\n' "$row" | grep -o 'end-0[1-5]\|middle-0[1-5]\|beginning-0[1-5]' | wc -l)
[ "$n" -eq 15 ] && pass "15 idea titles" || fail "15 idea titles" "$n in: $row"
row=$(grep '^| en-twain1.txt |' "$out")
case "$row" in
*"| The Adventures of Tom Sawyer | Mark Twain | en | 36 | (third person) | Tom ("*) pass "twain1 row" ;;
*) fail "twain1 row" "$row" ;;
esac
# a workspace of the user's is never touched: the script uses its own
[ ! -e image_prompts/en-twain3.json ] && pass "no plan left in the repository" || fail "no plan left in the repository"
finish
