/// @file
/// @brief cudacpu's stand-in for CUB's umbrella header: everything the CPU backend supports of CUB.
///
/// Block- and warp-level primitives (`cub::BlockReduce`, `cub::BlockScan`, `cub::WarpReduce`, `cub::WarpScan`) run
/// as real cooperative code on the backend's fibers (shuffles, shared memory, `__syncthreads()`); device-wide
/// algorithms (`cub::DeviceReduce`, `cub::DeviceScan`) run on the host over device memory with CUB's two-phase
/// temporary-storage protocol. What is supported, how, and what is not: docs/cudacpu.md, section CUB. A CUB header
/// the stand-in lacks stops the build with an `#error` that names that page.
#pragma once

#include "block/block_reduce.cuh"
#include "block/block_scan.cuh"
#include "config.cuh"
#include "device/device_reduce.cuh"
#include "device/device_scan.cuh"
#include "thread/thread_operators.cuh"
#include "version.cuh"
#include "warp/warp_reduce.cuh"
#include "warp/warp_scan.cuh"
