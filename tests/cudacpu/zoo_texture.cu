/// @file
/// @brief cudacpu zoo: texture and surface objects. Point and linear filtering against a CPU reference that keeps
///        the hardware's 1/256-step weights, every address mode, normalized coordinates, both read modes, linear
///        memory (tex1Dfetch) and pitched memory, 3D, layered and cubemap arrays, surface stores and loads with each
///        boundary mode, and the reports for a bad handle, a destroyed texture and a store past the edge.
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "zoo_check.h"

// --- kernels ---

__global__ void sample_1d(cudaTextureObject_t tex, const float* u, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex1D<float>(tex, u[i]);
}

__global__ void sample_2d(cudaTextureObject_t tex, const float2* uv, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex2D<float>(tex, uv[i].x, uv[i].y);
}

__global__ void sample_2d_float4(cudaTextureObject_t tex, const float2* uv, float4* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) tex2D(&out[i], tex, uv[i].x, uv[i].y);  // the pointer form
}

__global__ void sample_2d_uchar4(cudaTextureObject_t tex, const float2* uv, uchar4* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex2D<uchar4>(tex, uv[i].x, uv[i].y);
}

__global__ void sample_3d(cudaTextureObject_t tex, const float3* p, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex3D<float>(tex, p[i].x, p[i].y, p[i].z);
}

__global__ void fetch_ints(cudaTextureObject_t tex, int first, int* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex1Dfetch<int>(tex, first + i);
}

__global__ void fetch_normalized(cudaTextureObject_t tex, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = tex1Dfetch<float>(tex, i);
}

__global__ void sample_layered(cudaTextureObject_t tex, const float2* uv, int layers, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    for (int l = 0; l < layers; ++l) out[l * n + i] = tex2DLayered<float>(tex, uv[i].x, uv[i].y, l);
}

__global__ void sample_cubemap(cudaTextureObject_t tex, const float3* dir, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = texCubemap<float>(tex, dir[i].x, dir[i].y, dir[i].z);
}

__global__ void surface_fill(cudaSurfaceObject_t surf, int width, int height) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height) surf2Dwrite(y * 1000 + x, surf, x * static_cast<int>(sizeof(int)), y);
}

__global__ void surface_read_plus_one(cudaSurfaceObject_t surf, int* out, int width, int height) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height) {
    int v = 0;
    surf2Dread(&v, surf, x * 4, y);  // the pointer form
    out[y * width + x] = v + 1;
  }
}

__global__ void surface_edges(cudaSurfaceObject_t surf, int width, int* out) {
  surf2Dwrite(-5, surf, width * 4, 0, cudaBoundaryModeZero);  // dropped
  out[0] = surf2Dread<int>(surf, width * 4, 1, cudaBoundaryModeZero);
  out[1] = surf2Dread<int>(surf, -4, 2, cudaBoundaryModeClamp);
  out[2] = surf2Dread<int>(surf, width * 4 + 40, 100, cudaBoundaryModeClamp);
}

__global__ void surface_layered_round_trip(cudaSurfaceObject_t surf, int width, int height, int layers, float* out) {
  const int x = threadIdx.x, y = threadIdx.y;
  if (x >= width || y >= height) return;
  for (int l = 0; l < layers; ++l) surf2DLayeredwrite(static_cast<float>(l * 100 + y * 10 + x), surf, x * 4, y, l);
  for (int l = 0; l < layers; ++l) out[(l * height + y) * width + x] = surf2DLayeredread<float>(surf, x * 4, y, l);
}

constexpr int k_line_store_past_edge = __LINE__ + 2;
__global__ void surface_store_past_edge(cudaSurfaceObject_t surf, int width) {
  surf2Dwrite(1.0f, surf, width * 4, 0);  // x is one texel past the last column
}

constexpr int k_line_fetch_handle = __LINE__ + 2;
__global__ void fetch_handle(cudaTextureObject_t tex, float* out) {
  out[0] = tex2D<float>(tex, 0.5f, 0.5f);
}

constexpr int k_line_fetch_as_int = __LINE__ + 2;
__global__ void fetch_as_int(cudaTextureObject_t tex, int* out) {
  out[0] = tex2D<int>(tex, 0.5f, 0.5f);
}

// --- helpers ---

namespace {

constexpr float k_nan = std::numeric_limits<float>::quiet_NaN();

/// Non-uniform values in [-100, 100).
std::vector<float> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-100.0f, 100.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

/// Runs `k<<<blocks of 64>>>` over n items.
int blocks_for(int n) { return (n + 63) / 64; }

/// A texture description with the given modes (everything else zero, as the samples memset it).
cudaTextureDesc texture_desc(cudaTextureFilterMode filter, cudaTextureAddressMode address, bool normalized,
                             cudaTextureReadMode read = cudaReadModeElementType) {
  cudaTextureDesc d;
  std::memset(&d, 0, sizeof d);
  d.filterMode = filter;
  d.addressMode[0] = d.addressMode[1] = d.addressMode[2] = address;
  d.normalizedCoords = normalized ? 1 : 0;
  d.readMode = read;
  return d;
}

/// A resource description of an array.
cudaResourceDesc array_resource(cudaArray_t a) {
  cudaResourceDesc r;
  std::memset(&r, 0, sizeof r);
  r.resType = cudaResourceTypeArray;
  r.res.array.array = a;
  return r;
}

/// Texel index for coordinate u (already in texels) along an axis of n texels, per the programming guide's
/// appendix on texture fetching: -1 means outside (border).
long long ref_index(long long i, long long n, cudaTextureAddressMode m) {
  switch (m) {
    case cudaAddressModeWrap: return ((i % n) + n) % n;
    case cudaAddressModeMirror: {
      const long long period = 2 * n;
      long long k = ((i % period) + period) % period;
      return k < n ? k : period - 1 - k;
    }
    case cudaAddressModeBorder: return i < 0 || i >= n ? -1 : i;
    default: return i < 0 ? 0 : i >= n ? n - 1 : i;
  }
}

/// Coordinate u in texels after the normalized-coordinate address transform (guide: wrap takes frac(u), mirror
/// reflects every other period).
float ref_coordinate(float u, long long n, cudaTextureAddressMode m, bool normalized) {
  if (!normalized) return u;
  if (m == cudaAddressModeWrap) u = u - std::floor(u);
  if (m == cudaAddressModeMirror) {
    const float f = std::floor(u);
    u = (static_cast<long long>(f) % 2 == 0) ? u - f : 1.0f - (u - f);
  }
  return u * static_cast<float>(n);
}

/// The hardware's interpolation weight: 9-bit fixed point, 8 fractional bits.
float ref_weight(float frac) { return std::floor(frac * 256.0f + 0.5f) / 256.0f; }

/// 1D fetch of `t` at u (point or linear), per the guide; border reads `border`.
float ref_fetch_1d(const std::vector<float>& t, float u, cudaTextureAddressMode m, bool normalized, bool linear,
                   float border = 0.0f) {
  const long long n = static_cast<long long>(t.size());
  if (!normalized && (m == cudaAddressModeWrap || m == cudaAddressModeMirror)) m = cudaAddressModeClamp;
  const float x = ref_coordinate(u, n, m, normalized);
  const auto at = [&](long long i) {
    const long long k = ref_index(i, n, m);
    return k < 0 ? border : t[static_cast<std::size_t>(k)];
  };
  if (!linear) return at(static_cast<long long>(std::floor(x)));
  const float xb = x - 0.5f;
  const float i = std::floor(xb);
  const float a = ref_weight(xb - i);
  return (1.0f - a) * at(static_cast<long long>(i)) + a * at(static_cast<long long>(i) + 1);
}

/// Bilinear (or point) fetch of a w x h texture with clamp addressing and unnormalized coordinates.
float ref_fetch_2d(const std::vector<float>& t, int w, int h, float x, float y, bool linear) {
  const auto at = [&](long long i, long long j) {
    return t[static_cast<std::size_t>(ref_index(j, h, cudaAddressModeClamp) * w + ref_index(i, w, cudaAddressModeClamp))];
  };
  if (!linear) return at(static_cast<long long>(std::floor(x)), static_cast<long long>(std::floor(y)));
  const float xb = x - 0.5f, yb = y - 0.5f;
  const float i = std::floor(xb), j = std::floor(yb);
  const float a = ref_weight(xb - i), b = ref_weight(yb - j);
  const long long ii = static_cast<long long>(i), jj = static_cast<long long>(j);
  return (1 - a) * (1 - b) * at(ii, jj) + a * (1 - b) * at(ii + 1, jj) + (1 - a) * b * at(ii, jj + 1) +
         a * b * at(ii + 1, jj + 1);
}

/// The same without the weight rounding: what a naive emulation computes.
float exact_fetch_2d(const std::vector<float>& t, int w, int h, float x, float y) {
  const auto at = [&](long long i, long long j) {
    return t[static_cast<std::size_t>(ref_index(j, h, cudaAddressModeClamp) * w + ref_index(i, w, cudaAddressModeClamp))];
  };
  const float xb = x - 0.5f, yb = y - 0.5f;
  const float i = std::floor(xb), j = std::floor(yb);
  const float a = xb - i, b = yb - j;
  const long long ii = static_cast<long long>(i), jj = static_cast<long long>(j);
  return (1 - a) * (1 - b) * at(ii, jj) + a * (1 - b) * at(ii + 1, jj) + (1 - a) * b * at(ii, jj + 1) +
         a * b * at(ii + 1, jj + 1);
}

/// Requires `got` to match `want` to float rounding (the kernel and the reference may sum in another order).
void require_close(const std::vector<float>& got, const std::vector<float>& want, float tolerance = 1e-4f) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("item " << i << ": got " << got[i] << ", want " << want[i]);
    REQUIRE_THAT(got[i], Catch::Matchers::WithinAbs(want[i], tolerance));
  }
}

/// A 2D float array filled with `values`, freed on scope exit.
struct float_array_2d {
  cudaArray_t array = nullptr;
  float_array_2d(const std::vector<float>& values, int w, int h, unsigned flags = 0) {
    const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
    ZOO_CHECK(cudaMallocArray(&array, &desc, w, h, flags));
    ZOO_CHECK(cudaMemcpy2DToArray(array, 0, 0, values.data(), w * sizeof(float), w * sizeof(float), h,
                                  cudaMemcpyHostToDevice));
  }
  float_array_2d(const float_array_2d&) = delete;
  float_array_2d& operator=(const float_array_2d&) = delete;
  ~float_array_2d() { cudaFreeArray(array); }
};

/// A texture object destroyed on scope exit.
struct texture {
  cudaTextureObject_t tex = 0;
  texture(const cudaResourceDesc& res, const cudaTextureDesc& desc) {
    ZOO_CHECK(cudaCreateTextureObject(&tex, &res, &desc, nullptr));
  }
  texture(const texture&) = delete;
  texture& operator=(const texture&) = delete;
  ~texture() { cudaDestroyTextureObject(tex); }
};

}  // namespace

// --- tests ---

TEST_CASE("point filtering returns the texel under unnormalized coordinates and clamps outside",
          "[cudacpu][texture]") {
  constexpr int W = 7, H = 5;
  const std::vector<float> values = random_values(W * H, 11);
  float_array_2d a(values, W, H);
  texture t(array_resource(a.array), texture_desc(cudaFilterModePoint, cudaAddressModeClamp, false));
  std::vector<float2> uv;
  std::vector<float> want;
  for (float y : {-3.0f, 0.0f, 0.99f, 2.5f, 4.999f, 5.0f, 9.0f})
    for (float x : {-1.0f, 0.2f, 3.5f, 6.0f, 6.999f, 7.0f, 100.0f}) {
      uv.push_back(make_float2(x, y));
      want.push_back(ref_fetch_2d(values, W, H, x, y, false));
    }
  const int n = static_cast<int>(uv.size());
  zoo_buffer<float2> d_uv(uv);
  zoo_buffer<float> out(std::vector<float>(n, k_nan));
  sample_2d<<<blocks_for(n), 64>>>(t.tex, d_uv.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> got = out.download();
  for (int i = 0; i < n; ++i) {
    INFO("(" << uv[i].x << ", " << uv[i].y << ")");
    REQUIRE(got[i] == want[i]);  // point sampling copies a texel: bit-exact
  }
}

TEST_CASE("linear filtering samples at x - 0.5 with weights rounded to 1/256 like the texture unit",
          "[cudacpu][texture]") {
  constexpr int W = 9, H = 6;
  const std::vector<float> values = random_values(W * H, 12);
  float_array_2d a(values, W, H);
  texture t(array_resource(a.array), texture_desc(cudaFilterModeLinear, cudaAddressModeClamp, false));
  std::vector<float2> uv;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dx(-1.0f, W + 1.0f), dy(-1.0f, H + 1.0f);
  for (int i = 0; i < 200; ++i) uv.push_back(make_float2(dx(rng), dy(rng)));
  uv.push_back(make_float2(1.5f, 2.5f));    // a texel centre reads the texel
  uv.push_back(make_float2(1.8f, 2.5f));    // weight 0.3 rounds to 77/256
  uv.push_back(make_float2(4.5f + 1.0f / 1024.0f, 0.5f));  // weight 1/1024 rounds to 0
  const int n = static_cast<int>(uv.size());
  zoo_buffer<float2> d_uv(uv);
  zoo_buffer<float> out(std::vector<float>(n, k_nan));
  sample_2d<<<blocks_for(n), 64>>>(t.tex, d_uv.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> got = out.download();
  std::vector<float> want;
  int far_from_exact = 0;
  for (const float2& p : uv) {
    want.push_back(ref_fetch_2d(values, W, H, p.x, p.y, true));
    if (std::fabs(want.back() - exact_fetch_2d(values, W, H, p.x, p.y)) > 1e-3f) ++far_from_exact;
  }
  require_close(got, want);
  REQUIRE(got[n - 3] == values[2 * W + 1]);
  REQUIRE(got[n - 1] == values[4]);
  // The rounding is visible: most random points differ from exact interpolation by far more than float error.
  REQUIRE(far_from_exact > 100);
}

TEST_CASE("each address mode with normalized coordinates, point and linear, and border colours",
          "[cudacpu][texture]") {
  const std::vector<float> values = {3.0f, -7.0f, 11.0f, 2.5f, 19.0f};
  const int N = static_cast<int>(values.size());
  const cudaTextureAddressMode mode =
      GENERATE(cudaAddressModeWrap, cudaAddressModeClamp, cudaAddressModeMirror, cudaAddressModeBorder);
  const bool linear = GENERATE(false, true);
  INFO("address mode " << mode << (linear ? ", linear" : ", point"));
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat);
  ZOO_CHECK(cudaMallocArray(&a, &desc, N));  // 1D: height 0
  ZOO_CHECK(cudaMemcpyToArray(a, 0, 0, values.data(), N * sizeof(float), cudaMemcpyHostToDevice));
  cudaTextureDesc td = texture_desc(linear ? cudaFilterModeLinear : cudaFilterModePoint, mode, true);
  td.borderColor[0] = 42.0f;
  const std::vector<float> u = {-1.3f, -0.75f, -0.1f, 0.0f, 0.02f, 0.3f, 0.55f, 0.93f, 0.99f,
                                1.0f,  1.2f,   1.65f, 2.3f, -2.05f, 3.71f};
  const int n = static_cast<int>(u.size());
  std::vector<float> want;
  for (float x : u) want.push_back(ref_fetch_1d(values, x, mode, true, linear, 42.0f));
  {
    texture t(array_resource(a), td);
    zoo_buffer<float> d_u(u);
    zoo_buffer<float> out(std::vector<float>(n, k_nan));
    sample_1d<<<1, 64>>>(t.tex, d_u.get(), out.get(), n);
    ZOO_CHECK(cudaDeviceSynchronize());
    require_close(out.download(), want);
  }
  if (mode == cudaAddressModeWrap && linear) {
    // u = 0.02 is texel coordinate 0.1: it blends the last texel (wrapped) and the first, weight 0.6 -> 154/256.
    REQUIRE_THAT(want[4], Catch::Matchers::WithinAbs(9.375, 1e-5));
  }
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("wrap and mirror act as clamp with unnormalized coordinates", "[cudacpu][texture]") {
  const std::vector<float> values = random_values(6, 13);
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
  ZOO_CHECK(cudaMallocArray(&a, &desc, values.size()));
  ZOO_CHECK(cudaMemcpyToArray(a, 0, 0, values.data(), values.size() * sizeof(float), cudaMemcpyHostToDevice));
  const std::vector<float> u = {-4.0f, -0.2f, 6.5f, 13.0f};
  const std::vector<float> want = {values[0], values[0], values[5], values[5]};
  for (cudaTextureAddressMode mode : {cudaAddressModeWrap, cudaAddressModeMirror}) {
    texture t(array_resource(a), texture_desc(cudaFilterModePoint, mode, false));
    zoo_buffer<float> d_u(u);
    zoo_buffer<float> out(std::vector<float>(u.size(), k_nan));
    sample_1d<<<1, 64>>>(t.tex, d_u.get(), out.get(), static_cast<int>(u.size()));
    ZOO_CHECK(cudaDeviceSynchronize());
    require_close(out.download(), want, 0.0f);
  }
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("cudaReadModeNormalizedFloat maps 8/16-bit integers to [0, 1] and [-1, 1]; element type keeps them",
          "[cudacpu][texture]") {
  constexpr int W = 3, H = 2;
  const std::vector<uchar4> texels = {{0, 1, 128, 255},   {10, 20, 30, 40},   {200, 100, 50, 25},
                                      {255, 254, 253, 0}, {7, 77, 177, 227}, {1, 2, 3, 4}};
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<uchar4>();
  ZOO_CHECK(cudaMallocArray(&a, &desc, W, H));
  ZOO_CHECK(cudaMemcpy2DToArray(a, 0, 0, texels.data(), W * sizeof(uchar4), W * sizeof(uchar4), H,
                                cudaMemcpyHostToDevice));
  std::vector<float2> uv;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) uv.push_back(make_float2(x + 0.5f, y + 0.5f));
  uv.push_back(make_float2(1.0f, 0.5f));  // halfway between texels 0 and 1 of row 0 (linear only)
  const int n = static_cast<int>(uv.size());
  zoo_buffer<float2> d_uv(uv);
  SECTION("normalized float, linear filtering on the normalized values") {
    texture t(array_resource(a), texture_desc(cudaFilterModeLinear, cudaAddressModeClamp, false,
                                              cudaReadModeNormalizedFloat));
    zoo_buffer<float4> out(std::vector<float4>(n, make_float4(k_nan, k_nan, k_nan, k_nan)));
    sample_2d_float4<<<1, 64>>>(t.tex, d_uv.get(), out.get(), n);
    ZOO_CHECK(cudaDeviceSynchronize());
    const std::vector<float4> got = out.download();
    for (int i = 0; i < W * H; ++i) {
      INFO("texel " << i);
      REQUIRE_THAT(got[i].x, Catch::Matchers::WithinULP(texels[i].x / 255.0f, 1));
      REQUIRE_THAT(got[i].y, Catch::Matchers::WithinULP(texels[i].y / 255.0f, 1));
      REQUIRE_THAT(got[i].z, Catch::Matchers::WithinULP(texels[i].z / 255.0f, 1));
      REQUIRE_THAT(got[i].w, Catch::Matchers::WithinULP(texels[i].w / 255.0f, 1));
    }
    REQUIRE_THAT(got[n - 1].x, Catch::Matchers::WithinAbs(0.5f * (0.0f + 10.0f) / 255.0f, 1e-6));
    REQUIRE_THAT(got[n - 1].w, Catch::Matchers::WithinAbs(0.5f * (255.0f + 40.0f) / 255.0f, 1e-6));
  }
  SECTION("element type returns the stored bytes") {
    texture t(array_resource(a), texture_desc(cudaFilterModePoint, cudaAddressModeClamp, false));
    zoo_buffer<uchar4> out(std::vector<uchar4>(n, uchar4{9, 9, 9, 9}));
    sample_2d_uchar4<<<1, 64>>>(t.tex, d_uv.get(), out.get(), W * H);
    ZOO_CHECK(cudaDeviceSynchronize());
    const std::vector<uchar4> got = out.download();
    for (int i = 0; i < W * H; ++i) {
      INFO("texel " << i);
      REQUIRE((got[i].x == texels[i].x && got[i].y == texels[i].y && got[i].z == texels[i].z &&
               got[i].w == texels[i].w));
    }
  }
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("tex1Dfetch reads linear memory by index, 0 outside, and normalizes signed 16-bit texels",
          "[cudacpu][texture]") {
  std::vector<int> ints(11);
  for (int i = 0; i < 11; ++i) ints[i] = (i * 7919) % 1000 - 500;
  zoo_buffer<int> d_ints(ints);
  cudaResourceDesc res;
  std::memset(&res, 0, sizeof res);
  res.resType = cudaResourceTypeLinear;
  res.res.linear.devPtr = d_ints.get();
  res.res.linear.desc = cudaCreateChannelDesc<int>();
  res.res.linear.sizeInBytes = ints.size() * sizeof(int);
  {
    texture t(res, texture_desc(cudaFilterModePoint, cudaAddressModeClamp, false));
    zoo_buffer<int> out(std::vector<int>(13, 12345));
    fetch_ints<<<1, 64>>>(t.tex, -1, out.get(), 13);
    ZOO_CHECK(cudaDeviceSynchronize());
    const std::vector<int> got = out.download();
    REQUIRE(got[0] == 0);
    REQUIRE(got[12] == 0);
    for (int i = 0; i < 11; ++i) REQUIRE(got[i + 1] == ints[i]);
    cudaResourceDesc back;
    ZOO_CHECK(cudaGetTextureObjectResourceDesc(&back, t.tex));
    REQUIRE(back.resType == cudaResourceTypeLinear);
    REQUIRE(back.res.linear.devPtr == d_ints.get());
  }
  const std::vector<short> shorts = {-32768, -32767, -16384, 0, 1, 16384, 32767};
  zoo_buffer<short> d_shorts(shorts);
  res.res.linear.devPtr = d_shorts.get();
  res.res.linear.desc = cudaCreateChannelDesc<short>();
  res.res.linear.sizeInBytes = shorts.size() * sizeof(short);
  texture t(res, texture_desc(cudaFilterModePoint, cudaAddressModeClamp, false, cudaReadModeNormalizedFloat));
  zoo_buffer<float> out(std::vector<float>(shorts.size(), k_nan));
  fetch_normalized<<<1, 64>>>(t.tex, out.get(), static_cast<int>(shorts.size()));
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> got = out.download();
  for (std::size_t i = 0; i < shorts.size(); ++i) {
    INFO("short " << shorts[i]);
    REQUIRE_THAT(got[i], Catch::Matchers::WithinULP(std::max(shorts[i] / 32767.0f, -1.0f), 1));
  }
}

TEST_CASE("pitched 2D memory and 3D arrays filter like 2D arrays", "[cudacpu][texture]") {
  SECTION("Pitch2D") {
    constexpr int W = 5, H = 4;
    const std::vector<float> values = random_values(W * H, 14);
    float* d = nullptr;
    std::size_t pitch = 0;
    ZOO_CHECK(cudaMallocPitch(&d, &pitch, W * sizeof(float), H));
    ZOO_CHECK(cudaMemcpy2D(d, pitch, values.data(), W * sizeof(float), W * sizeof(float), H, cudaMemcpyHostToDevice));
    cudaResourceDesc res;
    std::memset(&res, 0, sizeof res);
    res.resType = cudaResourceTypePitch2D;
    res.res.pitch2D.devPtr = d;
    res.res.pitch2D.desc = cudaCreateChannelDesc<float>();
    res.res.pitch2D.width = W;
    res.res.pitch2D.height = H;
    res.res.pitch2D.pitchInBytes = pitch;
    {
      texture t(res, texture_desc(cudaFilterModeLinear, cudaAddressModeClamp, false));
      const std::vector<float2> uv = {{0.5f, 0.5f}, {1.3f, 2.9f}, {4.9f, 3.2f}, {-1.0f, 1.7f}};
      std::vector<float> want;
      for (const float2& p : uv) want.push_back(ref_fetch_2d(values, W, H, p.x, p.y, true));
      zoo_buffer<float2> d_uv(uv);
      zoo_buffer<float> out(std::vector<float>(uv.size(), k_nan));
      sample_2d<<<1, 64>>>(t.tex, d_uv.get(), out.get(), static_cast<int>(uv.size()));
      ZOO_CHECK(cudaDeviceSynchronize());
      require_close(out.download(), want);
    }
    ZOO_CHECK(cudaFree(d));
  }
  SECTION("3D array through cudaMemcpy3D") {
    constexpr int W = 4, H = 3, D = 3;
    const std::vector<float> values = random_values(W * H * D, 15);
    cudaArray_t a = nullptr;
    const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
    ZOO_CHECK(cudaMalloc3DArray(&a, &desc, make_cudaExtent(W, H, D)));
    cudaMemcpy3DParms p = {0};
    p.srcPtr = make_cudaPitchedPtr(const_cast<float*>(values.data()), W * sizeof(float), W, H);
    p.dstArray = a;
    p.extent = make_cudaExtent(W, H, D);
    p.kind = cudaMemcpyHostToDevice;
    ZOO_CHECK(cudaMemcpy3D(&p));
    const auto at = [&](long long x, long long y, long long z) {
      x = std::min(std::max(x, 0LL), W - 1LL);
      y = std::min(std::max(y, 0LL), H - 1LL);
      z = std::min(std::max(z, 0LL), D - 1LL);
      return values[static_cast<std::size_t>((z * H + y) * W + x)];
    };
    const std::vector<float3> pts = {{0.5f, 0.5f, 0.5f}, {1.7f, 1.1f, 1.9f}, {3.2f, 0.2f, 2.6f}, {2.0f, 2.0f, 1.0f}};
    std::vector<float> want;
    for (const float3& q : pts) {
      const float xb = q.x - 0.5f, yb = q.y - 0.5f, zb = q.z - 0.5f;
      const float i = std::floor(xb), j = std::floor(yb), k = std::floor(zb);
      const float al = ref_weight(xb - i), be = ref_weight(yb - j), ga = ref_weight(zb - k);
      const long long ii = static_cast<long long>(i), jj = static_cast<long long>(j), kk = static_cast<long long>(k);
      float v = 0.0f;
      for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            v += (dx ? al : 1 - al) * (dy ? be : 1 - be) * (dz ? ga : 1 - ga) * at(ii + dx, jj + dy, kk + dz);
      want.push_back(v);
    }
    {
      texture t(array_resource(a), texture_desc(cudaFilterModeLinear, cudaAddressModeClamp, false));
      zoo_buffer<float3> d_pts(pts);
      zoo_buffer<float> out(std::vector<float>(pts.size(), k_nan));
      sample_3d<<<1, 64>>>(t.tex, d_pts.get(), out.get(), static_cast<int>(pts.size()));
      ZOO_CHECK(cudaDeviceSynchronize());
      require_close(out.download(), want);
    }
    // And back out of the array, shifted by one slice.
    std::vector<float> back(W * H * 2, k_nan);
    cudaMemcpy3DParms q = {0};
    q.srcArray = a;
    q.srcPos = make_cudaPos(0, 0, 1);
    q.dstPtr = make_cudaPitchedPtr(back.data(), W * sizeof(float), W, H);
    q.extent = make_cudaExtent(W, H, 2);
    q.kind = cudaMemcpyDeviceToHost;
    ZOO_CHECK(cudaMemcpy3D(&q));
    for (int i = 0; i < W * H * 2; ++i) REQUIRE(back[i] == values[W * H + i]);
    ZOO_CHECK(cudaFreeArray(a));
  }
}

TEST_CASE("a layered texture filters inside each layer, never across layers", "[cudacpu][texture]") {
  constexpr int W = 4, H = 3, L = 3;
  std::vector<float> values(W * H * L);
  for (int l = 0; l < L; ++l)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) values[(l * H + y) * W + x] = l * 1000.0f + y * 10.0f + x * x;
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
  ZOO_CHECK(cudaMalloc3DArray(&a, &desc, make_cudaExtent(W, H, L), cudaArrayLayered));
  cudaMemcpy3DParms p = {0};
  p.srcPos = make_cudaPos(0, 0, 0);
  p.dstPos = make_cudaPos(0, 0, 0);
  p.srcPtr = make_cudaPitchedPtr(values.data(), W * sizeof(float), W, H);
  p.dstArray = a;
  p.extent = make_cudaExtent(W, H, L);
  p.kind = cudaMemcpyHostToDevice;
  ZOO_CHECK(cudaMemcpy3D(&p));
  const std::vector<float2> uv = {{0.5f, 0.5f}, {1.2f, 0.9f}, {3.9f, 2.8f}, {2.05f, -0.3f}};
  const int n = static_cast<int>(uv.size());
  std::vector<float> want;
  for (int l = 0; l < L; ++l) {
    const std::vector<float> layer(values.begin() + l * W * H, values.begin() + (l + 1) * W * H);
    for (const float2& q : uv) want.push_back(ref_fetch_2d(layer, W, H, q.x, q.y, true));
  }
  {
    texture t(array_resource(a), texture_desc(cudaFilterModeLinear, cudaAddressModeClamp, false));
    zoo_buffer<float2> d_uv(uv);
    zoo_buffer<float> out(std::vector<float>(n * L, k_nan));
    sample_layered<<<1, 64>>>(t.tex, d_uv.get(), L, out.get(), n);
    ZOO_CHECK(cudaDeviceSynchronize());
    require_close(out.download(), want);
  }
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("a cubemap picks the face of the direction's major axis and orients s and t as CUDA's table says",
          "[cudacpu][texture]") {
  constexpr int W = 4;
  std::vector<float> faces(W * W * 6);
  for (int f = 0; f < 6; ++f)
    for (int r = 0; r < W; ++r)
      for (int c = 0; c < W; ++c) faces[(f * W + r) * W + c] = f * 100.0f + r * 10.0f + c;
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
  ZOO_CHECK(cudaMalloc3DArray(&a, &desc, make_cudaExtent(W, W, 6), cudaArrayCubemap));
  cudaMemcpy3DParms p = {0};
  p.srcPtr = make_cudaPitchedPtr(faces.data(), W * sizeof(float), W, W);
  p.dstArray = a;
  p.extent = make_cudaExtent(W, W, 6);
  p.kind = cudaMemcpyHostToDevice;
  ZOO_CHECK(cudaMemcpy3D(&p));
  // Worked by hand from the table: face, then s/m and t/m mapped to [0, 1], times 4 texels, floored.
  const std::vector<float3> dirs = {{1.0f, -0.5f, 0.5f},  {-1.0f, 0.2f, 0.6f}, {0.3f, 2.0f, -1.0f},
                                    {-0.9f, -1.0f, 0.1f}, {0.4f, 0.4f, 1.0f},  {0.6f, -0.3f, -1.0f}};
  const std::vector<float> want = {31.0f, 113.0f, 212.0f, 310.0f, 412.0f, 520.0f};
  const int n = static_cast<int>(dirs.size());
  {
    texture t(array_resource(a), texture_desc(cudaFilterModePoint, cudaAddressModeClamp, true));
    zoo_buffer<float3> d_dirs(dirs);
    zoo_buffer<float> out(std::vector<float>(n, k_nan));
    sample_cubemap<<<1, 64>>>(t.tex, d_dirs.get(), out.get(), n);
    ZOO_CHECK(cudaDeviceSynchronize());
    require_close(out.download(), want, 0.0f);
  }
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("surface stores and loads round-trip, and the zero and clamp boundary modes", "[cudacpu][surface]") {
  constexpr int W = 13, H = 7;
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<int>();
  ZOO_CHECK(cudaMallocArray(&a, &desc, W, H, cudaArraySurfaceLoadStore));
  const cudaResourceDesc res = array_resource(a);
  cudaSurfaceObject_t s = 0;
  ZOO_CHECK(cudaCreateSurfaceObject(&s, &res));
  const dim3 block(8, 4);
  const dim3 grid((W + 7) / 8, (H + 3) / 4);
  surface_fill<<<grid, block>>>(s, W, H);
  zoo_buffer<int> out(std::vector<int>(W * H, -1));
  surface_read_plus_one<<<grid, block>>>(s, out.get(), W, H);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = out.download();
  std::vector<int> host(W * H, -1);
  ZOO_CHECK(cudaMemcpy2DFromArray(host.data(), W * sizeof(int), a, 0, 0, W * sizeof(int), H, cudaMemcpyDeviceToHost));
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      INFO("(" << x << ", " << y << ")");
      REQUIRE(host[y * W + x] == y * 1000 + x);
      REQUIRE(got[y * W + x] == y * 1000 + x + 1);
    }
  zoo_buffer<int> edges(std::vector<int>(3, -1));
  surface_edges<<<1, 1>>>(s, W, edges.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> e = edges.download();
  REQUIRE(e[0] == 0);                          // zero mode: a load outside reads 0
  REQUIRE(e[1] == 2 * 1000 + 0);               // clamp mode: x -1 -> column 0
  REQUIRE(e[2] == (H - 1) * 1000 + (W - 1));   // clamp mode: the far corner
  std::vector<int> after(W * H, -1);
  ZOO_CHECK(cudaMemcpy2DFromArray(after.data(), W * sizeof(int), a, 0, 0, W * sizeof(int), H, cudaMemcpyDeviceToHost));
  REQUIRE(after == host);  // the zero-mode store outside changed nothing
  ZOO_CHECK(cudaDestroySurfaceObject(s));

  // Layered surfaces: each layer keeps its own texels.
  constexpr int LW = 5, LH = 3, L = 2;
  cudaArray_t la = nullptr;
  const cudaChannelFormatDesc fdesc = cudaCreateChannelDesc<float>();
  ZOO_CHECK(cudaMalloc3DArray(&la, &fdesc, make_cudaExtent(LW, LH, L), cudaArrayLayered | cudaArraySurfaceLoadStore));
  const cudaResourceDesc lres = array_resource(la);
  ZOO_CHECK(cudaCreateSurfaceObject(&s, &lres));
  zoo_buffer<float> lout(std::vector<float>(LW * LH * L, k_nan));
  surface_layered_round_trip<<<1, dim3(LW, LH)>>>(s, LW, LH, L, lout.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> lgot = lout.download();
  for (int l = 0; l < L; ++l)
    for (int y = 0; y < LH; ++y)
      for (int x = 0; x < LW; ++x) REQUIRE(lgot[(l * LH + y) * LW + x] == l * 100.0f + y * 10.0f + x);
  ZOO_CHECK(cudaDestroySurfaceObject(s));
  ZOO_CHECK(cudaFreeArray(la));
  ZOO_CHECK(cudaFreeArray(a));
}

TEST_CASE("bad handles, destroyed textures, wrong result types and stores past the edge are reported",
          "[cudacpu][texture][errors]") {
  constexpr int W = 4, H = 2;
  const std::vector<float> values = random_values(W * H, 16);
  cudaArray_t a = nullptr;
  const cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
  ZOO_CHECK(cudaMallocArray(&a, &desc, W, H, cudaArraySurfaceLoadStore));
  const cudaResourceDesc res = array_resource(a);
  const cudaTextureDesc td = texture_desc(cudaFilterModePoint, cudaAddressModeClamp, false);
  cudaTextureObject_t destroyed = 0;
  ZOO_CHECK(cudaCreateTextureObject(&destroyed, &res, &td, nullptr));
  ZOO_CHECK(cudaDestroyTextureObject(destroyed));
  cudaTextureObject_t live = 0;
  ZOO_CHECK(cudaCreateTextureObject(&live, &res, &td, nullptr));
  cudaSurfaceObject_t surf = 0;
  ZOO_CHECK(cudaCreateSurfaceObject(&surf, &res));

  struct misuse {
    const char* name;
    int line;
    const char* says;
    cudaError_t code;
  };
  const misuse cases[] = {
      {"never-created handle", k_line_fetch_handle, "is not a texture object", cudaErrorIllegalAddress},
      {"destroyed texture", k_line_fetch_handle, "was destroyed by cudaDestroyTextureObject at", cudaErrorIllegalAddress},
      {"surface as texture", k_line_fetch_handle, "is a surface object", cudaErrorIllegalAddress},
      {"integer fetch of a float texture", k_line_fetch_as_int, "this texture returns floats", cudaErrorLaunchFailure},
      {"store past the edge", k_line_store_past_edge, "outside surface object", cudaErrorIllegalAddress},
  };
  for (int c = 0; c < 5; ++c) {
    const misuse& m = cases[c];
    INFO(m.name);
    std::string report;
    {
      zoo_buffer<float> out(1);
      zoo_buffer<int> iout(1);
      stderr_capture capture;
      switch (c) {
        case 0: fetch_handle<<<1, 1>>>(987654321ULL, out.get()); break;
        case 1: fetch_handle<<<1, 1>>>(destroyed, out.get()); break;
        case 2: fetch_handle<<<1, 1>>>(surf, out.get()); break;
        case 3: fetch_as_int<<<1, 1>>>(live, iout.get()); break;
        default: surface_store_past_edge<<<1, 1>>>(surf, W); break;
      }
      const cudaError_t e = cudaDeviceSynchronize();
      report = capture.text();
      INFO(report);
      REQUIRE(e == m.code);
    }
    INFO(report);
    REQUIRE(report.find("cudacpu: error: ") != std::string::npos);
    REQUIRE(report.find("zoo_texture.cu:" + std::to_string(m.line) + ":") != std::string::npos);
    REQUIRE(report.find(m.says) != std::string::npos);
    REQUIRE(cudaDeviceReset() == cudaSuccess);
  }
  // A destroyed handle is not destroyed twice; a surface needs cudaArraySurfaceLoadStore.
  {
    stderr_capture capture;
    REQUIRE(cudaDestroyTextureObject(destroyed) == cudaErrorInvalidValue);
    cudaArray_t plain = nullptr;
    ZOO_CHECK(cudaMallocArray(&plain, &desc, W, H));
    const cudaResourceDesc pres = array_resource(plain);
    cudaSurfaceObject_t bad = 0;
    REQUIRE(cudaCreateSurfaceObject(&bad, &pres) == cudaErrorInvalidValue);
    ZOO_CHECK(cudaFreeArray(plain));
    const std::string report = capture.text();
    INFO(report);
    REQUIRE(report.find("already destroyed") != std::string::npos);
    REQUIRE(report.find("cudaArraySurfaceLoadStore") != std::string::npos);
  }
  cudaGetLastError();
  ZOO_CHECK(cudaDestroyTextureObject(live));
  ZOO_CHECK(cudaDestroySurfaceObject(surf));
  ZOO_CHECK(cudaFreeArray(a));
}
