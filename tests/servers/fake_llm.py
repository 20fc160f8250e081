#!/usr/bin/python3
"""fake_llm.py - a scripted OpenAI-compatible chat server for longsd's tests.

Python 3 standard library only. Listens on 127.0.0.1 on a free port, prints
the port on stdout (and writes it to --port-file), serves
  GET  /v1/models            a one-model list
  POST /v1/chat/completions  replies chosen by a JSON script
and appends one JSON line per chat request to --log: {"t": unix time,
"path", "auth": true/false (a bearer token was sent; never its value),
"body": the raw request body}. It exits on its own after --max-seconds.

Script: {"rules": [RULE...], "default": REPLY}. A RULE is {"match": "text"
or ["all", "of", "these"], "times": N, "reply": REPLY}: the first rule whose
strings all occur in the request body and that has times left is used;
otherwise "default" (itself {"auto": true} when absent).

REPLY, one of:
  {"auto": true, ...}      answer the request: ideas from the TEXT section
                           (quotes copied from it), cast descriptions, or a
                           prompt. Modifiers: "count": N (wrong count),
                           "fence": true, "prose": true, "smart": true
                           (smart quotes as JSON delimiters, trailing comma),
                           "truncate": true (cut JSON, finish_reason length),
                           "bad_quote": true (quotes not in the text),
                           "tweak_quote": true (case/punctuation changed).
  {"content": "...", "finish_reason": "stop"}
  {"refusal": "..."}
  {"status": 429, "headers": {...}, "body": "..."}  ("echo_auth": true puts
                           the Authorization header into the body;
                           "retry_after_date_in": N sends Retry-After as an
                           HTTP date N seconds ahead)
  {"stall": seconds}       wait, then answer as auto (the client is gone)
  {"reset": true}          close the connection with a TCP reset
  {"big": bytes}           a 200 reply of that many bytes
  {"reject_format": true}  HTTP 400 (or "reject_status") when the body has
                           response_format, else auto
"""
import argparse
import email.utils
import json
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"rules": [], "default": {"auto": True}, "log": None}


def envelope(content, finish="stop", refusal=None):
    msg = {"role": "assistant", "content": content}
    if refusal is not None:
        msg = {"role": "assistant", "content": None, "refusal": refusal}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def first_user(req):
    for m in req.get("messages", []):
        if m.get("role") == "user":
            return m.get("content") or ""
    return ""


def auto_ideas(user, spec):
    m = re.search(r"Give exactly (\d+) idea", user)
    want = int(m.group(1)) if m else 5
    if "count" in spec:
        want = int(spec["count"])
    text = user.split("TEXT:\n", 1)[1] if "TEXT:\n" in user else user
    names = []
    cm = re.search(r"Recurring characters: ([^\n]*)", user)
    if cm:
        names = [n.strip() for n in cm.group(1).split(",") if n.strip()]
    sents = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 8]
    if not sents:
        sents = [text]
    ideas = []
    for i in range(want):
        s = sents[min(len(sents) - 1, int((i + 0.5) * len(sents) / max(want, 1)))]
        words = s.split()
        quote = " ".join(words[1:13]) if len(words) > 13 else " ".join(words)
        if spec.get("bad_quote"):
            quote = "purple elephants dancing on the silver moon tonight %d" % i
        elif spec.get("tweak_quote"):
            quote = quote.upper().replace(",", "").replace("'", "\u2019")
        ideas.append({
            "title": "Scene %d" % (i + 1),
            "scene": "A painting of this moment: " + " ".join(words[:20]),
            "characters": [n for n in names if n in s],
            "quote": quote,
        })
    return {"ideas": ideas}


def auto_cast(user):
    chars = []
    for line in user.splitlines():
        m = re.match(r"- ([^(:]+?)(?: \(|:|$)", line)
        if m:
            chars.append({"name": m.group(1).strip(),
                          "description": "a person of about thirty, brown hair, plain linen clothes"})
    return {"characters": chars}


def auto_prompt(user):
    m = re.search(r"Scene: ([^\n]*)", user)
    scene = m.group(1) if m else "a quiet village street"
    words = re.sub(r"[^A-Za-z ]", " ", scene).split()[:20]
    return {"prompt": ", ".join([" ".join(words[:8]), " ".join(words[8:16]) or "warm light", "detailed"])}


def auto_content(req, spec):
    user = first_user(req)
    if "Describe each of these characters" in user:
        obj = auto_cast(user)
    elif user.startswith("Scene:"):
        obj = auto_prompt(user)
    else:
        obj = auto_ideas(user, spec)
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    finish = "stop"
    if spec.get("smart"):
        text = text.replace('"title"', "\u201ctitle\u201d").replace("]\n}", "],\n}")
    if spec.get("fence"):
        text = "```json\n" + text + "\n```"
    if spec.get("prose"):
        text = "Sure! Here are the ideas you asked for:\n\n" + text + "\n\nI hope these help."
    if spec.get("truncate"):
        text = text[: max(10, len(text) // 2)]
        finish = "length"
    return text, finish


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def finish(self):
        try:
            super().finish()
        except Exception:
            pass

    def send_json(self, status, obj, headers=None):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/") == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 64 << 20:  # bounded: no test sends this much
            self.send_json(413, {"error": {"message": "request body too large"}})
            self.close_connection = True
            return
        raw = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": "no route " + self.path}})
            return
        auth = self.headers.get("Authorization") or ""
        with LOCK:
            if STATE["log"]:
                with open(STATE["log"], "a", encoding="utf-8") as f:
                    f.write(json.dumps({"t": time.time(), "path": self.path,
                                        "auth": auth.startswith("Bearer ") and len(auth) > 7,
                                        "body": raw}, ensure_ascii=False) + "\n")
            spec = None
            for r in STATE["rules"]:
                ms = r.get("match", [])
                ms = [ms] if isinstance(ms, str) else ms
                if r.get("times", 1) > 0 and all(m in raw for m in ms):
                    r["times"] = r.get("times", 1) - 1
                    spec = r["reply"]
                    break
            if spec is None:
                spec = STATE["default"]
        try:
            req = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": {"message": "body is not JSON"}})
            return
        self.answer(req, spec, auth)

    def answer(self, req, spec, auth):
        if spec.get("reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if "stall" in spec:
            time.sleep(float(spec["stall"]))
            spec = {"auto": True}
        if "big" in spec:
            total = int(spec["big"])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            chunk = b"a" * 65536
            sent = 0
            try:
                while sent < total:
                    k = min(len(chunk), total - sent)
                    self.wfile.write(chunk[:k])
                    sent += k
            except OSError:
                pass
            self.close_connection = True
            return
        if "status" in spec:
            body = spec.get("body", json.dumps({"error": {"message": "scripted error %d" % spec["status"]}}))
            headers = dict(spec.get("headers") or {})
            if "retry_after_date_in" in spec:  # Retry-After as an HTTP date, N seconds ahead
                headers["Retry-After"] = email.utils.formatdate(time.time() + float(spec["retry_after_date_in"]),
                                                                usegmt=True)
            if spec.get("echo_auth"):
                body = json.dumps({"error": {"message": "invalid key: " + auth}})
            self.send_json(int(spec["status"]), body.encode(), headers)
            return
        if spec.get("reject_format") and "response_format" in req:
            kind = req["response_format"].get("type")
            self.send_json(int(spec.get("reject_status", 400)),
                           {"error": {"message": "response_format %s is not supported" % kind}})
            return
        if "refusal" in spec:
            self.send_json(200, envelope(None, "stop", spec["refusal"]))
            return
        if "content" in spec:
            self.send_json(200, envelope(spec["content"], spec.get("finish_reason", "stop")))
            return
        text, finish = auto_content(req, spec)
        self.send_json(200, envelope(text, finish))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", help="JSON script file")
    ap.add_argument("--log", help="append one JSON line per chat request")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    if a.script:
        with open(a.script, encoding="utf-8") as f:
            sc = json.load(f)
        STATE["rules"] = sc.get("rules", [])
        STATE["default"] = sc.get("default", {"auto": True})
    STATE["log"] = a.log
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)
    print(port, flush=True)

    def watchdog():
        time.sleep(a.max_seconds)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
