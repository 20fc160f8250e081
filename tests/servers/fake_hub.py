#!/usr/bin/python3
"""fake_hub.py - a stand-in Hugging Face hub for longsd's tests, on 127.0.0.1.

Speaks the part of the hub protocol huggingface_hub and longsd use:
  GET  /api/models/ORG/NAME/revision/REV[?blobs=true]
       -> {"id", "sha", "siblings": [{"rfilename", "size", "blobId", "lfs": {"sha256", "size"}}]}
  GET  /api/models/ORG/NAME/tree/REV?recursive=true   (what newer huggingface_hub lists)
  HEAD|GET /ORG/NAME/resolve/REV/PATH
       regular files: 200, ETag "<git blob sha1>", X-Repo-Commit
       LFS files (.safetensors .bin .ckpt .pt): 302 to http://localhost:PORT/cdn/ORG/NAME/<sha256>
       (another host name, as the real CDN is), X-Linked-Etag "<sha256>", X-Linked-Size
  GET  /cdn/ORG/NAME/<sha256>   the bytes, honouring "Range: bytes=N-" (206, Content-Range)
Errors as the hub sends them: 401 + X-Error-Code: RepoNotFound for an unknown
repo, 404 + RevisionNotFound / EntryNotFound, 401/403 + GatedRepo for a gated
one without / with a wrong token.

  --repo ID=DIR[,FAULT]  serve DIR as repo ID; FAULT is one of
                         cut      the first GET of each LFS blob without Range stops halfway
                         corrupt  LFS blobs are served with one byte changed
                         gated    needs "Authorization: Bearer TOKEN" (--token)
                         huge     the file list and headers claim 1 PiB per LFS file
                         norange  the CDN ignores Range and sends the whole file (200)
  --token TOKEN          the token a gated repo accepts
  --log FILE             one line per request: METHOD HOST PATH range=R auth=yes|no
  --lifetime S           exit after S seconds (default 120); also when the parent goes away
Prints the port on the first line of stdout.
"""
import argparse, hashlib, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, unquote

LFS_EXT = (".safetensors", ".bin", ".ckpt", ".pt")
lock = threading.Lock()
cut_done = set()
repos = {}   # id -> {"dir", "fault", "files": {path: {...}}, "sha"}
blobs = {}   # (repo, sha256) -> path
cfg = {}


def load_repo(rid, d, fault):
    files = {}
    for root, _, names in os.walk(d):
        for n in sorted(names):
            full = os.path.join(root, n)
            rel = os.path.relpath(full, d).replace(os.sep, "/")
            data = open(full, "rb").read()
            git = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            f = {"data": data, "git": git, "lfs": rel.endswith(LFS_EXT)}
            if f["lfs"]:
                f["sha256"] = hashlib.sha256(data).hexdigest()
                blobs[(rid, f["sha256"])] = rel
            files[rel] = f
    top = hashlib.sha1()
    for rel in sorted(files):
        top.update(rel.encode() + b"\0" + files[rel]["git"].encode())
    repos[rid] = {"dir": d, "fault": fault, "files": files, "sha": top.hexdigest()}


def size_of(repo, f):
    return (1 << 50) if repo["fault"] == "huge" and f["lfs"] else len(f["data"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self):
        if cfg["log"]:
            with lock, open(cfg["log"], "a") as f:
                f.write("%s %s %s range=%s auth=%s\n" % (self.command, self.headers.get("Host", ""), self.path,
                        self.headers.get("Range", "-"), "yes" if self.headers.get("Authorization") else "no"))

    def send(self, status, body=b"", headers=None, ctype="application/json"):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, msg):
        self.send(status, json.dumps({"error": msg}).encode(), {"X-Error-Code": code, "X-Error-Message": msg})

    def auth_ok(self, repo):
        if repo["fault"] != "gated":
            return True
        a = self.headers.get("Authorization")
        if not a:
            self.error(401, "GatedRepo", "Access to this model is restricted. You must be authenticated.")
            return False
        if a != "Bearer " + cfg["token"]:
            self.error(403, "GatedRepo", "Access to this model is restricted and you are not in the authorized list.")
            return False
        return True

    def find_repo(self, parts):
        rid = "/".join(parts[:2])
        return rid, repos.get(rid)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.note()
        u = urlparse(self.path)
        parts = [unquote(p) for p in u.path.split("/")[1:]]
        if parts[:2] == ["api", "models"] and len(parts) >= 4:
            rid, repo = self.find_repo(parts[2:])
            if not repo:
                return self.error(401, "RepoNotFound", "Repository Not Found")
            if not self.auth_ok(repo):
                return
            if len(parts) > 5 and parts[4] == "tree":  # newer huggingface_hub lists files this way
                if not self.auth_ok(repo):
                    return
                out, dirs = [], set()
                for rel, f in sorted(repo["files"].items()):
                    for i in range(1, rel.count("/") + 1):
                        dirs.add("/".join(rel.split("/")[:i]))
                    e = {"type": "file", "oid": f["git"], "size": size_of(repo, f), "path": rel}
                    if f["lfs"]:
                        e["lfs"] = {"oid": f["sha256"], "size": size_of(repo, f), "pointerSize": 134}
                    out.append(e)
                out += [{"type": "directory", "oid": "0" * 40, "size": 0, "path": d} for d in sorted(dirs)]
                return self.send(200, json.dumps(out).encode())
            rev = "/".join(parts[5:]) if len(parts) > 5 and parts[4] == "revision" else "main"
            if rev not in ("main", repo["sha"]):
                return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
            sib = []
            for rel, f in sorted(repo["files"].items()):
                s = {"rfilename": rel, "size": size_of(repo, f), "blobId": f["git"]}
                if f["lfs"]:
                    s["lfs"] = {"sha256": f["sha256"], "size": size_of(repo, f), "pointerSize": 134}
                sib.append(s)
            body = {"_id": "x" + repo["sha"][:23], "id": rid, "modelId": rid, "sha": repo["sha"], "private": False,
                    "gated": "manual" if repo["fault"] == "gated" else False, "disabled": False, "downloads": 0,
                    "likes": 0, "tags": [], "siblings": sib, "lastModified": "2024-01-01T00:00:00.000Z",
                    "createdAt": "2024-01-01T00:00:00.000Z"}
            return self.send(200, json.dumps(body).encode())
        if len(parts) >= 5 and parts[2] == "resolve":
            rid, repo = self.find_repo(parts)
            if not repo:
                return self.error(401, "RepoNotFound", "Repository Not Found")
            if not self.auth_ok(repo):
                return
            rev, rel = parts[3], "/".join(parts[4:])
            if rev not in ("main", repo["sha"]):
                return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
            f = repo["files"].get(rel)
            if not f:
                return self.error(404, "EntryNotFound", "Entry not found")
            h = {"X-Repo-Commit": repo["sha"]}
            if f["lfs"]:
                h["X-Linked-Etag"] = '"%s"' % f["sha256"]
                h["X-Linked-Size"] = str(size_of(repo, f))
                h["ETag"] = '"%s"' % f["sha256"]
                h["Location"] = "http://localhost:%d/cdn/%s/%s" % (cfg["port"], rid, f["sha256"])
                return self.send(302, b"", h, "text/plain")
            h["ETag"] = '"%s"' % f["git"]
            return self.send(200, f["data"], h, "application/octet-stream")
        if len(parts) == 4 and parts[0] == "cdn" and ("/".join(parts[1:3]), parts[3]) in blobs:
            rid = "/".join(parts[1:3])
            rel = blobs[(rid, parts[3])]
            repo = repos[rid]
            data = repo["files"][rel]["data"]
            if repo["fault"] == "corrupt":
                data = data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:]
            rng = self.headers.get("Range") if repo["fault"] != "norange" else None
            start = 0
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[6:-1])
                if start >= len(data):
                    return self.send(416, b"", {"Content-Range": "bytes */%d" % len(data)})
            if repo["fault"] == "cut" and not rng and self.command == "GET":
                with lock:
                    first = parts[3] not in cut_done
                    cut_done.add(parts[3])
                if first:  # promise the whole file, send half, hang up
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[:len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
            if start:
                return self.send(206, data[start:], {"Content-Range": "bytes %d-%d/%d" % (start, len(data) - 1, len(data))},
                                 "application/octet-stream")
            return self.send(200, data, {}, "application/octet-stream")
        return self.error(404, "EntryNotFound", "no route " + u.path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--repo", action="append", default=[])
    ap.add_argument("--token", default="hf_faketoken")
    ap.add_argument("--log", default="")
    ap.add_argument("--lifetime", type=float, default=120.0)
    a = ap.parse_args()
    for r in a.repo:
        rid, rest = r.split("=", 1)
        d, _, fault = rest.partition(",")
        load_repo(rid, d, fault)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    cfg.update(port=srv.server_address[1], token=a.token, log=a.log)
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
