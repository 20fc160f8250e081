"""scripts/prompt_table.py - the before/after table of docs/prompt-english.md: the same
corpus passages through an old and a new longsd binary."""
import json, subprocess, os, shutil, sys
# usage: python3 scripts/prompt_table.py OLD_LONGSD NEW_LONGSD  (run from the repo root)
OLD, NEW = sys.argv[1], sys.argv[2]
texts=[("en-twain1-ch2-fence.txt",4),("en-twain1.txt",5),("en-twain3.txt",4),("de-grimm-fischer.txt",3),("de-grimm2.txt",2),("fr-chemie2.txt",2)]
rows=[]
for name,k in texts:
    plans={}
    for tag,b in (("old",OLD),("new",NEW)):
        ws="/tmp/prompt-table-%s-%s"%(tag,name); shutil.rmtree(ws,ignore_errors=True); os.makedirs(ws)
        subprocess.run([b,"-C",ws,"run","tests/corpus/"+name],capture_output=True)
        plans[tag]=json.load(open(ws+"/image_prompts/"+name[:-4]+".json"))
    old={ (i["anchor"]["start"]): i for i in plans["old"]["ideas"]}
    n=0
    for i in plans["new"]["ideas"]:
        o=old.get(i["anchor"]["start"])
        if not o: continue
        rows.append((name,i["anchor"]["quote"],o["prompt"]["positive"],o["title"],i["prompt"]["positive"],i["title"],o["prompt"]["tokens"],i["prompt"]["tokens"]))
        n+=1
        if n>=k: break
def esc(s): return s.replace("|","\\|").replace("\n"," ")
out=["# Prompt-English: before and after (issue 11)","",
"Twenty passages of the corpus (English, Low German/German, French), each with the prompt the",
"built-in writer gave before issue 11 (the passage copied, then the style suffix) and the one it",
"gives now (the scene writer's English description, then the style suffix, lexica modifiers and",
"quality tags, within 75 real CLIP tokens). Default style `artstation`, default 3 parts.",
"Regenerate with `python3 scripts/prompt_table.py OLD_BINARY build/longsd` (OLD_BINARY: longsd built",
"at commit efd589c); the counts over every idea are in `tests/cli/test_prompt_quality.sh`.","",
"| # | text | passage | before (title: prompt) | after (title: prompt) |","|---|---|---|---|---|"]
for k,(name,q,op,ot,np_,nt,otok,ntok) in enumerate(rows,1):
    out.append("| %d | %s | %s | **%s**: %s *(%d tokens, estimated)* | **%s**: %s *(%d tokens)* |"%(k,name[:-4],esc(q[:220])+("…" if len(q)>220 else ""),esc(ot),esc(op),otok,esc(nt),esc(np_),ntok))
out.append("")
out.append("Known weak spots (read as an illustrator would): the Low German of the Grimm tales is not")
out.append("in FreeDict's High German dictionary, so those scenes keep fewer words; a chemistry text has")
out.append("little to draw; word-class guesses sometimes misread a noun as a verb (\"mooning\").")
open("docs/prompt-english.md","w").write("\n".join(out)+"\n")
print(len(rows))
