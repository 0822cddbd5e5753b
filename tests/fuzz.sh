#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ (cargo-fuzz: libFuzzer + AddressSanitizer)
# for SECONDS each (default 30: the test suite's short run) and prints how
# many executions each reached. Long runs: `bash tests/fuzz.sh 3600`.
# Each target starts from its committed seeds (fuzz/corpus/<target>/seed-*)
# in a scratch corpus, so the repository is left as it was; a crash leaves
# its input in fuzz/artifacts/<target>/ and fails the script. Reproduce one
# with `cargo fuzz run -O <target> <file>` (RUSTC_BOOTSTRAP=1 on stable:
# the sanitizer flags are nightly-only), then make it a plain test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-30}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in views elementwise copy_cast products reductions; do
    mkdir -p "$scratch/$target" "artifacts/$target"
    cp corpus/$target/seed-* "$scratch/$target/" 2>/dev/null || true
    log="$scratch/$target.log"
    if ! cargo fuzz run -O "$target" "$scratch/$target" -- \
        -max_total_time="$secs" -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target failed (input saved in fuzz/artifacts/$target/)"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz: $target: $runs executions in ${secs} s ($cov)"
done
