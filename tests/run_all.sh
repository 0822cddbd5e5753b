#!/usr/bin/env bash
# The whole numkern test suite, on a fresh machine (the README's test command).
#  1. host: cargo test --release (every SIMD tier this CPU has, C/C++ tours
#     against the .so and .a, header freshness, sampled accuracy sweeps,
#     guard pages, thread bounds and fork, docs against the accuracy table),
#     then the tours again under valgrind;
#  2. Miri on the framework's unsafe code (portable tier, small cases);
#     and the program written against the standard cblas.h (feature `cblas`);
#  3. the NEON tier: cross-built for aarch64 and run under qemu-user;
#  4. the Python package: pip install, pytest (tests/python.sh), the Dask test;
#  5. the installed C library: cargo cinstall, the tour through pkg-config
#     (shared, static) and CMake (tests/install.sh);
#  6. each fuzz target for 30 s (tests/fuzz.sh; cargo-fuzz, libFuzzer + ASan).
# Installs what it needs (Debian packages, rustup target and component).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v aarch64-linux-gnu-gcc >/dev/null || need_apt+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need_apt+=(qemu-user-static)
command -v make >/dev/null || need_apt+=(make)
command -v g++ >/dev/null || need_apt+=(g++)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# The standard cblas.h the CBLAS drop-in is tested against, and the OpenBLAS
# the comparison bench (benches/vs_openblas.rs) runs beside numkern.
echo '#include <cblas.h>' | cc -E - >/dev/null 2>&1 || need_apt+=(libopenblas-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "== installing ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
rustup +nightly component list --installed 2>/dev/null | grep -q '^miri' || rustup +nightly component add miri rust-src

echo "== host tests (all tiers of this CPU)"
cargo test --release

echo "== the C and C++ tours under valgrind memcheck (AVX2 tier: valgrind has no AVX-512)"
make -C c_examples all >/dev/null
for t in tour_shared tour_static tour_cpp_shared; do
    NUMKERN_ISA=avx2 valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        c_examples/build/$t >/dev/null
done

echo "== Miri: framework unsafe code, portable tier"
MIRIFLAGS="-Zmiri-disable-isolation" PROPTEST_CASES=4 cargo +nightly miri test --test miri -- --skip thread_team
# The thread team runs on rayon, whose deque (crossbeam-epoch) is not
# compatible with Stacked Borrows but is with Tree Borrows, which crossbeam
# itself checks under (crossbeam-rs/crossbeam#996, rayon-rs/rayon#1185).
# The pool's threads live for the whole process, so they are still running
# when the test's main thread ends: -Zmiri-ignore-leaks allows that.
MIRIFLAGS="-Zmiri-disable-isolation -Zmiri-tree-borrows -Zmiri-ignore-leaks" cargo +nightly miri test --test miri thread_team

echo "== aarch64 (NEON tier) under qemu-user"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L /usr/aarch64-linux-gnu"
NUMKERN_CROSS=1 PROPTEST_CASES=24 NUMKERN_SWEEP_STEP=1000003 \
    cargo test --release --target aarch64-unknown-linux-gnu --test elementwise --test accuracy --test errors --test miri --test gemm --test products --test hardening --test guard_pages --test reduce --test losses --test create --test random --test join --test index

echo "== Python package: pip install ., pytest (wrappers vs NumPy, errors, GIL, fork, DLPack, tutorials, Dask)"
bash tests/python.sh

echo "== installable C library: cargo cinstall, the tour via pkg-config (shared, static) and CMake"
bash tests/install.sh

echo "== fuzzing: each target briefly (tests/fuzz.sh SECONDS for long runs)"
bash tests/fuzz.sh 30

echo "numkern: all test stages passed"
