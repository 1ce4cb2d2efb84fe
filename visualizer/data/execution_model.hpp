/// @file execution_model.hpp
/// @brief Execution models for the explorer panel, one per lab, in a small registry (execution_models()):
///
/// - "matmul_tiles" (lab 03, workload matmul): which block and thread compute an element of C, which tiles of A and
///   B sit in shared memory at each step, how many global loads each kernel makes; mirrors
///   solutions/03_matmul_gpu/matmul_gpu.cu.
/// - "reduction_tree" (lab 05, workload reduce): one block summing its elements step by step, with interleaved
///   addressing (divergent, strided), sequential addressing (contiguous active threads), and a warp-shuffle finish;
///   mirrors the block reductions of solutions/05_reductions/reduce.cu.
///
/// Data only (no ImGui): the panel asks a model what to draw at a step and draws it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ws_viz {

// ---------------------------------------------------------------------------------------------------------------
// The registry

/// One parameter a model takes, as the explorer shows it: a slider over [min, max], or a choice among `choices`
/// (then value is an index into them).
struct model_parameter {
  std::string name;                  ///< "threads per block"
  std::string description;           ///< one line for a tooltip
  int min = 0, max = 0, value = 0;   ///< range and default
  std::vector<std::string> choices;  ///< names of a choice parameter; empty for a number
};

/// One execution model: who it is for, what it shows, the parameters it takes, and how many steps a picture has.
struct execution_model {
  std::string id;           ///< "matmul_tiles", "reduction_tree"
  std::string lab;          ///< the lab whose kernels it mirrors: "03", "05"
  std::string workload;     ///< the `./course bench` workload: "matmul", "reduce"
  std::string title;        ///< "Lesson 03: one thread per element of C"
  std::string description;  ///< one paragraph: what the picture shows
  std::vector<model_parameter> parameters;
  /// The number of steps for parameter values @p values (same order as `parameters`).
  int (*steps)(const std::vector<int>& values) = nullptr;
};

/// Every model, in lab order.
const std::vector<execution_model>& execution_models();

/// The model with this id, or the first model of @p workload when @p id is not found (nullptr when neither).
const execution_model* find_model(const std::string& id_or_workload);

// ---------------------------------------------------------------------------------------------------------------
// matmul_tiles (lab 03)

/// Which kernel's index mapping: naive (threadIdx.x runs along rows of C), coalesced (x along columns), tiled
/// (coalesced mapping, TILE x TILE blocks staging tiles of A and B in shared memory).
enum class kernel_kind { naive, coalesced, tiled };

/// The problem and the launch. For naive/coalesced, block_x x block_y threads per block; for tiled, tile x tile.
struct launch_shape {
  int m = 64, n = 64, k = 64;
  int block_x = 16, block_y = 16;
  int tile = 16;
  kernel_kind kind = kernel_kind::tiled;
};

/// blockDim and gridDim of the launch (gridDim rounded up to cover C).
struct launch_dims {
  int block_x, block_y, grid_x, grid_y;
};
launch_dims dims_of(const launch_shape& s);

/// Who computes C[row][col]: the block and the thread inside it.
struct cell_owner {
  int block_x, block_y, thread_x, thread_y;
  int warp;  ///< linear thread index / 32 within the block
};
cell_owner owner_of(const launch_shape& s, int row, int col);

/// The launch a matmul_tiles parameter vector describes (kernel, m, n, k, tile choice, in the registry's order);
/// missing values take the registry's defaults. The explorer starts from these.
launch_shape matmul_tiles_shape(const std::vector<int>& values);

/// The registry's default values of a model's parameters, in order.
std::vector<int> default_values(const execution_model& m);

/// For the tiled kernel, at step @p step (0-based, step < steps(s)), the block (bx, by) holds in shared memory the
/// rows [a_row0, a_row1) x columns [a_col0, a_col1) of A and rows [b_row0, b_row1) x columns [b_col0, b_col1) of B,
/// clipped to the matrices (the rest of the tile is zero padding).
struct tile_step {
  int a_row0, a_row1, a_col0, a_col1;
  int b_row0, b_row1, b_col0, b_col1;
};
int steps(const launch_shape& s);  ///< ceil(k / tile)
tile_step tiles_at(const launch_shape& s, int block_x, int block_y, int step);

/// Global-memory loads (of floats) the whole launch makes: naive and coalesced read 2k per element of C; tiled reads
/// each tile element once per block and step (2 * tile * tile per block-step, padding not counted).
std::int64_t global_loads(const launch_shape& s);

/// One line naming the mapping, e.g. "row = blockIdx.x * blockDim.x + threadIdx.x" for naive.
std::string mapping_formula(kernel_kind kind);

// ---------------------------------------------------------------------------------------------------------------
// reduction_tree (lab 05)

/// How a block's threads pair up the elements it sums (lesson 05).
enum class reduction_addressing {
  /// for (s = 1; s < T; s *= 2) if (tid % (2 s) == 0) x[tid] += x[tid + s]: active threads spread over every
  /// warp (divergent) and strided.
  interleaved,
  /// for (s = T / 2; s > 0; s /= 2) if (tid < s) x[tid] += x[tid + s]: active threads contiguous, whole warps idle.
  sequential,
  /// sequential in shared memory while s >= 32, then the first warp finishes in registers with
  /// v += __shfl_down_sync(~0u, v, offset) for offset = min(T, 32) / 2 ... 1 (no shared memory, no __syncthreads).
  warp_shuffle,
};

/// One thread's add in a step: it adds element (or lane) `src` into `dst`.
struct reduction_add {
  int thread, dst, src;
};

/// One step of the tree.
struct reduction_step {
  int stride = 0;            ///< s (shared-memory steps) or the shuffle offset
  bool shuffle = false;      ///< a register step of the warp-shuffle finish (indices are lanes of warp 0)
  std::vector<reduction_add> adds;  ///< the adds whose result is used, by increasing thread
  std::vector<int> active;   ///< threads doing a used add (= the threads of `adds`)
  int executing_threads = 0;  ///< threads that run the step's instruction: the active ones, or all lanes for a shuffle
  int warps_busy = 0;        ///< warps with at least one executing thread
  int warps_divergent = 0;   ///< warps with some but not all threads executing (both sides of the branch run)
  std::string code;          ///< the step as code: "if (tid % 4 == 0) x[tid] += x[tid + 2]"
};

/// The steps a block of @p threads (a power of two, 2 to 1024) takes to sum its @p threads elements, one loaded
/// per thread. Throws std::invalid_argument for any other block size.
std::vector<reduction_step> reduction_steps(reduction_addressing a, int threads);

/// Runs the steps on @p values (one per thread; lanes of a shuffle step read the shared array's first 32 entries
/// as registers) and returns the array after them: element 0 holds the sum. For the tests and the picture's numbers.
std::vector<long long> reduction_run(reduction_addressing a, std::vector<long long> values);

/// The array after each step: states[0] is @p values, states[s + 1] the array after step s; lanes of a shuffle
/// step are the first 32 entries. For the picture's numbers.
std::vector<std::vector<long long>> reduction_states(reduction_addressing a, const std::vector<long long>& values);

/// The number of threads of a warp (the model's divergence unit).
inline constexpr int warp_size = 32;

}  // namespace ws_viz
