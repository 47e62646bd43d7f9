#!/usr/bin/env bash
# Whole-command comparisons for BENCHMARKS.md, all measured in one run on the same files:
# fluxtask check vs `grep -c "option task"` vs `cat` over the generated corpus, one update,
# the 50 MB file, peak memory. Needs hyperfine (Debian: apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/fluxbench}
cargo build --release --quiet
cargo run --release --quiet --example gencorpus -- "$out"
bin=$PWD/target/release/fluxtask
cd "$out"
typical=tasks/0000.flux

hyperfine --warmup 3 --runs 20 -N --export-markdown check.md \
    -n "grep -c 'option task' tasks/*.flux" "grep -c 'option task' $(echo tasks/*.flux)" \
    -n "cat tasks/*.flux" "cat $(echo tasks/*.flux)" \
    -n "fluxtask check tasks" "$bin check tasks" \
    -n "fluxtask check --format concise tasks" "$bin check --format concise tasks"

hyperfine --warmup 5 --runs 50 -N --export-markdown update.md \
    -n "cat one file" "cat $typical" \
    -n "fluxtask update one file (diff)" "$bin update $typical --every 2h --offset 5m" \
    -n "fluxtask update one file (diff + payload)" "$bin update $typical --every 2h --offset 5m --payload body.json"

hyperfine --warmup 1 --runs 5 -N --export-markdown large.md \
    -n "grep -c 'option task' 50mb.flux" "grep -c 'option task' large/50mb.flux" \
    -n "cat 50mb.flux" "cat large/50mb.flux" \
    -n "fluxtask check 50mb.flux" "$bin check large/50mb.flux" \
    -n "fluxtask update 50mb.flux --every 2h" "$bin update large/50mb.flux --every 2h"

echo "peak RSS (KiB):"
for cmd in "$bin check tasks" "$bin check large/50mb.flux" "$bin update large/50mb.flux --every 2h" "$bin check large/hostile-many-interpolations.flux"; do
    /usr/bin/time -f "%M KiB  $cmd" $cmd >/dev/null 2>/tmp/fluxtask-time || true
    tail -n 1 /tmp/fluxtask-time
done
