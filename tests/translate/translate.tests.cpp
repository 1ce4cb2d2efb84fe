/// @file translate.tests.cpp
/// @brief The CPU backend's translator on strings: each construct it rewrites, what it must leave alone, its
/// errors, and a golden multi-kernel file. Every translation is also checked to keep the line count.
#include "translate.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace ws::cudacpu_translate;

namespace {

std::size_t lines_of(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string describe(const std::vector<diagnostic>& errors) {
  std::string out;
  for (const diagnostic& e : errors)
    out += std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message + "\n";
  return out;
}

/// Where the kernel registrations start in a translated file (its end when there are none).
std::size_t registrations_at(const std::string& translated) {
  const std::size_t at = translated.find("#line 1 \"<cudacpu: kernel registrations>\"\n");
  return at == std::string::npos ? translated.size() : at;
}

/// Translates @p source, requires no errors and the same number of lines (+2 header lines in the full output,
/// before the kernel registrations), and returns the body.
std::string body(const std::string& source) {
  std::vector<diagnostic> errors;
  const std::string full = translate(source, "/src/k.cu", errors);
  INFO("input:\n" << source << "\nerrors:\n" << describe(errors));
  REQUIRE(errors.empty());
  const std::string header = "#include <cuda_runtime.h>\n#line 1 \"/src/k.cu\"\n";
  REQUIRE(full.substr(0, header.size()) == header);
  const std::string translated = full.substr(0, registrations_at(full));
  CHECK(lines_of(translated) == lines_of(source) + 2);
  return translated.substr(header.size());
}

/// The errors for @p source, as "line:col: message" lines.
std::vector<diagnostic> errors_of(const std::string& source) {
  std::vector<diagnostic> errors;
  (void)translate_body(source, errors);
  return errors;
}

std::string launch(const std::string& config, const std::string& kernel, const std::string& args) {
  return "::cudacpu::launch(::cudacpu::launch_config(" + config + "), [&](auto&... ws_args_) { " + kernel +
         "(ws_args_...); })(" + args + ")";
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Launches

TEST_CASE("a plain launch becomes a launch call with a lambda that forwards the arguments", "[translate][launch]") {
  CHECK(body("  k<<<grid, block>>>(x, n);\n") == "  " + launch("grid, block", "k", "x, n") + ";\n");
  CHECK(body("k<<<1, 1>>>();") == launch("1, 1", "k", "") + ";");
}

TEST_CASE("spaces around the kernel and the configuration are kept where they were", "[translate][launch]") {
  CHECK(body("k <<< g, b >>> (x);\n") ==
        "::cudacpu::launch(::cudacpu::launch_config( g, b ), [&](auto&... ws_args_) { k (ws_args_...); }) (x);\n");
}

TEST_CASE("shared memory size and stream stay in the configuration", "[translate][launch]") {
  CHECK(body("k<<<g, b, smem>>>(x);\n") == launch("g, b, smem", "k", "x") + ";\n");
  CHECK(body("k<<<g, b, 0, stream>>>(x);\n") == launch("g, b, 0, stream", "k", "x") + ";\n");
}

TEST_CASE("a grid computed with parentheses and division is translated, where regexes give up", "[translate][launch]") {
  CHECK(body("k<<<(n + 255) / 256, 256>>>(x, n);\n") == launch("(n + 255) / 256, 256", "k", "x, n") + ";\n");
  CHECK(body("k<<<dim3((n + 15) / 16, (m + 15) / 16), dim3(16, 16)>>>(a);\n") ==
        launch("dim3((n + 15) / 16, (m + 15) / 16), dim3(16, 16)", "k", "a") + ";\n");
}

TEST_CASE("qualified kernel names keep their qualification", "[translate][launch]") {
  CHECK(body("ns::k<<<1, 2>>>(x);") == launch("1, 2", "ns::k", "x") + ";");
  CHECK(body("::k<<<1, 2>>>(x);") == launch("1, 2", "::k", "x") + ";");
  CHECK(body("a::b::k<<<1, 2>>>(x);") == launch("1, 2", "a::b::k", "x") + ";");
  CHECK(body("return ::k<<<1, 2>>>(x);") == "return " + launch("1, 2", "::k", "x") + ";");
  CHECK(body("Outer<int>::k<<<1, 2>>>(x);") == launch("1, 2", "Outer<int>::k", "x") + ";");
}

TEST_CASE("template-id kernels keep template arguments that contain <, > and parentheses", "[translate][launch]") {
  CHECK(body("k<T, (2 > 1)><<<g, b>>>(x);") == launch("g, b", "k<T, (2 > 1)>", "x") + ";");
  CHECK(body("k<float, Tile<16>><<<g, b>>>(x);") == launch("g, b", "k<float, Tile<16>>", "x") + ";");
  CHECK(body("k<Tile<Tile<2>>><<<g, b>>>(x);") == launch("g, b", "k<Tile<Tile<2>>>", "x") + ";");
  CHECK(body("ns::k<float, 256><<<g, b>>>(x);") == launch("g, b", "ns::k<float, 256>", "x") + ";");
  CHECK(body("k<(n >> 1)><<<g, b>>>(x);") == launch("g, b", "k<(n >> 1)>", "x") + ";");
}

TEST_CASE("member accesses, subscripts, calls and parenthesized kernel expressions are kept whole",
          "[translate][launch]") {
  CHECK(body("obj.k<<<1, 1>>>(x);") == launch("1, 1", "obj.k", "x") + ";");
  CHECK(body("p->k<<<1, 1>>>(x);") == launch("1, 1", "p->k", "x") + ";");
  CHECK(body("obj.template k<int><<<1, 1>>>(x);") == launch("1, 1", "obj.template k<int>", "x") + ";");
  CHECK(body("table[i]<<<1, 1>>>(x);") == launch("1, 1", "table[i]", "x") + ";");
  CHECK(body("pick(v)<<<1, 1>>>(x);") == launch("1, 1", "pick(v)", "x") + ";");
  CHECK(body("(fast ? k1 : k2)<<<1, 1>>>(x);") == launch("1, 1", "(fast ? k1 : k2)", "x") + ";");
  CHECK(body("if (fast) k<<<1, 1>>>(x);") == "if (fast) " + launch("1, 1", "k", "x") + ";");
  CHECK(body("else k<<<1, 1>>>(x);") == "else " + launch("1, 1", "k", "x") + ";");
}

TEST_CASE("a launch over several lines keeps every newline, so the lines after it keep their numbers",
          "[translate][launch]") {
  const std::string in =
      "k<<<grid,\n"
      "    block,\n"
      "    smem>>>(a,\n"
      "            b);\n"
      "int after = 1;\n";
  const std::string out = body(in);
  CHECK(out ==
        "::cudacpu::launch(::cudacpu::launch_config(grid,\n    block,\n    smem), [&](auto&... ws_args_) "
        "{ k(ws_args_...); })(a,\n            b);\nint after = 1;\n");
  CHECK(out.substr(out.rfind('\n', out.size() - 2) + 1) == "int after = 1;\n");
  CHECK(body("k<<<1, 1>>>\n  (x);\n") ==
        "::cudacpu::launch(::cudacpu::launch_config(1, 1), [&](auto&... ws_args_) "
        "{ k(ws_args_...); })\n  (x);\n");
  CHECK(body("k // the kernel\n<<<1, 1>>>(x);\n") ==
        "::cudacpu::launch(::cudacpu::launch_config(1, 1), [&](auto&... ws_args_) { k // the kernel\n"
        "(ws_args_...); })(x);\n");
}

TEST_CASE("arguments with nested parentheses, braces, templates, lambdas and shifts are copied as they are",
          "[translate][launch]") {
  CHECK(body("k<<<g, b>>>(f(a, g<3>(b)), S{1, 2}, x >> 2, y << 1);") ==
        launch("g, b", "k", "f(a, g<3>(b)), S{1, 2}, x >> 2, y << 1") + ";");
  CHECK(body("k<<<g >> 1, b>>>(x>>1);") == launch("g >> 1, b", "k", "x>>1") + ";");
  CHECK(body("k<<<n, std::min<int>(n, 256)>>>(x);") == launch("n, std::min<int>(n, 256)", "k", "x") + ";");
  CHECK(body("k<<<1, 1>>>([&](int i) { return v[i]; }, \")\", ')');") ==
        launch("1, 1", "k", "[&](int i) { return v[i]; }, \")\", ')'") + ";");
}

TEST_CASE("launches inside namespaces, templates, lambdas and other launches' arguments are translated",
          "[translate][launch]") {
  const std::string in =
      "namespace a { namespace {\n"
      "template <typename T> void run(T* x) {\n"
      "  auto go = [&] { k<T><<<1, 2>>>(x); };\n"
      "  helper([&] { j<<<3, 4>>>(x); });\n"
      "}\n"
      "} }\n";
  CHECK(body(in) ==
        "namespace a { namespace {\n"
        "template <typename T> void run(T* x) {\n"
        "  auto go = [&] { " +
            launch("1, 2", "k<T>", "x") +
            "; };\n"
            "  helper([&] { " +
            launch("3, 4", "j", "x") +
            "; });\n"
            "}\n"
            "} }\n");
  CHECK(body("outer<<<1, 1>>>([&] { inner<<<2, 2>>>(y); });") ==
        launch("1, 1", "outer", "[&] { " + launch("2, 2", "inner", "y") + "; }") + ";");
}

TEST_CASE("launches in #define bodies are translated, across backslash continuations", "[translate][launch]") {
  CHECK(body("#define LAUNCH(k, ...) k<<<1, 256>>>(__VA_ARGS__)\n") ==
        "#define LAUNCH(k, ...) " + launch("1, 256", "k", "__VA_ARGS__") + "\n");
  const std::string in =
      "#define LAUNCH(n, ...) \\\n"
      "  scale<<<((n) + 255) / 256, \\\n"
      "          256>>>(__VA_ARGS__)\n"
      "int after;\n";
  CHECK(body(in) ==
        "#define LAUNCH(n, ...) \\\n"
        "  ::cudacpu::launch(::cudacpu::launch_config(((n) + 255) / 256, \\\n"
        "          256), [&](auto&... ws_args_) { scale(ws_args_...); })(__VA_ARGS__)\n"
        "int after;\n");
  // The macro's parameter list is no part of the kernel expression.
  CHECK(body("#define RUN(x) (k)<<<1, 1>>>(x)\n") == "#define RUN(x) " + launch("1, 1", "(k)", "x") + "\n");
}

TEST_CASE("shifts, stream output and <<< in comments, strings and other directives are left alone",
          "[translate][launch]") {
  const std::string in =
      "int y = a << (b << c);\n"
      "std::cout << \"k<<<1, 1>>>(x)\" << '<' << std::endl;\n"
      "// k<<<1, 1>>>(x);\n"
      "/* k<<<1, 1>>>(x);\n"
      "   still a comment */\n"
      "auto r = R\"d(k<<<1, 1>>>(x) \")\" )d\";\n"
      "auto u = u8\"k<<<1,1>>>()\";\n"
      "int big = 1'000'000 << 2;\n"
      "#pragma message(\"k<<<1, 1>>>(x)\")\n"
      "#if 0\n"
      "#error k<<<1, 1>>>(x) isn't translated here\n"
      "#endif\n"
      "#include <vector>\n"
      "// a comment continued \\\n"
      "   k<<<1, 1>>>(x);\n";
  CHECK(body(in) == in);
}

TEST_CASE("operator<<<T> is a template-id, not a launch", "[translate][launch]") {
  const std::string in = "template <> std::ostream& operator<<<int>(std::ostream& o, const W<int>& w);\n";
  CHECK(body(in) == in);
}

TEST_CASE("a launch whose arguments span #ifdef lines keeps the directives on their own lines", "[translate][launch]") {
  const std::string in =
      "k<<<1, 1>>>(a,\n"
      "#ifdef WIDE\n"
      "  b\n"
      "#else\n"
      "  c\n"
      "#endif\n"
      ");\n";
  CHECK(body(in) == launch("1, 1", "k", "a,\n#ifdef WIDE\n  b\n#else\n  c\n#endif\n") + ";\n");
}

// ---------------------------------------------------------------------------------------------------------------
// __shared__

TEST_CASE("a __shared__ array becomes a reference to the block's shared variable", "[translate][shared]") {
  CHECK(body("void k() {\n  __shared__ float tile[16][17];\n}\n") ==
        "void k() {\n  float (&tile)[16][17] = ::cudacpu::shared_variable<float[16][17]>([]{}, \"tile\");\n}\n");
  CHECK(body("void k() { __shared__ float cache[BLOCK / 2 + 1]; }") ==
        "void k() { float (&cache)[BLOCK / 2 + 1] = ::cudacpu::shared_variable<float[BLOCK / 2 + 1]>([]{}, \"cache\"); }");
}

TEST_CASE("a __shared__ scalar becomes a plain reference, which gcc does not warn about", "[translate][shared]") {
  CHECK(body("void k() { __shared__ int count; }") ==
        "void k() { int& count = ::cudacpu::shared_variable<int>([]{}, \"count\"); }");
}

TEST_CASE("qualifiers, dependent types, templates and pointers stay part of the type", "[translate][shared]") {
  CHECK(body("void k() { __shared__ volatile float v[32]; }") ==
        "void k() { volatile float (&v)[32] = ::cudacpu::shared_variable<volatile float[32]>([]{}, \"v\"); }");
  CHECK(body("void k() { __shared__ typename BlockReduce::TempStorage temp; }") ==
        "void k() { typename BlockReduce::TempStorage& temp = "
        "::cudacpu::shared_variable<typename BlockReduce::TempStorage>([]{}, \"temp\"); }");
  CHECK(body("void k() { __shared__ float* ptrs[4]; }") ==
        "void k() { float* (&ptrs)[4] = ::cudacpu::shared_variable<float*[4]>([]{}, \"ptrs\"); }");
  CHECK(body("void k() { __shared__ float *p; }") ==
        "void k() { float*& p = ::cudacpu::shared_variable<float*>([]{}, \"p\"); }");
  CHECK(body("void k() { __shared__ Vec<float, 4> v[8]; }") ==
        "void k() { Vec<float, 4> (&v)[8] = ::cudacpu::shared_variable<Vec<float, 4>[8]>([]{}, \"v\"); }");
  CHECK(
      body("void k() { __shared__ unsigned long long int hits[2]; }") ==
      "void k() { unsigned long long int (&hits)[2] = ::cudacpu::shared_variable<unsigned long long int[2]>([]{}, \"hits\"); }");
  CHECK(
      body("void k() { __shared__ std::array<Tile<(N > 2)>, 2> t; }") ==
      "void k() { std::array<Tile<(N > 2)>, 2>& t = ::cudacpu::shared_variable<std::array<Tile<(N > 2)>, 2>>([]{}, \"t\"); }");
}

TEST_CASE("__shared__ may follow other specifiers; static and alignment requests are dropped", "[translate][shared]") {
  CHECK(body("void k() { volatile __shared__ float x[32]; }") ==
        "void k() { volatile float (&x)[32] = ::cudacpu::shared_variable<volatile float[32]>([]{}, \"x\"); }");
  CHECK(body("void k() { static __shared__ int s[8]; }") ==
        "void k() { int (&s)[8] = ::cudacpu::shared_variable<int[8]>([]{}, \"s\"); }");
  CHECK(body("void k() { __shared__ __align__(16) float a[8]; }") ==
        "void k() { float (&a)[8] = ::cudacpu::shared_variable<float[8]>([]{}, \"a\"); }");
  CHECK(body("void k() { __shared__ alignas(alignof(float4)) float b[8]; }") ==
        "void k() { float (&b)[8] = ::cudacpu::shared_variable<float[8]>([]{}, \"b\"); }");
  CHECK(body("void k() { float __shared__ c[2]; }") ==
        "void k() { float (&c)[2] = ::cudacpu::shared_variable<float[2]>([]{}, \"c\"); }");
  CHECK(body("void k() { __device__ __shared__ int d; }") ==
        "void k() { int& d = ::cudacpu::shared_variable<int>([]{}, \"d\"); }");
}

TEST_CASE("several declarators become several declarations on the same line", "[translate][shared]") {
  CHECK(body("void k() { __shared__ float a[16], b[16][17]; }") ==
        "void k() { float (&a)[16] = ::cudacpu::shared_variable<float[16]>([]{}, \"a\"); "
        "float (&b)[16][17] = ::cudacpu::shared_variable<float[16][17]>([]{}, \"b\"); }");
  CHECK(body("void k() { __shared__ float *p, q[2]; }") ==
        "void k() { float*& p = ::cudacpu::shared_variable<float*>([]{}, \"p\"); "
        "float (&q)[2] = ::cudacpu::shared_variable<float[2]>([]{}, \"q\"); }");
  CHECK(body("void k() { __shared__ float a[f(1, 2)], b[X<1, 2>::v]; }") ==
        "void k() { float (&a)[f(1, 2)] = ::cudacpu::shared_variable<float[f(1, 2)]>([]{}, \"a\"); "
        "float (&b)[X<1, 2>::v] = ::cudacpu::shared_variable<float[X<1, 2>::v]>([]{}, \"b\"); }");
}

TEST_CASE("a __shared__ declaration over several lines keeps each declarator on its line", "[translate][shared]") {
  const std::string in =
      "void k() {\n"
      "  __shared__ float a[16],  // rows\n"
      "                   b[16\n"
      "                     + 1];\n"
      "  a[0] = 1;\n"
      "}\n";
  CHECK(body(in) ==
        "void k() {\n"
        "  float (&a)[16] = ::cudacpu::shared_variable<float[16]>([]{}, \"a\");\n"
        "                   float (&b)[16 + 1] = ::cudacpu::shared_variable<float[16 + 1]>([]{}, \"b\");\n"
        "\n"
        "  a[0] = 1;\n"
        "}\n");
  CHECK(body("void k() {\n  __shared__\n  float x;\n}\n") ==
        "void k() {\n  \n  float& x = ::cudacpu::shared_variable<float>([]{}, \"x\");\n}\n");
}

TEST_CASE("extern __shared__ arrays become pointers to the dynamic shared memory", "[translate][shared]") {
  CHECK(body("void k() { extern __shared__ float s[]; }") ==
        "void k() { float* s = ::cudacpu::dynamic_shared<float>(); }");
  CHECK(body("void k() { extern __shared__ __align__(16) unsigned char smem[]; }") ==
        "void k() { unsigned char* smem = ::cudacpu::dynamic_shared<unsigned char>(); }");
  CHECK(body("void k() { extern __shared__ alignas(16) double d[]; }") ==
        "void k() { double* d = ::cudacpu::dynamic_shared<double>(); }");
  CHECK(body("template <class T> void k() { extern volatile __shared__ T t[]; }") ==
        "template <class T> void k() { volatile T* t = ::cudacpu::dynamic_shared<volatile T>(); }");
}

TEST_CASE("a class defined in a __shared__ declaration stays on its lines and names the variable's type",
          "[translate][shared]") {
  const std::string in =
      "void k() {\n"
      "  __shared__ union TempStorage\n"
      "  {\n"
      "    float sort[4];\n"
      "  } temp, more[2];\n"
      "  __shared__ struct { int a; } anon;\n"
      "}\n";
  CHECK(body(in) ==
        "void k() {\n"
        "  union TempStorage\n"
        "  {\n"
        "    float sort[4];\n"
        "  }; TempStorage& temp = ::cudacpu::shared_variable<TempStorage>([]{}, \"temp\"); "
        "TempStorage (&more)[2] = ::cudacpu::shared_variable<TempStorage[2]>([]{}, \"more\");\n"
        "  struct ws_shared_type_97_ { int a; }; ws_shared_type_97_& anon = "
        "::cudacpu::shared_variable<ws_shared_type_97_>([]{}, \"anon\");\n"
        "}\n");
}

TEST_CASE("an extern __shared__ array at namespace scope becomes a macro that asks the running block",
          "[translate][shared]") {
  const std::string in =
      "extern __shared__ float smem[];  // shared by all kernels below\n"
      "namespace n {\n"
      "  extern __shared__ __align__(16) unsigned char\n"
      "      bytes[];\n"
      "}\n"
      "__global__ void k() { smem[threadIdx.x] = 0; }\n";
  CHECK(body(in) ==
        "#define smem (::cudacpu::dynamic_shared<float>())  // shared by all kernels below\n"
        "namespace n {\n"
        "  \n"
        "      #define bytes (::cudacpu::dynamic_shared<unsigned char>())\n"
        "}\n"
        "__global__ void k() { smem[threadIdx.x] = 0; }\n");
  auto errors = errors_of("extern __shared__ float a[]; int x;\nextern __shared__ float b[], c[];\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 1);
  CHECK_THAT(errors[0].message, Catch::Contains("alone on its line"));
  CHECK(errors[1].line == 2);
  CHECK(errors[1].column == 28);
  CHECK_THAT(errors[1].message, Catch::Contains("one __shared__ variable per declaration"));
}

TEST_CASE("extern __shared__ in a #define body becomes the dynamic shared memory pointer", "[translate][shared]") {
  const std::string in =
      "#define SHARED(t, n) \\\n"
      "  struct S_##n { __device__ t& at(int i) { extern __shared__ t n[]; return n[i]; } }\n"
      "SHARED(float, s_float);\n";
  CHECK(body(in) ==
        "#define SHARED(t, n) \\\n"
        "  struct S_##n { __device__ t& at(int i) { t* n = ::cudacpu::dynamic_shared<t>(); return n[i]; } }\n"
        "SHARED(float, s_float);\n");
  // Any other __shared__ in a macro stays as written (its use stops the build with defs.h's message).
  const std::string other = "#define TILE(n) __shared__ float n[16]\n#define E(n) extern __shared__ float n[4];\n";
  CHECK(body(other) == other);
}

TEST_CASE("a __shared__ variable at namespace scope becomes a macro that asks the running block for its instance",
          "[translate][shared]") {
  const std::string in =
      "__shared__ float tile[16][17];\n"
      "__global__ void k() { tile[threadIdx.y][threadIdx.x] = 0; }\n";
  const std::string out = body(in);
  const std::string first = out.substr(0, out.find('\n'));
  CHECK(first.rfind("#define tile (::cudacpu::shared_variable<float[16][17]>(::std::integral_constant<unsigned long long, ",
                    0) == 0);
  CHECK(first.find("ull>{}, \"tile\"))") != std::string::npos);
  CHECK(out.substr(out.find('\n')) == "\n__global__ void k() { tile[threadIdx.y][threadIdx.x] = 0; }\n");
  // The key is the same for the same declaration (in another file including the same header) and differs for
  // another one.
  CHECK(body(in).substr(0, out.find('\n')) == first);
  CHECK(body("__shared__ float tile[16][16];\n").substr(0, first.size()) != first);
  auto errors = errors_of("__shared__ float a[4]; int x;\n__shared__ int b, c;\n");
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0].message, Catch::Contains("alone on its line"));
  CHECK_THAT(errors[1].message, Catch::Contains("one __shared__ variable per declaration"));
}

TEST_CASE("__shared__ in lambdas, member functions, control flow and after directives is translated",
          "[translate][shared]") {
  CHECK(body("auto f = [] { __shared__ int n; };") ==
        "auto f = [] { int& n = ::cudacpu::shared_variable<int>([]{}, \"n\"); };");
  CHECK(body("struct S { void g() { __shared__ int n; } };") ==
        "struct S { void g() { int& n = ::cudacpu::shared_variable<int>([]{}, \"n\"); } };");
  CHECK(body("void k() { if (x) { __shared__ int n; } }") ==
        "void k() { if (x) { int& n = ::cudacpu::shared_variable<int>([]{}, \"n\"); } }");
  CHECK(body("void k() {\n#pragma unroll\n  __shared__ int n;\n}") ==
        "void k() {\n#pragma unroll\n  int& n = ::cudacpu::shared_variable<int>([]{}, \"n\");\n}");
  CHECK(body("void k() { label: __shared__ int n; }") ==
        "void k() { label: int& n = ::cudacpu::shared_variable<int>([]{}, \"n\"); }");
}

TEST_CASE("__shared__ in comments, strings and directives is left alone", "[translate][shared]") {
  const std::string in =
      "void k() {\n"
      "  // __shared__ float a[4];\n"
      "  const char* s = \"__shared__ float b[4];\";\n"
      "  /* __shared__ float c[4]; */\n"
      "}\n"
      "#define SHARED_TILE __shared__ float tile[16]\n"
      "int my__shared__var;\n";
  CHECK(body(in) == in);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

TEST_CASE("an initializer on a __shared__ variable is an error at the '='", "[translate][errors]") {
  auto errors = errors_of("void k() {\n  __shared__ int n = 0;\n}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 20);
  CHECK_THAT(errors[0].message, Catch::Contains("cannot have an initializer"));

  errors = errors_of("void k() { __shared__ float a[2] = {1, 2}; __shared__ float b{}; __shared__ int c(3); }");
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].column == 34);
  CHECK(errors[1].column == 62);
  CHECK(errors[2].column == 82);
}

TEST_CASE("malformed launches are errors at the launch's line and column", "[translate][errors]") {
  auto errors = errors_of("void f() {\n  k<<<1, 1>>(x);\n}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 4);
  CHECK_THAT(errors[0].message, Catch::Contains("not closed by '>>>'"));

  errors = errors_of("void f() {\n  k<<<1, 1>>> x;\n}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 11);
  CHECK_THAT(errors[0].message, Catch::Contains("expected '('"));

  errors = errors_of("k<<<>>>(x);");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::Contains("empty launch configuration"));

  errors = errors_of("void f() {\n\n     <<<1, 1>>>(x);\n}");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 3);
  CHECK(errors[0].column == 6);
  CHECK_THAT(errors[0].message, Catch::Contains("expected a kernel"));

  errors = errors_of("k<<<1, 1>>>(x, f(y);\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].column == 12);
  CHECK_THAT(errors[0].message, Catch::Contains("not closed by ')'"));
}

TEST_CASE("__shared__ in a class, sharing its line at namespace scope, or without a ';' is an error",
          "[translate][errors]") {
  auto errors =
      errors_of("__shared__ float g[4];\nnamespace n { __shared__ int h; }\nstruct S {\n  __shared__ int m;\n};\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 15);
  CHECK_THAT(errors[0].message, Catch::Contains("alone on its line"));
  CHECK(errors[1].line == 4);
  CHECK(errors[1].column == 3);
  CHECK_THAT(errors[1].message, Catch::Contains("inside a function body"));

  errors = errors_of("void k() { __shared__ float a[4] }");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::Contains("expected ';'"));
}

TEST_CASE("extern __shared__ that is not an array of unknown size is an error", "[translate][errors]") {
  auto errors = errors_of("void k() { extern __shared__ float s[64]; extern __shared__ float t; }");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].column == 36);
  CHECK_THAT(errors[0].message, Catch::Contains("extern __shared__ T s[];"));
  CHECK(errors[1].column == 67);
}

TEST_CASE("__shared__ declarations the translator cannot read are errors, not silent garbage", "[translate][errors]") {
  CHECK(errors_of("void k() { __shared__ float; }").size() == 1);
  CHECK(errors_of("void k() { __shared__ x[4]; }").size() == 1);
  CHECK(errors_of("void k() { for (;;) __shared__ float a[2]; }").size() == 1);
  CHECK(errors_of("void k() { __shared__ float a[2] b; }").size() == 1);
}

TEST_CASE("errors print gcc-style as file:line:col with the line and a caret", "[translate][errors]") {
  const std::string source = "void f() {\n\tk<<<1, 1>>(x);\n}\n";
  auto errors = errors_of(source);
  REQUIRE(errors.size() == 1);
  CHECK(format_diagnostic("/src/k.cu", source, errors[0]) ==
        "/src/k.cu:2:3: error: this launch configuration is not closed by '>>>'\n"
        " 2 | \tk<<<1, 1>>(x);\n"
        "   | \t ^\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The whole file

TEST_CASE("the output starts with the runtime include and a #line naming the original file", "[translate][file]") {
  std::vector<diagnostic> errors;
  CHECK(translate("int x;\n", "/home/me/lab.cu", errors) ==
        "#include <cuda_runtime.h>\n#line 1 \"/home/me/lab.cu\"\nint x;\n");
  CHECK(translate("", "C:\\labs\\a \"b\".cu", errors) ==
        "#include <cuda_runtime.h>\n#line 1 \"C:\\\\labs\\\\a \\\"b\\\".cu\"\n");
  CHECK(translate("\xEF\xBB\xBF#include <x>\nk<<<1, 1>>>();", "/a.cu", errors) ==
        "#include <cuda_runtime.h>\n#line 1 \"/a.cu\"\n#include <x>\n" + launch("1, 1", "k", "") + ";");
  CHECK(errors.empty());
}

TEST_CASE("a header starts with a #line naming it and has no runtime include of its own", "[translate][file]") {
  std::vector<diagnostic> errors;
  const std::string src = "__global__ void k() {\n  __shared__ int s[4];\n}\n";
  CHECK(body(src) != src);
  const std::string header = translate_header(src, "/w/k.cuh", errors);
  CHECK(header.substr(0, registrations_at(header)) == "#line 1 \"/w/k.cuh\"\n" + body(src));
  CHECK(errors.empty());
}

TEST_CASE("the kernels at namespace scope are registered after the file, for cudaLaunchKernel((void*)k, ...)",
          "[translate][file]") {
  const std::string src =
      "namespace a { namespace b {\n"
      "struct P { int n; };\n"
      "__global__ void scale(float* x,\n    P p) {}\n"
      "} }\n"
      "namespace { __global__ void __launch_bounds__(128) add(float* x, int n) {} }\n"
      "__global__ void add2(int* x);\n"
      "__global__ void add2(int* x) {}\n"
      "template <int N> __global__ void templ(float* x) {}\n"
      "__global__ void with_default(float* x, int n = 3) {}\n"
      "void a::b::host() {}\n"
      "struct S { static void member(); };\n"
      "extern \"C\" { __global__ void c_kernel() {} }\n";
  std::vector<diagnostic> errors;
  const std::string out = translate(src, "/src/k.cu", errors);
  REQUIRE(errors.empty());
  const std::string regs = out.substr(registrations_at(out));
  // Named after the file (a hash of its path), so a .cu and the headers translated with it never collide.
  const std::string reg = "[[maybe_unused]] static const bool ws_cudacpu_kernel_" + std::to_string(936805322) + "_";
  const std::string call = " = ::cudacpu::detail::register_kernel(static_cast<void (*)";
  // One line each, reopening the namespaces; not the template, the kernel with a default argument or host code;
  // a declaration and its definition once.
  CHECK(regs == "#line 1 \"<cudacpu: kernel registrations>\"\n"
                "namespace a { namespace b { " + reg + "0" + call + "(float* x, P p)>(&scale)); }}\n"
                "namespace { " + reg + "1" + call + "(float* x, int n)>(&add)); }\n" +
                reg + "2" + call + "(int* x)>(&add2));\n" +
                reg + "3" + call + "()>(&c_kernel));\n");
}

TEST_CASE("the quoted includes are found, with the byte range of each name", "[translate][include]") {
  const std::string src =
      "#include <cuda_runtime.h>\n"
      "#include \"kernels/a.cuh\"\n"
      "  #  include   \"b.h\" // trailing\n"
      "// #include \"commented.h\"\n"
      "/* #include \"block.h\" */\n"
      "const char* s = \"#include \\\"string.h\\\"\";\n"
      "#include_next \"next.h\"\n"
      "#define INC \"macro.h\"\n"
      "#include \"\"\n"
      "#include \"unterminated.h\n"
      "#include \"c.cuh\"";
  const auto incs = quoted_includes(src);
  REQUIRE(incs.size() == 3);
  CHECK(incs[0].name == "kernels/a.cuh");
  CHECK(src.substr(incs[0].begin, incs[0].end - incs[0].begin) == "kernels/a.cuh");
  CHECK(incs[1].name == "b.h");
  CHECK(src.substr(incs[1].begin, incs[1].end - incs[1].begin) == "b.h");
  CHECK(incs[2].name == "c.cuh");
  CHECK(incs[2].end == src.size() - 1);
}

TEST_CASE("a file without launches or __shared__ comes back byte for byte", "[translate][file]") {
  const std::string in = "// plain C++\r\n#include <cstdio>\r\nint main() { std::printf(\"%d\\n\", 1 << 3); }\r\n";
  CHECK(body(in) == in);
}

TEST_CASE("a realistic multi-kernel file translates to the golden output", "[translate][file]") {
  const std::string dir = WS_TRANSLATE_TEST_DIR;
  const std::string source = read(dir + "/golden/kernels.cu");
  std::vector<diagnostic> errors;
  const std::string out = translate(source, "kernels.cu", errors);
  INFO(describe(errors));
  REQUIRE(errors.empty());
  CHECK(lines_of(out.substr(0, registrations_at(out))) == lines_of(source) + 2);
  const std::string expected = read(dir + "/golden/kernels.expected.cpp");
  CHECK(out == expected);
}
