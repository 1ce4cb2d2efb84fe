/// @file
/// @brief Not part of cudacpu's CUB stand-in: stops the build with a message instead of CCCL's header (whose
///        device code cannot compile for the CPU backend). docs/cudacpu.md, section CUB, lists what is supported.
#pragma once
#error "cudacpu: <cub/iterator/tex_obj_input_iterator.cuh> is not supported by the CPU backend's CUB (see docs/cudacpu.md, section CUB: BlockReduce, BlockScan, WarpReduce, WarpScan, DeviceReduce and DeviceScan are)"
