#!/usr/bin/env bash
# Runs one fuzz target with cargo-fuzz on the stable toolchain, seeded in place from the
# repository's fixtures and the shared real-world corpus (nothing is copied into the
# repository: libFuzzer reads the seed files through -seed_inputs).
#
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#
# TARGET is scan_locate, update, check or skim_agrees; SECONDS defaults to 300. New inputs go to
# fuzz/corpus/TARGET, crashes to fuzz/artifacts/TARGET (both git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: fuzz/run.sh scan_locate|update|check|skim_agrees [SECONDS] [libFuzzer flags...]}
seconds=${2:-300}
shift $(($# < 2 ? $# : 2))

mkdir -p "fuzz/corpus/$target" fuzz/artifacts
seeds=fuzz/corpus/seeds.txt
{
    find fixtures -name '*.flux' -type f
    if [ -d ../shared/corpus/real ]; then
        find ../shared/corpus/real -maxdepth 1 -name '*.flux' -type f
    else
        echo "NOTICE: ../shared/corpus/real is absent; seeding from fixtures only" >&2
    fi
} | sort | sed "s|^|$PWD/|" | paste -sd, >"$seeds"
echo "seeds: $(tr ',' '\n' <"$seeds" | wc -l) files" >&2

# cargo-fuzz passes nightly-only flags (-Cpasses=sancov-module, -Zsanitizer);
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept them. fluxtask is safe Rust but for the
# SIMD classifier's fixed-size loads, so the
# address sanitizer is off (about twice the executions per second); set SANITIZER=address
# to turn it on.
export RUSTC_BOOTSTRAP=1
exec cargo +stable fuzz run --sanitizer "${SANITIZER:-none}" "$target" "fuzz/corpus/$target" -- \
    -seed_inputs=@"$PWD/$seeds" \
    -dict=fuzz/flux.dict \
    -max_len=65536 \
    -max_total_time="$seconds" \
    -print_final_stats=1 \
    "$@"
