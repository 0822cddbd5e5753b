#!/usr/bin/env bash
# The installable C library: `cargo cinstall` (cargo-c) into a temporary
# prefix, then the C tour built against that prefix only:
#   1. pkg-config, shared (`pkg-config --cflags --libs numkern`);
#   2. pkg-config, static (`pkg-config --static --libs numkern`, libnumkern.a);
#   3. CMake with pkg_check_modules (c_examples/cmake/CMakeLists.txt).
# Also checks the installed library: soname libnumkern.so.0, no debug info
# or static symbol table (profile `dist`), and only numkern_* exported.
# Installs cargo-c 0.10.24 when it is missing (a debug build: ~5 min on 2
# cores, against ~22 min optimized; it only drives one cargo build).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-cinstall >/dev/null; then
    echo "== installing cargo-c 0.10.24"
    cargo install cargo-c --version 0.10.24 --locked --debug
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cargo cinstall --profile dist --prefix "$prefix" --libdir lib >/dev/null

lib="$prefix/lib"
so="$lib/libnumkern.so.0.1.0"
for f in "$so" "$lib/libnumkern.so.0" "$lib/libnumkern.so" "$lib/libnumkern.a" \
         "$lib/pkgconfig/numkern.pc" "$prefix/include/numkern.h"; do
    [ -e "$f" ] || { echo "install: $f is missing"; exit 1; }
done
readelf -d "$so" | grep -q 'Library soname: \[libnumkern.so.0\]' || { echo "install: soname is not libnumkern.so.0"; exit 1; }
if readelf -S "$so" | grep -qE '\.debug_|\.symtab'; then
    echo "install: $so carries debug info or a static symbol table"; exit 1
fi
foreign=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^numkern_' || true)
[ -z "$foreign" ] || { echo "install: exports other than numkern_*: $foreign"; exit 1; }
cmp -s "$prefix/include/numkern.h" include/numkern.h || { echo "install: the installed header differs"; exit 1; }
echo "installed libnumkern.so.0.1.0: $(stat -c %s "$so") bytes, stripped, $(nm -D --defined-only "$so" | wc -l) numkern_* exports"

export PKG_CONFIG_PATH="$lib/pkgconfig"
CFLAGS="-O2 -std=c11 -Wall -Wextra -Werror -pedantic"

# 1. shared
# shellcheck disable=SC2046,SC2086
cc $CFLAGS $(pkg-config --cflags numkern) c_examples/tour.c -o "$work/tour_shared" \
    $(pkg-config --libs numkern) -Wl,-rpath,"$lib" -lm
ldd "$work/tour_shared" | grep -q "$lib/libnumkern.so.0" || { echo "install: tour_shared does not load the installed .so"; exit 1; }
"$work/tour_shared" | tail -1

# 2. static: the archive named explicitly, the system libs from Libs.private
static_libs=$(pkg-config --static --libs numkern | sed 's/-lnumkern\b/-l:libnumkern.a/')
# shellcheck disable=SC2086
cc $CFLAGS $(pkg-config --cflags numkern) c_examples/tour.c -o "$work/tour_static" $static_libs
if ldd "$work/tour_static" | grep -q libnumkern; then echo "install: tour_static links the .so"; exit 1; fi
"$work/tour_static" | tail -1

# 3. CMake
cmake -S c_examples/cmake -B "$work/cmake" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/tour" | tail -1
echo "install: all checks passed"
