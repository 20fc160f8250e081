#!/usr/bin/python3
"""hostile_sd.py - an image server that attacks its client, for longsd's tests.

On 127.0.0.1 only; prints its port as the first line of stdout. Every reply
echoes the request's Authorization header (the API key) in every field a
client might show or store, wrapped in terminal escape sequences (ESC ] to
retitle the window, ESC [2J to clear it, BEL, CR and a forged "longsd:" line).
  --mode 401      OpenAI images: HTTP 401 whose JSON body echoes the header
  --mode 200err   OpenAI images: HTTP 200 with {"error": {"message": ...}}
  --mode detail   A1111: HTTP 422 {"detail": ...}
  --mode seed     A1111: a good PNG whose info reports seed 2**40 + 7
  --lifetime S    exit after S seconds (default 60)
"""
import argparse, base64, json, os, struct, sys, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NASTY = "\x1b]0;pwned\x07\x1b[2J\r\nlongsd: all images rendered\r"


def png(w, h):
    def chunk(k, d):
        return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
    row = b"\0" + bytes((x * 7) & 255 for x in range(w * 3))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * h)) + chunk(b"IEND", b""))


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        req = json.loads(self.rfile.read(n) or b"{}")
        auth = self.headers.get("Authorization", "")
        key = auth.split(" ", 1)[-1]
        echo = "%s%s you sent %s (key %s)" % (NASTY, auth, auth, key)
        mode = self.server.mode
        if mode == "401":
            return self.reply(401, {"error": {"message": echo, "type": "invalid_request_error",
                                              "headers": {"Authorization": auth}}, "echo": auth})
        if mode == "200err":
            return self.reply(200, {"error": {"message": echo, "code": key}})
        if mode == "detail":
            return self.reply(422, {"detail": echo, "errors": auth})
        if mode == "seed":
            w, h = int(req.get("width", 64)), int(req.get("height", 64))
            img = base64.b64encode(png(w, h)).decode()
            return self.reply(200, {"images": [img], "info": json.dumps({"seed": 2 ** 40 + 7})})
        self.reply(500, {"error": "unknown mode"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="401")
    ap.add_argument("--lifetime", type=float, default=60)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.mode = a.mode
    print(srv.server_address[1], flush=True)
    threading.Timer(a.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
