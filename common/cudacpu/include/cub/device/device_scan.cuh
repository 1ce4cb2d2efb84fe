/// @file
/// @brief `cub::DeviceScan` for the cudacpu backend: InclusiveSum, ExclusiveSum, InclusiveScan, InclusiveScanInit
///        and ExclusiveScan with CUB's signatures (in-place forms included) and its two-phase temporary-storage
///        protocol, computed on the host over device memory.
///
/// Protocol, checks and streams as in `cub/device/device_reduce.cuh`: a size query with `d_temp_storage ==
/// nullptr` (one accumulator per tile of 4096 items, rounded up to 256 bytes, never 0), `cudaErrorInvalidValue`
/// for too small or bad temporary storage, bad raw pointers or a negative count, the sticky error after a failed
/// kernel, and the call runs to completion when it is called (a library call for the work watch).
///
/// **Order of operations**, as CUB's single-pass scan structures it: the input is cut into tiles of 4096 items;
/// pass 1 stores each tile's aggregate (combined left to right) in the temporary storage; pass 2 turns them into
/// tile prefixes, left to right (starting from init for the exclusive scans); pass 3 scans each tile left to right
/// starting from its prefix. So out[i] is `prefix(tile) op x[first of tile] op ... op x[i]`, not one running sum
/// over the whole array: floats differ from a sequential scan (and from a GPU's) by rounding; compare with a
/// tolerance. The accumulator type is `decltype(op(item, item))` (with init: `decltype(op(init, item))`); each
/// output is converted to the output's type. In-place scans (d_in == d_out) are allowed.
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// Device-wide prefix scans (CUB's interface). All members are static.
struct DeviceScan {
  /// out[i] = in[0] + ... + in[i].
  /// @param d_temp_storage     device memory of temp_storage_bytes bytes, or nullptr to ask for the size
  /// @param temp_storage_bytes in: the size of d_temp_storage; out (size query): the size needed
  /// @return cudaSuccess, cudaErrorInvalidValue, or the sticky error of an earlier failed kernel
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t InclusiveSum(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                                  OutputIteratorT d_out, NumItemsT num_items, cudaStream_t stream = 0,
                                  WS_CUDACPU_WHERE) {
    using acc_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    return run<acc_t>("cub::DeviceScan::InclusiveSum", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      cudacpu_detail::add{}, nullptr, stream, where);
  }
  /// In place: d_data[i] = d_data[0] + ... + d_data[i].
  template <typename IteratorT, typename NumItemsT>
  static cudaError_t InclusiveSum(void* d_temp_storage, size_t& temp_storage_bytes, IteratorT d_data,
                                  NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    return InclusiveSum(d_temp_storage, temp_storage_bytes, d_data, d_data, num_items, stream, where);
  }

  /// out[0] = 0, out[i] = in[0] + ... + in[i-1].
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t ExclusiveSum(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                                  OutputIteratorT d_out, NumItemsT num_items, cudaStream_t stream = 0,
                                  WS_CUDACPU_WHERE) {
    using acc_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    const acc_t zero{};
    return run<acc_t>("cub::DeviceScan::ExclusiveSum", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      cudacpu_detail::add{}, &zero, stream, where);
  }
  /// In place exclusive sum.
  template <typename IteratorT, typename NumItemsT>
  static cudaError_t ExclusiveSum(void* d_temp_storage, size_t& temp_storage_bytes, IteratorT d_data,
                                  NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    return ExclusiveSum(d_temp_storage, temp_storage_bytes, d_data, d_data, num_items, stream, where);
  }

  /// out[i] = in[0] op ... op in[i] (op associative).
  template <typename InputIteratorT, typename OutputIteratorT, typename ScanOpT, typename NumItemsT>
  static cudaError_t InclusiveScan(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                                   OutputIteratorT d_out, ScanOpT scan_op, NumItemsT num_items, cudaStream_t stream = 0,
                                   WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    using acc_t = std::decay_t<std::invoke_result_t<ScanOpT&, input_t, input_t>>;
    return run<acc_t>("cub::DeviceScan::InclusiveScan", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      scan_op, nullptr, stream, where);
  }
  /// In place inclusive scan.
  template <typename IteratorT, typename ScanOpT, typename NumItemsT>
  static cudaError_t InclusiveScan(void* d_temp_storage, size_t& temp_storage_bytes, IteratorT d_data, ScanOpT scan_op,
                                   NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    return InclusiveScan(d_temp_storage, temp_storage_bytes, d_data, d_data, scan_op, num_items, stream, where);
  }

  /// out[i] = init_value op in[0] op ... op in[i].
  template <typename InputIteratorT, typename OutputIteratorT, typename ScanOpT, typename InitValueT,
            typename NumItemsT>
  static cudaError_t InclusiveScanInit(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                                       OutputIteratorT d_out, ScanOpT scan_op, InitValueT init_value,
                                       NumItemsT num_items, cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    using acc_t = std::decay_t<std::invoke_result_t<ScanOpT&, InitValueT, input_t>>;
    const acc_t init = static_cast<acc_t>(init_value);
    return run<acc_t>("cub::DeviceScan::InclusiveScanInit", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      scan_op, &init, stream, where, /*inclusive_with_init=*/true);
  }

  /// out[0] = init_value, out[i] = init_value op in[0] op ... op in[i-1].
  template <typename InputIteratorT, typename OutputIteratorT, typename ScanOpT, typename InitValueT,
            typename NumItemsT>
  static cudaError_t ExclusiveScan(void* d_temp_storage, size_t& temp_storage_bytes, InputIteratorT d_in,
                                   OutputIteratorT d_out, ScanOpT scan_op, InitValueT init_value, NumItemsT num_items,
                                   cudaStream_t stream = 0, WS_CUDACPU_WHERE) {
    using input_t = cudacpu_detail::iter_value_t<InputIteratorT>;
    using acc_t = std::decay_t<std::invoke_result_t<ScanOpT&, InitValueT, input_t>>;
    const acc_t init = static_cast<acc_t>(init_value);
    return run<acc_t>("cub::DeviceScan::ExclusiveScan", d_temp_storage, temp_storage_bytes, d_in, d_out, num_items,
                      scan_op, &init, stream, where);
  }
  /// In place exclusive scan.
  template <typename IteratorT, typename ScanOpT, typename InitValueT, typename NumItemsT>
  static cudaError_t ExclusiveScan(void* d_temp_storage, size_t& temp_storage_bytes, IteratorT d_data, ScanOpT scan_op,
                                   InitValueT init_value, NumItemsT num_items, cudaStream_t stream = 0,
                                   WS_CUDACPU_WHERE) {
    return ExclusiveScan(d_temp_storage, temp_storage_bytes, d_data, d_data, scan_op, init_value, num_items, stream,
                         where);
  }

 private:
  /// The protocol, the checks and the three passes of the file comment. @p init null: an inclusive scan without
  /// an initial value; otherwise an exclusive scan from *init, or an inclusive one when @p inclusive_with_init.
  template <typename Acc, typename InputIteratorT, typename OutputIteratorT, typename NumItemsT, typename Op>
  static cudaError_t run(const char* api, void* d_temp, size_t& temp_bytes_io, InputIteratorT d_in,
                         OutputIteratorT d_out, NumItemsT num_items, Op op, const Acc* init, cudaStream_t stream,
                         const ::cudacpu::source_location& where, bool inclusive_with_init = false) {
    (void)stream;  // everything runs in issue order (see device_reduce.cuh)
    cudaError_t status = cudaSuccess;
    if (!cudacpu_detail::check_count(api, num_items, &status, where)) return status;
    const auto n = static_cast<std::int64_t>(num_items);
    const std::size_t needed = cudacpu_detail::temp_bytes<Acc>(n);
    if (cudacpu_detail::temp_storage_protocol(api, d_temp, temp_bytes_io, needed, &status, where)) return status;
    const ::cudacpu::detail::device_work work(::cudacpu::detail::work_kind::library);
    if (!cudacpu_detail::check_range(api, "d_in", d_in, n, where) ||
        !cudacpu_detail::check_range(api, "d_out", d_out, n, where))
      return cudaErrorInvalidValue;
    const std::int64_t tile = cudacpu_detail::tile_items;
    const std::int64_t tiles = (n + tile - 1) / tile;
    // Pass 1: tile aggregates.
    for (std::int64_t t = 0; t < tiles; ++t) {
      const std::int64_t first = t * tile;
      const std::int64_t last = std::min(first + tile, n);
      Acc acc = static_cast<Acc>(d_in[first]);
      for (std::int64_t i = first + 1; i < last; ++i) acc = static_cast<Acc>(op(acc, d_in[i]));
      cudacpu_detail::store_temp<Acc>(d_temp, t, acc);
    }
    // Pass 2: tile t's slot becomes the aggregate of everything before tile t (from init); tile 0 of an inclusive
    // scan without init has no prefix.
    bool has_running = init != nullptr;
    Acc running = init != nullptr ? *init : Acc{};
    for (std::int64_t t = 0; t < tiles; ++t) {
      const Acc aggregate = cudacpu_detail::load_temp<Acc>(d_temp, t);
      cudacpu_detail::store_temp<Acc>(d_temp, t, running);
      running = has_running ? static_cast<Acc>(op(running, aggregate)) : aggregate;
      has_running = true;
    }
    // Pass 3: each tile from its prefix. Every input is read before the output at its index is written (in place).
    const bool exclusive = init != nullptr && !inclusive_with_init;
    for (std::int64_t t = 0; t < tiles; ++t) {
      const std::int64_t first = t * tile;
      const std::int64_t last = std::min(first + tile, n);
      bool has_prefix = t > 0 || init != nullptr;
      Acc acc = cudacpu_detail::load_temp<Acc>(d_temp, t);
      for (std::int64_t i = first; i < last; ++i) {
        const auto x = d_in[i];
        if (exclusive) {
          d_out[i] = acc;
          acc = static_cast<Acc>(op(acc, x));
        } else {
          acc = has_prefix ? static_cast<Acc>(op(acc, x)) : static_cast<Acc>(x);
          has_prefix = true;
          d_out[i] = acc;
        }
      }
    }
    return cudaSuccess;
  }
};

}  // namespace cub
