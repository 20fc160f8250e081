#!/usr/bin/env python3
# tests/mutate.py - the mutation check behind `make mutate` (not part of
# `make test`). Each mutant in tests/mutations/*.mut is one small plausible
# bug: an exact snippet of a source file and what replaces it. For each one
# the harness applies it to a scratch copy of the tree (build-mutate/tree,
# never the real build/), rebuilds incrementally (the touched object, the
# library, the listed test binaries), runs only the tests the entry lists and
# restores the file. A mutant the tests notice is KILLED; one they do not is
# SURVIVED and wants a test. Snippets are matched as text, never by line
# number, so entries survive code moving around; a snippet that no longer
# occurs exactly once is reported STALE rather than silently dropped.
#
#   make mutate                 every mutant
#   make mutate ONLY=pool       the mutants of pool.mut (ONLY=pool,plan or an id prefix)
#   python3 tests/mutate.py --list
#
# The entry format is described in tests/mutations/README.md.
import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUT_DIR = os.path.join(ROOT, "tests", "mutations")
KEYS = ("id", "file", "find", "repl", "tests", "equivalent", "why")


def unescape(s):
    # \n, \t and \\ let a snippet span lines or hold tabs on one line.
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in "nt\\":
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load(path):
    """Entries of one .mut file: blocks of `key: value` lines split by blank lines."""
    module = os.path.splitext(os.path.basename(path))[0]
    entries, cur, errors = [], {}, []

    def close(lineno):
        if not cur:
            return
        missing = [k for k in ("id", "file", "find", "repl", "tests") if k not in cur]
        if missing:
            errors.append("%s:%d: entry missing %s" % (path, lineno, ", ".join(missing)))
        else:
            e = dict(cur)
            e["module"] = module
            e["find"] = unescape(e["find"])
            e["repl"] = unescape(e["repl"])
            e["tests"] = e["tests"].split()
            entries.append(e)
        cur.clear()

    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            close(n)
            continue
        key, sep, val = line.partition(":")
        if not sep or key.strip() not in KEYS:
            errors.append("%s:%d: expected one of %s, got %r" % (path, n, "/".join(KEYS), line))
            continue
        # One space after the colon is the separator; the rest is the value
        # verbatim, so snippets keep their own leading spaces.
        cur[key.strip()] = val[1:] if val.startswith(" ") else val
    close(len(lines))
    return entries, errors


def run(cmd, cwd, timeout, env=None):
    """(rc, output); rc is None on timeout."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, start_new_session=True)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace")


def sync_tree(tree):
    """Copy the working tree (tracked and untracked-not-ignored files) into the
    scratch tree, only files whose bytes differ, keeping mtimes so make stays
    incremental between runs."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           stdout=subprocess.PIPE, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src, dst = os.path.join(ROOT, rel), os.path.join(tree, rel)
        if not os.path.isfile(src):
            continue
        if os.path.isfile(dst):
            with open(src, "rb") as a, open(dst, "rb") as b:
                if a.read() == b.read():
                    continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def targets_for(tests):
    """Make targets the listed tests need, relative to the scratch tree."""
    t = set()
    for name in tests:
        base = name.split(":")[0]
        if base == "all":
            t.add("all")
        elif base.startswith("test_") and not base.endswith(".sh"):
            t.add("build/tests/" + base)
        elif base.startswith("fuzz_"):
            t.add("build/fuzz/replay_" + base)
        elif base.endswith(".sh"):
            t.add("build/longsd")
    return sorted(t)


def run_tests(tree, tests, timeout):
    """None if every listed test passed, else a short reason (the first failure)."""
    # The tests start /usr/bin/python3 servers: keep this interpreter's own
    # settings (a pyenv or venv running the harness) out of their way.
    # (pyenv's launcher puts its version's bin first on PATH, and a server
    # started as "python3" then finds that one's libraries.)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if sys.prefix != "/usr":
        env["PATH"] = ":".join(d for d in env.get("PATH", "").split(":") if not d.startswith(sys.prefix))
    env.update(BUILD="build", LONGSD_BIN=os.path.join(tree, "build", "longsd"))
    for name in tests:
        base, _, case = name.partition(":")
        if base == "all":
            cmd = ["sh", "tests/run.sh"]
        elif base.endswith(".sh"):
            cmd = ["sh", "tests/cli/" + base]
        elif base.startswith("fuzz_"):
            cmd = ["build/fuzz/replay_" + base, "fuzz/corpus/" + base]
        else:
            cmd = ["build/tests/" + base] + ([case] if case else [])
        rc, out = run(cmd, tree, timeout, env)
        if rc is None:
            return "%s timed out after %ds" % (name, timeout)
        if rc != 0:
            lines = out.splitlines()
            # the failing case, then its first diagnostic line
            fail = next((l.strip() for l in lines if l.startswith("FAIL")), "")
            diag = next((l.strip() for l in lines if l.startswith("  ") and ("expected" in l or "failed" in l)), "")
            first = (fail + (": " + diag if diag else "")).strip()
            return "%s: %s" % (name, first[:160] or "exit %d" % rc)
    return None


def line_of(text, snippet):
    return text[: text.index(snippet)].count("\n") + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", default="", help="run the mutants of these modules or whose ids start so (comma-separated)")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("MUTATE_TIMEOUT", "180")),
                    help="seconds per test command of one mutant (default 180)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--jobs", default=os.environ.get("MUTATE_JOBS", "2"))
    args = ap.parse_args()

    entries, errors = [], []
    for fn in sorted(os.listdir(MUT_DIR)):
        if fn.endswith(".mut"):
            e, err = load(os.path.join(MUT_DIR, fn))
            entries += e
            errors += err
    for err in errors:
        print("ERROR " + err)
    ids = [e["id"] for e in entries]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        print("ERROR duplicate mutant id " + dup)
        errors.append(dup)
    if errors:
        return 2
    only = [o for o in args.only.split(",") if o]
    sel = [e for e in entries if not only or any(o == e["module"] or e["id"].startswith(o) for o in only)]
    for e in sel:
        for t in e["tests"]:
            base = t.split(":")[0]
            src = ("tests/cli/" + base) if base.endswith(".sh") else \
                  ("fuzz/%s.c" % base) if base.startswith("fuzz_") else \
                  ("tests/unit/%s.c" % base) if base != "all" else "tests/run.sh"
            if not os.path.isfile(os.path.join(ROOT, src)):
                print("ERROR %s: unknown test %s (no %s)" % (e["id"], t, src))
                errors.append(t)
    if errors:
        return 2
    if args.list:
        for e in sel:
            print("%-28s %-26s %s" % (e["id"], e["file"], " ".join(e["tests"])))
        print("%d mutants" % len(sel))
        return 0
    if not sel:
        print("no mutant matches %r" % args.only)
        return 2

    scratch = os.path.join(ROOT, "build-mutate")
    tree = os.path.join(scratch, "tree")
    os.makedirs(tree, exist_ok=True)
    # One run at a time: two would mutate the same scratch tree.
    lock = open(os.path.join(scratch, "lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("another make mutate is running on %s" % scratch)
        return 2
    # Seed the scratch build from the real one the first time (mtimes kept),
    # so the first run does not rebuild everything.
    if not os.path.isdir(os.path.join(tree, "build")) and os.path.isdir(os.path.join(ROOT, "build")):
        shutil.copytree(os.path.join(ROOT, "build"), os.path.join(tree, "build"), symlinks=True)
    sync_tree(tree)
    make = ["make", "-j" + args.jobs, "--no-print-directory", "BUILD=build"]
    needed = sorted({t for e in sel for t in targets_for(e["tests"])})
    rc, out = run(make + needed, tree, 1800)
    if rc != 0:
        print(out[-3000:])
        print("the unmutated scratch tree does not build; fix that first")
        return 2
    # Baseline: a test that fails on the unmutated code would "kill" every mutant.
    base_tests = sorted({t for e in sel if "equivalent" not in e for t in e["tests"]})
    why = run_tests(tree, base_tests, args.timeout)
    if why:
        print("baseline failed (unmutated tree): " + why)
        return 2

    results = []
    t0 = time.time()
    for e in sel:
        path = os.path.join(tree, e["file"])
        where = e["file"]
        try:
            with open(path, encoding="utf-8") as f:
                orig = f.read()
        except OSError:
            results.append((e, "STALE", where, "file is gone"))
            print("%-12s %-28s %s  (file is gone)" % ("STALE", e["id"], where), flush=True)
            continue
        count = orig.count(e["find"])
        if count != 1:
            detail = "snippet not found" if count == 0 else "snippet occurs %d times" % count
            results.append((e, "STALE", where, detail))
            print("%-12s %-28s %s  (%s)" % ("STALE", e["id"], where, detail), flush=True)
            continue
        where = "%s:%d" % (e["file"], line_of(orig, e["find"]))
        if "equivalent" in e:
            results.append((e, "EQUIVALENT", where, e["equivalent"]))
            print("%-12s %-28s %s  (%s)" % ("EQUIVALENT", e["id"], where, e["equivalent"]), flush=True)
            continue
        st = os.stat(path)
        obj = os.path.join(tree, "build", os.path.splitext(e["file"])[0] + ".o")
        saved_obj = obj + ".mutate-orig"
        have_obj = e["file"].endswith(".c") and os.path.isfile(obj)
        if have_obj:
            shutil.copy2(obj, saved_obj)
        status, detail = None, ""
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig.replace(e["find"], e["repl"]))
            rc, out = run(make + targets_for(e["tests"]), tree, 900)
            if rc != 0:
                errs = [l for l in out.splitlines() if "error:" in l]
                status, detail = "BUILD-FAILED", (errs[0] if errs else out[-200:]).strip()[:160]
            else:
                why = run_tests(tree, e["tests"], args.timeout)
                status, detail = ("KILLED", why) if why else ("SURVIVED", "tests: " + " ".join(e["tests"]))
        finally:
            # Put the file back with its old mtime and the object built from it,
            # and drop the library so the next build re-archives it.
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)
            # A .c file gets its old mtime and its saved object back; a header
            # keeps the new mtime so every object built from the mutant is
            # rebuilt from the original next time.
            if e["file"].endswith(".c"):
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            if have_obj:
                os.replace(saved_obj, obj)
            elif os.path.exists(obj):
                os.remove(obj)
            lib = os.path.join(tree, "build", "liblongsd.a")
            if os.path.exists(lib):
                os.remove(lib)
        results.append((e, status, where, detail))
        print("%-12s %-28s %s  (%s)" % (status, e["id"], where, detail), flush=True)

    # Totals, overall and by module.
    order = ("KILLED", "SURVIVED", "EQUIVALENT", "STALE", "BUILD-FAILED")
    mods = sorted({e["module"] for e, *_ in results})
    print()
    print("%-10s %5s %7s %9s %11s %6s %13s" % ("module", "tried", "killed", "survived", "equivalent", "stale",
                                              "build-failed"))
    def row(name, rs):
        c = {k: sum(1 for r in rs if r[1] == k) for k in order}
        print("%-10s %5d %7d %9d %11d %6d %13d" % (name, len(rs), c["KILLED"], c["SURVIVED"], c["EQUIVALENT"],
                                                   c["STALE"], c["BUILD-FAILED"]))
        return c
    for m in mods:
        row(m, [r for r in results if r[0]["module"] == m])
    c = row("total", results)
    live = c["KILLED"] + c["SURVIVED"]
    pct = 100.0 * c["KILLED"] / live if live else 100.0
    print("killed %d of %d non-equivalent mutants (%.1f%%) in %.0fs" % (c["KILLED"], live, pct, time.time() - t0))
    surv = [r for r in results if r[1] in ("SURVIVED", "STALE", "BUILD-FAILED")]
    if surv:
        print("to look at:")
        for e, s, where, d in surv:
            print("  %-12s %-28s %s" % (s, e["id"], where))
    return 0 if not surv else 1


if __name__ == "__main__":
    sys.exit(main())
