#!/usr/bin/env bash
# Runs the library tests (the classifier agreement test and the fast-path differential tests
# among them) for 64-bit ARM under qemu with the NEON classifier, then the differential
# tests (`locate::`) once more with the portable one. Needs the rustup target and Debian's cross linker and qemu:
#
#   rustup target add aarch64-unknown-linux-gnu
#   apt-get install gcc-aarch64-linux-gnu qemu-user
#
# Emulated NEON is slower than emulated scalar code, so this checks correctness only; speed
# needs a real ARM machine (cargo run --release --example locate_loop).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/aarch64}
cargo test --locked --target aarch64-unknown-linux-gnu --lib
FLUXTASK_CLASSIFIER=portable cargo test --locked --target aarch64-unknown-linux-gnu --lib locate::
