#!/usr/bin/env bash
# @file dry_run.sh
# @brief Proves the GPU check here, without a GPU: run.sh with this system's copies of the .deps/ packages hidden.
#
#   tools/gpu_check/dry_run.sh [OUT_DIR]     default OUT_DIR: gpu-check-dry/ (ignored)
#
# Runs tools/gpu_check/run.sh inside bubblewrap, where Catch2, Boost, nlohmann-json and OpenBLAS (headers and CMake
# package files) of this Debian machine are empty folders: the configure and the sm_90 build can only use .deps/, as on
# the GPU machine. With no GPU the tests report Skipped and the benchmarks time the CPU backend. The step limits are
# scaled up (x8, 60 minutes in all) for a 2-core machine; the build's time is in OUT_DIR/summary.txt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(realpath -m "${1:-$root/gpu-check-dry}")"
command -v bwrap >/dev/null ||
  { echo "error: bubblewrap (bwrap) is not installed (./course setup installs it)" >&2; exit 2; }
[[ -d "$root/.deps/usr" ]] || { echo "error: no .deps/: run tools/gpu_check/prepare.sh first" >&2; exit 2; }

hide=()
for dir in /usr/include/boost /usr/include/catch2 /usr/include/nlohmann /usr/include/x86_64-linux-gnu/openblas-pthread \
           /usr/lib/cmake /usr/share/cmake /usr/lib/x86_64-linux-gnu/cmake \
           /usr/lib/x86_64-linux-gnu/openblas-pthread; do
  [[ -d $dir ]] && hide+=(--tmpfs "$dir")
done
mkdir -p "$out"
WS_GPU_CHECK_TIME_SCALE=${WS_GPU_CHECK_TIME_SCALE:-8} WS_GPU_CHECK_BUDGET=${WS_GPU_CHECK_BUDGET:-3600} \
  bwrap --dev-bind / / "${hide[@]}" --chdir "$root" -- "$root/tools/gpu_check/run.sh" "$out"
