/// @file
/// @brief Texture and surface objects on the cudacpu backend: CUDA arrays, channel descriptors, the host API
///        (cudaMallocArray, cudaMemcpy*Array, cudaMemcpy3D, cudaCreateTextureObject, cudaCreateSurfaceObject) and
///        the device-side fetches (tex1Dfetch, tex1D/2D/3D, layered, cubemap) and surface loads and stores.
///
/// A texture or surface object is an opaque 64-bit handle into a registry kept by src/texture.cpp. A fetch does in
/// software what a GPU's texture unit does: addressing (wrap, clamp, mirror, border), point or linear filtering
/// with the hardware's 1/256-step weights, and the normalized-float read mode. What a GPU leaves undefined and a
/// learner is likely to hit by mistake (a bad or destroyed handle, a fetch of the wrong dimensionality or result
/// type, a surface store past the edge in cudaBoundaryModeTrap) is reported with the learner's file:line and the
/// kernel fails as on a GPU. Included by cuda_runtime.h.
#pragma once

// The real headers' include guards: a copy of them reached through an -I then adds nothing.
#define __TEXTURE_TYPES_H__
#define __SURFACE_TYPES_H__
#define __CHANNEL_DESCRIPTOR_H__
#define __CUDA_TEXTURE_TYPES_H__
#define __CUDA_SURFACE_TYPES_H__
#define __TEXTURE_FETCH_FUNCTIONS_H__
#define __TEXTURE_INDIRECT_FUNCTIONS_H__
#define __SURFACE_FUNCTIONS_H__
#define __SURFACE_INDIRECT_FUNCTIONS_H__

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "api.h"
#include "half.h"
#include "source_location.h"
#include "types.h"

// ---- types (values as in the toolkit's driver_types.h, texture_types.h, surface_types.h) ----

/// What the channels of a texel hold.
enum cudaChannelFormatKind {
  cudaChannelFormatKindSigned = 0,
  cudaChannelFormatKindUnsigned = 1,
  cudaChannelFormatKindFloat = 2,
  cudaChannelFormatKindNone = 3,
  cudaChannelFormatKindNV12 = 4,
  cudaChannelFormatKindUnsignedNormalized8X1 = 5,
  cudaChannelFormatKindUnsignedNormalized8X2 = 6,
  cudaChannelFormatKindUnsignedNormalized8X4 = 7,
  cudaChannelFormatKindUnsignedNormalized16X1 = 8,
  cudaChannelFormatKindUnsignedNormalized16X2 = 9,
  cudaChannelFormatKindUnsignedNormalized16X4 = 10,
  cudaChannelFormatKindSignedNormalized8X1 = 11,
  cudaChannelFormatKindSignedNormalized8X2 = 12,
  cudaChannelFormatKindSignedNormalized8X4 = 13,
  cudaChannelFormatKindSignedNormalized16X1 = 14,
  cudaChannelFormatKindSignedNormalized16X2 = 15,
  cudaChannelFormatKindSignedNormalized16X4 = 16,
  cudaChannelFormatKindUnsignedBlockCompressed1 = 17,
  cudaChannelFormatKindUnsignedBlockCompressed1SRGB = 18,
  cudaChannelFormatKindUnsignedBlockCompressed2 = 19,
  cudaChannelFormatKindUnsignedBlockCompressed2SRGB = 20,
  cudaChannelFormatKindUnsignedBlockCompressed3 = 21,
  cudaChannelFormatKindUnsignedBlockCompressed3SRGB = 22,
  cudaChannelFormatKindUnsignedBlockCompressed4 = 23,
  cudaChannelFormatKindSignedBlockCompressed4 = 24,
  cudaChannelFormatKindUnsignedBlockCompressed5 = 25,
  cudaChannelFormatKindSignedBlockCompressed5 = 26,
  cudaChannelFormatKindUnsignedBlockCompressed6H = 27,
  cudaChannelFormatKindSignedBlockCompressed6H = 28,
  cudaChannelFormatKindUnsignedBlockCompressed7 = 29,
  cudaChannelFormatKindUnsignedBlockCompressed7SRGB = 30,
  cudaChannelFormatKindUnsignedNormalized1010102 = 31
};

/// A texel's layout: bits per channel (x, y, z, w; 0 = absent) and their kind.
struct cudaChannelFormatDesc {
  int x;                        ///< bits of channel x
  int y;                        ///< bits of channel y
  int z;                        ///< bits of channel z
  int w;                        ///< bits of channel w
  enum cudaChannelFormatKind f; ///< what the channels hold
};

/// A CUDA array: texels in an opaque layout (here row-major, packed), only reachable through copies, textures and
/// surfaces.
struct cudaArray;
/// Handle of a CUDA array.
typedef struct cudaArray* cudaArray_t;
/// Read-only handle of a CUDA array.
typedef const struct cudaArray* cudaArray_const_t;
/// Mipmapped arrays are not implemented; the type exists so that resource descriptors compile.
struct cudaMipmappedArray;
/// Handle of a mipmapped array.
typedef struct cudaMipmappedArray* cudaMipmappedArray_t;
/// Read-only handle of a mipmapped array.
typedef const struct cudaMipmappedArray* cudaMipmappedArray_const_t;

// cudaArrayDefault (0) is in types.h.
#define cudaArrayLayered 0x01
#define cudaArraySurfaceLoadStore 0x02
#define cudaArrayCubemap 0x04
#define cudaArrayTextureGather 0x08

/// A pitched allocation (cudaMalloc3D, or host memory described for cudaMemcpy3D).
struct cudaPitchedPtr {
  void* ptr;          ///< first byte
  std::size_t pitch;  ///< bytes from one row to the next
  std::size_t xsize;  ///< logical width in elements
  std::size_t ysize;  ///< logical height in rows
};
/// Sizes of a 3D region: width in elements for arrays (in bytes for linear memory), height and depth in rows and
/// slices.
struct cudaExtent {
  std::size_t width;   ///< elements (arrays) or bytes (linear memory)
  std::size_t height;  ///< rows
  std::size_t depth;   ///< slices (or layers, or cubemap faces)
};
/// A position in a 3D region (x in elements for arrays, in bytes for linear memory).
struct cudaPos {
  std::size_t x;  ///< column
  std::size_t y;  ///< row
  std::size_t z;  ///< slice
};
/// Parameters of cudaMemcpy3D: each side is either an array (with a position) or a pitched pointer.
struct cudaMemcpy3DParms {
  cudaArray_t srcArray;          ///< source array, or null
  struct cudaPos srcPos;         ///< where in the source
  struct cudaPitchedPtr srcPtr;  ///< source memory when srcArray is null
  cudaArray_t dstArray;          ///< destination array, or null
  struct cudaPos dstPos;         ///< where in the destination
  struct cudaPitchedPtr dstPtr;  ///< destination memory when dstArray is null
  struct cudaExtent extent;      ///< the region's size
  enum cudaMemcpyKind kind;      ///< direction
};

/// Builds a cudaExtent.
inline cudaExtent make_cudaExtent(std::size_t w, std::size_t h, std::size_t d) { return cudaExtent{w, h, d}; }
/// Builds a cudaPitchedPtr.
inline cudaPitchedPtr make_cudaPitchedPtr(void* d, std::size_t p, std::size_t xsz, std::size_t ysz) {
  return cudaPitchedPtr{d, p, xsz, ysz};
}
/// Builds a cudaPos.
inline cudaPos make_cudaPos(std::size_t x, std::size_t y, std::size_t z) { return cudaPos{x, y, z}; }

/// What a texture or surface object reads.
enum cudaResourceType {
  cudaResourceTypeArray = 0x00,
  cudaResourceTypeMipmappedArray = 0x01,
  cudaResourceTypeLinear = 0x02,
  cudaResourceTypePitch2D = 0x03
};

/// Reinterpretation of a resource's format (only cudaResViewFormatNone is implemented).
enum cudaResourceViewFormat {
  cudaResViewFormatNone = 0x00,
  cudaResViewFormatUnsignedChar1 = 0x01,
  cudaResViewFormatUnsignedChar2 = 0x02,
  cudaResViewFormatUnsignedChar4 = 0x03,
  cudaResViewFormatSignedChar1 = 0x04,
  cudaResViewFormatSignedChar2 = 0x05,
  cudaResViewFormatSignedChar4 = 0x06,
  cudaResViewFormatUnsignedShort1 = 0x07,
  cudaResViewFormatUnsignedShort2 = 0x08,
  cudaResViewFormatUnsignedShort4 = 0x09,
  cudaResViewFormatSignedShort1 = 0x0a,
  cudaResViewFormatSignedShort2 = 0x0b,
  cudaResViewFormatSignedShort4 = 0x0c,
  cudaResViewFormatUnsignedInt1 = 0x0d,
  cudaResViewFormatUnsignedInt2 = 0x0e,
  cudaResViewFormatUnsignedInt4 = 0x0f,
  cudaResViewFormatSignedInt1 = 0x10,
  cudaResViewFormatSignedInt2 = 0x11,
  cudaResViewFormatSignedInt4 = 0x12,
  cudaResViewFormatHalf1 = 0x13,
  cudaResViewFormatHalf2 = 0x14,
  cudaResViewFormatHalf4 = 0x15,
  cudaResViewFormatFloat1 = 0x16,
  cudaResViewFormatFloat2 = 0x17,
  cudaResViewFormatFloat4 = 0x18,
  cudaResViewFormatUnsignedBlockCompressed1 = 0x19,
  cudaResViewFormatUnsignedBlockCompressed2 = 0x1a,
  cudaResViewFormatUnsignedBlockCompressed3 = 0x1b,
  cudaResViewFormatUnsignedBlockCompressed4 = 0x1c,
  cudaResViewFormatSignedBlockCompressed4 = 0x1d,
  cudaResViewFormatUnsignedBlockCompressed5 = 0x1e,
  cudaResViewFormatSignedBlockCompressed5 = 0x1f,
  cudaResViewFormatUnsignedBlockCompressed6H = 0x20,
  cudaResViewFormatSignedBlockCompressed6H = 0x21,
  cudaResViewFormatUnsignedBlockCompressed7 = 0x22
};

/// The memory a texture or surface object reads: an array, linear memory (tex1Dfetch) or pitched 2D memory.
struct cudaResourceDesc {
  enum cudaResourceType resType;  ///< which member of `res` is used
  union {
    struct {
      cudaArray_t array;  ///< the array
    } array;              ///< cudaResourceTypeArray
    struct {
      cudaMipmappedArray_t mipmap;  ///< the mipmapped array (not implemented)
    } mipmap;                       ///< cudaResourceTypeMipmappedArray
    struct {
      void* devPtr;                       ///< device memory
      struct cudaChannelFormatDesc desc;  ///< texel format
      std::size_t sizeInBytes;            ///< bytes
    } linear;                             ///< cudaResourceTypeLinear
    struct {
      void* devPtr;                       ///< device memory (row 0)
      struct cudaChannelFormatDesc desc;  ///< texel format
      std::size_t width;                  ///< texels per row
      std::size_t height;                 ///< rows
      std::size_t pitchInBytes;           ///< bytes from one row to the next
    } pitch2D;                            ///< cudaResourceTypePitch2D
    struct {
      int reserved[32];  ///< padding, as in CUDA
    } reserved;          ///< padding
  } res;                 ///< the resource
  unsigned int flags;    ///< must be 0
};

/// A view of a resource in another format (accepted only when `format` is cudaResViewFormatNone).
struct cudaResourceViewDesc {
  enum cudaResourceViewFormat format;  ///< reinterpreted format
  std::size_t width;                   ///< width
  std::size_t height;                  ///< height
  std::size_t depth;                   ///< depth
  unsigned int firstMipmapLevel;       ///< first mipmap level
  unsigned int lastMipmapLevel;        ///< last mipmap level
  unsigned int firstLayer;             ///< first layer
  unsigned int lastLayer;              ///< last layer
  unsigned int reserved[16];           ///< must be zero
};

#define cudaTextureType1D 0x01
#define cudaTextureType2D 0x02
#define cudaTextureType3D 0x03
#define cudaTextureTypeCubemap 0x0C
#define cudaTextureType1DLayered 0xF1
#define cudaTextureType2DLayered 0xF2
#define cudaTextureTypeCubemapLayered 0xFC
#define cudaSurfaceType1D 0x01
#define cudaSurfaceType2D 0x02
#define cudaSurfaceType3D 0x03
#define cudaSurfaceTypeCubemap 0x0C
#define cudaSurfaceType1DLayered 0xF1
#define cudaSurfaceType2DLayered 0xF2
#define cudaSurfaceTypeCubemapLayered 0xFC

/// What a coordinate outside the texture reads.
enum cudaTextureAddressMode {
  cudaAddressModeWrap = 0,    ///< repeat (normalized coordinates only; otherwise clamp)
  cudaAddressModeClamp = 1,   ///< the edge texel
  cudaAddressModeMirror = 2,  ///< mirrored repeat (normalized coordinates only; otherwise clamp)
  cudaAddressModeBorder = 3   ///< the border colour (0 unless borderColor says otherwise)
};
/// Nearest texel or linear interpolation.
enum cudaTextureFilterMode {
  cudaFilterModePoint = 0,  ///< nearest texel
  cudaFilterModeLinear = 1  ///< (bi/tri)linear interpolation, 1/256-step weights; float results only
};
/// Whether 8/16-bit integer texels are returned as they are or mapped to [0, 1] / [-1, 1].
enum cudaTextureReadMode {
  cudaReadModeElementType = 0,     ///< as stored
  cudaReadModeNormalizedFloat = 1  ///< integers mapped to floats in [0, 1] (unsigned) or [-1, 1] (signed)
};
/// How a texture object samples its resource.
struct cudaTextureDesc {
  enum cudaTextureAddressMode addressMode[3];  ///< per dimension
  enum cudaTextureFilterMode filterMode;       ///< point or linear
  enum cudaTextureReadMode readMode;           ///< element type or normalized float
  int sRGB;                                    ///< sRGB to linear conversion (not implemented: must be 0)
  float borderColor[4];                        ///< what cudaAddressModeBorder reads outside
  int normalizedCoords;                        ///< coordinates in [0, 1) instead of [0, size)
  unsigned int maxAnisotropy;                  ///< ignored (no mipmaps)
  enum cudaTextureFilterMode mipmapFilterMode; ///< ignored (no mipmaps)
  float mipmapLevelBias;                       ///< ignored
  float minMipmapLevelClamp;                   ///< ignored
  float maxMipmapLevelClamp;                   ///< ignored
  int disableTrilinearOptimization;            ///< ignored
  int seamlessCubemap;                         ///< ignored: cubemap faces are sampled with clamp to edge
};
/// Opaque handle of a texture object (0 is never a valid one).
typedef unsigned long long cudaTextureObject_t;

/// What a surface access outside the array does.
enum cudaSurfaceBoundaryMode {
  cudaBoundaryModeZero = 0,  ///< loads read 0, stores are dropped
  cudaBoundaryModeClamp = 1, ///< the coordinate is clamped to the edge
  cudaBoundaryModeTrap = 2   ///< the kernel faults (the default)
};
/// Surface format mode (accepted, no effect).
enum cudaSurfaceFormatMode { cudaFormatModeForced = 0, cudaFormatModeAuto = 1 };
/// Opaque handle of a surface object (0 is never a valid one).
typedef unsigned long long cudaSurfaceObject_t;

// ---- channel descriptors (channel_descriptor.h) ----

/// A channel descriptor from its parts.
inline cudaChannelFormatDesc cudaCreateChannelDesc(int x, int y, int z, int w, cudaChannelFormatKind f) {
  return cudaChannelFormatDesc{x, y, z, w, f};
}

namespace cudacpu::detail {
/// Channel descriptor of a texel type: `kind` and bits per channel; `known` is false for types CUDA has none for.
template <class T>
struct channel_of {
  static constexpr bool known = false;
};
#define WS_CUDACPU_CHANNEL(T, n, kind)                                                                            \
  template <>                                                                                                      \
  struct channel_of<T> {                                                                                           \
    static constexpr bool known = true;                                                                            \
    static cudaChannelFormatDesc desc() {                                                                          \
      constexpr int b = static_cast<int>(sizeof(T) / (n) * 8);                                                     \
      return cudaChannelFormatDesc{b, (n) > 1 ? b : 0, (n) > 2 ? b : 0, (n) > 3 ? b : 0, kind};                    \
    }                                                                                                              \
  };
#define WS_CUDACPU_CHANNELS(S, V, kind)                                                                           \
  WS_CUDACPU_CHANNEL(S, 1, kind)                                                                                   \
  WS_CUDACPU_CHANNEL(V##1, 1, kind) WS_CUDACPU_CHANNEL(V##2, 2, kind) WS_CUDACPU_CHANNEL(V##4, 4, kind)
#if defined(__CHAR_UNSIGNED__)
WS_CUDACPU_CHANNEL(char, 1, cudaChannelFormatKindUnsigned)
#else
WS_CUDACPU_CHANNEL(char, 1, cudaChannelFormatKindSigned)
#endif
WS_CUDACPU_CHANNELS(signed char, char, cudaChannelFormatKindSigned)
WS_CUDACPU_CHANNELS(unsigned char, uchar, cudaChannelFormatKindUnsigned)
WS_CUDACPU_CHANNELS(short, short, cudaChannelFormatKindSigned)
WS_CUDACPU_CHANNELS(unsigned short, ushort, cudaChannelFormatKindUnsigned)
WS_CUDACPU_CHANNELS(int, int, cudaChannelFormatKindSigned)
WS_CUDACPU_CHANNELS(unsigned int, uint, cudaChannelFormatKindUnsigned)
WS_CUDACPU_CHANNELS(float, float, cudaChannelFormatKindFloat)
WS_CUDACPU_CHANNEL(__half, 1, cudaChannelFormatKindFloat)
WS_CUDACPU_CHANNEL(__half2, 2, cudaChannelFormatKindFloat)
#undef WS_CUDACPU_CHANNELS
#undef WS_CUDACPU_CHANNEL
}  // namespace cudacpu::detail

/// The channel descriptor of a texel type (`cudaCreateChannelDesc<float4>()`). Types CUDA has no descriptor for
/// (double, 3-vectors, 64-bit integers) do not compile.
template <class T>
inline cudaChannelFormatDesc cudaCreateChannelDesc() {
  static_assert(cudacpu::detail::channel_of<T>::known,
                "cudaCreateChannelDesc<T>: CUDA has channel descriptors for 8/16/32-bit integers, float, __half and "
                "their 1-, 2- and 4-vectors only");
  return cudacpu::detail::channel_of<T>::desc();
}
/// The descriptor of a normalized format by its kind (`cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized8X4>()`).
template <cudaChannelFormatKind K>
inline cudaChannelFormatDesc cudaCreateChannelDesc() {
  constexpr int k = static_cast<int>(K);
  static_assert((k >= 5 && k <= 16) || k == 3, "cudaCreateChannelDesc<kind>: only the normalized 8/16-bit kinds");
  constexpr int bits = (k >= 5 && k <= 7) || (k >= 11 && k <= 13) ? 8 : 16;
  constexpr int n = (k == 5 || k == 8 || k == 11 || k == 14) ? 1 : (k == 6 || k == 9 || k == 12 || k == 15) ? 2 : 4;
  if (k == 3) return cudaChannelFormatDesc{0, 0, 0, 0, K};
  return cudaChannelFormatDesc{bits, n > 1 ? bits : 0, n > 2 ? bits : 0, n > 3 ? bits : 0, K};
}
/// One 16-bit float channel.
inline cudaChannelFormatDesc cudaCreateChannelDescHalf() { return cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindFloat); }
/// One 16-bit float channel.
inline cudaChannelFormatDesc cudaCreateChannelDescHalf1() { return cudaCreateChannelDescHalf(); }
/// Two 16-bit float channels.
inline cudaChannelFormatDesc cudaCreateChannelDescHalf2() { return cudaCreateChannelDesc(16, 16, 0, 0, cudaChannelFormatKindFloat); }
/// Four 16-bit float channels.
inline cudaChannelFormatDesc cudaCreateChannelDescHalf4() { return cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindFloat); }

// ---- arrays and copies ----

/// Allocates a 1D (height 0) or 2D array of `width` x `height` texels. `flags`: cudaArrayDefault,
/// cudaArraySurfaceLoadStore (needed by cudaCreateSurfaceObject), cudaArrayTextureGather (accepted).
cudaError_t cudaMallocArray(cudaArray_t* array, const cudaChannelFormatDesc* desc, std::size_t width,
                            std::size_t height = 0, unsigned int flags = 0, WS_CUDACPU_WHERE);
/// Allocates a 1D, 2D or 3D array; with cudaArrayLayered `extent.depth` counts layers (1D layered when height is 0),
/// with cudaArrayCubemap it is 6 faces (6 x layers with both flags) of width x width texels.
cudaError_t cudaMalloc3DArray(cudaArray_t* array, const cudaChannelFormatDesc* desc, cudaExtent extent,
                              unsigned int flags = 0, WS_CUDACPU_WHERE);
/// Frees an array (null is a no-op). Texture and surface objects on it must not be used afterwards.
cudaError_t cudaFreeArray(cudaArray_t array, WS_CUDACPU_WHERE);
/// The format, extent and flags an array was made with (extent as passed: 0 for absent dimensions).
cudaError_t cudaArrayGetInfo(cudaChannelFormatDesc* desc, cudaExtent* extent, unsigned int* flags, cudaArray_t array,
                             WS_CUDACPU_WHERE);
/// An array's channel descriptor.
cudaError_t cudaGetChannelDesc(cudaChannelFormatDesc* desc, cudaArray_const_t array, WS_CUDACPU_WHERE);
/// Copies `height` rows of `width` bytes into an array at column `w_offset` (bytes) and row `h_offset`.
cudaError_t cudaMemcpy2DToArray(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                                std::size_t spitch, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                WS_CUDACPU_WHERE);
/// Same as cudaMemcpy2DToArray (the backend is synchronous).
cudaError_t cudaMemcpy2DToArrayAsync(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                                     std::size_t spitch, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                     cudaStream_t stream = nullptr, WS_CUDACPU_WHERE);
/// Copies `height` rows of `width` bytes out of an array from column `w_offset` (bytes) and row `h_offset`.
cudaError_t cudaMemcpy2DFromArray(void* dst, std::size_t dpitch, cudaArray_const_t src, std::size_t w_offset,
                                  std::size_t h_offset, std::size_t width, std::size_t height, cudaMemcpyKind kind,
                                  WS_CUDACPU_WHERE);
/// Same as cudaMemcpy2DFromArray.
cudaError_t cudaMemcpy2DFromArrayAsync(void* dst, std::size_t dpitch, cudaArray_const_t src, std::size_t w_offset,
                                       std::size_t h_offset, std::size_t width, std::size_t height,
                                       cudaMemcpyKind kind, cudaStream_t stream = nullptr, WS_CUDACPU_WHERE);
/// Deprecated in CUDA but still common: copies `count` bytes into an array from column `w_offset` (bytes) and row
/// `h_offset` on, continuing on the next rows.
cudaError_t cudaMemcpyToArray(cudaArray_t dst, std::size_t w_offset, std::size_t h_offset, const void* src,
                              std::size_t count, cudaMemcpyKind kind, WS_CUDACPU_WHERE);
/// Deprecated in CUDA: copies `count` bytes out of an array from column `w_offset` (bytes) and row `h_offset` on.
cudaError_t cudaMemcpyFromArray(void* dst, cudaArray_const_t src, std::size_t w_offset, std::size_t h_offset,
                                std::size_t count, cudaMemcpyKind kind, WS_CUDACPU_WHERE);
/// Allocates pitched 3D device memory (`extent.width` in bytes).
cudaError_t cudaMalloc3D(cudaPitchedPtr* pitched, cudaExtent extent, WS_CUDACPU_WHERE);
/// Copies a 3D region between arrays and pitched memory (array positions and widths in elements, memory ones in
/// bytes).
cudaError_t cudaMemcpy3D(const cudaMemcpy3DParms* p, WS_CUDACPU_WHERE);
/// Same as cudaMemcpy3D.
cudaError_t cudaMemcpy3DAsync(const cudaMemcpy3DParms* p, cudaStream_t stream = nullptr, WS_CUDACPU_WHERE);

// ---- texture and surface objects ----

/// Creates a texture object on an array, linear memory (tex1Dfetch only) or pitched 2D memory. `view` must be null
/// or say cudaResViewFormatNone.
cudaError_t cudaCreateTextureObject(cudaTextureObject_t* tex, const cudaResourceDesc* res,
                                    const cudaTextureDesc* desc, const cudaResourceViewDesc* view,
                                    WS_CUDACPU_WHERE);
/// Destroys a texture object; fetching through it afterwards is reported.
cudaError_t cudaDestroyTextureObject(cudaTextureObject_t tex, WS_CUDACPU_WHERE);
/// The resource a texture object was created with.
cudaError_t cudaGetTextureObjectResourceDesc(cudaResourceDesc* res, cudaTextureObject_t tex, WS_CUDACPU_WHERE);
/// The sampling description a texture object was created with.
cudaError_t cudaGetTextureObjectTextureDesc(cudaTextureDesc* desc, cudaTextureObject_t tex, WS_CUDACPU_WHERE);
/// Creates a surface object on an array allocated with cudaArraySurfaceLoadStore.
cudaError_t cudaCreateSurfaceObject(cudaSurfaceObject_t* surf, const cudaResourceDesc* res, WS_CUDACPU_WHERE);
/// Destroys a surface object.
cudaError_t cudaDestroySurfaceObject(cudaSurfaceObject_t surf, WS_CUDACPU_WHERE);
/// The resource a surface object was created with.
cudaError_t cudaGetSurfaceObjectResourceDesc(cudaResourceDesc* res, cudaSurfaceObject_t surf, WS_CUDACPU_WHERE);

// ---- device side ----

namespace cudacpu::detail {
/// Which fetch function a kernel called (each checks the texture's shape).
enum class tex_call : std::uint8_t {
  fetch_1d,         ///< tex1Dfetch (integer index, linear memory)
  tex_1d,           ///< tex1D
  tex_2d,           ///< tex2D
  tex_3d,           ///< tex3D
  tex_1d_layered,   ///< tex1DLayered
  tex_2d_layered,   ///< tex2DLayered
  cubemap,          ///< texCubemap
  cubemap_layered   ///< texCubemapLayered
};
/// A fetch's four channels, as floats (float textures, normalized-float reads, linear filtering) or as 32-bit
/// integers (integer textures read as cudaReadModeElementType).
struct tex_value {
  union {
    float f[4];
    int i[4];
  } v;            ///< the channels (missing ones: 0, 0, 0, 1)
  bool is_float;  ///< which member holds them
  bool is_signed; ///< integer results: the texels are signed
};
/// Samples texture object `tex` at (x, y, z) (tex1Dfetch: integer index `index`; layered: layer `index`). A bad
/// handle or a call that does not fit the texture is reported at `where` and the kernel fails.
void tex_fetch(cudaTextureObject_t tex, tex_call call, float x, float y, float z, int index, tex_value* out,
               source_location where);
/// A fetch whose result type does not fit the texture (an integer type from a float texture or the other way).
[[noreturn]] void tex_type_mismatch(const char* fn, const tex_value& value, bool want_float, source_location where);

/// Scalar type and channel count of a fetch result type (CUDA's list: 8/16/32-bit integers and float, 1/2/4-vectors).
template <class T>
struct fetch_traits {
  static constexpr int channels = 0;
};
#define WS_CUDACPU_FETCH(T, S, n)                                                                                 \
  template <>                                                                                                      \
  struct fetch_traits<T> {                                                                                         \
    using scalar = S;                                                                                              \
    static constexpr int channels = n;                                                                             \
  };
#define WS_CUDACPU_FETCHES(S, V)                                                                                  \
  WS_CUDACPU_FETCH(S, S, 1) WS_CUDACPU_FETCH(V##1, S, 1) WS_CUDACPU_FETCH(V##2, S, 2) WS_CUDACPU_FETCH(V##4, S, 4)
WS_CUDACPU_FETCH(char, char, 1)
WS_CUDACPU_FETCHES(signed char, char)
WS_CUDACPU_FETCHES(unsigned char, uchar)
WS_CUDACPU_FETCHES(short, short)
WS_CUDACPU_FETCHES(unsigned short, ushort)
WS_CUDACPU_FETCHES(int, int)
WS_CUDACPU_FETCHES(unsigned int, uint)
WS_CUDACPU_FETCHES(float, float)
#undef WS_CUDACPU_FETCHES
#undef WS_CUDACPU_FETCH

/// Converts a fetch's channels to the type the kernel asked for.
template <class T>
T tex_result(const tex_value& value, const char* fn, source_location where) {
  using traits = fetch_traits<T>;
  static_assert(traits::channels > 0,
                "texture fetches return 8/16/32-bit integers, float, or their 1-, 2- and 4-vectors (as in CUDA)");
  using S = typename traits::scalar;
  constexpr bool want_float = std::is_floating_point<S>::value;
  if (value.is_float != want_float) tex_type_mismatch(fn, value, want_float, where);
  T out;
  for (int c = 0; c < traits::channels; ++c) {
    S s;
    if constexpr (want_float) {
      s = value.v.f[c];
    } else {
      s = static_cast<S>(value.v.i[c]);
    }
    std::memcpy(reinterpret_cast<unsigned char*>(&out) + c * sizeof(S), &s, sizeof(S));
  }
  return out;
}

/// Which surface function a kernel called.
enum class surf_call : std::uint8_t { s1d, s2d, s3d, s1d_layered, s2d_layered, cubemap, cubemap_layered };
/// Loads (`store` false) or stores `bytes` bytes at byte column `x_bytes`, row `y`, slice `z`, layer `layer` of
/// surface `surf`. Out-of-range accesses follow `mode`; cudaBoundaryModeTrap reports at `where` and fails the kernel.
void surf_access(cudaSurfaceObject_t surf, surf_call call, bool store, void* data, std::size_t bytes, int x_bytes,
                 int y, int z, int layer, cudaSurfaceBoundaryMode mode, source_location where);
/// Checks a surface load or store type: integers, float, their 1/2/4-vectors, and (surfaces only) long long.
template <class T>
constexpr bool surface_type_ok() {
  return fetch_traits<T>::channels > 0 || std::is_same<T, long long>::value ||
         std::is_same<T, unsigned long long>::value || std::is_same<T, longlong1>::value ||
         std::is_same<T, ulonglong1>::value || std::is_same<T, longlong2>::value ||
         std::is_same<T, ulonglong2>::value;
}
}  // namespace cudacpu::detail

#define WS_CUDACPU_TEX_WHERE ::cudacpu::source_location where = ::cudacpu::source_location::current()

/// Texel `x` of a texture on linear memory (no filtering; an index outside reads 0).
template <class T>
T tex1Dfetch(cudaTextureObject_t tex, int x, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::fetch_1d, 0.0f, 0.0f, 0.0f, x, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex1Dfetch", where);
}
/// tex1Dfetch into `*ptr`.
template <class T>
void tex1Dfetch(T* ptr, cudaTextureObject_t tex, int x, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex1Dfetch<T>(tex, x, where);
}
/// Samples a 1D array texture at `x`.
template <class T>
T tex1D(cudaTextureObject_t tex, float x, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::tex_1d, x, 0.0f, 0.0f, 0, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex1D", where);
}
/// tex1D into `*ptr`.
template <class T>
void tex1D(T* ptr, cudaTextureObject_t tex, float x, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex1D<T>(tex, x, where);
}
/// Samples a 2D texture (array or pitched memory) at (x, y).
template <class T>
T tex2D(cudaTextureObject_t tex, float x, float y, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::tex_2d, x, y, 0.0f, 0, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex2D", where);
}
/// tex2D into `*ptr`.
template <class T>
void tex2D(T* ptr, cudaTextureObject_t tex, float x, float y, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex2D<T>(tex, x, y, where);
}
/// Samples a 3D array texture at (x, y, z).
template <class T>
T tex3D(cudaTextureObject_t tex, float x, float y, float z, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::tex_3d, x, y, z, 0, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex3D", where);
}
/// tex3D into `*ptr`.
template <class T>
void tex3D(T* ptr, cudaTextureObject_t tex, float x, float y, float z, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex3D<T>(tex, x, y, z, where);
}
/// Samples layer `layer` of a 1D layered texture at `x`.
template <class T>
T tex1DLayered(cudaTextureObject_t tex, float x, int layer, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::tex_1d_layered, x, 0.0f, 0.0f, layer, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex1DLayered", where);
}
/// tex1DLayered into `*ptr`.
template <class T>
void tex1DLayered(T* ptr, cudaTextureObject_t tex, float x, int layer, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex1DLayered<T>(tex, x, layer, where);
}
/// Samples layer `layer` of a 2D layered texture at (x, y).
template <class T>
T tex2DLayered(cudaTextureObject_t tex, float x, float y, int layer, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::tex_2d_layered, x, y, 0.0f, layer, &v, where);
  return cudacpu::detail::tex_result<T>(v, "tex2DLayered", where);
}
/// tex2DLayered into `*ptr`.
template <class T>
void tex2DLayered(T* ptr, cudaTextureObject_t tex, float x, float y, int layer, WS_CUDACPU_TEX_WHERE) {
  *ptr = tex2DLayered<T>(tex, x, y, layer, where);
}
/// Samples a cubemap in direction (x, y, z): the face is the axis of largest magnitude (CUDA's table).
template <class T>
T texCubemap(cudaTextureObject_t tex, float x, float y, float z, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::cubemap, x, y, z, 0, &v, where);
  return cudacpu::detail::tex_result<T>(v, "texCubemap", where);
}
/// texCubemap into `*ptr`.
template <class T>
void texCubemap(T* ptr, cudaTextureObject_t tex, float x, float y, float z, WS_CUDACPU_TEX_WHERE) {
  *ptr = texCubemap<T>(tex, x, y, z, where);
}
/// Samples cubemap `layer` of a layered cubemap in direction (x, y, z).
template <class T>
T texCubemapLayered(cudaTextureObject_t tex, float x, float y, float z, int layer, WS_CUDACPU_TEX_WHERE) {
  cudacpu::detail::tex_value v;
  cudacpu::detail::tex_fetch(tex, cudacpu::detail::tex_call::cubemap_layered, x, y, z, layer, &v, where);
  return cudacpu::detail::tex_result<T>(v, "texCubemapLayered", where);
}
/// texCubemapLayered into `*ptr`.
template <class T>
void texCubemapLayered(T* ptr, cudaTextureObject_t tex, float x, float y, float z, int layer, WS_CUDACPU_TEX_WHERE) {
  *ptr = texCubemapLayered<T>(tex, x, y, z, layer, where);
}
/// Level-of-detail fetches: without mipmapped arrays there is only level 0, so `level` is ignored.
template <class T>
T tex1DLod(cudaTextureObject_t tex, float x, float level, WS_CUDACPU_TEX_WHERE) {
  (void)level;
  return tex1D<T>(tex, x, where);
}
/// tex2D at level 0 (see tex1DLod).
template <class T>
T tex2DLod(cudaTextureObject_t tex, float x, float y, float level, WS_CUDACPU_TEX_WHERE) {
  (void)level;
  return tex2D<T>(tex, x, y, where);
}
/// tex3D at level 0 (see tex1DLod).
template <class T>
T tex3DLod(cudaTextureObject_t tex, float x, float y, float z, float level, WS_CUDACPU_TEX_WHERE) {
  (void)level;
  return tex3D<T>(tex, x, y, z, where);
}

// Surfaces: x is in bytes, y/z in rows and slices; the stored or loaded size is sizeof(T).
#define WS_CUDACPU_SURF_CHECK(T)                                                                                  \
  static_assert(cudacpu::detail::surface_type_ok<T>(),                                                             \
                "surface loads and stores take 8/16/32/64-bit integers, float, or their 1-, 2- and 4-vectors")

/// Stores `data` at byte column `x` of a 1D surface.
template <class T>
void surf1Dwrite(T data, cudaSurfaceObject_t surf, int x, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                 WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s1d, true, &data, sizeof(T), x, 0, 0, 0, mode, where);
}
/// Loads a T from byte column `x` of a 1D surface.
template <class T>
T surf1Dread(cudaSurfaceObject_t surf, int x, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
             WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s1d, false, &out, sizeof(T), x, 0, 0, 0, mode, where);
  return out;
}
/// surf1Dread into `*ptr`.
template <class T>
void surf1Dread(T* ptr, cudaSurfaceObject_t surf, int x, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                WS_CUDACPU_TEX_WHERE) {
  *ptr = surf1Dread<T>(surf, x, mode, where);
}
/// Stores `data` at byte column `x`, row `y` of a 2D surface.
template <class T>
void surf2Dwrite(T data, cudaSurfaceObject_t surf, int x, int y, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                 WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s2d, true, &data, sizeof(T), x, y, 0, 0, mode, where);
}
/// Loads a T from byte column `x`, row `y` of a 2D surface.
template <class T>
T surf2Dread(cudaSurfaceObject_t surf, int x, int y, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
             WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s2d, false, &out, sizeof(T), x, y, 0, 0, mode, where);
  return out;
}
/// surf2Dread into `*ptr`.
template <class T>
void surf2Dread(T* ptr, cudaSurfaceObject_t surf, int x, int y, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                WS_CUDACPU_TEX_WHERE) {
  *ptr = surf2Dread<T>(surf, x, y, mode, where);
}
/// Stores `data` at byte column `x`, row `y`, slice `z` of a 3D surface.
template <class T>
void surf3Dwrite(T data, cudaSurfaceObject_t surf, int x, int y, int z,
                 cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s3d, true, &data, sizeof(T), x, y, z, 0, mode, where);
}
/// Loads a T from byte column `x`, row `y`, slice `z` of a 3D surface.
template <class T>
T surf3Dread(cudaSurfaceObject_t surf, int x, int y, int z, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
             WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s3d, false, &out, sizeof(T), x, y, z, 0, mode, where);
  return out;
}
/// surf3Dread into `*ptr`.
template <class T>
void surf3Dread(T* ptr, cudaSurfaceObject_t surf, int x, int y, int z,
                cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  *ptr = surf3Dread<T>(surf, x, y, z, mode, where);
}
/// Stores `data` at byte column `x` of layer `layer` of a 1D layered surface.
template <class T>
void surf1DLayeredwrite(T data, cudaSurfaceObject_t surf, int x, int layer,
                        cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s1d_layered, true, &data, sizeof(T), x, 0, 0, layer,
                               mode, where);
}
/// Loads a T from byte column `x` of layer `layer` of a 1D layered surface.
template <class T>
T surf1DLayeredread(cudaSurfaceObject_t surf, int x, int layer, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                    WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s1d_layered, false, &out, sizeof(T), x, 0, 0, layer,
                               mode, where);
  return out;
}
/// surf1DLayeredread into `*ptr`.
template <class T>
void surf1DLayeredread(T* ptr, cudaSurfaceObject_t surf, int x, int layer,
                       cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  *ptr = surf1DLayeredread<T>(surf, x, layer, mode, where);
}
/// Stores `data` at byte column `x`, row `y` of layer `layer` of a 2D layered surface.
template <class T>
void surf2DLayeredwrite(T data, cudaSurfaceObject_t surf, int x, int y, int layer,
                        cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s2d_layered, true, &data, sizeof(T), x, y, 0, layer,
                               mode, where);
}
/// Loads a T from byte column `x`, row `y` of layer `layer` of a 2D layered surface.
template <class T>
T surf2DLayeredread(cudaSurfaceObject_t surf, int x, int y, int layer,
                    cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::s2d_layered, false, &out, sizeof(T), x, y, 0, layer,
                               mode, where);
  return out;
}
/// surf2DLayeredread into `*ptr`.
template <class T>
void surf2DLayeredread(T* ptr, cudaSurfaceObject_t surf, int x, int y, int layer,
                       cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  *ptr = surf2DLayeredread<T>(surf, x, y, layer, mode, where);
}
/// Stores `data` at byte column `x`, row `y` of cubemap face `face` (0..5).
template <class T>
void surfCubemapwrite(T data, cudaSurfaceObject_t surf, int x, int y, int face,
                      cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::cubemap, true, &data, sizeof(T), x, y, 0, face, mode,
                               where);
}
/// Loads a T from byte column `x`, row `y` of cubemap face `face` (0..5).
template <class T>
T surfCubemapread(cudaSurfaceObject_t surf, int x, int y, int face, cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap,
                  WS_CUDACPU_TEX_WHERE) {
  WS_CUDACPU_SURF_CHECK(T);
  T out;
  cudacpu::detail::surf_access(surf, cudacpu::detail::surf_call::cubemap, false, &out, sizeof(T), x, y, 0, face, mode,
                               where);
  return out;
}
/// surfCubemapread into `*ptr`.
template <class T>
void surfCubemapread(T* ptr, cudaSurfaceObject_t surf, int x, int y, int face,
                     cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap, WS_CUDACPU_TEX_WHERE) {
  *ptr = surfCubemapread<T>(surf, x, y, face, mode, where);
}

#undef WS_CUDACPU_SURF_CHECK
#undef WS_CUDACPU_TEX_WHERE
