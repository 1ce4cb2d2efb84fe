/// @file
/// @brief Texture and surface objects of the cudacpu backend: CUDA arrays, the copies into and out of them, the
///        registry behind cudaTextureObject_t / cudaSurfaceObject_t, and the sampler that tex2D & co. call.
///
/// The sampler follows the CUDA C++ Programming Guide's appendix on texture fetching: unnormalized coordinates
/// address texels [0, N) and wrap/mirror need normalized ones (otherwise they clamp); linear filtering samples at
/// x - 0.5 and keeps its weights in 9-bit fixed point with 8 fractional bits, so results match a GPU's (and show
/// its 1/256 steps) rather than exact interpolation; cubemap faces are chosen by the direction's major axis.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "cuda_runtime.h"
#include "internal.h"

/// A CUDA array: packed row-major texels (row, then slice/layer/face), kept after cudaFreeArray (data null) so a
/// texture or surface object on a freed array is reported rather than read.
struct cudaArray {
  cudaChannelFormatDesc desc{};        ///< format as given
  cudaExtent extent{};                 ///< extent as given
  unsigned flags = 0;                  ///< cudaArray* flags
  std::size_t width = 0;               ///< texels per row
  std::size_t height = 1;              ///< rows per slice (1 for 1D)
  std::size_t depth = 1;               ///< slices, layers or faces (x layers) in all
  std::size_t elem = 0;                ///< bytes per texel
  std::size_t row = 0;                 ///< bytes per row
  std::size_t slice = 0;               ///< bytes per slice
  unsigned char* data = nullptr;       ///< the texels; null once freed
  int dims = 1;                        ///< 1, 2 or 3 (of one layer when layered)
  bool layered = false;                ///< cudaArrayLayered
  bool cubemap = false;                ///< cudaArrayCubemap
  cudacpu::source_location allocated;  ///< cudaMallocArray / cudaMalloc3DArray call
  cudacpu::source_location freed_at;   ///< cudaFreeArray call
};

namespace cudacpu::detail {
namespace {

// ---- reports ----

cudaError_t tex_api_error(cudaError_t e, const source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// Reports an API misuse (unless WS_CPU_QUIET=1) and records it as the last error.
cudaError_t tex_api_error(cudaError_t e, const source_location& where, const char* fmt, ...) {
  if (!quiet()) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report_error(where, "%s (returns %s)", msg, cudaGetErrorName(e));
  }
  return set_last_error(e);
}

[[noreturn]] void fatal(cudaError_t code, const source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// Reports a device-side error at the learner's line and fails the kernel with `code`.
[[noreturn]] void fatal(cudaError_t code, const source_location& where, const char* fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  device_fatal(code, msg, where);
}

#define WS_TEX_STICKY_GUARD()                                                                                     \
  do {                                                                                                            \
    if (const cudaError_t s_ = sticky_error(); s_ != cudaSuccess) return s_;                                      \
  } while (0)

// ---- formats ----

/// What a texel holds.
enum class scalar_kind : std::uint8_t { sint, uint, flt };
/// A decoded channel format.
struct texel_format {
  int channels = 0;                     ///< 1, 2 or 4
  int bits = 0;                         ///< 8, 16 or 32 per channel
  scalar_kind kind = scalar_kind::flt;  ///< integer or float
  bool normalized_kind = false;         ///< a cudaChannelFormatKind*Normalized* format: always read as float
  std::size_t bytes() const { return static_cast<std::size_t>(channels * bits / 8); }
};

/// Decodes `d`; on failure `why` says what is wrong.
bool decode_format(const cudaChannelFormatDesc& d, texel_format* f, const char** why) {
  const int k = static_cast<int>(d.f);
  if (k >= 5 && k <= 16) {  // normalized kinds: channels and bits follow from the kind
    const int i = (k - 5) % 3;
    f->channels = i == 0 ? 1 : i == 1 ? 2 : 4;
    f->bits = ((k - 5) / 3) % 2 == 0 ? 8 : 16;
    f->kind = k <= 10 ? scalar_kind::uint : scalar_kind::sint;
    f->normalized_kind = true;
    return true;
  }
  if (d.f != cudaChannelFormatKindSigned && d.f != cudaChannelFormatKindUnsigned && d.f != cudaChannelFormatKindFloat) {
    *why = "only the Signed, Unsigned, Float and 8/16-bit normalized channel kinds are implemented";
    return false;
  }
  const int b[4] = {d.x, d.y, d.z, d.w};
  int n = 0;
  while (n < 4 && b[n] != 0) ++n;
  for (int c = n; c < 4; ++c)
    if (b[c] != 0) {
      *why = "channels must be x, then y, z, w without gaps";
      return false;
    }
  for (int c = 1; c < n; ++c)
    if (b[c] != b[0]) {
      *why = "every channel must have the same number of bits";
      return false;
    }
  if (n == 0 || n == 3) {
    *why = n == 0 ? "no channel has bits" : "CUDA has no 3-channel texel formats (use 4 channels)";
    return false;
  }
  if (d.f == cudaChannelFormatKindFloat ? (b[0] != 16 && b[0] != 32) : (b[0] != 8 && b[0] != 16 && b[0] != 32)) {
    *why = d.f == cudaChannelFormatKindFloat ? "float channels have 16 or 32 bits" : "integer channels have 8, 16 or 32 bits";
    return false;
  }
  f->channels = n;
  f->bits = b[0];
  f->kind = d.f == cudaChannelFormatKindFloat ? scalar_kind::flt
            : d.f == cudaChannelFormatKindSigned ? scalar_kind::sint
                                                 : scalar_kind::uint;
  f->normalized_kind = false;
  return true;
}

/// IEEE binary16 to float.
float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const int exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | (static_cast<std::uint32_t>(exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    int e = 113;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (static_cast<std::uint32_t>(e) << 23) | ((mant & 0x3ffu) << 13);
  }
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

/// Channel `c` of the texel at `p` as a (sign- or zero-extended) integer.
std::int32_t load_int(const texel_format& f, const unsigned char* p, int c) {
  switch (f.bits) {
    case 8:
      return f.kind == scalar_kind::sint ? static_cast<std::int32_t>(reinterpret_cast<const std::int8_t*>(p)[c])
                                         : static_cast<std::int32_t>(p[c]);
    case 16: {
      std::uint16_t v;
      std::memcpy(&v, p + 2 * c, 2);
      return f.kind == scalar_kind::sint ? static_cast<std::int32_t>(static_cast<std::int16_t>(v))
                                         : static_cast<std::int32_t>(v);
    }
    default: {
      std::int32_t v;
      std::memcpy(&v, p + 4 * c, 4);
      return v;
    }
  }
}

/// Channel `c` of the texel at `p` as a float: float formats as they are, integers mapped to [0, 1] / [-1, 1]
/// (the caller only asks for floats from integers when they are read as normalized floats).
float load_float(const texel_format& f, const unsigned char* p, int c) {
  if (f.kind == scalar_kind::flt) {
    if (f.bits == 16) {
      std::uint16_t h;
      std::memcpy(&h, p + 2 * c, 2);
      return half_to_float(h);
    }
    float v;
    std::memcpy(&v, p + 4 * c, 4);
    return v;
  }
  const std::int32_t v = load_int(f, p, c);
  if (f.kind == scalar_kind::uint) return static_cast<float>(v) / (f.bits == 8 ? 255.0f : 65535.0f);
  return std::max(static_cast<float>(v) / (f.bits == 8 ? 127.0f : 32767.0f), -1.0f);
}

// ---- arrays ----

std::mutex g_array_mutex;
/// Every array ever allocated (freed ones stay, with data null).
std::unordered_set<const cudaArray*>& all_arrays() {
  static auto* s = new std::unordered_set<const cudaArray*>();
  return *s;
}

/// Finds a live array; reports a freed or unknown one for `api` and sets `*err`.
cudaArray* live_array(const char* api, const char* role, cudaArray_const_t a, const source_location& where,
                      cudaError_t* err) {
  {
    std::lock_guard<std::mutex> lock(g_array_mutex);
    if (a != nullptr && all_arrays().count(a) != 0) {
      if (a->data != nullptr) return const_cast<cudaArray*>(a);
      *err = tex_api_error(cudaErrorInvalidResourceHandle, where,
                           "%s: the %s %p was freed by cudaFreeArray at %s:%u (allocated at %s:%u)", api, role,
                           static_cast<const void*>(a), a->freed_at.file_name(), a->freed_at.line(),
                           a->allocated.file_name(), a->allocated.line());
      return nullptr;
    }
  }
  *err = tex_api_error(a == nullptr ? cudaErrorInvalidValue : cudaErrorInvalidResourceHandle, where,
                       "%s: the %s %p is not a CUDA array from cudaMallocArray or cudaMalloc3DArray", api, role,
                       static_cast<const void*>(a));
  return nullptr;
}

/// Allocates an array of width x height x depth texels (each at least 1) of format `desc`.
cudaError_t make_array(const char* api, cudaArray_t* out, const cudaChannelFormatDesc* desc, cudaExtent extent,
                       unsigned flags, int dims, bool layered, bool cubemap, std::size_t height, std::size_t depth,
                       const source_location& where) {
  if (out == nullptr || desc == nullptr)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: %s is null", api, out == nullptr ? "array" : "desc");
  *out = nullptr;
  texel_format f;
  const char* why = "";
  if (!decode_format(*desc, &f, &why))
    return tex_api_error(cudaErrorInvalidChannelDescriptor, where,
                         "%s: channel descriptor {%d, %d, %d, %d, kind %d}: %s", api, desc->x, desc->y, desc->z,
                         desc->w, static_cast<int>(desc->f), why);
  if (extent.width == 0) return tex_api_error(cudaErrorInvalidValue, where, "%s: the width is 0", api);
  auto a = std::make_unique<cudaArray>();
  a->desc = *desc;
  a->extent = extent;
  a->flags = flags;
  a->width = extent.width;
  a->height = height;
  a->depth = depth;
  a->elem = f.bytes();
  a->row = a->width * a->elem;
  a->slice = a->row * a->height;
  a->dims = dims;
  a->layered = layered;
  a->cubemap = cubemap;
  a->allocated = where;
  const std::size_t bytes = (a->slice * a->depth + 255) / 256 * 256;
  a->data = static_cast<unsigned char*>(std::aligned_alloc(256, bytes));
  if (a->data == nullptr)
    return tex_api_error(cudaErrorMemoryAllocation, where, "%s: cannot allocate %zu bytes", api, bytes);
  std::memset(a->data, 0xFF, bytes);  // like cudaMalloc: unwritten texels read as NaN / -1
  std::lock_guard<std::mutex> lock(g_array_mutex);
  all_arrays().insert(a.get());
  *out = a.release();
  return cudaSuccess;
}

/// Whether the linear side `p` of a copy with an array is device memory (then its range is checked), by `kind` or,
/// for cudaMemcpyDefault, by where it lives. `linear_is_src`: the array is the destination.
bool linear_side(const char* api, cudaMemcpyKind kind, bool linear_is_src, const void* p, std::size_t bytes,
                 const source_location& where, cudaError_t* err) {
  bool device = false;
  switch (kind) {
    case cudaMemcpyDeviceToDevice:
      device = true;
      break;
    case cudaMemcpyHostToDevice:
    case cudaMemcpyDeviceToHost:
      if ((kind == cudaMemcpyHostToDevice) != linear_is_src) {
        *err = tex_api_error(cudaErrorInvalidMemcpyDirection, where,
                             "%s: the %s is a CUDA array (device memory), so the direction cannot be %s", api,
                             linear_is_src ? "destination" : "source",
                             kind == cudaMemcpyHostToDevice ? "cudaMemcpyHostToDevice" : "cudaMemcpyDeviceToHost");
        return false;
      }
      device = false;
      break;
    case cudaMemcpyDefault: {
      const mem_lookup m = find_memory(p);
      device = m.state == mem_lookup::status::live && m.kind != mem_kind::pinned;
      break;
    }
    default:
      *err = tex_api_error(cudaErrorInvalidMemcpyDirection, where,
                           "%s: a CUDA array is device memory: cudaMemcpyHostToHost (or kind %d) cannot copy it", api,
                           static_cast<int>(kind));
      return false;
  }
  if (device && !check_device_range(api, linear_is_src ? "source" : "destination", p, bytes,
                                    "returns cudaErrorInvalidValue", where)) {
    *err = set_last_error(cudaErrorInvalidValue);
    return false;
  }
  if (p == nullptr) {
    *err = tex_api_error(cudaErrorInvalidValue, where, "%s: the %s is null", api, linear_is_src ? "source" : "destination");
    return false;
  }
  return true;
}

/// Copies `height` rows of `width` bytes between an array (at byte column `w_offset`, row `h_offset`) and linear
/// memory with pitch `pitch`.
cudaError_t copy_2d_array(const char* api, cudaArray_const_t array, bool to_array, std::size_t w_offset,
                          std::size_t h_offset, void* linear, std::size_t pitch, std::size_t width,
                          std::size_t height, cudaMemcpyKind kind, const source_location& where) {
  WS_TEX_STICKY_GUARD();
  cudaError_t err = cudaSuccess;
  cudaArray* a = live_array(api, to_array ? "destination array" : "source array", array, where, &err);
  if (a == nullptr) return err;
  if (width == 0 || height == 0) return cudaSuccess;
  if (width > pitch)
    return tex_api_error(cudaErrorInvalidPitchValue, where, "%s: width %zu bytes is larger than the pitch %zu", api,
                         width, pitch);
  const std::size_t rows = a->height;
  if (w_offset + width > a->row || h_offset + height > rows)
    return tex_api_error(cudaErrorInvalidValue, where,
                         "%s: columns [%zu, %zu) bytes x rows [%zu, %zu) do not fit the %zu x %zu-texel array "
                         "(%zu bytes per row)",
                         api, w_offset, w_offset + width, h_offset, h_offset + height, a->width, rows, a->row);
  if (!linear_side(api, kind, to_array, linear, pitch * (height - 1) + width, where, &err)) return err;
  device_work work(work_kind::copy);
  if (!to_array) note_copy(linear, pitch * (height - 1) + width, kind != cudaMemcpyDeviceToDevice, false);
  for (std::size_t r = 0; r < height; ++r) {
    unsigned char* arow = a->data + (h_offset + r) * a->row + w_offset;
    unsigned char* lrow = static_cast<unsigned char*>(linear) + r * pitch;
    if (to_array) {
      std::memcpy(arow, lrow, width);
    } else {
      std::memcpy(lrow, arow, width);
    }
  }
  return cudaSuccess;
}

/// cudaMemcpyToArray / cudaMemcpyFromArray: `count` bytes from (w_offset, h_offset) on, row after row.
cudaError_t copy_linear_array(const char* api, cudaArray_const_t array, bool to_array, std::size_t w_offset,
                              std::size_t h_offset, void* linear, std::size_t count, cudaMemcpyKind kind,
                              const source_location& where) {
  WS_TEX_STICKY_GUARD();
  cudaError_t err = cudaSuccess;
  cudaArray* a = live_array(api, to_array ? "destination array" : "source array", array, where, &err);
  if (a == nullptr) return err;
  if (count == 0) return cudaSuccess;
  const std::size_t total = a->slice * a->depth;
  const std::size_t offset = h_offset * a->row + w_offset;
  if (w_offset >= a->row || offset + count > total)
    return tex_api_error(cudaErrorInvalidValue, where,
                         "%s: %zu bytes from column %zu (bytes), row %zu run past the end of the %zu-byte array "
                         "(%zu bytes per row)",
                         api, count, w_offset, h_offset, total, a->row);
  if (!linear_side(api, kind, to_array, linear, count, where, &err)) return err;
  device_work work(work_kind::copy);
  if (to_array) {
    std::memcpy(a->data + offset, linear, count);
  } else {
    note_copy(linear, count, kind != cudaMemcpyDeviceToDevice, false);
    std::memcpy(linear, a->data + offset, count);
  }
  return cudaSuccess;
}

// ---- texture and surface objects ----

/// The shape of what an object reads.
enum class shape : std::uint8_t { linear, a1d, a2d, a3d, l1d, l2d, cube, cube_layered };

const char* shape_name(shape s) {
  switch (s) {
    case shape::linear: return "a linear-memory texture (read it with tex1Dfetch)";
    case shape::a1d: return "a 1D texture (tex1D)";
    case shape::a2d: return "a 2D texture (tex2D)";
    case shape::a3d: return "a 3D texture (tex3D)";
    case shape::l1d: return "a 1D layered texture (tex1DLayered)";
    case shape::l2d: return "a 2D layered texture (tex2DLayered)";
    case shape::cube: return "a cubemap (texCubemap)";
    case shape::cube_layered: return "a layered cubemap (texCubemapLayered)";
  }
  return "?";
}

/// One texture or surface object.
struct object_rec {
  bool is_surface = false;                ///< created by cudaCreateSurfaceObject
  std::atomic<bool> live{false};          ///< not destroyed yet
  source_location created;                ///< the create call
  source_location destroyed;              ///< the destroy call
  cudaResourceDesc res{};                 ///< as given
  cudaTextureDesc td{};                   ///< as given (textures)
  const cudaArray* array = nullptr;       ///< the array (array resources), checked for cudaFreeArray at each use
  unsigned char* base = nullptr;          ///< texel (0, 0, 0)
  texel_format fmt;                       ///< texel format
  std::size_t elem = 0;                   ///< bytes per texel
  std::size_t width = 0;                  ///< texels per row
  std::size_t height = 1;                 ///< rows
  std::size_t depth = 1;                  ///< slices, layers or faces
  std::size_t row = 0;                    ///< bytes per row
  std::size_t slice = 0;                  ///< bytes per slice
  shape kind = shape::linear;             ///< what it reads
  bool float_result = true;               ///< fetches return floats (else 32-bit integers)
};

constexpr std::size_t CHUNK = 1024;
constexpr std::size_t MAX_CHUNKS = 4096;
std::mutex g_object_mutex;
/// Objects are never reused: handle h is slot h - 1, so a stale handle still finds its (destroyed) record.
std::atomic<object_rec*> g_chunks[MAX_CHUNKS];
std::atomic<std::uint64_t> g_object_count{0};

/// The record of handle `h`, or null when no object ever had it.
object_rec* find_object(unsigned long long h) {
  if (h == 0 || h > g_object_count.load(std::memory_order_acquire)) return nullptr;
  const std::uint64_t slot = h - 1;
  object_rec* chunk = g_chunks[slot / CHUNK].load(std::memory_order_acquire);
  return chunk == nullptr ? nullptr : &chunk[slot % CHUNK];
}

/// Registers a filled-in record (without `live`); returns its handle, or 0 when the registry is full.
unsigned long long add_object(const object_rec& r) {
  std::lock_guard<std::mutex> lock(g_object_mutex);
  const std::uint64_t slot = g_object_count.load(std::memory_order_relaxed);
  if (slot >= CHUNK * MAX_CHUNKS) return 0;
  object_rec* chunk = g_chunks[slot / CHUNK].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new object_rec[CHUNK];
    g_chunks[slot / CHUNK].store(chunk, std::memory_order_release);
  }
  object_rec& dst = chunk[slot % CHUNK];
  dst.is_surface = r.is_surface;
  dst.created = r.created;
  dst.res = r.res;
  dst.td = r.td;
  dst.array = r.array;
  dst.base = r.base;
  dst.fmt = r.fmt;
  dst.elem = r.elem;
  dst.width = r.width;
  dst.height = r.height;
  dst.depth = r.depth;
  dst.row = r.row;
  dst.slice = r.slice;
  dst.kind = r.kind;
  dst.float_result = r.float_result;
  dst.live.store(true, std::memory_order_release);
  g_object_count.store(slot + 1, std::memory_order_release);
  return slot + 1;
}

/// Fills the geometry of `r` from an array resource.
void view_array(object_rec& r, const cudaArray* a) {
  r.array = a;
  r.base = a->data;
  decode_format(a->desc, &r.fmt, nullptr);
  r.elem = a->elem;
  r.width = a->width;
  r.height = a->height;
  r.depth = a->depth;
  r.row = a->row;
  r.slice = a->slice;
  if (a->cubemap) {
    r.kind = a->layered ? shape::cube_layered : shape::cube;
  } else if (a->layered) {
    r.kind = a->dims == 1 ? shape::l1d : shape::l2d;
  } else {
    r.kind = a->dims == 1 ? shape::a1d : a->dims == 2 ? shape::a2d : shape::a3d;
  }
}

/// Resolves a resource description into `r` for `api`; reports and returns the error otherwise.
cudaError_t resolve_resource(const char* api, const cudaResourceDesc* res, bool surface, object_rec& r,
                             const source_location& where) {
  if (res == nullptr) return tex_api_error(cudaErrorInvalidValue, where, "%s: pResDesc is null", api);
  r.res = *res;
  cudaError_t err = cudaSuccess;
  switch (res->resType) {
    case cudaResourceTypeArray: {
      const cudaArray* a = live_array(api, "resource's array", res->res.array.array, where, &err);
      if (a == nullptr) return err;
      if (surface && (a->flags & cudaArraySurfaceLoadStore) == 0)
        return tex_api_error(cudaErrorInvalidValue, where,
                             "%s: the array (allocated at %s:%u) was not allocated with cudaArraySurfaceLoadStore", api,
                             a->allocated.file_name(), a->allocated.line());
      view_array(r, a);
      return cudaSuccess;
    }
    case cudaResourceTypeLinear:
    case cudaResourceTypePitch2D: {
      if (surface)
        return tex_api_error(cudaErrorInvalidValue, where, "%s: surfaces are made on CUDA arrays only", api);
      const bool linear = res->resType == cudaResourceTypeLinear;
      const cudaChannelFormatDesc& d = linear ? res->res.linear.desc : res->res.pitch2D.desc;
      const char* why = "";
      if (!decode_format(d, &r.fmt, &why))
        return tex_api_error(cudaErrorInvalidChannelDescriptor, where,
                             "%s: channel descriptor {%d, %d, %d, %d, kind %d}: %s", api, d.x, d.y, d.z, d.w,
                             static_cast<int>(d.f), why);
      r.elem = r.fmt.bytes();
      void* p = linear ? res->res.linear.devPtr : res->res.pitch2D.devPtr;
      std::size_t bytes = 0;
      if (linear) {
        r.kind = shape::linear;
        r.width = res->res.linear.sizeInBytes / r.elem;
        r.row = r.width * r.elem;
        bytes = res->res.linear.sizeInBytes;
        if (r.width == 0) return tex_api_error(cudaErrorInvalidValue, where, "%s: sizeInBytes holds no texel", api);
      } else {
        r.kind = shape::a2d;
        r.width = res->res.pitch2D.width;
        r.height = res->res.pitch2D.height;
        r.row = res->res.pitch2D.pitchInBytes;
        if (r.width == 0 || r.height == 0)
          return tex_api_error(cudaErrorInvalidValue, where, "%s: pitch2D width or height is 0", api);
        if (r.row < r.width * r.elem || r.row % 32 != 0)
          return tex_api_error(cudaErrorInvalidValue, where,
                               "%s: pitchInBytes %zu must hold a row (%zu bytes) and be a multiple of "
                               "texturePitchAlignment (32; cudaMallocPitch's pitch is)",
                               api, r.row, r.width * r.elem);
        bytes = r.row * (r.height - 1) + r.width * r.elem;
      }
      if (!check_device_range(api, linear ? "resource's linear.devPtr" : "resource's pitch2D.devPtr", p, bytes,
                              "returns cudaErrorInvalidValue", where))
        return set_last_error(cudaErrorInvalidValue);
      r.base = static_cast<unsigned char*>(p);
      r.slice = r.row * r.height;
      return cudaSuccess;
    }
    case cudaResourceTypeMipmappedArray:
      return tex_api_error(cudaErrorNotSupported, where, "%s: mipmapped arrays are not implemented by the CPU backend",
                           api);
  }
  return tex_api_error(cudaErrorInvalidValue, where, "%s: resType %d is not a cudaResourceType", api,
                       static_cast<int>(res->resType));
}

/// The live object behind `h` for a device-side call; anything else is reported and fails the kernel.
const object_rec& use_object(unsigned long long h, bool surface, const char* fn, const source_location& where) {
  const char* what = surface ? "surface" : "texture";
  const object_rec* r = find_object(h);
  if (r == nullptr) {
    if (h == 0)
      fatal(cudaErrorIllegalAddress, where,
            "%s: the %s object is 0, which no cudaCreate%sObject returns: the handle was never created (or not "
            "passed to the kernel)",
            fn, what, surface ? "Surface" : "Texture");
    fatal(cudaErrorIllegalAddress, where, "%s: %llu is not a %s object (none was created with that handle)", fn, h,
          what);
  }
  if (r->is_surface != surface)
    fatal(cudaErrorIllegalAddress, where, "%s: %llu is a %s object (created at %s:%u), not a %s object", fn, h,
          r->is_surface ? "surface" : "texture", r->created.file_name(), r->created.line(), what);
  if (!r->live.load(std::memory_order_acquire))
    fatal(cudaErrorIllegalAddress, where,
          "%s: %s object %llu was destroyed by cudaDestroy%sObject at %s:%u (created at %s:%u): a use after destroy",
          fn, what, h, surface ? "Surface" : "Texture", r->destroyed.file_name(), r->destroyed.line(),
          r->created.file_name(), r->created.line());
  if (r->array != nullptr && r->array->data == nullptr)
    fatal(cudaErrorIllegalAddress, where,
          "%s: %s object %llu (created at %s:%u) reads an array that cudaFreeArray released at %s:%u", fn, what, h,
          r->created.file_name(), r->created.line(), r->array->freed_at.file_name(), r->array->freed_at.line());
  return *r;
}

/// Destroys object `h` for `api`.
cudaError_t destroy_object(const char* api, unsigned long long h, bool surface, const source_location& where) {
  std::lock_guard<std::mutex> lock(g_object_mutex);
  object_rec* r = find_object(h);
  const char* what = surface ? "surface" : "texture";
  if (r == nullptr || r->is_surface != surface)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: %llu is not a %s object", api, h, what);
  if (!r->live.load(std::memory_order_acquire))
    return tex_api_error(cudaErrorInvalidValue, where, "%s: %s object %llu was already destroyed at %s:%u", api, what,
                         h, r->destroyed.file_name(), r->destroyed.line());
  r->destroyed = where;
  r->live.store(false, std::memory_order_release);
  return cudaSuccess;
}

/// The record of a live object for the host-side getters.
const object_rec* host_object(const char* api, unsigned long long h, bool surface, const source_location& where,
                              cudaError_t* err) {
  const object_rec* r = find_object(h);
  if (r == nullptr || r->is_surface != surface || !r->live.load(std::memory_order_acquire)) {
    *err = tex_api_error(cudaErrorInvalidValue, where, "%s: %llu is not a live %s object", api, h,
                         surface ? "surface" : "texture");
    return nullptr;
  }
  return r;
}

// ---- the sampler ----

/// One axis of a fetch: the texels to blend (-1: outside, reads the border colour) and the weight of the second.
struct axis_taps {
  long long i[2] = {0, 0};  ///< texel indices after addressing
  float w = 0.0f;           ///< weight of i[1] (linear filtering), in 1/256 steps
  int n = 1;                ///< taps: 1 (point) or 2 (linear)
};

/// Applies address mode `m` to texel index `i` of an axis of `n` texels (-1: outside, for the border).
inline long long address_index(long long i, long long n, cudaTextureAddressMode m) {
  switch (m) {
    case cudaAddressModeWrap:
      // After the coordinate's wrap the index is in [-1, n]: avoid the division in that common case.
      if (i < 0) {
        i += n;
      } else if (i >= n) {
        i -= n;
      }
      if (i < 0 || i >= n) {
        i %= n;
        if (i < 0) i += n;
      }
      return i;
    case cudaAddressModeMirror:
      if (i < 0) i = -1 - i;
      if (i >= n) i = 2 * n - 1 - i;
      return std::min(std::max(i, 0LL), n - 1);
    case cudaAddressModeBorder:
      return (i < 0 || i >= n) ? -1 : i;
    case cudaAddressModeClamp:
    default:
      return std::min(std::max(i, 0LL), n - 1);
  }
}

/// Texel indices and weight along one axis for coordinate `u` on `n` texels.
inline axis_taps axis_setup(float u, long long n, cudaTextureAddressMode m, bool normalized, bool linear) {
  // Wrap and mirror exist for normalized coordinates only; with texel coordinates they act as clamp.
  if (!normalized && (m == cudaAddressModeWrap || m == cudaAddressModeMirror)) m = cudaAddressModeClamp;
  float c = u < 1e9f ? u : 1e9f;  // NaN goes to 1e9: the edge texel, or the border
  c = c > -1e9f ? c : -1e9f;
  if (normalized) {
    if (m == cudaAddressModeWrap) {
      c = c - std::floor(c);
    } else if (m == cudaAddressModeMirror) {
      const float f = std::floor(c);
      const float frac = c - f;
      c = (static_cast<long long>(f) & 1) != 0 ? 1.0f - frac : frac;
    }
    c = c * static_cast<float>(n);
  }
  axis_taps t;
  if (!linear) {
    t.i[0] = address_index(static_cast<long long>(std::floor(c)), n, m);
    return t;
  }
  const float xb = c - 0.5f;
  const float f = std::floor(xb);
  // The hardware keeps the weight in 9-bit fixed point with 8 fractional bits: round it to the nearest multiple of
  // 1/256 (1.0 included).
  t.w = std::floor((xb - f) * 256.0f + 0.5f) * (1.0f / 256.0f);
  t.i[0] = address_index(static_cast<long long>(f), n, m);
  t.i[1] = address_index(static_cast<long long>(f) + 1, n, m);
  t.n = 2;
  return t;
}

/// Loads one texel's channels into `out` (floats or integers per `r.float_result`); `inside` false reads the border.
inline void load_texel(const object_rec& r, bool inside, std::size_t x, std::size_t y, std::size_t z,
                       tex_value* out) {
  const int n = r.fmt.channels;
  if (inside && r.fmt.bits == 32 && (r.float_result == (r.fmt.kind == scalar_kind::flt))) {  // stored as returned
    const unsigned char* p = r.base + z * r.slice + y * r.row + x * r.elem;
    switch (n) {  // constant sizes: plain moves, no call
      case 1: std::memcpy(out->v.f, p, 4); return;
      case 2: std::memcpy(out->v.f, p, 8); return;
      default: std::memcpy(out->v.f, p, 16); return;
    }
  }
  if (!inside) {
    for (int c = 0; c < n; ++c) {
      if (r.float_result) {
        out->v.f[c] = r.td.borderColor[c];
      } else {
        out->v.i[c] = static_cast<int>(r.td.borderColor[c]);
      }
    }
    return;
  }
  const unsigned char* p = r.base + z * r.slice + y * r.row + x * r.elem;
  for (int c = 0; c < n; ++c) {
    if (r.float_result) {
      out->v.f[c] = load_float(r.fmt, p, c);
    } else {
      out->v.i[c] = load_int(r.fmt, p, c);
    }
  }
}

/// Fills channels a texture does not have: 0, 0, 0 and 1 for w.
void fill_missing(const object_rec& r, tex_value* out) {
  for (int c = r.fmt.channels; c < 4; ++c) {
    if (r.float_result) {
      out->v.f[c] = c == 3 ? 1.0f : 0.0f;
    } else {
      out->v.i[c] = c == 3 ? 1 : 0;
    }
  }
}

/// Samples `dims` axes (coordinates `u`) of slice/layer `z0` (for 3D: z comes from u[2]).
/// Samples `D` axes (coordinates `u`) of slice/layer `layer_slice` (3D: the slice comes from u[2]); `LINEAR`
/// blends 2^D texels. Templates, so that the per-fetch loops unroll: a fetch is in the inner loop of most kernels.
template <int D, bool LINEAR>
void sample_t(const object_rec& r, const float* u, std::size_t layer_slice, bool normalized,
              const cudaTextureAddressMode* modes, tex_value* out) {
  const long long sizes[3] = {static_cast<long long>(r.width), static_cast<long long>(r.height),
                              static_cast<long long>(r.depth)};
  axis_taps ax[3];
  for (int d = 0; d < D; ++d) ax[d] = axis_setup(u[d], sizes[d], modes[d], normalized, LINEAR);
  if constexpr (!LINEAR) {
    const bool inside = ax[0].i[0] >= 0 && ax[1].i[0] >= 0 && ax[2].i[0] >= 0;
    const std::size_t z = D == 3 ? static_cast<std::size_t>(ax[2].i[0]) : layer_slice;
    load_texel(r, inside, static_cast<std::size_t>(ax[0].i[0]), static_cast<std::size_t>(ax[1].i[0]), z, out);
    fill_missing(r, out);
  } else {
    // (1-a)(1-b)T00 + a(1-b)T10 + (1-a)b T01 + ab T11 (in 3D times (1-g) and g), the x tap varying fastest.
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    constexpr int NZ = D == 3 ? 2 : 1;
    constexpr int NY = D >= 2 ? 2 : 1;
    for (int kz = 0; kz < NZ; ++kz) {
      for (int ky = 0; ky < NY; ++ky) {
        for (int kx = 0; kx < 2; ++kx) {
          float w = kx == 0 ? 1.0f - ax[0].w : ax[0].w;
          if (D >= 2) w *= ky == 0 ? 1.0f - ax[1].w : ax[1].w;
          if (D == 3) w *= kz == 0 ? 1.0f - ax[2].w : ax[2].w;
          const long long ix = ax[0].i[kx];
          const long long iy = D >= 2 ? ax[1].i[ky] : 0;
          const long long iz = D == 3 ? ax[2].i[kz] : static_cast<long long>(layer_slice);
          tex_value t;
          t.v.f[0] = t.v.f[1] = t.v.f[2] = t.v.f[3] = 0.0f;
          load_texel(r, ix >= 0 && iy >= 0 && iz >= 0, static_cast<std::size_t>(ix), static_cast<std::size_t>(iy),
                     static_cast<std::size_t>(iz), &t);
          for (int c = 0; c < 4; ++c) acc[c] += w * t.v.f[c];
        }
      }
    }
    for (int c = 0; c < 4; ++c) out->v.f[c] = acc[c];
    fill_missing(r, out);
  }
}

/// sample_t for `dims` axes and the texture's filter mode.
void sample(const object_rec& r, int dims, const float* u, std::size_t layer_slice, bool normalized,
            const cudaTextureAddressMode* modes, tex_value* out) {
  const bool linear = r.td.filterMode == cudaFilterModeLinear;
  switch (dims * 2 + (linear ? 1 : 0)) {
    case 2: sample_t<1, false>(r, u, layer_slice, normalized, modes, out); return;
    case 3: sample_t<1, true>(r, u, layer_slice, normalized, modes, out); return;
    case 4: sample_t<2, false>(r, u, layer_slice, normalized, modes, out); return;
    case 5: sample_t<2, true>(r, u, layer_slice, normalized, modes, out); return;
    case 6: sample_t<3, false>(r, u, layer_slice, normalized, modes, out); return;
    default: sample_t<3, true>(r, u, layer_slice, normalized, modes, out); return;
  }
}

const char* call_name(tex_call call) {
  switch (call) {
    case tex_call::fetch_1d: return "tex1Dfetch";
    case tex_call::tex_1d: return "tex1D";
    case tex_call::tex_2d: return "tex2D";
    case tex_call::tex_3d: return "tex3D";
    case tex_call::tex_1d_layered: return "tex1DLayered";
    case tex_call::tex_2d_layered: return "tex2DLayered";
    case tex_call::cubemap: return "texCubemap";
    case tex_call::cubemap_layered: return "texCubemapLayered";
  }
  return "?";
}

shape call_shape(tex_call call) {
  switch (call) {
    case tex_call::fetch_1d: return shape::linear;
    case tex_call::tex_1d: return shape::a1d;
    case tex_call::tex_2d: return shape::a2d;
    case tex_call::tex_3d: return shape::a3d;
    case tex_call::tex_1d_layered: return shape::l1d;
    case tex_call::tex_2d_layered: return shape::l2d;
    case tex_call::cubemap: return shape::cube;
    case tex_call::cubemap_layered: return shape::cube_layered;
  }
  return shape::linear;
}

/// Cubemap face and face coordinates in [0, 1] for direction (x, y, z), per the programming guide's table.
void cubemap_face(float x, float y, float z, int* face, float* s_out, float* t_out) {
  const float ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z);
  float m, s, t;
  if (ax >= ay && ax >= az) {
    m = ax;
    *face = x >= 0.0f ? 0 : 1;
    s = x >= 0.0f ? -z : z;
    t = -y;
  } else if (ay >= az) {
    m = ay;
    *face = y >= 0.0f ? 2 : 3;
    s = x;
    t = y >= 0.0f ? z : -z;
  } else {
    m = az;
    *face = z >= 0.0f ? 4 : 5;
    s = z >= 0.0f ? x : -x;
    t = -y;
  }
  if (m == 0.0f) {
    *s_out = *t_out = 0.5f;
    return;
  }
  *s_out = (s / m + 1.0f) * 0.5f;
  *t_out = (t / m + 1.0f) * 0.5f;
}

}  // namespace

// ---- device side ----

void tex_type_mismatch(const char* fn, const tex_value& value, bool want_float, source_location where) {
  fatal(cudaErrorLaunchFailure, where,
        "%s<%s type>: this texture returns %s: %s; a GPU returns meaningless bits. Fetch %s",
        fn, want_float ? "a float" : "an integer",
        value.is_float ? "floats" : "integers",
        value.is_float ? "its texels are float, or it reads cudaReadModeNormalizedFloat"
                       : "its texels are integers read as cudaReadModeElementType",
        value.is_float ? "float (or float2/float4)" : "the texel's integer type (or set cudaReadModeNormalizedFloat for floats)");
}

void tex_fetch(cudaTextureObject_t tex, tex_call call, float x, float y, float z, int index, tex_value* out,
               source_location where) {
  const char* fn = call_name(call);
  const object_rec& r = use_object(tex, false, fn, where);
  const shape want = call_shape(call);
  if (r.kind != want)
    fatal(cudaErrorLaunchFailure, where, "%s on texture object %llu, which is %s", fn, tex, shape_name(r.kind));
  out->is_float = r.float_result;
  out->is_signed = r.fmt.kind == scalar_kind::sint;
  if (!r.float_result && r.td.filterMode == cudaFilterModeLinear && call != tex_call::fetch_1d)
    fatal(cudaErrorLaunchFailure, where,
          "%s: texture object %llu (created at %s:%u) filters integer texels linearly with cudaReadModeElementType; "
          "a GPU interpolates only float results: use cudaReadModeNormalizedFloat (8/16-bit texels) or "
          "cudaFilterModePoint",
          fn, tex, r.created.file_name(), r.created.line());
  if (call == tex_call::fetch_1d) {  // no filtering, no addressing: outside reads 0
    for (int c = 0; c < 4; ++c) out->v.i[c] = 0;
    if (index >= 0 && static_cast<std::size_t>(index) < r.width) {
      load_texel(r, true, static_cast<std::size_t>(index), 0, 0, out);
      fill_missing(r, out);
    } else if (r.float_result) {
      for (int c = 0; c < 4; ++c) out->v.f[c] = 0.0f;
    }
    return;
  }
  const bool normalized = r.td.normalizedCoords != 0;
  const float u[3] = {x, y, z};
  const auto clamp_layer = [](int l, std::size_t layers) {
    return static_cast<std::size_t>(std::min<long long>(std::max(l, 0), static_cast<long long>(layers) - 1));
  };
  switch (call) {
    case tex_call::tex_1d: sample(r, 1, u, 0, normalized, r.td.addressMode, out); return;
    case tex_call::tex_2d: sample(r, 2, u, 0, normalized, r.td.addressMode, out); return;
    case tex_call::tex_3d: sample(r, 3, u, 0, normalized, r.td.addressMode, out); return;
    case tex_call::tex_1d_layered:  // a 1D layered array keeps one row per layer: the layer is the slice
      sample(r, 1, u, clamp_layer(index, r.depth), normalized, r.td.addressMode, out);
      return;
    case tex_call::tex_2d_layered:
      sample(r, 2, u, clamp_layer(index, r.depth), normalized, r.td.addressMode, out);
      return;
    case tex_call::cubemap:
    case tex_call::cubemap_layered: {
      int face = 0;
      float uv[2];
      cubemap_face(x, y, z, &face, &uv[0], &uv[1]);
      const std::size_t cubes = r.depth / 6;
      const std::size_t layer = call == tex_call::cubemap ? 0 : clamp_layer(index, cubes);
      // Faces are sampled on their own, with clamp to edge (no seamless filtering across faces).
      const cudaTextureAddressMode clamp[3] = {cudaAddressModeClamp, cudaAddressModeClamp, cudaAddressModeClamp};
      sample(r, 2, uv, layer * 6 + static_cast<std::size_t>(face), true, clamp, out);
      return;
    }
    default: return;
  }
}

void surf_access(cudaSurfaceObject_t surf, surf_call call, bool store, void* data, std::size_t bytes, int x_bytes,
                 int y, int z, int layer, cudaSurfaceBoundaryMode mode, source_location where) {
  static const char* const names[2][7] = {
      {"surf1Dread", "surf2Dread", "surf3Dread", "surf1DLayeredread", "surf2DLayeredread", "surfCubemapread",
       "surfCubemapLayeredread"},
      {"surf1Dwrite", "surf2Dwrite", "surf3Dwrite", "surf1DLayeredwrite", "surf2DLayeredwrite", "surfCubemapwrite",
       "surfCubemapLayeredwrite"}};
  const char* fn = names[store ? 1 : 0][static_cast<int>(call)];
  const object_rec& r = use_object(surf, true, fn, where);
  static const shape want[7] = {shape::a1d, shape::a2d, shape::a3d, shape::l1d, shape::l2d, shape::cube,
                                shape::cube_layered};
  const shape w = want[static_cast<int>(call)];
  const bool fits = r.kind == w || (w == shape::l2d && (r.kind == shape::cube || r.kind == shape::cube_layered));
  if (!fits) fatal(cudaErrorLaunchFailure, where, "%s on surface object %llu, which is %s", fn, surf, shape_name(r.kind));
  // Coordinates: x in bytes; y rows; the slice is z (3D) or the layer / face.
  const long long row_bytes = static_cast<long long>(r.row);
  const long long rows = static_cast<long long>(r.height);
  const long long slices = static_cast<long long>(r.depth);
  long long cx = x_bytes;
  long long cy = (w == shape::a1d || w == shape::l1d) ? 0 : y;
  long long cz = w == shape::a3d ? z : (w == shape::a1d || w == shape::a2d) ? 0 : layer;
  const long long size = static_cast<long long>(bytes);
  const bool inside = cx >= 0 && cx + size <= row_bytes && cy >= 0 && cy < rows && cz >= 0 && cz < slices;
  if (!inside) {
    if (mode == cudaBoundaryModeZero) {
      if (!store) std::memset(data, 0, bytes);
      return;
    }
    if (mode == cudaBoundaryModeClamp) {
      cx = std::min(std::max(cx, 0LL), std::max(row_bytes - size, 0LL)) / size * size;
      cy = std::min(std::max(cy, 0LL), rows - 1);
      cz = std::min(std::max(cz, 0LL), slices - 1);
    } else {
      fatal(cudaErrorIllegalAddress, where,
            "%s(x = %d bytes, y = %d%s) %s %zu bytes outside surface object %llu: %zu x %zu texels of %zu bytes "
            "(%lld bytes per row) x %lld %s; cudaBoundaryModeTrap (the default) faults. x is in bytes: "
            "column * sizeof(texel)",
            fn, x_bytes, y, w == shape::a3d ? ", z given" : (cz != 0 || w == shape::l1d || w == shape::l2d) ? ", layer given" : "",
            store ? "stores" : "loads", bytes, surf, r.width, r.height, r.elem, row_bytes, slices,
            w == shape::a3d ? "slices" : "layers");
    }
  }
  unsigned char* p = r.base + static_cast<std::size_t>(cz) * r.slice + static_cast<std::size_t>(cy) * r.row +
                     static_cast<std::size_t>(cx);
  if (store) {
    std::memcpy(p, data, bytes);
  } else {
    std::memcpy(data, p, bytes);
  }
}

}  // namespace cudacpu::detail

using namespace cudacpu::detail;
using cudacpu::source_location;

// ---- arrays ----

cudaError_t cudaMallocArray(cudaArray_t* array, const cudaChannelFormatDesc* desc, std::size_t width,
                            std::size_t height, unsigned int flags, source_location where) {
  WS_TEX_STICKY_GUARD();
  if ((flags & ~static_cast<unsigned>(cudaArraySurfaceLoadStore | cudaArrayTextureGather)) != 0)
    return tex_api_error(cudaErrorInvalidValue, where,
                         "cudaMallocArray: flags 0x%x: only cudaArraySurfaceLoadStore and cudaArrayTextureGather "
                         "(cudaMalloc3DArray makes layered and cubemap arrays)",
                         flags);
  return make_array("cudaMallocArray", array, desc, make_cudaExtent(width, height, 0), flags, height == 0 ? 1 : 2,
                    false, false, height == 0 ? 1 : height, 1, where);
}

cudaError_t cudaMalloc3DArray(cudaArray_t* array, const cudaChannelFormatDesc* desc, cudaExtent extent,
                              unsigned int flags, source_location where) {
  WS_TEX_STICKY_GUARD();
  const char* api = "cudaMalloc3DArray";
  const bool layered = (flags & cudaArrayLayered) != 0;
  const bool cubemap = (flags & cudaArrayCubemap) != 0;
  if (cubemap) {
    if (extent.width != extent.height || extent.depth == 0 || extent.depth % 6 != 0 || (!layered && extent.depth != 6))
      return tex_api_error(cudaErrorInvalidValue, where,
                           "%s: a cubemap is width x width texels x 6 faces (x layers with cudaArrayLayered), not "
                           "%zu x %zu x %zu",
                           api, extent.width, extent.height, extent.depth);
    return make_array(api, array, desc, extent, flags, 2, layered, true, extent.height, extent.depth, where);
  }
  if (layered) {
    if (extent.depth == 0)
      return tex_api_error(cudaErrorInvalidValue, where, "%s: a layered array needs depth = the number of layers", api);
    return make_array(api, array, desc, extent, flags, extent.height == 0 ? 1 : 2, true, false,
                      extent.height == 0 ? 1 : extent.height, extent.depth, where);
  }
  if (extent.height == 0 && extent.depth != 0)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: height 0 with depth %zu", api, extent.depth);
  const int dims = extent.height == 0 ? 1 : extent.depth == 0 ? 2 : 3;
  return make_array(api, array, desc, extent, flags, dims, false, false, extent.height == 0 ? 1 : extent.height,
                    extent.depth == 0 ? 1 : extent.depth, where);
}

cudaError_t cudaFreeArray(cudaArray_t array, source_location where) {
  WS_TEX_STICKY_GUARD();
  if (array == nullptr) return cudaSuccess;
  cudaError_t err = cudaSuccess;
  cudaArray* a = live_array("cudaFreeArray", "array", array, where, &err);
  if (a == nullptr) return err;
  std::lock_guard<std::mutex> lock(g_array_mutex);
  std::free(a->data);
  a->data = nullptr;
  a->freed_at = where;
  return cudaSuccess;
}

cudaError_t cudaArrayGetInfo(cudaChannelFormatDesc* desc, cudaExtent* extent, unsigned int* flags, cudaArray_t array,
                             source_location where) {
  cudaError_t err = cudaSuccess;
  const cudaArray* a = live_array("cudaArrayGetInfo", "array", array, where, &err);
  if (a == nullptr) return err;
  if (desc != nullptr) *desc = a->desc;
  if (extent != nullptr) *extent = a->extent;
  if (flags != nullptr) *flags = a->flags;
  return cudaSuccess;
}

cudaError_t cudaGetChannelDesc(cudaChannelFormatDesc* desc, cudaArray_const_t array, source_location where) {
  cudaError_t err = cudaSuccess;
  const cudaArray* a = live_array("cudaGetChannelDesc", "array", array, where, &err);
  if (a == nullptr) return err;
  if (desc == nullptr) return tex_api_error(cudaErrorInvalidValue, where, "cudaGetChannelDesc: desc is null");
  *desc = a->desc;
  return cudaSuccess;
}

cudaError_t cudaMemcpy2DToArray(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                                std::size_t spitch, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                source_location where) {
  return copy_2d_array("cudaMemcpy2DToArray", dst, true, w_offset, h_offset, const_cast<void*>(src), spitch, width,
                       height, kind, where);
}

cudaError_t cudaMemcpy2DToArrayAsync(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                                     std::size_t spitch, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                     cudaStream_t stream, source_location where) {
  (void)stream;
  return cudaMemcpy2DToArray(dst, w_offset, h_offset, src, spitch, width, height, kind, where);
}

cudaError_t cudaMemcpy2DFromArray(void* dst, std::size_t dpitch, cudaArray_const_t src, std::size_t w_offset,
                                  std::size_t h_offset, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                  source_location where) {
  return copy_2d_array("cudaMemcpy2DFromArray", src, false, w_offset, h_offset, dst, dpitch, width, height, kind,
                       where);
}

cudaError_t cudaMemcpy2DFromArrayAsync(void* dst, std::size_t dpitch, cudaArray_const_t src, std::size_t w_offset,
                                       std::size_t h_offset, std::size_t width, std::size_t height,
                                       cudaMemcpyKind kind, cudaStream_t stream, source_location where) {
  (void)stream;
  return cudaMemcpy2DFromArray(dst, dpitch, src, w_offset, h_offset, width, height, kind, where);
}

cudaError_t cudaMemcpyToArray(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                              std::size_t count, cudaMemcpyKind kind, source_location where) {
  return copy_linear_array("cudaMemcpyToArray", dst, true, w_offset, h_offset, const_cast<void*>(src), count, kind,
                           where);
}

cudaError_t cudaMemcpyFromArray(void* dst, cudaArray_const_t src, std::size_t w_offset, std::size_t h_offset,
                                std::size_t count, cudaMemcpyKind kind, source_location where) {
  return copy_linear_array("cudaMemcpyFromArray", src, false, w_offset, h_offset, dst, count, kind, where);
}

cudaError_t cudaMalloc3D(cudaPitchedPtr* pitched, cudaExtent extent, source_location where) {
  if (pitched == nullptr) return tex_api_error(cudaErrorInvalidValue, where, "cudaMalloc3D: pitchedDevPtr is null");
  std::size_t pitch = 0;
  void* p = nullptr;
  const cudaError_t e = cudaMallocPitch(&p, &pitch, extent.width, extent.height * extent.depth, where);
  if (e != cudaSuccess) return e;
  *pitched = make_cudaPitchedPtr(p, pitch, extent.width, extent.height);
  return cudaSuccess;
}

cudaError_t cudaMemcpy3D(const cudaMemcpy3DParms* p, source_location where) {
  WS_TEX_STICKY_GUARD();
  const char* api = "cudaMemcpy3D";
  if (p == nullptr) return tex_api_error(cudaErrorInvalidValue, where, "%s: p is null", api);
  if ((p->srcArray != nullptr && p->srcPtr.ptr != nullptr) || (p->dstArray != nullptr && p->dstPtr.ptr != nullptr))
    return tex_api_error(cudaErrorInvalidValue, where, "%s: a side names both an array and a pointer", api);
  cudaError_t err = cudaSuccess;
  const cudaArray* sa = nullptr;
  const cudaArray* da = nullptr;
  if (p->srcArray != nullptr && (sa = live_array(api, "source array", p->srcArray, where, &err)) == nullptr) return err;
  if (p->dstArray != nullptr && (da = live_array(api, "destination array", p->dstArray, where, &err)) == nullptr)
    return err;
  if (sa != nullptr && da != nullptr && sa->elem != da->elem)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: the arrays' texels differ in size (%zu and %zu bytes)", api,
                         sa->elem, da->elem);
  const cudaExtent& e = p->extent;
  if (e.width == 0 || e.height == 0 || e.depth == 0) return cudaSuccess;
  const std::size_t elem = sa != nullptr ? sa->elem : da != nullptr ? da->elem : 1;
  const std::size_t width_bytes = e.width * elem;

  // One side of the copy: where row (y, z) starts, and a bounds check.
  struct side {
    unsigned char* base;
    std::size_t pitch, rows_per_slice;
  };
  const auto resolve = [&](const cudaArray* a, const cudaPitchedPtr& ptr, const cudaPos& pos, bool is_src,
                           side* out) -> bool {
    const char* role = is_src ? "source" : "destination";
    if (a != nullptr) {
      if (pos.x + e.width > a->width || pos.y + e.height > a->height || pos.z + e.depth > a->depth) {
        err = tex_api_error(cudaErrorInvalidValue, where,
                            "%s: the %s region (%zu, %zu, %zu) + (%zu, %zu, %zu) texels does not fit the %zu x %zu x "
                            "%zu array",
                            api, role, pos.x, pos.y, pos.z, e.width, e.height, e.depth, a->width, a->height, a->depth);
        return false;
      }
      out->base = a->data + pos.z * a->slice + pos.y * a->row + pos.x * a->elem;
      out->pitch = a->row;
      out->rows_per_slice = a->height;
      return true;
    }
    if (ptr.ptr == nullptr) {
      err = tex_api_error(cudaErrorInvalidValue, where, "%s: the %s has neither an array nor a pointer", api, role);
      return false;
    }
    if (pos.x + width_bytes > ptr.pitch) {
      err = tex_api_error(cudaErrorInvalidPitchValue, where,
                          "%s: the %s rows (x %zu + %zu bytes) are wider than its pitch %zu", api, role, pos.x,
                          width_bytes, ptr.pitch);
      return false;
    }
    const std::size_t rows = ptr.ysize != 0 ? ptr.ysize : e.height;
    if (pos.y + e.height > rows) {
      err = tex_api_error(cudaErrorInvalidValue, where, "%s: the %s has %zu rows per slice, the copy needs %zu", api,
                          role, rows, pos.y + e.height);
      return false;
    }
    out->base = static_cast<unsigned char*>(ptr.ptr) + (pos.z * rows + pos.y) * ptr.pitch + pos.x;
    out->pitch = ptr.pitch;
    out->rows_per_slice = rows;
    // The pointer side's memory by direction (cudaMemcpyDefault: by where it lives).
    bool device = false;
    switch (p->kind) {
      case cudaMemcpyHostToHost: device = false; break;
      case cudaMemcpyHostToDevice: device = !is_src; break;
      case cudaMemcpyDeviceToHost: device = is_src; break;
      case cudaMemcpyDeviceToDevice: device = true; break;
      case cudaMemcpyDefault: {
        const mem_lookup m = find_memory(ptr.ptr);
        device = m.state == mem_lookup::status::live && m.kind != mem_kind::pinned;
        break;
      }
    }
    const std::size_t span = ((e.depth - 1) * rows + (e.height - 1)) * ptr.pitch + width_bytes;
    if (device && !check_device_range(api, role, out->base, span, "returns cudaErrorInvalidValue", where)) {
      err = set_last_error(cudaErrorInvalidValue);
      return false;
    }
    return true;
  };
  if (p->kind < cudaMemcpyHostToHost || p->kind > cudaMemcpyDefault)
    return tex_api_error(cudaErrorInvalidMemcpyDirection, where, "%s: %d is not a cudaMemcpyKind", api,
                         static_cast<int>(p->kind));
  const bool src_dev_kind = p->kind == cudaMemcpyDeviceToHost || p->kind == cudaMemcpyDeviceToDevice;
  const bool dst_dev_kind = p->kind == cudaMemcpyHostToDevice || p->kind == cudaMemcpyDeviceToDevice;
  if (p->kind != cudaMemcpyDefault && ((sa != nullptr && !src_dev_kind) || (da != nullptr && !dst_dev_kind)))
    return tex_api_error(cudaErrorInvalidMemcpyDirection, where,
                         "%s: the %s is a CUDA array (device memory), which the direction does not say", api,
                         sa != nullptr && !src_dev_kind ? "source" : "destination");
  side s{}, d{};
  if (!resolve(sa, p->srcPtr, p->srcPos, true, &s) || !resolve(da, p->dstPtr, p->dstPos, false, &d)) return err;
  device_work work(work_kind::copy);
  if (da == nullptr)
    note_copy(d.base, ((e.depth - 1) * d.rows_per_slice + (e.height - 1)) * d.pitch + width_bytes, !dst_dev_kind,
              false);
  for (std::size_t z = 0; z < e.depth; ++z)
    for (std::size_t y = 0; y < e.height; ++y)
      std::memmove(d.base + (z * d.rows_per_slice + y) * d.pitch, s.base + (z * s.rows_per_slice + y) * s.pitch,
                   width_bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpy3DAsync(const cudaMemcpy3DParms* p, cudaStream_t stream, source_location where) {
  (void)stream;
  return cudaMemcpy3D(p, where);
}

// ---- texture and surface objects ----

cudaError_t cudaCreateTextureObject(cudaTextureObject_t* tex, const cudaResourceDesc* res,
                                    const cudaTextureDesc* desc, const cudaResourceViewDesc* view,
                                    source_location where) {
  WS_TEX_STICKY_GUARD();
  const char* api = "cudaCreateTextureObject";
  if (tex == nullptr || desc == nullptr)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: %s is null", api, tex == nullptr ? "pTexObject" : "pTexDesc");
  if (view != nullptr && view->format != cudaResViewFormatNone)
    return tex_api_error(cudaErrorNotSupported, where, "%s: resource views are not implemented by the CPU backend",
                         api);
  object_rec r;
  r.created = where;
  r.td = *desc;
  for (int d = 0; d < 3; ++d)
    if (static_cast<unsigned>(desc->addressMode[d]) > 3u)
      return tex_api_error(cudaErrorInvalidValue, where, "%s: addressMode[%d] = %d is not a cudaTextureAddressMode",
                           api, d, static_cast<int>(desc->addressMode[d]));
  if (static_cast<unsigned>(desc->filterMode) > 1u || static_cast<unsigned>(desc->readMode) > 1u)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: filterMode %d or readMode %d is not valid", api,
                         static_cast<int>(desc->filterMode), static_cast<int>(desc->readMode));
  if (desc->sRGB != 0)
    return tex_api_error(cudaErrorNotSupported, where, "%s: sRGB conversion is not implemented by the CPU backend", api);
  if (const cudaError_t e = resolve_resource(api, res, false, r, where); e != cudaSuccess) return e;
  const bool integer = r.fmt.kind != scalar_kind::flt;
  if (integer && !r.fmt.normalized_kind && desc->readMode == cudaReadModeNormalizedFloat && r.fmt.bits == 32)
    return tex_api_error(cudaErrorInvalidValue, where,
                         "%s: cudaReadModeNormalizedFloat maps 8- and 16-bit integers to floats; these texels have "
                         "32-bit channels",
                         api);
  r.float_result = !integer || r.fmt.normalized_kind || desc->readMode == cudaReadModeNormalizedFloat;
  const unsigned long long h = add_object(r);
  if (h == 0) return tex_api_error(cudaErrorMemoryAllocation, where, "%s: too many texture and surface objects", api);
  *tex = h;
  return cudaSuccess;
}

cudaError_t cudaDestroyTextureObject(cudaTextureObject_t tex, source_location where) {
  WS_TEX_STICKY_GUARD();
  if (tex == 0) return cudaSuccess;
  return destroy_object("cudaDestroyTextureObject", tex, false, where);
}

cudaError_t cudaGetTextureObjectResourceDesc(cudaResourceDesc* res, cudaTextureObject_t tex, source_location where) {
  cudaError_t err = cudaSuccess;
  const object_rec* r = host_object("cudaGetTextureObjectResourceDesc", tex, false, where, &err);
  if (r == nullptr) return err;
  if (res == nullptr)
    return tex_api_error(cudaErrorInvalidValue, where, "cudaGetTextureObjectResourceDesc: pResDesc is null");
  *res = r->res;
  return cudaSuccess;
}

cudaError_t cudaGetTextureObjectTextureDesc(cudaTextureDesc* desc, cudaTextureObject_t tex, source_location where) {
  cudaError_t err = cudaSuccess;
  const object_rec* r = host_object("cudaGetTextureObjectTextureDesc", tex, false, where, &err);
  if (r == nullptr) return err;
  if (desc == nullptr)
    return tex_api_error(cudaErrorInvalidValue, where, "cudaGetTextureObjectTextureDesc: pTexDesc is null");
  *desc = r->td;
  return cudaSuccess;
}

cudaError_t cudaCreateSurfaceObject(cudaSurfaceObject_t* surf, const cudaResourceDesc* res, source_location where) {
  WS_TEX_STICKY_GUARD();
  const char* api = "cudaCreateSurfaceObject";
  if (surf == nullptr) return tex_api_error(cudaErrorInvalidValue, where, "%s: pSurfObject is null", api);
  if (res != nullptr && res->resType != cudaResourceTypeArray)
    return tex_api_error(cudaErrorInvalidValue, where, "%s: surfaces are made on CUDA arrays (cudaResourceTypeArray)",
                         api);
  object_rec r;
  r.is_surface = true;
  r.created = where;
  if (const cudaError_t e = resolve_resource(api, res, true, r, where); e != cudaSuccess) return e;
  const unsigned long long h = add_object(r);
  if (h == 0) return tex_api_error(cudaErrorMemoryAllocation, where, "%s: too many texture and surface objects", api);
  *surf = h;
  return cudaSuccess;
}

cudaError_t cudaDestroySurfaceObject(cudaSurfaceObject_t surf, source_location where) {
  WS_TEX_STICKY_GUARD();
  if (surf == 0) return cudaSuccess;
  return destroy_object("cudaDestroySurfaceObject", surf, true, where);
}

cudaError_t cudaGetSurfaceObjectResourceDesc(cudaResourceDesc* res, cudaSurfaceObject_t surf, source_location where) {
  cudaError_t err = cudaSuccess;
  const object_rec* r = host_object("cudaGetSurfaceObjectResourceDesc", surf, true, where, &err);
  if (r == nullptr) return err;
  if (res == nullptr)
    return tex_api_error(cudaErrorInvalidValue, where, "cudaGetSurfaceObjectResourceDesc: pResDesc is null");
  *res = r->res;
  return cudaSuccess;
}
