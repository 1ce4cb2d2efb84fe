/// @file
/// @brief The CUDA runtime API of the cudacpu backend (memory, copies, errors, events, streams, device queries),
/// and the backend's own extensions (a kernel launch counter).
///
/// Everything runs synchronously in issue order, so streams and events only order and time host work. Each call
/// takes a defaulted `source_location` (ignored by code that never names it) so that a misuse — a copy past the
/// end of an allocation, a swapped direction, a use after cudaFree — is reported with the caller's file:line.
/// Errors follow CUDA: an API misuse is returned and remembered as the last error; a failed kernel sets a sticky
/// error that every later call returns until cudaDeviceReset().
#pragma once

#include <cstddef>
#include <cstdint>
#include "source_location.h"
#include <string>

#include "types.h"

/// The caller's position, added as a last defaulted parameter.
#define WS_CUDACPU_WHERE ::cudacpu::source_location where = ::cudacpu::source_location::current()

// ---- memory ----
/// Allocates device memory (256-byte aligned; filled with 0xFF bytes so uninitialised reads show up as NaN/-1).
cudaError_t cudaMalloc(void** dev_ptr, std::size_t size, WS_CUDACPU_WHERE);
/// Typed convenience overload (CUDA has it too).
template <class T>
cudaError_t cudaMalloc(T** dev_ptr, std::size_t size, WS_CUDACPU_WHERE) {
  return cudaMalloc(reinterpret_cast<void**>(dev_ptr), size, where);
}
/// Stream-ordered allocation: device memory usable by work issued after this call in `stream` (at once here, where
/// all work runs in issue order). Checked like cudaMalloc.
cudaError_t cudaMallocAsync(void** dev_ptr, std::size_t size, cudaStream_t stream, WS_CUDACPU_WHERE);
/// Typed convenience overload.
template <class T>
cudaError_t cudaMallocAsync(T** dev_ptr, std::size_t size, cudaStream_t stream, WS_CUDACPU_WHERE) {
  return cudaMallocAsync(reinterpret_cast<void**>(dev_ptr), size, stream, where);
}
/// cudaMallocAsync from a given pool (the device's only pool here).
cudaError_t cudaMallocFromPoolAsync(void** dev_ptr, std::size_t size, cudaMemPool_t pool, cudaStream_t stream,
                                    WS_CUDACPU_WHERE);
/// Frees memory from cudaMallocAsync (or cudaMalloc) after the work issued before it in `stream`: at once here.
cudaError_t cudaFreeAsync(void* dev_ptr, cudaStream_t stream, WS_CUDACPU_WHERE);
/// The device's default memory pool.
cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device);
/// The pool cudaMallocAsync uses (the default one).
cudaError_t cudaDeviceGetMemPool(cudaMemPool_t* pool, int device);
/// Sets a pool attribute (stored).
cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value);
/// Reads a pool attribute: what was set, and the bytes in use for the Used/Reserved ones.
cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value);
/// Returns unused pool memory to the system (there is none kept here).
cudaError_t cudaMemPoolTrimTo(cudaMemPool_t pool, std::size_t min_bytes_to_keep);

/// Allocates managed memory (usable from host and kernels).
cudaError_t cudaMallocManaged(void** dev_ptr, std::size_t size, unsigned int flags = cudaMemAttachGlobal,
                              WS_CUDACPU_WHERE);
/// Typed convenience overload.
template <class T>
cudaError_t cudaMallocManaged(T** dev_ptr, std::size_t size, unsigned int flags = cudaMemAttachGlobal,
                              WS_CUDACPU_WHERE) {
  return cudaMallocManaged(reinterpret_cast<void**>(dev_ptr), size, flags, where);
}
/// Allocates pinned host memory (kernels may read it, as with mapped memory on a GPU).
cudaError_t cudaMallocHost(void** ptr, std::size_t size, WS_CUDACPU_WHERE);
/// Typed convenience overload.
template <class T>
cudaError_t cudaMallocHost(T** ptr, std::size_t size, WS_CUDACPU_WHERE) {
  return cudaMallocHost(reinterpret_cast<void**>(ptr), size, where);
}
/// Allocates pinned host memory with flags.
cudaError_t cudaHostAlloc(void** ptr, std::size_t size, unsigned int flags, WS_CUDACPU_WHERE);
/// Typed convenience overload.
template <class T>
cudaError_t cudaHostAlloc(T** ptr, std::size_t size, unsigned int flags, WS_CUDACPU_WHERE) {
  return cudaHostAlloc(reinterpret_cast<void**>(ptr), size, flags, where);
}
/// Allocates a pitched 2D array (pitch rounded up to 512 bytes).
cudaError_t cudaMallocPitch(void** dev_ptr, std::size_t* pitch, std::size_t width, std::size_t height,
                            WS_CUDACPU_WHERE);
/// Typed convenience overload.
template <class T>
cudaError_t cudaMallocPitch(T** dev_ptr, std::size_t* pitch, std::size_t width, std::size_t height,
                            WS_CUDACPU_WHERE) {
  return cudaMallocPitch(reinterpret_cast<void**>(dev_ptr), pitch, width, height, where);
}
/// Frees device or managed memory; null is a no-op. Freeing twice or a host pointer is reported.
cudaError_t cudaFree(void* dev_ptr, WS_CUDACPU_WHERE);
/// Frees pinned host memory.
cudaError_t cudaFreeHost(void* ptr, WS_CUDACPU_WHERE);
/// cudaMallocHost with cudaHostAlloc's flags (the C++ overload CUDA's runtime header has).
inline cudaError_t cudaMallocHost(void** ptr, std::size_t size, unsigned int flags, WS_CUDACPU_WHERE) {
  return cudaHostAlloc(ptr, size, flags, where);
}
/// Typed form of the above.
template <class T>
cudaError_t cudaMallocHost(T** ptr, std::size_t size, unsigned int flags, WS_CUDACPU_WHERE) {
  return cudaHostAlloc(reinterpret_cast<void**>(ptr), size, flags, where);
}
/// Attaches managed memory to a stream (accepted: host and kernels always see the same memory here).
cudaError_t cudaStreamAttachMemAsync(cudaStream_t stream, void* dev_ptr, std::size_t length = 0,
                                     unsigned int flags = cudaMemAttachSingle);
/// Registers host memory as pinned (kernels may then use it).
cudaError_t cudaHostRegister(void* ptr, std::size_t size, unsigned int flags, WS_CUDACPU_WHERE);
/// Unregisters host memory.
cudaError_t cudaHostUnregister(void* ptr, WS_CUDACPU_WHERE);
/// Device address of pinned host memory (the same address here).
cudaError_t cudaHostGetDevicePointer(void** dev_ptr, void* host_ptr, unsigned int flags, WS_CUDACPU_WHERE);
/// Free and total "device" memory (the host's).
cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes);
/// Prefetch hint for managed memory (accepted, no effect; any CUDA 12/13 signature).
template <class... Rest>
cudaError_t cudaMemPrefetchAsync(const void*, std::size_t, Rest&&...) {
  return cudaSuccess;
}
/// Advice for managed memory (accepted, no effect).
template <class... Rest>
cudaError_t cudaMemAdvise(const void*, std::size_t, Rest&&...) {
  return cudaSuccess;
}

// ---- copies ----
/// Copies `count` bytes. Checks the direction against where the pointers live and the range of any
/// cudaMalloc'd block involved; a misuse copies nothing and returns cudaErrorInvalidValue.
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind, WS_CUDACPU_WHERE);
/// Same as cudaMemcpy (the CPU backend is synchronous).
cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr, WS_CUDACPU_WHERE);
/// Copies a 2D region row by row (`width` bytes per row, `height` rows).
cudaError_t cudaMemcpy2D(void* dst, std::size_t dpitch, const void* src, std::size_t spitch, std::size_t width,
                         std::size_t height, cudaMemcpyKind kind, WS_CUDACPU_WHERE);
/// Same as cudaMemcpy2D.
cudaError_t cudaMemcpy2DAsync(void* dst, std::size_t dpitch, const void* src, std::size_t spitch,
                              std::size_t width, std::size_t height, cudaMemcpyKind kind,
                              cudaStream_t stream = nullptr, WS_CUDACPU_WHERE);
/// Sets `count` bytes of device memory to `value`.
cudaError_t cudaMemset(void* dev_ptr, int value, std::size_t count, WS_CUDACPU_WHERE);
/// Same as cudaMemset.
cudaError_t cudaMemsetAsync(void* dev_ptr, int value, std::size_t count, cudaStream_t stream = nullptr,
                            WS_CUDACPU_WHERE);
/// Sets a 2D region.
cudaError_t cudaMemset2D(void* dev_ptr, std::size_t pitch, int value, std::size_t width, std::size_t height,
                         WS_CUDACPU_WHERE);

namespace cudacpu::detail {
/// Copies into or out of a `__constant__`/`__device__` variable of `symbol_size` bytes, checking the range.
cudaError_t symbol_copy(void* symbol, std::size_t symbol_size, void* buffer, std::size_t count, std::size_t offset,
                        cudaMemcpyKind kind, bool to_symbol, ::cudacpu::source_location where);
/// Records a `__device__` variable's range so its address may be passed to kernels.
void register_symbol(const void* symbol, std::size_t size);
}  // namespace cudacpu::detail

/// Copies host (or device) data into a `__constant__` or `__device__` variable.
template <class T>
cudaError_t cudaMemcpyToSymbol(const T& symbol, const void* src, std::size_t count, std::size_t offset = 0,
                               cudaMemcpyKind kind = cudaMemcpyHostToDevice, WS_CUDACPU_WHERE) {
  return cudacpu::detail::symbol_copy(const_cast<T*>(&symbol), sizeof(T), const_cast<void*>(src), count, offset,
                                      kind, true, where);
}
/// Same as cudaMemcpyToSymbol.
template <class T>
cudaError_t cudaMemcpyToSymbolAsync(const T& symbol, const void* src, std::size_t count, std::size_t offset = 0,
                                    cudaMemcpyKind kind = cudaMemcpyHostToDevice, cudaStream_t stream = nullptr,
                                    WS_CUDACPU_WHERE) {
  (void)stream;
  return cudaMemcpyToSymbol(symbol, src, count, offset, kind, where);
}
/// Copies out of a `__constant__` or `__device__` variable.
template <class T>
cudaError_t cudaMemcpyFromSymbol(void* dst, const T& symbol, std::size_t count, std::size_t offset = 0,
                                 cudaMemcpyKind kind = cudaMemcpyDeviceToHost, WS_CUDACPU_WHERE) {
  return cudacpu::detail::symbol_copy(const_cast<T*>(&symbol), sizeof(T), dst, count, offset, kind, false, where);
}
/// Same as cudaMemcpyFromSymbol.
template <class T>
cudaError_t cudaMemcpyFromSymbolAsync(void* dst, const T& symbol, std::size_t count, std::size_t offset = 0,
                                      cudaMemcpyKind kind = cudaMemcpyDeviceToHost, cudaStream_t stream = nullptr,
                                      WS_CUDACPU_WHERE) {
  (void)stream;
  return cudaMemcpyFromSymbol(dst, symbol, count, offset, kind, where);
}
/// Address of a `__device__` variable, usable as a kernel argument.
template <class T>
cudaError_t cudaGetSymbolAddress(void** dev_ptr, const T& symbol) {
  cudacpu::detail::register_symbol(&symbol, sizeof(T));
  *dev_ptr = const_cast<T*>(&symbol);
  return cudaSuccess;
}
/// Size of a `__device__` variable.
template <class T>
cudaError_t cudaGetSymbolSize(std::size_t* size, const T& symbol) {
  (void)symbol;
  *size = sizeof(T);
  return cudaSuccess;
}

// ---- errors and synchronisation ----
/// Waits for all work (already done) and returns the sticky error of a failed kernel, if any.
cudaError_t cudaDeviceSynchronize(WS_CUDACPU_WHERE);
/// Frees every allocation and clears all errors, sticky ones included.
cudaError_t cudaDeviceReset(WS_CUDACPU_WHERE);
/// Returns and clears the last error (a sticky error is returned and stays).
cudaError_t cudaGetLastError();
/// Returns the last error without clearing it.
cudaError_t cudaPeekAtLastError();
/// CUDA's message for an error code.
const char* cudaGetErrorString(cudaError_t error);
/// The enumerator's name, e.g. "cudaErrorInvalidValue".
const char* cudaGetErrorName(cudaError_t error);

// ---- events and streams ----
/// Creates an event.
cudaError_t cudaEventCreate(cudaEvent_t* event);
/// Creates an event (flags accepted).
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags);
/// Records the current time (all earlier work has finished).
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
/// Returns at once: recorded events are complete.
cudaError_t cudaEventSynchronize(cudaEvent_t event);
/// cudaSuccess once recorded.
cudaError_t cudaEventQuery(cudaEvent_t event);
/// Milliseconds between two recorded events.
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);
/// Destroys an event.
cudaError_t cudaEventDestroy(cudaEvent_t event);
/// Creates a stream (work still runs in issue order).
cudaError_t cudaStreamCreate(cudaStream_t* stream);
/// Creates a stream with flags.
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int flags);
/// Creates a stream with flags and priority.
cudaError_t cudaStreamCreateWithPriority(cudaStream_t* stream, unsigned int flags, int priority);
/// Destroys a stream.
cudaError_t cudaStreamDestroy(cudaStream_t stream);
/// Returns the sticky error, if any (work is already done).
cudaError_t cudaStreamSynchronize(cudaStream_t stream, WS_CUDACPU_WHERE);
/// cudaSuccess: streams are always idle.
cudaError_t cudaStreamQuery(cudaStream_t stream);
/// Runs `fn(user_data)` after the work issued before it in `stream`: at once here, where that work is done.
cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* user_data);
/// Calls `callback(stream, status, user_data)` after the work issued before it (at once here); `flags` must be 0.
cudaError_t cudaStreamAddCallback(cudaStream_t stream, cudaStreamCallback_t callback, void* user_data,
                                  unsigned int flags);
/// Stores a stream attribute (L2 access policy, synchronisation policy, priority); none changes anything here.
cudaError_t cudaStreamSetAttribute(cudaStream_t stream, cudaLaunchAttributeID attr, const cudaLaunchAttributeValue* value);
/// Reads back a stream attribute (what was set, else zeros).
cudaError_t cudaStreamGetAttribute(cudaStream_t stream, cudaLaunchAttributeID attr, cudaLaunchAttributeValue* value);
/// The stream's creation flags.
cudaError_t cudaStreamGetFlags(cudaStream_t stream, unsigned int* flags);
/// The stream's priority (always 0 here).
cudaError_t cudaStreamGetPriority(cudaStream_t stream, int* priority);
/// Drops the persisting lines of the L2 cache: nothing to do on a CPU.
cudaError_t cudaCtxResetPersistingL2Cache();
/// Accepted (ordering is already total).
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags = 0);

// ---- device ----
/// One device.
cudaError_t cudaGetDeviceCount(int* count);
/// Only device 0 exists.
cudaError_t cudaSetDevice(int device);
/// Always 0.
cudaError_t cudaGetDevice(int* device);
/// Accepted.
cudaError_t cudaSetDeviceFlags(unsigned int flags);
/// Properties of the CPU "device" (name, warpSize 32, 1024 threads per block, 48 KiB shared, one SM per worker).
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
/// One attribute of the CPU "device".
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device);
/// Accepted.
cudaError_t cudaDeviceSetCacheConfig(cudaFuncCache config);
/// Accepted.
cudaError_t cudaDeviceSetLimit(cudaLimit limit, std::size_t value);
/// Nominal limits.
cudaError_t cudaDeviceGetLimit(std::size_t* value, cudaLimit limit);
/// 13000.
cudaError_t cudaDriverGetVersion(int* version);
/// 13000.
cudaError_t cudaRuntimeGetVersion(int* version);

namespace cudacpu::detail {
/// Applies a kernel attribute; the dynamic shared memory limit is raised for every kernel (launches cannot tell
/// kernels apart).
cudaError_t set_function_attribute(cudaFuncAttribute attr, int value);
}  // namespace cudacpu::detail

/// Sets a kernel attribute (cudaFuncAttributeMaxDynamicSharedMemorySize raises the dynamic shared memory limit).
template <class F>
cudaError_t cudaFuncSetAttribute(F* kernel, cudaFuncAttribute attr, int value) {
  (void)kernel;
  return cudacpu::detail::set_function_attribute(attr, value);
}
namespace cudacpu::detail {
cudaError_t function_attributes(cudaFuncAttributes* attr);
}  // namespace cudacpu::detail
/// The limits that apply to a kernel (cudaFuncAttributes says which figures are nominal here).
template <class F>
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr, F* kernel) {
  (void)kernel;
  return cudacpu::detail::function_attributes(attr);
}
/// Accepted.
template <class F>
cudaError_t cudaFuncSetCacheConfig(F* kernel, cudaFuncCache config) {
  (void)kernel;
  (void)config;
  return cudaSuccess;
}
/// A nominal occupancy: 2048 / blockSize blocks per "SM".
template <class F>
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* num_blocks, F* kernel, int block_size,
                                                          std::size_t dynamic_smem) {
  (void)kernel;
  (void)dynamic_smem;
  *num_blocks = block_size > 0 ? 2048 / block_size : 0;
  return cudaSuccess;
}
/// Suggests 256 threads per block and enough blocks to fill every worker.
template <class F>
cudaError_t cudaOccupancyMaxPotentialBlockSize(int* min_grid_size, int* block_size, F kernel,
                                               std::size_t dynamic_smem = 0, int block_size_limit = 0) {
  (void)kernel;
  (void)dynamic_smem;
  int workers = 1;
  cudaDeviceGetAttribute(&workers, cudaDevAttrMultiProcessorCount, 0);
  *block_size = (block_size_limit > 0 && block_size_limit < 256) ? block_size_limit : 256;
  *min_grid_size = workers * (2048 / *block_size);
  return cudaSuccess;
}

/// Where a pointer's memory lives.
enum cudaMemoryType {
  cudaMemoryTypeUnregistered = 0,
  cudaMemoryTypeHost = 1,
  cudaMemoryTypeDevice = 2,
  cudaMemoryTypeManaged = 3
};
/// Answer of cudaPointerGetAttributes.
struct cudaPointerAttributes {
  enum cudaMemoryType type;  ///< kind of memory
  int device;                ///< 0
  void* devicePointer;       ///< the pointer (or null for unregistered host memory)
  void* hostPointer;         ///< the pointer (or null for device memory)
};
/// Classifies a pointer (device, managed, pinned host or unregistered).
cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attributes, const void* ptr);

// ---- for header-only libraries on the runtime (the cuBLAS stand-in, cublas_v2.h) ----
namespace cudacpu::detail {
/// The sticky error of a failed kernel (every later call returns it until cudaDeviceReset), or cudaSuccess. Unlike
/// cudaPeekAtLastError, a non-sticky last error does not count.
cudaError_t sticky_error();
/// True when WS_CPU_QUIET=1 asks to silence reports of API misuse (kernel errors are always reported).
bool quiet();
/// Prints "cudacpu: error: FILE:LINE: message" to stderr, whatever WS_CPU_QUIET says (callers check quiet()).
/// @param where the learner's call
/// @param fmt   printf format of the message
void report_error(const ::cudacpu::source_location& where, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/// Checks that a library call may use `bytes` bytes from `p` as device memory: they must lie inside one live
/// allocation that a kernel may use (cudaMalloc, cudaMallocManaged, cudaMallocHost, a `__device__` variable), as a
/// kernel's pointer arguments must. A host pointer, a pointer into freed memory or a range that runs past the end
/// of its allocation is reported at `where` (unless WS_CPU_QUIET=1) and gives false.
/// @param api     the library call, e.g. "cublasSgemm"
/// @param role    what `p` is, e.g. "matrix A"
/// @param p       the pointer the learner passed
/// @param bytes   how many bytes from `p` the call touches; 0 accepts any pointer
/// @param outcome what the call does about it, appended to the report, e.g. "returns CUBLAS_STATUS_INVALID_VALUE"
/// @param where   the learner's call
/// @return true when the range is usable
bool check_device_range(const char* api, const char* role, const void* p, std::size_t bytes, const char* outcome,
                        const ::cudacpu::source_location& where);
}  // namespace cudacpu::detail

// ---- cudacpu extensions: not in CUDA, so code that also builds with nvcc guards them with `#ifdef WS_CUDACPU` ----
namespace cudacpu {
/// The number of kernel launches that have run in this process: every `<<<>>>` that passed the launch checks
/// (configuration, pointer arguments, no sticky error from an earlier kernel), counted as it starts. A rejected
/// launch does not count; a kernel that starts and then fails does. Here device memory is host memory, so a
/// launcher that copies its inputs back, computes on the host and copies the answer out passes every correctness
/// test; tests compare this count before and after a launcher to see that it ran a kernel.
/// @return the count since the process started (never reset, not even by cudaDeviceReset); thread-safe.
std::uint64_t kernels_launched() noexcept;
}  // namespace cudacpu

namespace cudacpu {
/// One range of memory a work watch attributes changes of (an output of the code under test).
struct work_range {
  const void* begin = nullptr;  ///< first byte (device or host memory)
  std::size_t bytes = 0;        ///< length
};

/// What ran, and who changed the outputs, while a work watch was open (begin_work_watch .. end_work_watch).
///
/// Changes of the output ranges are attributed by hashing the ranges at every boundary of device work: a change
/// seen across a kernel launch was made by the kernel's threads, across a cuBLAS call by the library, across a
/// runtime copy or memset by that copy, and anywhere else by host code (including code that wrote through a device
/// pointer on the host).
struct work_report {
  std::uint64_t kernels = 0;                 ///< kernel launches that ran
  std::uint64_t library_calls = 0;           ///< cuBLAS stand-in calls (GEMMs), whatever their outcome
  std::uint64_t device_to_host_copies = 0;   ///< copies from device memory (or a `__device__` symbol) to the host
  std::uint64_t copies_into_outputs = 0;     ///< copies (any direction) whose destination overlaps an output range
  std::uint64_t memsets_into_outputs = 0;    ///< cudaMemset*s whose destination overlaps an output range
  bool outputs_changed_by_kernels = false;   ///< some launch changed the output bytes
  bool outputs_changed_by_library = false;   ///< some cuBLAS call changed them
  bool outputs_changed_by_copies = false;    ///< some copy or memset changed them
  bool outputs_changed_by_host_code = false; ///< they changed between, before or after those
  bool host_access_checked = false;          ///< device memory was protected from host code (not under ThreadSanitizer)
  std::uint64_t host_accesses = 0;           ///< faults of host code on protected device memory (plain runtime)
  std::string host_access;                   ///< the first one: address, allocation, instruction
};

/// Opens the process's work watch: from now on kernels, cuBLAS calls and copies are counted, changes of `outputs`
/// are attributed (see work_report), and device memory from cudaMalloc is protected from host code: PROT_NONE pages
/// in the plain runtime (a host access is recorded, the page unprotected and the access retried), AddressSanitizer
/// poison in the memory-checked runtime (a host access is a use-after-poison report). Kernels, cuBLAS calls and the
/// runtime's own copies lift the protection while they run.
/// @param outputs the ranges to watch; copied
/// @param count   how many
/// @return false (and nothing happens) when a watch is already open
bool begin_work_watch(const work_range* outputs, std::size_t count);
/// Closes the watch and returns what happened (an empty report when none was open).
work_report end_work_watch();
}  // namespace cudacpu

namespace cudacpu::detail {
/// What a device_work window is.
enum class work_kind : std::uint8_t { kernel, library, copy };
/// While alive, the runtime (or a library on it) works on device memory for the program: the work watch's
/// protection is lifted, and changes of the watched outputs are attributed to `kind`. Costs one atomic load when
/// no watch is open.
class device_work {
 public:
  explicit device_work(work_kind kind) noexcept;
  ~device_work();
  device_work(const device_work&) = delete;
  device_work& operator=(const device_work&) = delete;

 private:
  bool active_;
  work_kind kind_;
};
/// Records a copy for the open work watch (if any): its destination range and whether it moved device data to the
/// host or was a memset.
void note_copy(const void* dst, std::size_t dst_bytes, bool device_to_host, bool memset) noexcept;
}  // namespace cudacpu::detail
