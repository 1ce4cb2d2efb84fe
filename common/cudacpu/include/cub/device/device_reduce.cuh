/// @file
/// @brief `cub::DeviceReduce` for the cudacpu backend: Sum, Min, Max and Reduce with CUB's signatures and its
///        two-phase temporary-storage protocol, computed on the host over device memory (like the cuBLAS stand-in).
///
/// - **Protocol**: with `d_temp_storage == nullptr` a call only stores the bytes it needs in `temp_storage_bytes`
///   (never 0: one accumulator per tile of 4096 items, rounded up to 256 bytes) and returns `cudaSuccess`. Called
///   again with `temp_storage_bytes` smaller than that, it returns `cudaErrorInvalidValue` (as CUB does); a
///   temporary storage pointer that is not device memory of that size is reported too.
/// - **Checks**: raw-pointer inputs and outputs must be device memory (cudaMalloc, cudaMallocManaged,
///   cudaMallocHost) covering the items the call touches, as a kernel's arguments must; otherwise the call is
///   reported (`cudacpu: error: FILE:LINE: ...`, unless WS_CPU_QUIET=1) and returns `cudaErrorInvalidValue` where a
///   GPU would fault. A negative num_items is `cudaErrorInvalidValue`. After a failed kernel (a sticky error) the
///   call returns that error without running. Other iterators (counting, transform, ...) are used as they are.
/// - **Streams**: the call runs to completion when it is called, like every launch and copy of the backend, so it
///   sees all work issued before it (any stream) and later work sees its result: the order its stream gives on a
///   GPU. The work watch counts it as a library call.
/// - **Order of operations** (what a learner can reason about): the accumulator type is the output's value type
///   (the input's for Reduce: `decltype(op(init, item))`); the input is cut into tiles of 4096 items; each tile is
///   reduced pairwise (halves until 8 items remain, combined left to right) into one partial in the temporary
///   storage; the partials are reduced pairwise the same way; the result is `op(init, total)` (init is 0 for Sum,
///   the type's lowest value for Max, its largest for Min). Rounding error grows like log2(n), so a float Sum is
///   close to a double reference but not equal to a GPU's (whose tree differs): compare with a tolerance. With
///   `num_items == 0` the output is init.
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// Device-wide reductions (CUB's interface). All members are static.
struct DeviceReduce {
  /// Reduces `d_in[0, num_items)` with @p reduction_op, starting from @p init, into `*d_out`.
  /// @param d_temp_storage     device memory of temp_storage_bytes bytes, or nullptr to ask for the size
  /// @param temp_storage_bytes in: the size of d_temp_storage; out (size query): the size needed
  /// @return cudaSuccess, cudaErrorInvalidValue (too small or bad temporary storage, bad pointers, negative count),
  ///         or the sticky error of an earlier failed kernel
  template <typename InputIteratorT, typename OutputIteratorT, typename ReductionOpT, typename T, typename NumItemsT>
  static cudaError_t Reduce(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                            OutputIteratorT d_out, NumItemsT num_items, ReductionOpT reduction_op, T init,
                            cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    using acc_t = std::decay_t<std::invoke_result_t<ReductionOpT&, T, input_t>>;
    return run<acc_t>("cub::DeviceReduce::Reduce", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      reduction_op, static_cast<acc_t>(init), stream, where);
  }

  /// Sum (`+`) of `d_in[0, num_items)` into `*d_out`, accumulated in the output's value type.
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t Sum(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using acc_t = cudacpu_detail::output_value_t<OutputIteratorT, cudacpu_detail::iter_value_t<InputIteratorT>>;
    return run<acc_t>("cub::DeviceReduce::Sum", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      cudacpu_detail::add{}, acc_t{}, stream, where);
  }

  /// Largest item of `d_in[0, num_items)` into `*d_out` (the lowest value of the input type when empty).
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t Max(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    return run<input_t>("cub::DeviceReduce::Max", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                        ::cuda::maximum<>{}, std::numeric_limits<input_t>::lowest(), stream, where);
  }

  /// Smallest item of `d_in[0, num_items)` into `*d_out` (the largest value of the input type when empty).
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t Min(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    return run<input_t>("cub::DeviceReduce::Min", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                        ::cuda::minimum<>{}, std::numeric_limits<input_t>::max(), stream, where);
  }

 private:
  /// The protocol, the checks and the tiled pairwise reduction of the file comment.
  template <typename Acc, typename InputIteratorT, typename OutputIteratorT, typename NumItemsT, typename Op>
  static cudaError_t run(const char* api, void* d_temp, size_t& temp_bytes_io, InputIteratorT d_in,
                         OutputIteratorT d_out, NumItemsT num_items, Op op, Acc init, cudaStream_t stream,
                         const ::cudacpu::source_location& where) {
    (void)stream;  // everything runs in issue order (see the file comment)
    cudaError_t status = cudaSuccess;
    if (!cudacpu_detail::check_count(api, num_items, &status, where)) return status;
    const auto n = static_cast<std::int64_t>(num_items);
    const std::size_t needed = cudacpu_detail::temp_bytes<Acc>(n);
    if (cudacpu_detail::temp_storage_protocol(api, d_temp, temp_bytes_io, needed, &status, where)) return status;
    // Counted by the work watch as a library call; it lifts the watch's protection of device memory meanwhile.
    const ::cudacpu::detail::device_work work(::cudacpu::detail::work_kind::library);
    if (!cudacpu_detail::check_range(api, "d_in", d_in, n, where) ||
        !cudacpu_detail::check_range(api, "d_out", d_out, 1, where))
      return cudaErrorInvalidValue;
    if (n == 0) {
      *d_out = init;
      return cudaSuccess;
    }
    const std::int64_t tiles = (n + cudacpu_detail::tile_items - 1) / cudacpu_detail::tile_items;
    for (std::int64_t t = 0; t < tiles; ++t) {
      const std::int64_t first = t * cudacpu_detail::tile_items;
      const std::int64_t count = std::min(cudacpu_detail::tile_items, n - first);
      cudacpu_detail::store_temp<Acc>(d_temp, t, cudacpu_detail::pairwise_reduce<Acc>(d_in, first, count, op));
    }
    struct partials {
      const void* base;
      Acc operator[](std::int64_t i) const { return cudacpu_detail::load_temp<Acc>(base, i); }
    };
    const Acc total = cudacpu_detail::pairwise_reduce<Acc>(partials{d_temp}, 0, tiles, op);
    *d_out = static_cast<Acc>(op(init, total));
    return cudaSuccess;
  }
};

}  // namespace cub
