/// @file main.cpp
/// @brief ws_viz, the course's visualizer: loads results files and shows one panel at a time in a GLFW + OpenGL 3
/// window, or renders one panel headless to a PNG (--screenshot).
///
///     ws_viz [--results FILE]... [--panel NAME] [--screenshot OUT.png] [--root DIR] [--size WxH]
///
/// The frame loop follows Dear ImGui's examples/example_glfw_opengl3/main.cpp: setup, then per frame poll events,
/// new frame, the panel, render, swap; then shutdown. Without --results it opens every file of <root>/build/bench/
/// (the learner's latest `./course bench` runs, newest first), never the committed samples of bench/results/ (give
/// those with --results). A file that cannot be loaded is named in red at the top and on stderr; the app still runs.
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>  // brings the system OpenGL header (glReadPixels)
#ifdef WS_STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION  // no libstb to link: compile stb_image_write here
#endif
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "data/analysis.hpp"
#include "panel.hpp"
#include "style.hpp"

namespace {

namespace fs = std::filesystem;

struct panel_entry {
  const char* name;   ///< the command-line name
  const char* title;  ///< the tab's label
  void (*draw)(ws_viz::app_state&);
};

constexpr std::array<panel_entry, 5> panels = {{
    {"dashboard", "Dashboard", ws_viz::draw_dashboard},
    {"roofline", "Roofline", ws_viz::draw_roofline},
    {"compare", "Compare", ws_viz::draw_compare},
    {"live", "Live", ws_viz::draw_live},
    {"explorer", "Explorer", ws_viz::draw_explorer},
}};

struct options {
  std::vector<fs::path> results;
  std::string panel = "dashboard";
  std::optional<fs::path> screenshot;
  std::optional<fs::path> root;
  int width = 1280, height = 720;
};

constexpr const char* usage =
    "usage: ws_viz [--results FILE]... [--panel NAME] [--screenshot OUT.png] [--root DIR] [--size WxH]\n"
    "  --results FILE       a results file (./course bench NAME --json FILE); repeat to compare files.\n"
    "                       Default: every file of <root>/build/bench/ (your latest ./course bench runs)\n"
    "  --panel NAME         the panel to show first: dashboard, roofline, compare, live, explorer\n"
    "  --screenshot OUT.png render that panel without showing a window, write it as a PNG, and exit\n"
    "  --root DIR           the course checkout (default: found from the current folder)\n"
    "  --size WxH           window size in pixels (default 1280x720)\n"
    "keys: Ctrl+1..5 switch panels, Esc quits\n";

int panel_index(const std::string& name) {
  for (size_t i = 0; i < panels.size(); ++i) {
    if (name == panels[i].name) return static_cast<int>(i);
  }
  return -1;
}

/// Parses the command line; exits 0 for --help, 2 for a usage error.
options parse(int argc, char** argv) {
  options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) {
      std::cerr << "ws_viz: " << argv[i] << " needs a value\n" << usage;
      std::exit(2);
    }
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--results") {
      o.results.emplace_back(value(i));
    } else if (arg == "--panel") {
      o.panel = value(i);
    } else if (arg == "--screenshot") {
      o.screenshot = value(i);
    } else if (arg == "--root") {
      o.root = value(i);
    } else if (arg == "--size") {
      const std::string s = value(i);
      if (std::sscanf(s.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 200 || o.height < 150 ||
          o.width > 8192 || o.height > 8192) {
        std::cerr << "ws_viz: --size takes WIDTHxHEIGHT in pixels, e.g. 1280x720 (got '" << s << "')\n";
        std::exit(2);
      }
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      std::exit(0);
    } else {
      std::cerr << "ws_viz: unknown argument '" << arg << "'\n" << usage;
      std::exit(2);
    }
  }
  return o;
}

/// The course checkout: --root, else $WS_ROOT, else the nearest folder up from here with `course` and bench/, else
/// the source tree this was built from.
fs::path find_root(const options& o) {
  if (o.root) return *o.root;
  if (const char* env = std::getenv("WS_ROOT"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  for (fs::path p = fs::current_path(ec); !ec && !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "course", ec) && fs::is_directory(p / "bench", ec)) return p;
    if (p == p.parent_path()) break;
  }
#ifdef WS_SOURCE_DIR
  return WS_SOURCE_DIR;
#else
  return fs::current_path(ec);
#endif
}

void glfw_error_callback(int error, const char* description) {
  std::fprintf(stderr, "ws_viz: GLFW error %d: %s\n", error, description);
}

/// Reads the back buffer just rendered and writes it as a PNG (OpenGL's rows run bottom-up; PNG's top-down).
bool write_png(const fs::path& out, int w, int h) {
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  const size_t row = static_cast<size_t>(w) * 4;
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < h; ++y) {
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(h - 1 - y) * row), row,
                flipped.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(y) * row));
  }
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // the window is opaque; keep the PNG so
  return stbi_write_png(out.string().c_str(), w, h, 4, flipped.data(), static_cast<int>(row)) != 0;
}

/// The strip above the tabs: which files are loaded (the one the single-file panels show is selectable), the
/// workload, and every load error in red.
void draw_files_strip(ws_viz::app_state& app) {
  ImGui::TextUnformatted("WarpSpeed");
  ImGui::SameLine();
  if (app.files.empty()) {
    ImGui::TextColored(ImVec4(0.65f, 0.65f, 0.65f, 1), "no results loaded");
  } else {
    ImGui::TextColored(ImVec4(0.65f, 0.65f, 0.65f, 1), "results:");
    for (size_t i = 0; i < app.files.size(); ++i) {
      ImGui::SameLine();
      const ws_viz::results_file& f = app.files[i];
      const std::string label = f.path.filename().string() + "##file" + std::to_string(i);
      if (ImGui::Selectable(label.c_str(), app.selected_file == static_cast<int>(i), 0,
                            ImVec2(ImGui::CalcTextSize(f.path.filename().string().c_str()).x, 0))) {
        app.selected_file = static_cast<int>(i);
      }
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s\n%s\n%zu records", f.path.string().c_str(), f.label.c_str(), f.records.size());
      }
    }
    const int sel = std::clamp(app.selected_file, 0, static_cast<int>(app.files.size()) - 1);
    const std::vector<std::string> workloads = ws_viz::workloads(app.files[static_cast<size_t>(sel)]);
    if (workloads.size() > 1) {
      ImGui::SameLine(0, 30);
      ImGui::SetNextItemWidth(140);
      if (ImGui::BeginCombo("workload", app.workload.c_str())) {
        for (const std::string& w : workloads) {
          if (ImGui::Selectable(w.c_str(), w == app.workload)) app.workload = w;
        }
        ImGui::EndCombo();
      }
    }
  }
  for (const std::string& e : app.load_errors) ImGui::TextColored(ImVec4(1.0f, 0.36f, 0.33f, 1), "%s", e.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);
  int current = panel_index(opt.panel);
  if (current < 0) {
    std::cerr << "ws_viz: unknown panel '" << opt.panel << "'; panels: dashboard, roofline, compare, live, explorer\n";
    return 1;
  }

  ws_viz::app_state app;
  app.root = find_root(opt);
  app.screenshot = opt.screenshot.has_value();
  if (!opt.results.empty()) {
    for (const fs::path& p : opt.results) app.add_file(p);
  } else {
    const fs::path latest = app.root / "build" / "bench";
    const std::vector<fs::path> found = ws_viz::results_in(latest);
    if (found.empty()) {
      app.load_errors.push_back("no results files in " + latest.string() +
                                ": run ./course bench NAME (it writes build/bench/NAME.json), or give a file with "
                                "--results (bench/results/ has recorded ones)");
    }
    for (const fs::path& p : found) app.add_file(p);
  }
  for (const std::string& e : app.load_errors) std::cerr << "ws_viz: " << e << "\n";
  if (!app.files.empty()) {
    const std::vector<std::string> w = ws_viz::workloads(app.files.front());
    if (!w.empty() && std::find(w.begin(), w.end(), app.workload) == w.end()) app.workload = w.front();
  }

  // Setup: window and OpenGL 3.0 context (GLSL 130), as in ImGui's example.
  glfwSetErrorCallback(glfw_error_callback);
  if (!glfwInit()) {
    std::cerr << "ws_viz: GLFW could not initialize: no display: run it under xvfb-run, or use ./course viz which "
                 "does\n";
    return 1;
  }
  const char* glsl_version = "#version 130";
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  if (app.screenshot) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(opt.width, opt.height, "WarpSpeed visualizer", nullptr, nullptr);
  if (window == nullptr) {
    std::cerr << "ws_viz: could not open an OpenGL 3.0 window: no display: run it under xvfb-run, or use "
                 "./course viz which does\n";
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(app.screenshot ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini left in the learner's folder
  ws_viz::style::apply();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init(glsl_version);

  // Loop. A screenshot draws a few frames first: tab bars and auto-sized items settle over the first frames.
  constexpr int screenshot_frame = 4;
  int exit_code = 0;
  int requested = current;  // a tab to select (command line, Ctrl+N); -1 when none
  for (int frame = 1; !glfwWindowShouldClose(window); ++frame) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) glfwSetWindowShouldClose(window, GLFW_TRUE);
    if (io.KeyCtrl) {
      for (int i = 0; i < static_cast<int>(panels.size()); ++i) {
        if (ImGui::IsKeyPressed(GLFW_KEY_1 + i, false)) requested = i;
      }
    }

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("ws_viz", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    draw_files_strip(app);
    if (ImGui::BeginTabBar("panels")) {
      for (int i = 0; i < static_cast<int>(panels.size()); ++i) {
        const panel_entry& p = panels[static_cast<size_t>(i)];
        const std::string label = std::string(p.title) + "##" + p.name;
        const ImGuiTabItemFlags flags = i == requested ? ImGuiTabItemFlags_SetSelected : 0;
        if (ImGui::BeginTabItem(label.c_str(), nullptr, flags)) {
          current = i;
          if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+%d", i + 1);
          ImGui::BeginChild("panel");
          p.draw(app);
          ImGui::EndChild();
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
    }
    if (!app.screenshot) requested = -1;  // a screenshot keeps asking: its first frames are still settling
    ImGui::End();

    ImGui::Render();
    int display_w = 0, display_h = 0;
    glfwGetFramebufferSize(window, &display_w, &display_h);
    glViewport(0, 0, display_w, display_h);
    glClearColor(0.09f, 0.09f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (app.screenshot && frame == screenshot_frame) {
      if (write_png(*opt.screenshot, display_w, display_h)) {
        std::cout << "ws_viz: wrote " << opt.screenshot->string() << " (" << panels[static_cast<size_t>(current)].name
                  << ", " << display_w << "x" << display_h << ")\n";
      } else {
        std::cerr << "ws_viz: could not write " << opt.screenshot->string()
                  << " (does its folder exist and is it writable?)\n";
        exit_code = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  // Shutdown.
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
