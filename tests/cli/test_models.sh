#!/bin/sh
# Models by name: `longsd pull` against tests/servers/fake_hub.py (the hub's
# model-info call, resolve/ HEADs with X-Linked-Etag, a redirect to a "CDN"
# host, Range) with its faults - a cut connection resumes, a corrupted file
# is refused and leaves no snapshot, a gated repo asks for HF_TOKEN, the
# token never reaches the CDN host, a repo larger than the disk is refused
# before any byte is fetched; the cache written is huggingface_hub's layout;
# `longsd models` finds an A1111 and a ComfyUI tree (extra_model_paths.yaml);
# `longsd run --model REPO --download` downloads once and renders; on a
# terminal a missing repo is offered and pulled with a progress bar; LoRA and
# VAE names (--lora, <lora:>, --vae taesd=) resolve the same way.
. tests/cli/lib.sh
M=$REPO/tests/engine/tiny-sd
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY HF_HOME HF_HUB_OFFLINE HF_TOKEN \
      HF_TOKEN_PATH LONGSD_MODELS XDG_CACHE_HOME
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost LONGSD_NO_DEFAULT_MODEL_DIRS=1 HOME=$TMP/home
mkdir -p "$HOME"
TOKEN=hf_SeCrEtToKeNfortests0123456789
LOG=$TMP/hub.log
T=$REPO/tests/engine/tiny-taesd; TO=$REPO/tests/engine/tiny-taesd-orig; L=$REPO/tests/engine/lora
# a TAESD repo as madebyollin/taesd lays it out: the AutoencoderTiny folder
# (config.json + diffusion_pytorch_model.*) beside the original decoder files
mkdir -p "$TMP/taesd-repo" "$TMP/lora-repo"
cp "$T/config.json" "$T/diffusion_pytorch_model.safetensors" "$TO/taesd_decoder.safetensors" \
   "$TO/taesd_encoder.safetensors" "$TMP/taesd-repo/"
head -c 3000 /dev/urandom >"$TMP/taesd-repo/diffusion_pytorch_model.bin"
echo "# TAESD" >"$TMP/taesd-repo/README.md"
# a diffusers-style LoRA repo: pytorch_lora_weights.safetensors
cp "$L/kohya.safetensors" "$TMP/lora-repo/pytorch_lora_weights.safetensors"
echo "# a LoRA" >"$TMP/lora-repo/README.md"
$PY tests/servers/fake_hub.py --repo "test/tiny=$M" --repo "test/cut=$M,cut" --repo "test/bad=$M,corrupt" \
    --repo "test/gated=$M,gated" --repo "test/huge=$M,huge" --repo "test/norange=$M,norange" \
    --repo "test/taesd=$TMP/taesd-repo" --repo "test/lora=$TMP/lora-repo" --token "$TOKEN" --log "$LOG" --lifetime 600 \
    >"$TMP/port" 2>"$TMP/hub.err" &
i=0; while [ ! -s "$TMP/port" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
PORT=$(head -n 1 "$TMP/port")
export HF_ENDPOINT=http://127.0.0.1:$PORT
UNET_SHA=$($PY -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())" \
    "$M/unet/diffusion_pytorch_model.safetensors")
pull() { c=$1; shift; HF_HUB_CACHE=$c "$LONGSD_BIN" pull "$@"; }
cdn_gets() { grep -c "^GET localhost:$PORT /cdn/$1/" "$LOG"; }

# the cache layout huggingface_hub writes (and reads): refs/main -> commit,
# snapshots/COMMIT/PATH relative symlinks to blobs/ETAG, ETAG the sha256 of
# LFS files and the git blob sha1 of the others
layout_ok() { $PY - "$1" "$2" "$M" <<'PYEOF'
import hashlib, os, sys
cache, repo, src = sys.argv[1:4]
d = os.path.join(cache, "models--" + repo.replace("/", "--"))
commit = open(os.path.join(d, "refs/main")).read()
assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit), commit
snap = os.path.join(d, "snapshots", commit)
want = sorted(os.path.relpath(os.path.join(r, f), src) for r, _, fs in os.walk(src) for f in fs)
got = sorted(os.path.relpath(os.path.join(r, f), snap) for r, _, fs in os.walk(snap) for f in fs)
assert got == want, (got, want)
for rel in got:
    p = os.path.join(snap, rel)
    assert os.path.islink(p), rel
    t = os.readlink(p)
    assert not os.path.isabs(t) and t == "../" * (rel.count("/") + 2) + "blobs/" + os.path.basename(t), (rel, t)
    data = open(p, "rb").read()
    assert data == open(os.path.join(src, rel), "rb").read(), rel
    if rel.endswith(".safetensors"):
        assert os.path.basename(t) == hashlib.sha256(data).hexdigest(), rel
    else:
        assert os.path.basename(t) == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest(), rel
left = [f for f in os.listdir(os.path.join(d, "blobs")) if f.endswith(".incomplete")]
assert not left, left
assert open(os.path.join(cache, "CACHEDIR.TAG")).read().startswith("Signature: 8a477f597d28d172789f06886806bc55")
PYEOF
}

C1=$TMP/c1
if pull "$C1" test/tiny >"$TMP/out" 2>"$TMP/err" && grep -q "models--test--tiny/snapshots/" "$TMP/out"; then
    pass "pull test/tiny: prints the snapshot"
else fail "pull test/tiny" "$(cat "$TMP/err")"; fi
check "pull writes huggingface_hub's cache layout, every file checked" layout_ok "$C1" test/tiny
if [ "$(cdn_gets test/tiny)" = 3 ]; then pass "the three weight files came from the CDN host"
else fail "CDN downloads" "$(cdn_gets test/tiny) GETs: $(grep cdn "$LOG" | head -5)"; fi
pull "$C1" test/tiny >/dev/null 2>"$TMP/err"
if [ "$(cdn_gets test/tiny)" = 3 ]; then pass "a second pull downloads nothing"
else fail "second pull" "$(grep cdn "$LOG" | tail -3)"; fi

# a cut connection in the middle of each weight file: resumed with Range
C2=$TMP/c2
if pull "$C2" test/cut >/dev/null 2>"$TMP/err" && layout_ok "$C2" test/cut >"$TMP/.l" 2>&1; then
    pass "cut downloads: the pull resumes and completes"
else fail "cut downloads" "$(cat "$TMP/err" "$TMP/.l")"; fi
n=$(grep "^GET localhost:$PORT /cdn/test/cut/" "$LOG" | grep -c "range=bytes=[1-9][0-9]*-")
if [ "$n" = 3 ] && grep -q "resuming" "$TMP/err"; then pass "each cut file resumed from where it stopped (Range)"
else fail "Range resume" "$n ranged GETs; $(cat "$TMP/err")"; fi

# a download cut in an earlier run: blobs/SHA.incomplete resumes at its size
C3=$TMP/c3
mkdir -p "$C3/models--test--tiny/blobs"
head -c 1000 "$M/unet/diffusion_pytorch_model.safetensors" >"$C3/models--test--tiny/blobs/$UNET_SHA.incomplete"
if pull "$C3" test/tiny >/dev/null 2>"$TMP/err" && layout_ok "$C3" test/tiny >"$TMP/.l" 2>&1 &&
   grep -q "^GET localhost:$PORT /cdn/test/tiny/$UNET_SHA range=bytes=1000- " "$LOG"; then
    pass "a .incomplete file from an earlier run resumes at byte 1000"
else fail "resume across runs" "$(cat "$TMP/err" "$TMP/.l"; grep "$UNET_SHA" "$LOG")"; fi

# a server that ignores Range: the part starts over, nothing is doubled
mkdir -p "$TMP/c3b/models--test--norange/blobs"
head -c 1000 "$M/unet/diffusion_pytorch_model.safetensors" >"$TMP/c3b/models--test--norange/blobs/$UNET_SHA.incomplete"
if pull "$TMP/c3b" test/norange >/dev/null 2>"$TMP/err" && layout_ok "$TMP/c3b" test/norange >"$TMP/.l" 2>&1 &&
   [ "$(grep -c "/cdn/test/norange/$UNET_SHA range=bytes=1000- " "$LOG")" = 1 ] && [ "$(cdn_gets test/norange)" = 3 ]; then
    pass "Range ignored by the server: the part is replaced by the whole file, one GET"
else fail "Range ignored" "$(cat "$TMP/err" "$TMP/.l"; grep norange "$LOG" | grep cdn)"; fi
# a part that is not a prefix of the file: refused by the hash, removed, the next pull succeeds
mkdir -p "$TMP/c3c/models--test--tiny/blobs"
head -c 1000 /dev/zero >"$TMP/c3c/models--test--tiny/blobs/$UNET_SHA.incomplete"
pull "$TMP/c3c" test/tiny >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "refused" "$TMP/err" && [ ! -e "$TMP/c3c/models--test--tiny/blobs/$UNET_SHA.incomplete" ] &&
   pull "$TMP/c3c" test/tiny >/dev/null 2>>"$TMP/err" && layout_ok "$TMP/c3c" test/tiny >"$TMP/.l" 2>&1; then
    pass "a damaged part: refused and removed, the next pull completes"
else fail "damaged part" "exit $rc: $(cat "$TMP/err" "$TMP/.l")"; fi

# a corrupted file: refused, nothing in snapshots/, no ref, no partial blob
C4=$TMP/c4
pull "$C4" test/bad >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "sha256" "$TMP/err" && grep -q "refused" "$TMP/err"; then
    pass "corrupted download: refused with the two hashes"
else fail "corrupted download" "exit $rc: $(cat "$TMP/err")"; fi
if [ ! -e "$C4/models--test--bad/snapshots" ] && [ ! -e "$C4/models--test--bad/refs/main" ] &&
   ! ls "$C4/models--test--bad/blobs" | grep -q incomplete; then
    pass "corrupted download: no snapshot, no ref, no partial file left"
else fail "corrupted download leaves" "$(find "$C4" | head -20)"; fi

# gated: a clear message without a token; with one, the token goes to the hub
# host only, never to the CDN host, and never into messages or the cache
C5=$TMP/c5
pull "$C5" test/gated >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "gated" "$TMP/err" && grep -q "HF_TOKEN" "$TMP/err"; then
    pass "gated repo without a token: says to set HF_TOKEN"
else fail "gated without token" "exit $rc: $(cat "$TMP/err")"; fi
HF_TOKEN=hf_wrongwrongwrongwrongwrong pull "$C5" test/gated >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "has no access" "$TMP/err"; then pass "gated repo, wrong token: no access"
else fail "gated wrong token" "exit $rc: $(cat "$TMP/err")"; fi
cp "$LOG" "$LOG.before"
if HF_TOKEN=$TOKEN pull "$C5" test/gated >"$TMP/gout" 2>"$TMP/gerr" && layout_ok "$C5" test/gated >"$TMP/.l" 2>&1; then
    pass "gated repo with HF_TOKEN: pulled"
else fail "gated with token" "$(cat "$TMP/gerr" "$TMP/.l")"; fi
hub_noauth=$(grep "/test/gated/" "$LOG" | grep "^[A-Z]* 127.0.0.1:" | grep -c "auth=no")
cdn_auth=$(grep "/cdn/test/gated/" "$LOG" | grep -c "auth=yes")
cdn_all=$(grep -c "/cdn/test/gated/" "$LOG")
if [ "$cdn_all" = 3 ] && [ "$cdn_auth" = 0 ] && [ "$(diff "$LOG.before" "$LOG" | grep "^>" | grep -v /cdn/ | grep -c auth=no)" = 0 ]; then
    pass "HF_TOKEN sent to the hub host, never to the CDN host"
else fail "token routing" "cdn=$cdn_all cdn_with_auth=$cdn_auth hub_noauth_total=$hub_noauth"; fi
no_secret "the token is in no output and no cache file" "$TOKEN" "$TMP/gout" "$TMP/gerr" "$C5"

# a repo larger than the disk: refused before any byte is fetched
pull "$TMP/c6" test/huge >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "not enough disk space" "$TMP/err" && [ "$(cdn_gets test/huge)" = 0 ]; then
    pass "too large for the disk: refused before downloading"
else fail "disk space" "exit $rc: $(cat "$TMP/err")"; fi

pull "$TMP/c7" test/nothere >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "test/nothere: no such repo" "$TMP/err"; then pass "unknown repo: says so"
else fail "unknown repo" "exit $rc: $(cat "$TMP/err")"; fi
HF_HUB_OFFLINE=1 pull "$C1" test/other >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "HF_HUB_OFFLINE" "$TMP/err" && grep -q "models found locally: test/tiny" "$TMP/err"; then
    pass "HF_HUB_OFFLINE: refuses and lists the local models"
else fail "offline" "exit $rc: $(cat "$TMP/err")"; fi
HF_ENDPOINT=http://127.0.0.1:9 pull "$C1" test/other >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "no network" "$TMP/err" && grep -q "models found locally: test/tiny" "$TMP/err"; then
    pass "no network: says so and lists the local models"
else fail "no network" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" pull "not a repo" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "expected a hub repo id" "$TMP/err"; then pass "pull of a non-repo name: usage error"
else fail "bad repo id" "exit $rc: $(cat "$TMP/err")"; fi

# A1111 and ComfyUI trees, extra_model_paths.yaml, and the cache, listed
$PY - "$TMP" <<'PYEOF'
import json, os, struct, sys
t = sys.argv[1]
def st(path, names):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    hdr, off = {}, 0
    for n in names:
        hdr[n] = {"dtype": "F32", "shape": [1], "data_offsets": [off, off + 4]}; off += 4
    h = json.dumps(hdr).encode()
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * off)
st(t + "/a1111/models/Stable-diffusion/dreamy.safetensors",
   ["cond_stage_model.transformer.text_model.x", "model.diffusion_model.input_blocks.0.0.weight"])
st(t + "/a1111/models/Stable-diffusion/SD2/twos.safetensors", ["cond_stage_model.model.transformer.x"])
st(t + "/a1111/models/Lora/inkwash.safetensors", ["lora_unet_down_blocks_0.lora_down.weight", "lora_te_x.alpha"])
st(t + "/a1111/models/VAE/vae-ft-mse.safetensors", ["encoder.down.0.block.0.conv1.weight", "decoder.up.0.x"])
st(t + "/comfy/models/checkpoints/bigxl.safetensors", ["conditioner.embedders.1.model.x", "model.diffusion_model.y"])
st(t + "/shared/ckpts/yamlone.safetensors", ["cond_stage_model.transformer.text_model.x"])
st(t + "/shared/more/yamltwo.safetensors", ["model.diffusion_model.x"])
st(t + "/shared/lor/yamllora.safetensors", ["lora_te2_x.lora_down.weight"])
st(t + "/a1111/models/Lora/xlunet.safetensors", ["lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.alpha"])
st(t + "/a1111/models/Lora/xlpeft.safetensors", ["unet.x.lora_A.weight", "text_encoder_2.y.lora_A.weight"])
st(t + "/comfy/models/vae_approx/taesd_decoder.safetensors", ["1.weight", "3.conv.0.weight"])
open(t + "/comfy/extra_model_paths.yaml", "w").write(
    "# ComfyUI's example shape\nother_ui:\n    base_path: ../shared\n    checkpoints: |\n        ckpts\n        more\n"
    "    loras: [lor]\n    upscale_models: up\n")
PYEOF
mkdir -p "$TMP/a1111/models/Stable-diffusion/tiny-diffusers" && cp -r "$M"/. "$TMP/a1111/models/Stable-diffusion/tiny-diffusers/"
cp tests/engine/gguf/tiny-q8_0.gguf "$TMP/a1111/models/Stable-diffusion/tinyq.gguf" # a stable-diffusion.cpp file
mkdir -p "$TMP/a1111/models/Stable-diffusion/tiny-two" && cp -r "$REPO/tests/engine/tiny-sd2"/. "$TMP/a1111/models/Stable-diffusion/tiny-two/" # SD 2 layout, 32 wide
# the same SD 2 as a 768-v model (UNet sample_size 96) and as SD-Turbo (trailing timesteps): other default sizes
SDD=$TMP/a1111/models/Stable-diffusion
cp -r "$SDD/tiny-two" "$SDD/tiny-768v" && cp -r "$SDD/tiny-two" "$SDD/tiny-sdturbo"
$PY - "$SDD" <<'PYEOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/tiny-768v/unet/config.json")); u["sample_size"] = 96
json.dump(u, open(d + "/tiny-768v/unet/config.json", "w"))
s = json.load(open(d + "/tiny-sdturbo/scheduler/scheduler_config.json")); s["timestep_spacing"] = "trailing"
json.dump(s, open(d + "/tiny-sdturbo/scheduler/scheduler_config.json", "w"))
PYEOF
if HF_HUB_CACHE=$C1 "$LONGSD_BIN" models --models-dir "$TMP/a1111" --models-dir "$TMP/comfy" --json >"$TMP/models.json" 2>"$TMP/err"; then
    pass "longsd models --json"
else fail "longsd models" "$(cat "$TMP/err")"; fi
check "models: kinds, families and sources of A1111, ComfyUI, the YAML folders and the cache" $PY - "$TMP/models.json" <<'PYEOF'
import json, sys
m = {e["name"]: e for e in json.load(open(sys.argv[1]))}
want = {
    "dreamy.safetensors": ("checkpoint", "sd1", "models-dir"),
    "tinyq.gguf": ("checkpoint", "sd1", "models-dir"),
    "SD2/twos.safetensors": ("checkpoint", "sd2", "models-dir"),
    "tiny-diffusers": ("diffusers", "sd1", "models-dir"),
    "tiny-two": ("diffusers", "sd2", "models-dir"),
    "tiny-768v": ("diffusers", "sd2", "models-dir"),
    "tiny-sdturbo": ("diffusers", "sd2", "models-dir"),
    "inkwash.safetensors": ("lora", "sd1", "models-dir"),
    "vae-ft-mse.safetensors": ("vae", "unknown", "models-dir"),
    "bigxl.safetensors": ("checkpoint", "sdxl", "models-dir"),
    "taesd_decoder.safetensors": ("vae", "taesd", "models-dir"),
    "yamlone.safetensors": ("checkpoint", "sd1", "comfyui"),
    "yamltwo.safetensors": ("checkpoint", "unknown", "comfyui"),
    "yamllora.safetensors": ("lora", "sdxl", "comfyui"),
    "xlunet.safetensors": ("lora", "sdxl", "models-dir"),
    "xlpeft.safetensors": ("lora", "sdxl", "models-dir"),
    "test/tiny": ("diffusers", "sd1", "hf-cache"),
}
for name, (kind, fam, src) in want.items():
    assert name in m, (name, sorted(m))
    e = m[name]
    assert (e["kind"], e["family"], e["source"]) == (kind, fam, src), (name, e)
    assert e["size"] > 0, e
assert len(m) == len(want), sorted(set(m) - set(want))
# the image size each draws without --size (longsd_model_default_size); none for a VAE or a LoRA
size = {"dreamy.safetensors": (768, 512), "tinyq.gguf": (768, 512), "SD2/twos.safetensors": (768, 512),
        "tiny-diffusers": (768, 512), "tiny-two": (768, 512), "tiny-768v": (960, 640), "tiny-sdturbo": (640, 448),
        "bigxl.safetensors": (1216, 832), "yamlone.safetensors": (768, 512), "yamltwo.safetensors": (768, 512), "test/tiny": (768, 512)}
for name, e in m.items():
    got = (e["width"], e["height"]) if "width" in e else None
    assert got == size.get(name), (name, e)
PYEOF
HF_HUB_CACHE=$C1 "$LONGSD_BIN" models --models-dir "$TMP/a1111" >"$TMP/table" 2>&1
if grep -q "^dreamy.safetensors .*checkpoint .*sd1 " "$TMP/table" && grep -q "^test/tiny .*hf-cache" "$TMP/table"; then
    pass "longsd models: a table of name, kind, family, size, source, path"
else fail "models table" "$(cat "$TMP/table")"; fi
mkdir -p "$TMP/badyaml/models/checkpoints"
printf 'bad:\n  base_path: [unclosed\n' >"$TMP/badyaml/extra_model_paths.yaml"
HF_HUB_CACHE=$C1 "$LONGSD_BIN" models --models-dir "$TMP/badyaml" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "extra_model_paths.yaml:[0-9]*:[0-9]*:" "$TMP/err"; then
    pass "a broken extra_model_paths.yaml: file, line and column"
else fail "broken yaml" "exit $rc: $(cat "$TMP/err")"; fi

# --model by folder name and by repo id; a name found nowhere
if HF_HUB_CACHE=$C1 "$LONGSD_BIN" -q sd --model tiny-diffusers --models-dir "$TMP/a1111" --size 64x64 --steps 2 \
       --threads 1 "a red fox" -o "$TMP/fox.png" 2>"$TMP/err" && [ -s "$TMP/fox.png" ]; then
    pass "sd --model NAME: a diffusers folder in an A1111 tree"
else fail "sd --model NAME" "$(cat "$TMP/err")"; fi
if HF_HUB_CACHE=$C1 "$LONGSD_BIN" -q sd --backend native=test/tiny --size 64x64 --steps 2 --threads 1 "a red fox" \
       -o "$TMP/fox2.png" 2>"$TMP/err" && cmp -s "$TMP/fox.png" "$TMP/fox2.png"; then
    pass "--backend native=REPO: the cached snapshot, the same image as the A1111 copy"
else fail "--backend native=REPO" "$(cat "$TMP/err")"; fi
HF_HUB_CACHE=$C1 "$LONGSD_BIN" -q sd --model nosuchmodel --models-dir "$TMP/a1111" "x" -o "$TMP/n.png" 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "nosuchmodel" "$TMP/err" && grep -q "a1111/models/Stable-diffusion" "$TMP/err" && [ ! -e "$TMP/n.png" ]; then
    pass "an unknown model name: usage error naming the folders searched"
else fail "unknown model" "exit $rc: $(cat "$TMP/err")"; fi
HF_HUB_CACHE=$TMP/c8 "$LONGSD_BIN" -q sd --model test/tiny "x" -o "$TMP/n.png" </dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "longsd pull test/tiny" "$TMP/err" && [ ! -e "$TMP/c8/models--test--tiny" ]; then
    pass "a repo id not in the cache: no download without --download, says how"
else fail "no --download" "exit $rc: $(cat "$TMP/err")"; fi

# run --model REPO --download on the fence chapter: one download, 15 images; the second run fetches nothing
WS=$TMP/ws; C9=$TMP/c9
before=$(wc -l <"$LOG")
if HF_HUB_CACHE=$C9 "$LONGSD_BIN" -C "$WS" -q run --model test/tiny --download --size 64x64 --steps 2 --threads 1 \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run --model REPO --download"
else fail "run --model REPO --download" "$(cat "$TMP/err")"; fi
mid=$(wc -l <"$LOG")
check "the run downloaded the model and rendered 15 images" $PY - "$WS" "$(sed -n "$((before + 1)),\$p" "$LOG" | grep -c /cdn/test/tiny/)" <<'PYEOF'
import json, os, sys
ws, n = sys.argv[1], int(sys.argv[2])
assert n == 3, n
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert len(p["ideas"]) == 15
for i in p["ideas"]:
    assert i["image"]["state"] == "done", i["image"]
PYEOF
if HF_HUB_CACHE=$C9 "$LONGSD_BIN" -C "$WS" -q run --model test/tiny --download --size 64x64 --steps 2 --threads 1 --force \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err" && [ "$(wc -l <"$LOG")" = "$mid" ]; then
    pass "a second run with the model cached makes no request to the hub"
else fail "second run" "$(cat "$TMP/err"); $(sed -n "$((mid + 1)),\$p" "$LOG" | head -3)"; fi
# ---- LoRA and VAE names, resolved as --model is: a path, a hub repo in the
# cache (pulled or --download), a file or folder in A1111's models/Lora,
# models/VAE, ComfyUI's models/loras, models/vae_approx, extra_model_paths.yaml,
# --lora-dir, $LONGSD_MODELS. Each render is compared pixel for pixel with
# the same LoRA or TAESD given by path.
A2=$TMP/a2; CF=$TMP/cf; LD=$TMP/ld
mkdir -p "$A2/models/Stable-diffusion" "$A2/models/Lora" "$A2/models/VAE/tinyvae" "$CF/models/checkpoints" \
         "$CF/models/loras/sub" "$CF/models/vae_approx/tinyc" "$TMP/shared2/lor" "$LD/deep"
cp "$L/kohya.safetensors" "$A2/models/Lora/inky.safetensors"
cp "$T/config.json" "$T/diffusion_pytorch_model.safetensors" "$A2/models/VAE/tinyvae/"
cp "$L/kohya.safetensors" "$CF/models/loras/sub/inkc.safetensors"
cp "$T/config.json" "$T/diffusion_pytorch_model.safetensors" "$CF/models/vae_approx/tinyc/"
cp "$L/kohya.safetensors" "$TMP/shared2/lor/yamlink.safetensors"
cp "$L/kohya.safetensors" "$LD/deep/nested.safetensors"
printf 'mine:\n    base_path: ../shared2\n    loras: lor\n' >"$CF/extra_model_paths.yaml"
C10=$TMP/c10
sd() { HF_HUB_CACHE=$C10 "$LONGSD_BIN" -q sd --backend native=test/tiny --size 64x64 --steps 2 --seed 3 --threads 1 "$@"; }
pixels_same() { $PY - "$@" <<'PYEOF'
import struct, sys, zlib
def pixels(f):
    d = open(f, "rb").read(); i = 8; idat = b""
    while i < len(d):
        n, = struct.unpack(">I", d[i:i+4]); k = d[i+4:i+8]
        if k == b"IDAT": idat += d[i+8:i+8+n]
        i += 12 + n
    return zlib.decompress(idat)
ref = pixels(sys.argv[1])
for f in sys.argv[2:]:
    assert pixels(f) == ref, f
PYEOF
}
pull "$C10" test/tiny >/dev/null 2>"$TMP/err" || fail "pull test/tiny for the LoRA tests" "$(cat "$TMP/err")"
sd --lora "$L/kohya.safetensors:0.7" "a fox" -o "$TMP/lref.png" 2>"$TMP/err" &&
    sd "a fox" -o "$TMP/lnone.png" 2>>"$TMP/err" || fail "reference renders" "$(cat "$TMP/err")"
if ! pixels_same "$TMP/lref.png" "$TMP/lnone.png" 2>/dev/null; then pass "the reference LoRA changes the picture"
else fail "reference LoRA" "a LoRA at 0.7 left the picture as it was: the comparisons below would prove nothing"; fi

# --lora NAME from A1111's models/Lora; the prompt keeps the name A1111 reads
if sd --models-dir "$A2" --lora inky:0.7 "a fox" -o "$TMP/l_a1111.png" 2>"$TMP/err" &&
   pixels_same "$TMP/lref.png" "$TMP/l_a1111.png" >"$TMP/.l" 2>&1 && grep -aq "a fox <lora:inky:0.7>" "$TMP/l_a1111.png"; then
    pass "--lora NAME: a LoRA in A1111's models/Lora, the same picture as by path, the name kept in the prompt"
else fail "--lora NAME (A1111)" "$(cat "$TMP/err" "$TMP/.l")"; fi
# <lora:NAME:W> in the prompt: ComfyUI's models/loras (a sub-folder) and a folder of extra_model_paths.yaml
if sd --models-dir "$CF" "a fox <lora:inkc:0.7>" -o "$TMP/l_comfy.png" 2>"$TMP/err" &&
   sd --models-dir "$CF" "a fox <lora:yamlink:0.7>" -o "$TMP/l_yaml.png" 2>>"$TMP/err" &&
   pixels_same "$TMP/lref.png" "$TMP/l_comfy.png" "$TMP/l_yaml.png" >"$TMP/.l" 2>&1; then
    pass "<lora:NAME> in a prompt: ComfyUI's models/loras and extra_model_paths.yaml"
else fail "<lora:NAME> (ComfyUI)" "$(cat "$TMP/err" "$TMP/.l")"; fi
# --lora-dir DIR: NAME.safetensors as before, and any LoRA below it by name; $LONGSD_MODELS
if sd --lora-dir "$LD" "a fox <lora:nested:0.7>" -o "$TMP/l_dir.png" 2>"$TMP/err" &&
   LONGSD_MODELS=$TMP/nowhere:$A2 sd --lora inky:0.7 "a fox" -o "$TMP/l_env.png" 2>>"$TMP/err" &&
   pixels_same "$TMP/lref.png" "$TMP/l_dir.png" "$TMP/l_env.png" >"$TMP/.l" 2>&1; then
    pass "--lora-dir searched by name below it; \$LONGSD_MODELS folders searched"
else fail "--lora-dir / LONGSD_MODELS" "$(cat "$TMP/err" "$TMP/.l")"; fi
# a hub repo id: missing from the cache it is a usage error saying how; pulled, it is found
sd --lora test/lora:0.7 "a fox" -o "$TMP/l_miss.png" </dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "longsd pull test/lora" "$TMP/err" && [ ! -e "$TMP/l_miss.png" ]; then
    pass "--lora REPO not in the cache: usage error naming \`longsd pull\`, no picture"
else fail "--lora REPO missing" "exit $rc: $(cat "$TMP/err")"; fi
if pull "$C10" test/lora >/dev/null 2>"$TMP/err" && sd --lora test/lora:0.7 "a fox" -o "$TMP/l_hub.png" 2>>"$TMP/err" &&
   pixels_same "$TMP/lref.png" "$TMP/l_hub.png" >"$TMP/.l" 2>&1; then
    pass "--lora REPO: a pulled LoRA repo (pytorch_lora_weights.safetensors in the snapshot)"
else fail "--lora REPO" "$(cat "$TMP/err" "$TMP/.l")"; fi
# not found: what was searched and what to do, before any render (usage error) or at render time (a prompt tag)
sd --models-dir "$A2" --lora nosuch "a fox" -o "$TMP/l_no.png" 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q 'LoRA "nosuch"' "$TMP/err" && grep -q "a2/models/Lora" "$TMP/err" &&
   grep -q -- "--lora-dir DIR" "$TMP/err" && grep -q "longsd pull" "$TMP/err" && [ ! -e "$TMP/l_no.png" ]; then
    pass "--lora NAME found nowhere: usage error listing the folders searched and what to do"
else fail "--lora not found" "exit $rc: $(cat "$TMP/err")"; fi
sd --models-dir "$A2" "a fox <lora:nosuch2:0.5>" -o "$TMP/l_no2.png" 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ] && grep -q 'LoRA "nosuch2" not found' "$TMP/err" && grep -q "a2/models/Lora" "$TMP/err" && [ ! -e "$TMP/l_no2.png" ]; then
    pass "<lora:NAME> of a prompt found nowhere: the folders searched, no picture"
else fail "<lora:> not found" "exit $rc: $(cat "$TMP/err")"; fi

# --vae taesd=NAME: a TAESD repo downloaded with --download (only what an
# AutoencoderTiny folder needs), a folder in A1111's models/VAE and ComfyUI's models/vae_approx
sd --vae taesd=test/taesd "a fox" -o "$TMP/v_miss.png" </dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "longsd pull test/taesd" "$TMP/err" && [ ! -e "$TMP/v_miss.png" ]; then
    pass "--vae taesd=REPO not in the cache: usage error naming \`longsd pull\`"
else fail "--vae REPO missing" "exit $rc: $(cat "$TMP/err")"; fi
sd --vae "taesd=$T" "a fox" -o "$TMP/vref.png" 2>"$TMP/err" || fail "TAESD reference render" "$(cat "$TMP/err")"
if ! pixels_same "$TMP/vref.png" "$TMP/lnone.png" 2>/dev/null; then pass "the reference TAESD decodes differently from the model's VAE"
else fail "reference TAESD" "the same picture as the model's own VAE: the comparisons below would prove nothing"; fi
before=$(cdn_gets test/taesd)
if sd --vae taesd=test/taesd --download "a fox" -o "$TMP/v_hub.png" 2>"$TMP/err" &&
   pixels_same "$TMP/vref.png" "$TMP/v_hub.png" >"$TMP/.l" 2>&1 && grep -aq "VAE: taesd" "$TMP/v_hub.png"; then
    pass "--vae taesd=REPO --download: downloaded, decodes as the folder given by path"
else fail "--vae taesd=REPO --download" "$(cat "$TMP/err" "$TMP/.l")"; fi
check "a TAESD pull fetches config.json and diffusion_pytorch_model.safetensors only" $PY - "$C10" \
    "$(($(cdn_gets test/taesd) - before))" <<'PYEOF'
import os, sys
d = os.path.join(sys.argv[1], "models--test--taesd")
snap = os.path.join(d, "snapshots", open(os.path.join(d, "refs/main")).read())
assert sorted(os.listdir(snap)) == ["config.json", "diffusion_pytorch_model.safetensors"], os.listdir(snap)
assert sys.argv[2] == "1", sys.argv[2] + " CDN GETs"
PYEOF
if sd --models-dir "$A2" --vae taesd=tinyvae "a fox" -o "$TMP/v_a1111.png" 2>"$TMP/err" &&
   pixels_same "$TMP/vref.png" "$TMP/v_a1111.png" >"$TMP/.l" 2>&1 &&
   sd --models-dir "$CF" --vae taesd=tinyc "a fox" -o "$TMP/v_comfy.png" 2>>"$TMP/err" &&
   pixels_same "$TMP/vref.png" "$TMP/v_comfy.png" >>"$TMP/.l" 2>&1; then
    pass "--vae taesd=NAME: a folder in A1111's models/VAE and in ComfyUI's models/vae_approx"
else fail "--vae taesd=NAME (folders)" "$(cat "$TMP/err" "$TMP/.l")"; fi
sd --models-dir "$A2" --vae taesd=nosuch "a fox" -o "$TMP/v_no.png" 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q 'VAE "nosuch"' "$TMP/err" && grep -q "a2/models/VAE" "$TMP/err" && [ ! -e "$TMP/v_no.png" ]; then
    pass "--vae taesd=NAME found nowhere: usage error listing the folders searched"
else fail "--vae not found" "exit $rc: $(cat "$TMP/err")"; fi

# longsd models: LoRA and VAE entries with their kind, from the folders and the cache
if HF_HUB_CACHE=$C10 "$LONGSD_BIN" models --models-dir "$A2" --models-dir "$CF" --json >"$TMP/m2.json" 2>"$TMP/err"; then
    check "models: LoRA and VAE entries with their kinds (A1111, ComfyUI, YAML, hub cache)" $PY - "$TMP/m2.json" <<'PYEOF'
import json, sys
m = {e["name"]: e for e in json.load(open(sys.argv[1]))}
want = {
    "inky.safetensors": ("lora", "sd1", "models-dir"),
    "tinyvae": ("vae", "taesd", "models-dir"),
    "sub/inkc.safetensors": ("lora", "sd1", "models-dir"),
    "tinyc": ("vae", "taesd", "models-dir"),
    "yamlink.safetensors": ("lora", "sd1", "comfyui"),
    "test/lora": ("lora", "sd1", "hf-cache"),
    "test/taesd": ("vae", "taesd", "hf-cache"),
    "test/tiny": ("diffusers", "sd1", "hf-cache"),
}
for name, (kind, fam, src) in want.items():
    assert name in m, (name, sorted(m))
    e = m[name]
    assert (e["kind"], e["family"], e["source"]) == (kind, fam, src), (name, e)
assert len(m) == len(want), sorted(set(m) - set(want))
PYEOF
else fail "longsd models (LoRA, VAE)" "$(cat "$TMP/err")"; fi
HF_HUB_CACHE=$C10 "$LONGSD_BIN" models --models-dir "$A2" >"$TMP/table2" 2>&1
if grep -q "^inky.safetensors .* lora .*sd1 " "$TMP/table2" && grep -q "^test/taesd .* vae .*taesd " "$TMP/table2"; then
    pass "longsd models table: the KIND column says lora and vae"
else fail "models table kinds" "$(cat "$TMP/table2")"; fi

# on a terminal: the missing repo is offered for download; a yes pulls it with
# a progress bar (bytes, speed, ETA), a no leaves the cache alone (script(1) gives the pty)
if command -v script >/dev/null 2>&1; then
    tty_sd() { printf '%s\n' "$1" | HF_HUB_CACHE=$2 TERM=xterm script -qec "'$LONGSD_BIN' sd --model test/tiny --size 64x64 \
        --steps 1 --threads 1 x -o '$3'" /dev/null >"$TMP/tty.out" 2>&1; }
    tty_sd n "$TMP/c12" "$TMP/tty-n.png"; rc=$?
    if [ $rc -eq 2 ] && grep -q "test/tiny is not in the Hugging Face cache. Download it from $HF_ENDPOINT? \[y/N\]" "$TMP/tty.out" &&
       [ ! -e "$TMP/c12/models--test--tiny/refs/main" ] && [ ! -e "$TMP/tty-n.png" ]; then
        pass "on a terminal, a missing repo is offered; no: nothing downloaded, how to pull it"
    else fail "terminal prompt, no" "exit $rc: $(cat -v "$TMP/tty.out" | head -c 600)"; fi
    if tty_sd y "$TMP/c12" "$TMP/tty-y.png" && [ -s "$TMP/tty-y.png" ] && layout_ok "$TMP/c12" test/tiny >"$TMP/.l" 2>&1 &&
       grep -q "\[########################\] [0-9.]* [kMG]B / [0-9.]* [kMG]B  [0-9.]* [kMG]B/s  ETA [0-9:]*  " "$TMP/tty.out"; then
        pass "on a terminal, yes: downloaded with a progress bar (bytes, speed, ETA), then rendered"
    else fail "terminal prompt, yes" "$(cat "$TMP/.l"; cat -v "$TMP/tty.out" | head -c 900)"; fi
else skip "terminal prompt and progress bar" "no script(1)"; fi

no_controls "messages hold no raw control bytes" "$TMP/err" "$TMP/gerr"
finish
