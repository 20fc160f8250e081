#!/bin/sh
# bench/sdcpp.sh - longsd and stable-diffusion.cpp side by side on the same
# full-size random weights, in one run (issues 15 and 12): SD 1.5 at 512^2,
# CFG 7, Euler a, 1 step (the UNet CFG step, the VAE decode, the whole
# 1-step image, peak RSS), SD-Turbo at 512^2, 1 step, no CFG, TAESD, and
# (PARTS sdxlturbo, sdxl) SDXL-Turbo at 512^2, 1 step, no CFG, TAESD and
# SDXL at 1024^2, one Euler step with CFG 7, TAESD decode.
#
#   SDCPP_SRC=/path/to/stable-diffusion.cpp sh bench/sdcpp.sh
#
# Nothing is downloaded: SDCPP_SRC is a local checkout with its ggml
# submodule in place (git clone --recursive, or ggml exported into ggml/).
# sd.cpp is built with CMake into SDCPP_BUILD (CPU only, Release,
# GGML_NATIVE), weights and logs go to SDCPP_WORK; both must lie outside the
# repository. The weights are bench_rss's SD 1.5 diffusers folder (SD15_DIR,
# written by it if absent) and bench_turbo's SD-Turbo + TAESD, turned by
# build/bench/sdcpp_convert into the single files sd.cpp reads; longsd runs
# on the same single files through the real command (`longsd sd`).
# The SDXL parts share one file, sdcpp_convert sdxl's random F16 weights in
# SDXL 1.0's shapes (UNet 2567 M, CLIP-L + OpenCLIP bigG, the SDXL VAE) in
# the original (SGM) names, 6.9 GB, written once into SDCPP_WORK/sdxl; its
# stage figures for longsd come from bench_sdxl (the same specs and
# generator, so the same bytes) run in the same round.
#
# longsd runs with --blank-retries 0: random weights draw flat pictures,
# which longsd would otherwise redraw with two more seeds (three renders
# after one load); the flat picture is kept and reported, one render.
#
# On a shared machine the wall times are mostly the neighbours: every run
# is timed by /usr/bin/time (wall, user + system CPU, peak RSS), the two
# programs alternate round by round, and the load average is printed.
#
# ISA=avx2 runs both programs as on an AVX2-only part (the Zen 3 kind
# these machines also come as; a goal must hold there): sd.cpp built
# without GGML_NATIVE (SSE4.2, AVX, AVX2, FMA, F16C, BMI2; no AVX-512) into
# its own SDCPP_BUILD, OpenBLAS held to its Haswell (AVX2) kernels by
# OPENBLAS_CORETYPE (longsd's own kernels are AVX2 already), and glibc's
# string functions to their AVX2 versions (GLIBC_TUNABLES) for both. Same
# instructions, not the same microarchitecture: the sgemm of that run is
# the roof the ratios are read against.
#
# The SD 1.5 part reports the UNet CFG step twice: the first step of a
# process (1-step runs of both programs; it also faults the activation
# memory in) and the steady step every later step of a run takes (longsd:
# bench_engine's second step; sd.cpp: the second step of a 2-step run,
# from its progress line, which times each step).
#
# Knobs (environment): ISA (native; avx2), SDCPP_BUILD (/tmp/sdcpp-build), SDCPP_WORK
# (/tmp/sdcpp-bench), SD15_DIR (/tmp/longsd-sd15), BUILD (build),
# ROUNDS (2), THREADS (2), PARTS (sd15,turbo; also sdxlturbo, sdxl), SIZE
# (512; SDXL base runs at XLSIZE, 1024), START (1: the first round's number;
# an even one lets sd.cpp go first), MINFREE_MB (9000: the memory an SDXL
# run waits for, up to 10 minutes, before it starts).
set -eu

die() {
    echo "sdcpp.sh: $*" >&2
    exit 1
}

: "${SDCPP_SRC:?set SDCPP_SRC to a local stable-diffusion.cpp checkout (see bench/README.md)}"
ISA=${ISA:-native}
case "$ISA" in
native)
    SDCPP_BUILD=${SDCPP_BUILD:-/tmp/sdcpp-build}
    GGML_ISA="-DGGML_NATIVE=ON"
    ;;
avx2)
    SDCPP_BUILD=${SDCPP_BUILD:-/tmp/sdcpp-build-avx2}
    GGML_ISA="-DGGML_NATIVE=OFF"
    export OPENBLAS_CORETYPE=Haswell GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD
    ;;
*) echo "sdcpp.sh: ISA=$ISA: native or avx2" >&2 && exit 1 ;;
esac
SDCPP_WORK=${SDCPP_WORK:-/tmp/sdcpp-bench}
SD15_DIR=${SD15_DIR:-/tmp/longsd-sd15}
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
PARTS=${PARTS:-sd15,turbo}
SIZE=${SIZE:-512}
XLSIZE=${XLSIZE:-1024}
START=${START:-1}
MINFREE_MB=${MINFREE_MB:-9000}
PROMPT="a lighthouse at dusk, digital painting"

[ -f "$SDCPP_SRC/CMakeLists.txt" ] || die "$SDCPP_SRC: no CMakeLists.txt (not a stable-diffusion.cpp checkout)"
[ -f "$SDCPP_SRC/ggml/CMakeLists.txt" ] ||
    die "$SDCPP_SRC/ggml is empty: run 'git submodule update --init ggml' in the checkout (or export ggml there)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian: apt-get install time)"
repo=$(pwd -P)
mkdir -p "$SDCPP_BUILD" "$SDCPP_WORK"
for d in "$SDCPP_BUILD" "$SDCPP_WORK"; do
    case "$(cd "$d" && pwd -P)/" in
    "$repo"/*) die "$d is inside the repository: build and weights must stay outside it" ;;
    esac
done

# ---- builds
echo "== stable-diffusion.cpp: $SDCPP_SRC -> $SDCPP_BUILD (CPU, Release, $GGML_ISA)"
cmake -S "$SDCPP_SRC" -B "$SDCPP_BUILD" -DCMAKE_BUILD_TYPE=Release "$GGML_ISA" -DSD_CUDA=OFF \
    -DSD_VULKAN=OFF -DSD_METAL=OFF -DSD_WEBP=OFF -DSD_WEBM=OFF >"$SDCPP_WORK/cmake.log" 2>&1 ||
    die "cmake configure failed, see $SDCPP_WORK/cmake.log"
# the CLI is sd-cli in current checkouts, sd in older ones
cmake --build "$SDCPP_BUILD" --target sd-cli -j"$THREADS" >"$SDCPP_WORK/build.log" 2>&1 ||
    cmake --build "$SDCPP_BUILD" --target sd -j"$THREADS" >>"$SDCPP_WORK/build.log" 2>&1 ||
    die "building sd.cpp failed, see $SDCPP_WORK/build.log"
SD=$SDCPP_BUILD/bin/sd-cli
[ -x "$SD" ] || SD=$SDCPP_BUILD/bin/sd
[ -x "$SD" ] || die "no sd-cli or sd in $SDCPP_BUILD/bin"
sdrev=$(git -C "$SDCPP_SRC" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")
echo "== longsd: make $BUILD/longsd and the benches"
make -j"$THREADS" BUILD="$BUILD" "$BUILD/longsd" "$BUILD/bench/bench_engine" "$BUILD/bench/bench_rss" \
    "$BUILD/bench/bench_turbo" "$BUILD/bench/bench_sdxl" "$BUILD/bench/sdcpp_convert" >"$SDCPP_WORK/make.log" 2>&1 ||
    die "make failed, see $SDCPP_WORK/make.log"

# ---- the machine
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "cpu    $cpu, $(nproc) cores online; threads $THREADS for both programs; ISA $ISA"
[ "$ISA" = avx2 ] && echo "       (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE, GLIBC_TUNABLES=$GLIBC_TUNABLES)"
echo "sd.cpp $SD ($sdrev)"
echo "longsd $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

load() { cut -d' ' -f1-3 /proc/loadavg; }

# timed NAME CMD...: run CMD under /usr/bin/time -v into $SDCPP_WORK/NAME.log
# and set T_WALL, T_CPU (user + system) and T_RSS (MB).
timed() {
    name=$1
    shift
    l0=$(load)
    T_BLANK=
    if ! /usr/bin/time -v "$@" >"$SDCPP_WORK/$name.log" 2>&1; then
        # random weights can make a flat picture, which longsd reports
        # (exit 1) and, with --blank-retries 0, keeps after one render
        grep -q "blank image" "$SDCPP_WORK/$name.log" || die "$name failed, see $SDCPP_WORK/$name.log"
        T_BLANK=" [flat picture on random weights, kept: one render]"
    fi
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$SDCPP_WORK/$name.log")
    T_CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' \
        "$SDCPP_WORK/$name.log")
    T_RSS=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$SDCPP_WORK/$name.log")
    echo "  $name: $T_WALL s wall, $T_CPU s cpu, peak RSS $T_RSS MB (load before $l0, after $(load))$T_BLANK"
}

# sdlog NAME PATTERN: the seconds sd.cpp's log reports after PATTERN
sdlog() {
    sed -n "s/.*$2[^0-9]*\([0-9.]*\)s.*/\1/p" "$SDCPP_WORK/$1.log" | tail -n 1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", b / a; else printf "?" }'; }

# ---- SD 1.5, 512^2, CFG 7, Euler a, 1 step
sd15() {
    if [ ! -f "$SD15_DIR/unet/diffusion_pytorch_model.safetensors" ]; then
        echo "== writing the random SD 1.5 folder $SD15_DIR (bench_rss, 2.1 GB, once)"
        "$BUILD/bench/bench_rss" "$SD15_DIR" "$SIZE" 1 >"$SDCPP_WORK/bench_rss.log" 2>&1 ||
            die "bench_rss failed, see $SDCPP_WORK/bench_rss.log"
    fi
    m=$SDCPP_WORK/sd15/model.safetensors
    mkdir -p "$SDCPP_WORK/sd15"
    [ -f "$m" ] || "$BUILD/bench/sdcpp_convert" folder "$SD15_DIR" "$m" || die "converting $SD15_DIR failed"
    # a single file holds no tokenizer; longsd takes the one beside it
    ln -sfn "$(cd "$SD15_DIR" && pwd -P)/tokenizer" "$SDCPP_WORK/sd15/tokenizer"
    echo "== SD 1.5, ${SIZE}^2, CFG 7, Euler a, 1 step: $m"
    r=$START
    while [ "$r" -lt $((START + ROUNDS)) ]; do
        echo "round $r"
        # alternate which program goes first, so a neighbour's burst does not always hit the same one
        for who in $(if [ $((r % 2)) -eq 1 ]; then echo "longsd sdcpp"; else echo "sdcpp longsd"; fi); do
            if [ "$who" = longsd ]; then
                timed "sd15-longsd-$r" "$BUILD/longsd" sd --backend "native=$m" --size "${SIZE}x$SIZE" --steps 1 \
                    --cfg 7 --sampler "Euler a" --threads "$THREADS" --seed 1 --blank-retries 0 -o "$SDCPP_WORK/sd15-longsd.png" "$PROMPT"
                lw=$T_WALL lc=$T_CPU lr=$T_RSS
                # the stages, on the same bytes (bench_rss's folder is weights.h's spec)
                timed "sd15-longsd-stages-$r" env OPENBLAS_NUM_THREADS="$THREADS" "$BUILD/bench/bench_engine" \
                    "$SIZE" sgemm,unet,warm,vae
                f=$SDCPP_WORK/sd15-longsd-stages-$r.log
                sed -n 's/^sgemm /  sgemm /p' "$f"
                lu=$(sed -n 's/^unet .*: \([0-9.]*\) s .*/\1/p' "$f")
                lu1=$(sed -n 's/^ *the first step, arena faulting in: \([0-9.]*\) s .*/\1/p' "$f")
                lu1r=$(sed -n 's/^ *the first step, arena .*, \([0-9.]*\) of sgemm.*/\1/p' "$f")
                luc=$(awk '/cpu .* over wall/ { print $2; exit }' "$f")
                lv=$(sed -n 's/^vae .*: \([0-9.]*\) s .*/\1/p' "$f")
                lvc=$(awk '/cpu .* over wall/ { n++; if (n == 2) print $2 }' "$f")
                echo "  longsd UNet CFG step: first $lu1 s wall, steady $lu s wall ($luc cpu); VAE decode $lv s wall ($lvc cpu)"
                awk -v first="$lu1r" '/^ *ratio to sgemm: / { r[++n] = $4 }
                    END { printf "  longsd ratio to sgemm: UNet steady step %s, first step %s, VAE decode %s\n", r[1], first, r[2] }' "$f"
            else
                timed "sd15-sdcpp-$r" "$SD" -m "$m" -p "$PROMPT" --steps 1 --cfg-scale 7 --sampling-method euler_a \
                    -W "$SIZE" -H "$SIZE" -t "$THREADS" -s 1 -o "$SDCPP_WORK/sd15-sdcpp.png" -v
                sw=$T_WALL sc=$T_CPU sr=$T_RSS
                su=$(sdlog "sd15-sdcpp-$r" "sampling completed, taking")
                sv=$(sdlog "sd15-sdcpp-$r" "decode_first_stage completed, taking")
                # the steady step: the second of two, as its progress line times it
                timed "sd15-sdcpp-2step-$r" "$SD" -m "$m" -p "$PROMPT" --steps 2 --cfg-scale 7 \
                    --sampling-method euler_a -W "$SIZE" -H "$SIZE" -t "$THREADS" -s 1 -o "$SDCPP_WORK/sd15-sdcpp.png" -v
                su2=$(tr '\r' '\n' <"$SDCPP_WORK/sd15-sdcpp-2step-$r.log" |
                    sed -n 's|.* 2/2 - \([0-9.]*\)s/it.*|\1|p' | tail -n 1)
                echo "  sd.cpp UNet CFG step: first $su s wall (sampling, 1 step), steady $su2 s wall" \
                    "(2nd of 2 steps); VAE decode $sv s wall"
            fi
        done
        echo "  ratios (sd.cpp / longsd): UNet CFG step first $(ratio "$lu1" "$su"), steady $(ratio "$lu" "$su2") wall;" \
            "VAE decode $(ratio "$lv" "$sv") wall; 1-step image $(ratio "$lw" "$sw") wall," \
            "$(ratio "$lc" "$sc") cpu; peak RSS longsd $lr MB, sd.cpp $sr MB"
        r=$((r + 1))
    done
}

# ---- SD-Turbo, 512^2, 1 step, no CFG, TAESD
turbo() {
    m=$SDCPP_WORK/turbo/model.safetensors t=$SDCPP_WORK/turbo/taesd.safetensors
    mkdir -p "$SDCPP_WORK/turbo"
    [ -f "$m" ] && [ -f "$t" ] || "$BUILD/bench/sdcpp_convert" turbo "$m" "$t" || die "writing the SD-Turbo files failed"
    [ -d "$SD15_DIR/tokenizer" ] && ln -sfn "$(cd "$SD15_DIR" && pwd -P)/tokenizer" "$SDCPP_WORK/turbo/tokenizer"
    echo "== SD-Turbo, ${SIZE}^2, 1 step, no CFG, TAESD: $m"
    r=$START
    while [ "$r" -lt $((START + ROUNDS)) ]; do
        echo "round $r"
        for who in $(if [ $((r % 2)) -eq 1 ]; then echo "longsd sdcpp"; else echo "sdcpp longsd"; fi); do
            if [ "$who" = longsd ]; then
                timed "turbo-longsd-$r" "$BUILD/longsd" sd --backend "native=$m" --vae "taesd=$t" --size "${SIZE}x$SIZE" \
                    --steps 1 --cfg 1 --sampler "Euler a" --threads "$THREADS" --seed 1 --blank-retries 0 \
                    -o "$SDCPP_WORK/turbo-longsd.png" "$PROMPT"
                lw=$T_WALL lc=$T_CPU lr=$T_RSS
                lb=$T_BLANK
                timed "turbo-longsd-stages-$r" env OPENBLAS_NUM_THREADS="$THREADS" "$BUILD/bench/bench_turbo" "$SIZE" 1
                f=$SDCPP_WORK/turbo-longsd-stages-$r.log
                sed -n 's/^/  | /p' "$f" | grep -E "sgemm|encoder|UNet|TAESD|one image"
                # one image, the library's stages (bench_turbo: the same bytes, in memory)
                li=$(sed -n 's/.*one image: \([0-9.]*\) s wall, \([0-9.]*\) s cpu.*/\1/p' "$f")
                lic=$(sed -n 's/.*one image: \([0-9.]*\) s wall, \([0-9.]*\) s cpu.*/\2/p' "$f")
            else
                timed "turbo-sdcpp-$r" "$SD" -m "$m" --taesd "$t" -p "$PROMPT" --steps 1 --cfg-scale 1 \
                    --sampling-method euler_a -W "$SIZE" -H "$SIZE" -t "$THREADS" -s 1 -o "$SDCPP_WORK/turbo-sdcpp.png" -v
                sw=$T_WALL sc=$T_CPU sr=$T_RSS
                echo "  sd.cpp UNet $(sdlog "turbo-sdcpp-$r" "sampling completed, taking") s," \
                    "TAESD decode $(sdlog "turbo-sdcpp-$r" "decode_first_stage completed, taking") s," \
                    "image $(sdlog "turbo-sdcpp-$r" "generate_image completed in") s (wall)"
            fi
        done
        si=$(sdlog "turbo-sdcpp-$r" "generate_image completed in")
        echo "  ratios (sd.cpp / longsd): image (sd.cpp's generate_image / bench_turbo's one image) $(ratio "$li" "$si")" \
            "wall; whole command $(ratio "$lw" "$sw") wall, $(ratio "$lc" "$sc") cpu$lb;" \
            "peak RSS longsd $lr MB, sd.cpp $sr MB (goal: longsd <= 12 s on 2 quiet cores)"
        r=$((r + 1))
    done
}

# ---- SDXL: one file for both parts, written once

# memfree: wait (up to 10 minutes) until MINFREE_MB of memory is available,
# so a neighbour's build does not push a 7 GB model into a swapless OOM
memfree() {
    w=0
    while :; do
        a=$(awk '/^MemAvailable:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
        [ "$a" -ge "$MINFREE_MB" ] && break
        [ "$w" -ge 600 ] && die "only $a MB of memory available after 10 minutes (MINFREE_MB=$MINFREE_MB)"
        [ "$w" -eq 0 ] && echo "  waiting for $MINFREE_MB MB of free memory ($a MB now)"
        sleep 30
        w=$((w + 30))
    done
    echo "  memory available before $1: $a MB"
}

xl_weights() {
    XM=$SDCPP_WORK/sdxl/model.safetensors XT=$SDCPP_WORK/sdxl/taesd.safetensors
    mkdir -p "$SDCPP_WORK/sdxl"
    if [ ! -f "$XM" ] || [ ! -f "$XT" ]; then
        echo "== writing the random SDXL file $XM (sdcpp_convert sdxl, 6.9 GB, once)"
        memfree sdcpp_convert
        "$BUILD/bench/sdcpp_convert" sdxl "$XM" "$XT" || die "writing the SDXL files failed"
    fi
    [ -d "$SD15_DIR/tokenizer" ] && ln -sfn "$(cd "$SD15_DIR" && pwd -P)/tokenizer" "$SDCPP_WORK/sdxl/tokenizer"
    return 0
}

# xlstage LOG LABEL: bench_sdxl's "LABEL  W s wall, C s cpu" as "W C"
xlstage() {
    grep -F "$2" "$1" | tail -n 1 | sed -n 's/.* \([0-9.]*\) s wall, *\([0-9.]*\) s cpu.*/\1 \2/p'
}

# xlpart NAME: SDXL-Turbo (sdxlturbo: SIZE, 1 step, no CFG, Euler a) or
# SDXL (sdxl: XLSIZE, 1 Euler step, CFG 7), TAESD decode in both programs
xlpart() {
    part=$1
    xl_weights
    if [ "$part" = sdxlturbo ]; then
        sz=$SIZE cfg=1 lsamp="Euler a" ssamp=euler_a bmode=turbo what="SDXL-Turbo, ${SIZE}^2, 1 step, no CFG, TAESD"
        bstep="UNet, 1 step, no CFG"
    else
        sz=$XLSIZE cfg=7 lsamp="Euler" ssamp=euler bmode=base what="SDXL, ${XLSIZE}^2, 1 Euler step, CFG 7, TAESD"
        bstep="UNet, 1 step with CFG"
    fi
    echo "== $what: $XM"
    r=$START
    while [ "$r" -lt $((START + ROUNDS)) ]; do
        echo "round $r"
        for who in $(if [ $((r % 2)) -eq 1 ]; then echo "longsd sdcpp"; else echo "sdcpp longsd"; fi); do
            if [ "$who" = longsd ]; then
                memfree "$part-longsd-$r"
                timed "$part-longsd-$r" "$BUILD/longsd" sd --backend "native=$XM" --vae "taesd=$XT" --size "${sz}x$sz" \
                    --steps 1 --cfg "$cfg" --sampler "$lsamp" --threads "$THREADS" --seed 1 --blank-retries 0 \
                    -o "$SDCPP_WORK/$part-longsd.png" "$PROMPT"
                lw=$T_WALL lc=$T_CPU lr=$T_RSS lb=$T_BLANK
                # the stages, in memory on the same bytes (bench_sdxl)
                memfree "$part-longsd-stages-$r"
                timed "$part-longsd-stages-$r" env OPENBLAS_NUM_THREADS="$THREADS" "$BUILD/bench/bench_sdxl" "$bmode" 1
                f=$SDCPP_WORK/$part-longsd-stages-$r.log
                sed -n 's/^/  | /p' "$f" | grep -E "sgemm|text encoders|UNet|TAESD|one image|text \+ one step"
                lu=$(xlstage "$f" "$bstep" | cut -d' ' -f1) luc=$(xlstage "$f" "$bstep" | cut -d' ' -f2)
            else
                memfree "$part-sdcpp-$r"
                timed "$part-sdcpp-$r" "$SD" -m "$XM" --taesd "$XT" -p "$PROMPT" --steps 1 --cfg-scale "$cfg" \
                    --sampling-method "$ssamp" -W "$sz" -H "$sz" -t "$THREADS" -s 1 -o "$SDCPP_WORK/$part-sdcpp.png" -v
                sw=$T_WALL sc=$T_CPU sr=$T_RSS
                grep -q "Version: SDXL" "$SDCPP_WORK/$part-sdcpp-$r.log" ||
                    die "sd.cpp did not read $XM as SDXL (see its 'Version:' line in $SDCPP_WORK/$part-sdcpp-$r.log)"
                su=$(sdlog "$part-sdcpp-$r" "sampling completed, taking")
                echo "  sd.cpp text encoders $(sdlog "$part-sdcpp-$r" "get_learned_condition completed, taking") s," \
                    "UNet (sampling, 1 step) $su s, TAESD decode $(sdlog "$part-sdcpp-$r" "decode_first_stage completed, taking") s," \
                    "image $(sdlog "$part-sdcpp-$r" "generate_image completed in") s (wall)"
            fi
        done
        echo "  longsd UNet step (bench_sdxl) $lu s wall, $luc s cpu; sd.cpp UNet step (its sampling log) $su s wall"
        echo "  ratios (sd.cpp / longsd): UNet step $(ratio "$lu" "$su") wall; whole command $(ratio "$lw" "$sw") wall," \
            "$(ratio "$lc" "$sc") cpu$lb; peak RSS longsd $lr MB, sd.cpp $sr MB"
        r=$((r + 1))
    done
}

case ",$PARTS," in *,sd15,*) sd15 ;; esac
case ",$PARTS," in *,turbo,*) turbo ;; esac
case ",$PARTS," in *,sdxlturbo,*) xlpart sdxlturbo ;; esac
case ",$PARTS," in *,sdxl,*) xlpart sdxl ;; esac
echo "load average at the end: $(load)"
