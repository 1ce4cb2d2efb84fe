/// @file
/// @brief Declarations shared by the cudacpu runtime's sources (error state, allocation registry, settings).
#pragma once

#include <cstddef>
#include <cstdint>
#include "cudacpu/source_location.h"

#include "cudacpu/api.h"
#include "cudacpu/types.h"

namespace cudacpu::detail {

// ---- settings (environment, read once) ----
/// Worker threads running blocks: WS_CPU_THREADS, default the hardware's cores.
unsigned worker_count();
/// Block-order seed: WS_CPU_SEED (0 = blocks in natural order), default fixed.
std::uint64_t block_seed();
/// Largest dynamic shared memory a launch may request (48 KiB, raised by cudaFuncSetAttribute).
std::size_t dynamic_smem_limit();

// ---- errors ----
// sticky_error(), quiet() and report_error() are declared in cudacpu/api.h: header-only libraries use them too.
/// Prints an indented continuation line of a report.
void report_note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/// Records a (non-sticky) error as the calling host thread's last error and returns it.
cudaError_t set_last_error(cudaError_t e);
/// Records a sticky error (a failed kernel): every later call returns it until cudaDeviceReset.
void set_sticky_error(cudaError_t e);

// ---- allocations ----
/// What a registered range is.
enum class mem_kind : std::uint8_t { device, managed, pinned, symbol };
/// Result of looking a pointer up.
struct mem_lookup {
  enum class status : std::uint8_t { unknown, live, freed } state = status::unknown;  ///< what was found
  std::uintptr_t base = 0;                                                           ///< start of the range
  std::size_t size = 0;                                                              ///< bytes
  mem_kind kind = mem_kind::device;                                                  ///< kind of range
  ::cudacpu::source_location allocated;  ///< where it was allocated
  ::cudacpu::source_location freed_at;   ///< where it was freed (status freed)
};
/// Finds the live (or, failing that, freed) range containing `p`. `allow_end`: one past the end counts too (for
/// kernel arguments, where an end pointer is legitimate; not for copies, where it may be a neighbouring block).
mem_lookup find_memory(const void* p, bool allow_end = false);
/// Registers memory obtained elsewhere (Thrust's device allocations) as device memory.
void register_device_range(void* p, std::size_t size, const ::cudacpu::source_location& where);
/// Removes such a registration.
void unregister_device_range(void* p);

/// Whether a work watch (cudacpu::begin_work_watch) is open.
bool work_watch_open() noexcept;

/// Human-readable name of a kind ("device memory", ...).
const char* mem_kind_name(mem_kind k);

}  // namespace cudacpu::detail
