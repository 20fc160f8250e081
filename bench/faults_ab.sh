#!/bin/sh
# faults_ab.sh - CPU time, page faults and peak RSS of the same command
# from two builds, alternating (old, new, old, new, ...) so drift in a
# shared machine's load falls on both alike. Wall time is printed but is
# noise on a busy machine; compare task-clock (CPU seconds), user+sys and
# faults. Cycles are printed where the CPU counts them (not in most VMs).
#
#   sh bench/faults_ab.sh ROUNDS OLD_BIN NEW_BIN ARGS...
#
# e.g. (the old build copied aside first: cp -r build /tmp/old-build)
#   sh bench/faults_ab.sh 2 /tmp/old-build/bench/bench_engine build/bench/bench_engine 512 unet,vae
#   sh bench/faults_ab.sh 2 /tmp/old-build/longsd build/longsd sd --backend native=MODEL ... -o /tmp/p.png PROMPT
#
# An argument "-o FILE" gets the build's tag appended (FILE.old, FILE.new)
# so the outputs can be compared with cmp afterwards.
# Needs perf and GNU time (/usr/bin/time).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 ROUNDS OLD_BIN NEW_BIN ARGS..." >&2; exit 2; }
rounds=$1 old=$2 new=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-5s %-3s %8s %8s %7s %7s %7s %10s %9s %8s\n' round bld wall_s user_s sys_s task_s Gcycles faults minflt maxrss_MB
r=1
while [ "$r" -le "$rounds" ]; do
    for tag in old new; do
        bin=$old
        [ "$tag" = new ] && bin=$new
        # rewrite -o FILE to -o FILE.TAG
        set -- "$@" --end--
        prev=
        while [ "$1" != --end-- ]; do
            a=$1
            shift
            if [ "$prev" = -o ]; then a=${a%.old}; a=${a%.new}; a="$a.$tag"; fi
            set -- "$@" "$a"
            prev=$a
        done
        shift
        perf stat -x, -e cycles,task-clock,page-faults -o "$tmp/stat" \
            /usr/bin/time -f '%e %U %S %R %M' -o "$tmp/time" "$bin" "$@" > "$tmp/out" 2>&1 ||
            { echo "$tag run failed:" >&2; tail -5 "$tmp/out" >&2; exit 1; }
        cyc=$(awk -F, '$3=="cycles"{if ($1 ~ /^[0-9]/) printf "%.1f", $1/1e9; else printf "n/a"}' "$tmp/stat")
        tc=$(awk -F, '$3=="task-clock"{printf "%.1f", $1/1e3}' "$tmp/stat")
        pf=$(awk -F, '$3=="page-faults"{print $1}' "$tmp/stat")
        read -r wall user sys minflt rss < "$tmp/time"
        printf '%-5s %-3s %8s %8s %7s %7s %7s %10s %9s %8d\n' "$r" "$tag" "$wall" "$user" "$sys" "$tc" "$cyc" "$pf" \
            "$minflt" \
            $((rss / 1024))
        grep -E '^(cpu|sgemm|unet|vae) ' "$tmp/out" | sed 's/^/      /' || true
    done
    r=$((r + 1))
done
