#!/usr/bin/env bash
# @file prepare.sh
# @brief Puts into .deps/ (ignored) the libraries the GPU check builds against that a bare GPU machine lacks.
#
#   tools/gpu_check/prepare.sh        run HERE (Debian 12, apt-get), before lending the tree to a GPU machine
#
# The GPU machine has nvcc, CMake, ninja and a compiler, but no network and no Debian packages. CMake's configure needs
# Catch2 (the tests), Boost.Context (the CPU backend, always configured), nlohmann-json and zlib (the grader and the
# visualizer's data, configured though not built); `./course bench matmul` needs OpenBLAS. This script downloads their
# Debian packages (`apt-get download`: no root, no change to this system), unpacks them (`dpkg -x`) and copies into
# .deps/ only what the build reads:
#
#   .deps/usr/include/{catch2,nlohmann,boost (only what Boost.Context's fcontext needs),zlib.h,zconf.h}
#   .deps/usr/lib/cmake/Catch2/  .deps/usr/share/cmake/nlohmann_json/   their CMake package files
#   .deps/usr/lib/x86_64-linux-gnu/{libboost_context.a,cmake/Boost-*,boost_*}   static: no glibc version to match
#   .deps/usr/lib/libz.a
#   .deps/openblas.tar.xz   OpenBLAS (36 MB unpacked, 4 MB packed) with libgfortran and libquadmath; run.sh unpacks it
#                           into build/gpu-check/openblas/, so .deps/ stays small
#   .deps/source.txt        the commit and whether the tree had changes (the GPU machine gets no .git)
#
# Then it prints the size of .deps/ and of everything the device tool copies (tracked + untracked-not-ignored + .deps),
# which must stay under 64 MiB. docs/gpu-check.md explains both steps.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
deps="$root/.deps"
say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "prepare.sh needs apt-get and dpkg (Debian/Ubuntu)"
[[ "$(dpkg --print-architecture)" == amd64 ]] || die "the GPU machine is x86-64: run prepare.sh on an amd64 machine"

# Boost's version is whatever libboost-context-dev depends on (1.74 on Debian 12).
boost_dev=$(apt-cache depends libboost-context-dev 2>/dev/null |
            awk '/Depends: libboost-context[0-9.]*-dev/ {print $2; exit}')
[[ -n "$boost_dev" ]] || die "apt-cache knows no libboost-context-dev (run apt-get update?)"
boost_version=${boost_dev#libboost-context}
boost_version=${boost_version%-dev}
packages=(catch2 nlohmann-json3-dev zlib1g-dev "$boost_dev" "libboost${boost_version}-dev"
          libopenblas0-pthread libopenblas-pthread-dev libgfortran5 libquadmath0)

work=$(mktemp -d "${TMPDIR:-/tmp}/ws-gpu-deps.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "Downloading ${packages[*]}"
# apt-get download runs as the _apt user when it can; a folder it can write into avoids its warning.
chmod 777 "$work"
(cd "$work" && apt-get download -q "${packages[@]}" >/dev/null) ||
  die "apt-get download failed (network? apt-get update?)"
mkdir "$work/x"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/x"; done
x="$work/x/usr"
arch=x86_64-linux-gnu

rm -rf "$deps"
mkdir -p "$deps/usr/include" "$deps/usr/lib/cmake" "$deps/usr/share/cmake" "$deps/usr/lib/$arch/cmake"

# Catch2 v2 (single header) and nlohmann-json: headers and CMake package files (relocatable: paths relative to them).
cp -r "$x/include/catch2" "$x/include/nlohmann" "$deps/usr/include/"
cp -r "$x/lib/cmake/Catch2" "$deps/usr/lib/cmake/"
cp "$x/lib/libCatch2WithMain.a" "$deps/usr/lib/"  # unused, but Catch2's package file checks that it exists
cp -r "$x/share/cmake/nlohmann_json" "$deps/usr/share/cmake/"

# zlib: headers and the static library, in lib/ (not lib/<arch>/), where FindZLIB looks on any distribution.
cp "$x/include/zlib.h" "$x/include/zconf.h" "$deps/usr/include/"
cp "$x/lib/$arch/libz.a" "$deps/usr/lib/"

# Boost.Context: the static library only (its variant file alone, so CMake picks it), its CMake package files, and the
# headers the CPU backend includes (<boost/context/detail/fcontext.hpp>: boost/context, boost/config and what the
# compiler reports they include), not Boost's 160 MB.
cp "$x/lib/$arch/libboost_context.a" "$deps/usr/lib/$arch/"
cp -r "$x/lib/$arch/cmake/Boost-$boost_version.0" "$x/lib/$arch/cmake/boost_headers-$boost_version.0" \
      "$x/lib/$arch/cmake/boost_context-$boost_version.0" \
      "$x/lib/$arch/cmake/BoostDetectToolset-$boost_version.0.cmake" \
      "$deps/usr/lib/$arch/cmake/"
rm -f "$deps/usr/lib/$arch/cmake/boost_context-$boost_version.0/libboost_context-variant-shared.cmake"
mkdir -p "$deps/usr/include/boost"
cp -r "$x/include/boost/context" "$x/include/boost/config" "$x/include/boost/config.hpp" \
      "$x/include/boost/version.hpp" "$deps/usr/include/boost/"
while IFS= read -r header; do
  mkdir -p "$deps/usr/include/$(dirname "$header")"
  cp "$x/include/$header" "$deps/usr/include/$header"
done < <(printf '#include <boost/context/detail/fcontext.hpp>\n' |
         g++ -std=c++20 -isystem "$x/include" -x c++ -M - |
         tr ' \\' '\n\n' | sed -n "s|^$x/include/||p" | sort -u)
[[ -f "$deps/usr/include/boost/cstdint.hpp" ]] || cp "$x/include/boost/cstdint.hpp" "$deps/usr/include/boost/"

# OpenBLAS, packed: the library is 36 MB. Its runtime dependencies go beside it (the GPU machine may lack them).
pack="$work/openblas"
mkdir -p "$pack/include/openblas-pthread" "$pack/lib/openblas-pthread"
cp "$x/include/$arch/openblas-pthread/"*.h "$pack/include/openblas-pthread/"
cp -P "$x/lib/$arch/openblas-pthread/libopenblas.so" "$x/lib/$arch/openblas-pthread/libopenblas.so.0" \
      "$x/lib/$arch/openblas-pthread/"libopenblasp-r*.so "$pack/lib/openblas-pthread/"
cp -L "$x/lib/$arch/libgfortran.so.5" "$x/lib/$arch/libquadmath.so.0" "$pack/lib/openblas-pthread/"
say "Packing OpenBLAS (xz, about 30 s)"
tar -C "$pack" -cf - include lib | xz -9 -T0 >"$deps/openblas.tar.xz"

# Which sources these binaries go with: the GPU machine gets the working tree without .git.
{
  printf 'commit=%s\n' "$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
  printf 'changed_files=%s\n' "$(git -C "$root" status --porcelain 2>/dev/null | wc -l)"
  printf 'prepared=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'packages=%s\n' "$(cd "$work" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')"
} >"$deps/source.txt"

deps_bytes=$(du -sb "$deps" | cut -f1)
tree_bytes=$(cd "$root" && git ls-files -z --cached --others --exclude-standard |
             du -cb --files0-from=- 2>/dev/null | tail -n 1 | cut -f1)
total=$((deps_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
say ".deps/ is $(mib "$deps_bytes"); with the working tree ($(mib "$tree_bytes")) the device tool copies" \
    "$(mib "$total") of 64 MiB"
[[ $total -lt $((48 * 1024 * 1024)) ]] || die "that is too close to the device tool's 64 MiB limit"
say "Next: the device tool runs tools/gpu_check/run.sh with carry [\".deps\"] (docs/gpu-check.md)"
