#!/usr/bin/python3
"""fake_sd.py - a stand-in image server for longsd's tests and benchmarks.

Speaks, on 127.0.0.1 only, the three APIs longsd renders with:
  A1111      POST /sdapi/v1/txt2img            -> {"images": [b64 PNG], "info": "{\"seed\": ...}"}
  ComfyUI    POST /prompt, GET /history/<id>, GET /view?filename=...
  OpenAI     POST /v1/images/generations       -> {"data": [{"b64_json": ...}]}
and draws real PNGs (zlib, no third-party module) of the asked size whose
colours depend on prompt and seed.

Prints the port it listens on as the first line of stdout. Faults come from
flags or from POST /control (same names, JSON); GET /stats counts requests.
  --delay S           seconds each render takes (default 0)
  --fault MODE        ok | status | stall | badb64 | notimage | wrongsize | huge |
                      black | jpeg | close | retry-after | comfy-error (history says error)
  --fault-count N     apply the fault to the first N renders only (-1 = all)
  --status CODE       HTTP status for the 'status' fault (default 500)
  --stall S           how long 'stall' waits before answering (default 60)
  --die-after N       exit abruptly (no reply) on render request number N+1
  --log FILE          append "<api> <seed> <width>x<height> <prompt>" per image served
                      (and "a1111-settings <json>" for a txt2img with override_settings)
  --lifetime S        exit after S seconds whatever happens (default 120)
  --tls CERT KEY      serve HTTPS with this (self-signed) certificate
Bounded: it exits when its parent process goes away or its lifetime ends.
"""
import argparse, base64, json, os, ssl, struct, sys, threading, time, uuid, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

lock = threading.Lock()
state = {"renders": 0, "requests": 0, "faults": 0, "render_requests": 0}
comfy = {}  # prompt_id -> {"ready_at": t, "png": bytes, "name": str}
png_cache = {}


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(w, h, prompt, seed, black=False):
    key = (w, h, black, zlib.crc32(prompt.encode()) ^ (seed & 0xFFFFFFFF))
    with lock:
        if key in png_cache:
            return png_cache[key]
    if black:
        rows = [b"\0" + bytes(w * 3)] * h
    else:
        k = key[3]
        r0, g0, b0 = k & 255, (k >> 8) & 255, (k >> 16) & 255
        # a horizontal gradient per band: a picture, not a uniform field
        bands = []
        for band in range(8):
            row = bytearray(w * 3)
            for x in range(w):
                v = (x * 255) // max(1, w - 1)
                row[3 * x] = (r0 + v + band * 20) & 255
                row[3 * x + 1] = (g0 + v // 2) & 255
                row[3 * x + 2] = (b0 + band * 30) & 255
            bands.append(b"\0" + bytes(row))
        rows = [bands[(y * 8) // h] for y in range(h)]
    raw = b"".join(rows)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
    with lock:
        if len(png_cache) > 64:
            png_cache.clear()
        png_cache[key] = png
    return png


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY, Nagle plus the
    # client's delayed ACK adds 40 ms to every reply (real servers set it too)
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    def reply(self, code, body, ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def body_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > (64 << 20):  # bounded: refuse to read absurd bodies
            return None
        data = self.rfile.read(n) if n else b""
        try:
            return json.loads(data or b"{}")
        except ValueError:
            return None

    # ---- faults: returns True when the request was answered (or dropped) here
    def fault(self, api):
        cfg = self.server.cfg
        with lock:
            state["render_requests"] += 1
            n = state["render_requests"]
            if cfg["die_after"] >= 0 and n > cfg["die_after"]:
                os._exit(3)  # the server dies mid-run: no reply, connection reset
            mode = cfg["fault"]
            if mode != "ok" and cfg["fault_count"] != 0:
                if cfg["fault_count"] > 0:
                    cfg["fault_count"] -= 1
                state["faults"] += 1
            else:
                mode = "ok"
        if cfg["delay"] > 0:
            time.sleep(cfg["delay"])
        if mode == "status":
            self.reply(cfg["status"], {"error": "injected fault %d" % cfg["status"]})
            return True
        if mode == "retry-after":
            self.reply(429, {"error": "slow down"}, headers=[("Retry-After", "1")])
            return True
        if mode == "stall":
            end = time.time() + cfg["stall"]
            while time.time() < end:
                time.sleep(0.05)
            self.reply(500, {"error": "stalled"})
            return True
        if mode == "close":
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        if mode == "huge":
            size = cfg["huge_mb"] << 20
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            try:
                block = b"A" * 65536
                for _ in range(size // 65536):
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return True
        self.mode = mode  # badb64, notimage, wrongsize, black: applied to the image
        return False

    def image(self, w, h, prompt, seed, api):
        mode = getattr(self, "mode", "ok")
        if mode == "wrongsize":
            w, h = w + 16, h
        png = make_png(w, h, prompt, seed, black=(mode == "black"))
        if mode == "jpeg":  # headers a sniffer accepts (SOI, SOF0, SOS, EOI); not a decodable picture
            sof = struct.pack(">BHHB", 8, h, w, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
            sos = b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
            png = (b"\xff\xd8\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xda"
                   + struct.pack(">H", len(sos) + 2) + sos + bytes([seed & 255, 1, 2, 3]) + b"\xff\xd9")
        if mode == "notimage":
            png = b"<html>this is not an image</html>" * 4
        if mode in ("ok", "jpeg"):  # only images a client can accept count as rendered
            log = self.server.cfg["log"]
            with lock:
                state["renders"] += 1
                if log:
                    with open(log, "a") as f:
                        f.write("%s %d %dx%d %s\n" % (api, seed, w, h, prompt.replace("\n", " ")))
        return png

    def b64(self, png):
        if getattr(self, "mode", "ok") == "badb64":
            return "!!!! not base64 ####"
        return base64.b64encode(png).decode()

    def do_GET(self):
        with lock:
            state["requests"] += 1
        u = urlparse(self.path)
        if u.path == "/stats":
            with lock:
                return self.reply(200, dict(state))
        if u.path == "/sdapi/v1/samplers":
            return self.reply(200, [{"name": "Euler a"}, {"name": "DPM++ 2M"}])
        if u.path.startswith("/history/"):
            pid = u.path[len("/history/"):]
            with lock:
                e = comfy.get(pid)
            if not e or time.time() < e["ready_at"]:
                return self.reply(200, {})
            if e.get("error"):
                return self.reply(200, {pid: {"outputs": {}, "status": {"status_str": "error", "completed": False}}})
            return self.reply(200, {pid: {"outputs": {"9": {"images": [
                {"filename": e["name"], "subfolder": "", "type": "output"}]}},
                "status": {"status_str": "success", "completed": True}}})
        if u.path == "/view":
            q = parse_qs(u.query)
            name = (q.get("filename") or [""])[0]
            with lock:
                e = next((v for v in comfy.values() if v["name"] == name), None)
            if not e:
                return self.reply(404, {"error": "no such file"})
            return self.reply(200, e["png"], "image/png")
        return self.reply(404, {"error": "not found"})

    def do_POST(self):
        with lock:
            state["requests"] += 1
        u = urlparse(self.path)
        req = self.body_json()
        if u.path == "/control":
            if not isinstance(req, dict):
                return self.reply(400, {"error": "bad json"})
            with lock:
                for k, v in req.items():
                    if k in self.server.cfg:
                        self.server.cfg[k] = v
            return self.reply(200, {"ok": True})
        if req is None or not isinstance(req, dict):
            return self.reply(400, {"error": "request body is not JSON"})
        if u.path == "/sdapi/v1/txt2img":
            if self.fault("a1111"):
                return
            w, h = int(req.get("width", 512)), int(req.get("height", 512))
            seed = int(req.get("seed", -1))
            if seed < 0:
                seed = 1234
            if "override_settings" in req and self.server.cfg["log"]:
                with lock, open(self.server.cfg["log"], "a") as f:
                    f.write("a1111-settings %s\n" % json.dumps(req["override_settings"], sort_keys=True))
            png = self.image(w, h, req.get("prompt", ""), seed, "a1111")
            info = json.dumps({"seed": seed, "prompt": req.get("prompt", ""), "width": w, "height": h})
            return self.reply(200, {"images": [self.b64(png)], "parameters": req, "info": info})
        if u.path in ("/v1/images/generations", "/images/generations"):
            if self.fault("openai"):
                return
            size = str(req.get("size", "1024x1024"))
            try:
                w, h = (int(x) for x in size.split("x"))
            except ValueError:
                return self.reply(400, {"error": {"message": "bad size"}})
            png = self.image(w, h, req.get("prompt", ""), 99, "openai")
            return self.reply(200, {"created": int(time.time()), "data": [{"b64_json": self.b64(png)}]})
        if u.path == "/prompt":
            graph = req.get("prompt")
            if not isinstance(graph, dict):
                return self.reply(400, {"error": "no prompt graph", "node_errors": {}})
            ks = next((n["inputs"] for n in graph.values() if n.get("class_type") == "KSampler"), None)
            lat = next((n["inputs"] for n in graph.values() if n.get("class_type") == "EmptyLatentImage"), None)
            if ks is None or lat is None:
                return self.reply(400, {"error": "graph has no KSampler/EmptyLatentImage", "node_errors": {}})
            pos = graph.get(str(ks["positive"][0]), {}).get("inputs", {}).get("text", "")
            if self.fault("comfyui"):
                return
            pid = str(uuid.uuid4())
            png = self.image(int(lat["width"]), int(lat["height"]), pos, int(ks["seed"]), "comfyui")
            if getattr(self, "mode", "ok") == "notimage":
                png = b"not an image"
            with lock:
                comfy[pid] = {"ready_at": time.time() + 0.05, "png": png, "name": "longsd_%s.png" % pid[:8],
                              "error": getattr(self, "mode", "ok") == "comfy-error"}
            return self.reply(200, {"prompt_id": pid, "number": len(comfy), "node_errors": {}})
        return self.reply(404, {"error": "not found"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client hanging up is part of the tests
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--fault", default="ok")
    ap.add_argument("--fault-count", type=int, default=-1)
    ap.add_argument("--status", type=int, default=500)
    ap.add_argument("--stall", type=float, default=60.0)
    ap.add_argument("--huge-mb", type=int, default=80)
    ap.add_argument("--die-after", type=int, default=-1)
    ap.add_argument("--log", default="")
    ap.add_argument("--lifetime", type=float, default=120.0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    if a.tls:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    srv.cfg = {"delay": a.delay, "fault": a.fault, "fault_count": a.fault_count, "status": a.status,
               "stall": a.stall, "huge_mb": a.huge_mb, "die_after": a.die_after, "log": a.log}
    parent = os.getppid()

    def watchdog():
        end = time.time() + a.lifetime
        while time.time() < end and os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    print(srv.server_address[1], flush=True)
    srv.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
