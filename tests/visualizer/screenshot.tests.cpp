/// @file screenshot.tests.cpp
/// @brief The visualizer app, checked by its pictures: ws_viz --screenshot renders each panel headless to a PNG, and
/// the tests read the pixels (the CPU and GPU colors are there, different inputs give different pictures, every
/// panel draws something). Also the chart module's pure helpers (ticks, tick labels).
///
/// Needs an X display: ctest runs this binary under xvfb-run (tests/visualizer/app.cmake). Run by hand without one,
/// it wraps each ws_viz call in xvfb-run itself, or, without xvfb-run either, exits with WS_SKIP_RETURN_CODE so the
/// screenshot tests show as Skipped, never Passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#ifdef WS_STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_IMPLEMENTATION  // no libstb to link: compile stb_image here
#endif
#include <stb_image.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "chart.hpp"
#include "style.hpp"

namespace fs = std::filesystem;
using ws_viz::chart::scale;

namespace {

bool g_wrap_in_xvfb = false;  // no DISPLAY, but xvfb-run exists: each ws_viz call starts its own X server

const fs::path source_dir = WS_SOURCE_DIR;
const fs::path fixture_h100 = source_dir / "tests/visualizer/fixtures/gpu-h100-handmade.json";
const fs::path fixture_cpu = source_dir / "bench/results/matmul-cpu-amd-epyc-zen4-2vcpu.json";
const fs::path fixture_malformed = source_dir / "tests/visualizer/fixtures/malformed-not-json.json";
const fs::path fixture_reduce_v2 = source_dir / "tests/visualizer/fixtures/reduce-v2-handmade.json";

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// A fresh temporary folder for one test's pictures, removed with the object.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "ws_viz_test_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

struct run_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs ws_viz with @p args (already quoted), capturing its output.
run_result run_viz(const std::string& args, const fs::path& log, const fs::path& root = source_dir) {
  std::string command = quote(WS_VIZ_PATH) + " --root " + quote(root.string()) + " " + args;
  if (g_wrap_in_xvfb) command = "xvfb-run -a -s '-screen 0 1280x720x24' " + command;
  command += " >" + quote(log.string()) + " 2>&1";
  const int status = std::system(command.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

struct image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;  // 3 bytes a pixel, rows top-down
  bool ok() const { return w > 0 && h > 0; }
};

image load_png(const fs::path& p) {
  image img;
  int channels = 0;
  unsigned char* data = stbi_load(p.string().c_str(), &img.w, &img.h, &channels, 3);
  if (data == nullptr) return image{};
  img.rgb.assign(data, data + static_cast<size_t>(img.w) * static_cast<size_t>(img.h) * 3);
  stbi_image_free(data);
  return img;
}

/// Renders @p panel with @p results_args into @p dir; checks it ran and returns the picture.
image screenshot(const temp_dir& dir, const std::string& panel, const std::string& results_args,
                 const std::string& extra = "", std::string* output = nullptr) {
  const fs::path png = dir.path / (panel + ".png");
  const run_result r = run_viz(results_args + " --panel " + panel + " --screenshot " + quote(png.string()) + " " +
                                   extra,
                               dir.path / (panel + ".log"));
  INFO("ws_viz output:\n" << r.output);
  REQUIRE(r.exit_code == 0);
  if (output != nullptr) *output = r.output;
  REQUIRE(fs::exists(png));
  image img = load_png(png);
  REQUIRE(img.ok());
  return img;
}

/// Hue in degrees, saturation and value in [0, 1].
void hsv(const unsigned char* p, double& h, double& s, double& v) {
  const double r = p[0] / 255.0, g = p[1] / 255.0, b = p[2] / 255.0;
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
  v = mx;
  s = mx > 0 ? d / mx : 0;
  if (d == 0) {
    h = 0;
  } else if (mx == r) {
    h = 60 * std::fmod((g - b) / d + 6, 6);
  } else if (mx == g) {
    h = 60 * ((b - r) / d + 2);
  } else {
    h = 60 * ((r - g) / d + 4);
  }
}

/// Pixels of @p color's hue (any shade of it: style::series_color mixes the base with white or black, which keeps
/// the hue), saturated enough to be data rather than anti-aliased grey chrome.
size_t pixels_of_hue(const image& img, ImU32 color) {
  const unsigned char base[3] = {static_cast<unsigned char>(color >> IM_COL32_R_SHIFT),
                                 static_cast<unsigned char>(color >> IM_COL32_G_SHIFT),
                                 static_cast<unsigned char>(color >> IM_COL32_B_SHIFT)};
  double bh = 0, bs = 0, bv = 0;
  hsv(base, bh, bs, bv);
  size_t n = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3) {
    double h = 0, s = 0, v = 0;
    hsv(&img.rgb[i], h, s, v);
    const double dh = std::min(std::abs(h - bh), 360 - std::abs(h - bh));
    if (s > 0.3 && v > 0.25 && dh < 6) ++n;
  }
  return n;
}

size_t distinct_colors(const image& img) {
  std::set<unsigned> colors;
  for (size_t i = 0; i + 2 < img.rgb.size() && colors.size() < 1000; i += 3) {
    colors.insert(unsigned(img.rgb[i]) << 16 | unsigned(img.rgb[i + 1]) << 8 | img.rgb[i + 2]);
  }
  return colors.size();
}

}  // namespace

TEST_CASE("linear ticks are about five round numbers covering the range", "[chart][ticks]") {
  CHECK(ws_viz::chart::ticks(0, 100, scale::linear) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(ws_viz::chart::ticks(0, 1, scale::linear) == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1});
  const std::vector<double> t = ws_viz::chart::ticks(3.7, 1234.5, scale::linear);
  REQUIRE(t.size() >= 3);
  CHECK(t.size() <= 8);
  CHECK(t.front() >= 3.7);
  CHECK(t.back() <= 1234.5);
  for (size_t i = 1; i < t.size(); ++i) CHECK_THAT(t[i] - t[i - 1], Catch::Matchers::WithinRel(t[1] - t[0], 1e-9));
  // A negative range, and a range crossing zero, contain an exact 0.
  const std::vector<double> z = ws_viz::chart::ticks(-5, 5, scale::linear);
  CHECK(std::find(z.begin(), z.end(), 0.0) != z.end());
  CHECK(ws_viz::chart::ticks(7, 7, scale::linear) == std::vector<double>{7});
  CHECK(ws_viz::chart::ticks(NAN, 1, scale::linear).empty());
}

TEST_CASE("log ticks are powers of ten, with 2 and 5 when the range spans few decades", "[chart][ticks]") {
  CHECK(ws_viz::chart::ticks(1, 1e4, scale::log) == std::vector<double>{1, 10, 100, 1000, 10000});
  CHECK(ws_viz::chart::ticks(200, 5000, scale::log) == std::vector<double>{200, 500, 1000, 2000, 5000});
  CHECK(ws_viz::chart::ticks(0.1, 1000, scale::log).size() == 5);
  // Many decades: at most about eight labels.
  CHECK(ws_viz::chart::ticks(1e-6, 1e12, scale::log).size() <= 10);
  CHECK(ws_viz::chart::ticks(-1, -0.5, scale::log).empty());
}

TEST_CASE("tick labels are short: suffixes for thousands and millions, exponents for tiny values", "[chart][ticks]") {
  using ws_viz::chart::tick_label;
  CHECK(tick_label(0) == "0");
  CHECK(tick_label(0.5) == "0.5");
  CHECK(tick_label(12) == "12");
  CHECK(tick_label(250) == "250");
  CHECK(tick_label(1000) == "1k");
  CHECK(tick_label(1500) == "1.5k");
  CHECK(tick_label(2e6) == "2M");
  CHECK(tick_label(66908.2) == "66.9k");
  CHECK(tick_label(1e9) == "1G");
  CHECK(tick_label(-20) == "-20");
  CHECK(tick_label(0.001) == "1e-3");
  CHECK(tick_label(2.5e-4) == "2.5e-4");
  CHECK(tick_label(NAN) == "NaN");
  for (double v : ws_viz::chart::ticks(0, 1e6, scale::linear)) CHECK(tick_label(v).size() <= 5);
}

TEST_CASE("the dashboard of a GPU results file shows CPU blue and GPU orange", "[screenshot]") {
  temp_dir dir;
  const image img = screenshot(dir, "dashboard", "--results " + quote(fixture_h100.string()));
  CHECK(img.w == 1280);
  CHECK(img.h == 720);
  CHECK(pixels_of_hue(img, ws_viz::style::cpu) > 2000);
  CHECK(pixels_of_hue(img, ws_viz::style::gpu) > 2000);
}

TEST_CASE("the dashboard of two different results files gives two different pictures", "[screenshot]") {
  temp_dir dir_a, dir_b;
  const image a = screenshot(dir_a, "dashboard", "--results " + quote(fixture_h100.string()));
  const image b = screenshot(dir_b, "dashboard", "--results " + quote(fixture_cpu.string()));
  REQUIRE(a.rgb.size() == b.rgb.size());
  size_t differing = 0;
  for (size_t i = 0; i < a.rgb.size(); i += 3) {
    differing += a.rgb[i] != b.rgb[i] || a.rgb[i + 1] != b.rgb[i + 1] || a.rgb[i + 2] != b.rgb[i + 2];
  }
  CHECK(differing > 5000);
  // A CPU-only file has no GPU orange bars or lines.
  CHECK(pixels_of_hue(b, ws_viz::style::gpu) < pixels_of_hue(a, ws_viz::style::gpu) / 4);
}

TEST_CASE("every panel renders a picture of the requested size that is not one flat color", "[screenshot]") {
  const std::string panel = GENERATE("dashboard", "roofline", "compare", "live", "explorer");
  temp_dir dir;
  const std::string files = "--results " + quote(fixture_h100.string()) + " --results " + quote(fixture_cpu.string());
  const image img = screenshot(dir, panel, files);
  INFO("panel " << panel);
  CHECK(img.w == 1280);
  CHECK(img.h == 720);
  CHECK(distinct_colors(img) > 20);
}

TEST_CASE("every panel renders a v2 reduce file and a v1 matmul file alone, without errors", "[screenshot]") {
  const std::string panel = GENERATE("dashboard", "roofline", "compare", "live", "explorer");
  const fs::path file = GENERATE_COPY(fixture_reduce_v2, fixture_cpu);
  temp_dir dir;
  std::string output;
  const image img = screenshot(dir, panel, "--results " + quote(file.string()), "", &output);
  INFO("panel " << panel << ", file " << file.filename().string() << "\n" << output);
  // ws_viz prints "ws_viz: <file>: <problem>" for a file it cannot load; a clean run prints only "wrote".
  CHECK(output.find("ws_viz: wrote") != std::string::npos);
  CHECK(output.find(file.filename().string() + ":") == std::string::npos);
  CHECK(distinct_colors(img) > 20);
}

TEST_CASE("the dashboard of a memory-bound v2 file has CPU and GPU bars, the roofline its measured roofs",
          "[screenshot]") {
  temp_dir dir;
  const image dash = screenshot(dir, "dashboard", "--results " + quote(fixture_reduce_v2.string()));
  CHECK(pixels_of_hue(dash, ws_viz::style::cpu) > 2000);
  CHECK(pixels_of_hue(dash, ws_viz::style::gpu) > 2000);
  // Memory-bound: it opens on GB/s with the measured memory roofs dashed over the bars (a compute-bound v1 file
  // opens on time: no roof there).
  temp_dir dir_time;
  const image time_dash = screenshot(dir_time, "dashboard", "--results " + quote(fixture_cpu.string()));
  INFO("roof pixels: GB/s view " << pixels_of_hue(dash, ws_viz::style::roof) << ", time view "
                                 << pixels_of_hue(time_dash, ws_viz::style::roof));
  CHECK(pixels_of_hue(dash, ws_viz::style::roof) > 300);
  CHECK(pixels_of_hue(time_dash, ws_viz::style::roof) < 50);
  // Roofs are dashed in their own hue. The v2 file has measured bandwidths (three sloped roofs and their labels);
  // the v1 CPU file has none, so it draws only its two flat peaks: clearly fewer roof pixels.
  const image v2 = screenshot(dir, "roofline", "--results " + quote(fixture_reduce_v2.string()));
  temp_dir dir_v1;
  const image v1 = screenshot(dir_v1, "roofline", "--results " + quote(fixture_cpu.string()));
  const size_t roof_v2 = pixels_of_hue(v2, ws_viz::style::roof), roof_v1 = pixels_of_hue(v1, ws_viz::style::roof);
  INFO("roof pixels: v2 " << roof_v2 << ", v1 " << roof_v1);
  CHECK(roof_v2 > roof_v1 * 3 / 2);
  CHECK(roof_v1 > 200);  // the flat CPU peaks are still drawn
}

TEST_CASE("the explorer shows the model of the loaded workload: the reduction tree for reduce, tiles for matmul",
          "[screenshot]") {
  temp_dir dir_reduce, dir_matmul;
  const image tree = screenshot(dir_reduce, "explorer", "--results " + quote(fixture_reduce_v2.string()));
  const image tiles = screenshot(dir_matmul, "explorer", "--results " + quote(fixture_cpu.string()));
  REQUIRE(tree.rgb.size() == tiles.rgb.size());
  size_t differing = 0;
  for (size_t i = 0; i < tree.rgb.size(); i += 3) {
    differing += tree.rgb[i] != tiles.rgb[i] || tree.rgb[i + 1] != tiles.rgb[i + 1] || tree.rgb[i + 2] != tiles.rgb[i + 2];
  }
  CHECK(differing > 20000);
  // The tree's written elements are filled orange (a few per step), the tiles' shared memory purple.
  CHECK(pixels_of_hue(tree, ws_viz::style::gpu) > 1500);
  CHECK(pixels_of_hue(tiles, ws_viz::style::roof) > pixels_of_hue(tree, ws_viz::style::roof));
}

TEST_CASE("without --results ws_viz opens the latest runs in build/bench, never bench/results", "[screenshot]") {
  temp_dir root;
  fs::create_directories(root.path / "bench" / "results");
  fs::copy_file(fixture_cpu, root.path / "bench" / "results" / "sample.json");  // must not be opened
  const fs::path png = root.path / "out.png";
  const run_result none = run_viz("--panel dashboard --screenshot " + quote(png.string()), root.path / "log1",
                                  root.path);
  INFO(none.output);
  CHECK(none.exit_code == 0);
  CHECK(none.output.find("no results files in " + (root.path / "build" / "bench").string()) != std::string::npos);
  CHECK(none.output.find("sample.json") == std::string::npos);

  fs::create_directories(root.path / "build" / "bench");
  fs::copy_file(fixture_reduce_v2, root.path / "build" / "bench" / "reduce.json");
  const run_result latest = run_viz("--panel dashboard --screenshot " + quote(png.string()), root.path / "log2",
                                    root.path);
  INFO(latest.output);
  CHECK(latest.exit_code == 0);
  CHECK(latest.output.find("no results files") == std::string::npos);
  const image img = load_png(png);
  REQUIRE(img.ok());
  // The same picture as when that file is given: it was opened, and nothing else was.
  const fs::path given_png = root.path / "given.png";
  const run_result given = run_viz("--results " + quote((root.path / "build" / "bench" / "reduce.json").string()) +
                                       " --panel dashboard --screenshot " + quote(given_png.string()),
                                   root.path / "log3", root.path);
  REQUIRE(given.exit_code == 0);
  const image expected = load_png(given_png);
  REQUIRE(expected.rgb.size() == img.rgb.size());
  size_t differing = 0;
  for (size_t i = 0; i < img.rgb.size(); ++i) differing += img.rgb[i] != expected.rgb[i];
  CHECK(differing == 0);
}

TEST_CASE("--size sets the picture's size", "[screenshot]") {
  temp_dir dir;
  const image img = screenshot(dir, "dashboard", "--results " + quote(fixture_h100.string()), "--size 960x600");
  CHECK(img.w == 960);
  CHECK(img.h == 600);
}

TEST_CASE("an unknown panel name exits 1 and lists the panels", "[screenshot]") {
  temp_dir dir;
  const run_result r = run_viz("--panel nosuchpanel --screenshot " + quote((dir.path / "x.png").string()),
                               dir.path / "log");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("nosuchpanel") != std::string::npos);
  CHECK(r.output.find("dashboard") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "x.png"));
}

TEST_CASE("a malformed results file still renders, and the error names the file", "[screenshot]") {
  temp_dir dir;
  const fs::path png = dir.path / "malformed.png";
  const std::string files = "--results " + quote(fixture_malformed.string()) + " --results " +
                            quote(fixture_h100.string());
  const run_result r = run_viz(files + " --panel dashboard --screenshot " + quote(png.string()), dir.path / "log");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("malformed-not-json.json") != std::string::npos);
  const image img = load_png(png);
  REQUIRE(img.ok());
  // The error line is drawn in red at the top of the window.
  size_t red = 0;
  for (int y = 0; y < 120; ++y) {
    for (int x = 0; x < img.w; ++x) {
      const size_t at = static_cast<size_t>(y) * static_cast<size_t>(img.w) + static_cast<size_t>(x);
      const unsigned char* p = &img.rgb[at * 3];
      red += p[0] > 180 && p[1] < 130 && p[2] < 130;
    }
  }
  CHECK(red > 50);
}

TEST_CASE("a missing results file and an unwritable picture give clear messages", "[screenshot]") {
  temp_dir dir;
  const run_result missing = run_viz("--results /nonexistent/results.json --panel dashboard --screenshot " +
                                         quote((dir.path / "m.png").string()),
                                     dir.path / "log1");
  INFO(missing.output);
  CHECK(missing.exit_code == 0);
  CHECK(missing.output.find("/nonexistent/results.json") != std::string::npos);
  const run_result unwritable = run_viz("--results " + quote(fixture_h100.string()) +
                                            " --screenshot /nonexistent/folder/out.png",
                                        dir.path / "log2");
  INFO(unwritable.output);
  CHECK(unwritable.exit_code == 1);
  CHECK(unwritable.output.find("/nonexistent/folder/out.png") != std::string::npos);
}

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  const char* display = std::getenv("DISPLAY");
  if (display == nullptr || *display == '\0') {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") == 0) {
      g_wrap_in_xvfb = true;
    } else {
      // Only the screenshot tests need a display; the chart helpers still run when asked for alone.
      const std::string filter = session.configData().testsOrTags.empty() ? "" : session.configData().testsOrTags[0];
      if (filter != "[ticks]") {
        std::printf("SKIPPED: no X display and no xvfb-run to make one (./course setup installs xvfb)\n");
        return WS_SKIP_RETURN_CODE;
      }
    }
  }
  return session.run();
}
