/// @file style.cpp
/// @brief The app's look: ImGui's dark style with neutral grey chrome (so the only saturated colors on screen are
/// data: CPU blue, GPU orange, roofs purple), a readable font and a little more room, and the per-series shades.
#include "style.hpp"

#include <algorithm>
#include <filesystem>

namespace ws_viz::style {

namespace {

ImU32 mix(ImU32 c, float toward, float amount) {
  auto channel = [&](int shift) {
    const float v = static_cast<float>((c >> shift) & 0xFF);
    return static_cast<unsigned>(std::clamp(v + (toward - v) * amount, 0.0f, 255.0f) + 0.5f);
  };
  return IM_COL32(channel(IM_COL32_R_SHIFT), channel(IM_COL32_G_SHIFT), channel(IM_COL32_B_SHIFT), 255);
}

}  // namespace

ImU32 series_color(bool gpu_side, int index, int count) {
  const ImU32 base = gpu_side ? gpu : cpu;
  if (count <= 1) return base;
  index = std::clamp(index, 0, count - 1);
  // From light (mixed with white) through the base hue to a darker shade; mixing with white or black keeps the hue,
  // so every shade still reads as its side. The dark end stops early: the background is dark too.
  const float t = static_cast<float>(index) / static_cast<float>(count - 1);
  const float light = 0.55f, dark = gpu_side ? 0.35f : 0.2f;
  const float a = light - (light + dark) * t;  // > 0: toward white, < 0: toward black
  return a >= 0 ? mix(base, 255.0f, a) : mix(base, 0.0f, -a);
}

void apply() {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowPadding = ImVec2(12, 10);
  s.FramePadding = ImVec2(8, 5);
  s.ItemSpacing = ImVec2(10, 7);
  s.ItemInnerSpacing = ImVec2(6, 5);
  s.CellPadding = ImVec2(6, 3);
  s.WindowRounding = 0;
  s.FrameRounding = 4;
  s.TabRounding = 4;
  s.GrabRounding = 4;
  s.ScrollbarSize = 14;

  // Neutral greys for everything ImGui colors blue by default.
  ImVec4* c = s.Colors;
  const ImVec4 grey_1(0.20f, 0.20f, 0.22f, 1.0f), grey_2(0.28f, 0.28f, 0.31f, 1.0f), grey_3(0.36f, 0.36f, 0.40f, 1.0f);
  c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.09f, 0.10f, 1.0f);
  c[ImGuiCol_ChildBg] = ImVec4(0.09f, 0.09f, 0.10f, 0.0f);
  c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.12f, 0.13f, 0.97f);
  c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.10f);
  c[ImGuiCol_FrameBg] = grey_1;
  c[ImGuiCol_FrameBgHovered] = grey_2;
  c[ImGuiCol_FrameBgActive] = grey_3;
  c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = ImVec4(0.12f, 0.12f, 0.13f, 1.0f);
  c[ImGuiCol_CheckMark] = ImVec4(0.90f, 0.90f, 0.90f, 1.0f);
  c[ImGuiCol_SliderGrab] = ImVec4(0.60f, 0.60f, 0.64f, 1.0f);
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.80f, 0.80f, 0.84f, 1.0f);
  c[ImGuiCol_Button] = grey_1;
  c[ImGuiCol_ButtonHovered] = grey_2;
  c[ImGuiCol_ButtonActive] = grey_3;
  c[ImGuiCol_Header] = grey_1;
  c[ImGuiCol_HeaderHovered] = grey_2;
  c[ImGuiCol_HeaderActive] = grey_3;
  c[ImGuiCol_Separator] = ImVec4(1, 1, 1, 0.12f);
  c[ImGuiCol_SeparatorHovered] = c[ImGuiCol_SeparatorActive] = ImVec4(1, 1, 1, 0.30f);
  c[ImGuiCol_ResizeGrip] = ImVec4(1, 1, 1, 0.08f);
  c[ImGuiCol_ResizeGripHovered] = c[ImGuiCol_ResizeGripActive] = ImVec4(1, 1, 1, 0.25f);
  c[ImGuiCol_Tab] = ImVec4(0.14f, 0.14f, 0.15f, 1.0f);
  c[ImGuiCol_TabHovered] = grey_3;
  c[ImGuiCol_TabActive] = grey_2;
  c[ImGuiCol_TabUnfocused] = c[ImGuiCol_Tab];
  c[ImGuiCol_TabUnfocusedActive] = grey_2;
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.16f, 0.16f, 0.18f, 1.0f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
  c[ImGuiCol_TextSelectedBg] = ImVec4(1, 1, 1, 0.20f);
  c[ImGuiCol_NavHighlight] = ImVec4(0.80f, 0.80f, 0.84f, 1.0f);
  c[ImGuiCol_PlotLines] = c[ImGuiCol_PlotHistogram] = ImVec4(0.75f, 0.75f, 0.78f, 1.0f);

  // A real text font when the system has one (fonts-dejavu-core is on almost every Debian/Ubuntu); ImGui's built-in
  // bitmap font otherwise. Fonts must be added before the renderer's first frame builds the font texture.
  ImGuiIO& io = ImGui::GetIO();
  if (io.Fonts->Fonts.empty()) {
    for (const char* path : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                             "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"}) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec) && io.Fonts->AddFontFromFileTTF(path, 16.0f) != nullptr) break;
    }
    if (io.Fonts->Fonts.empty()) {
      ImFontConfig config;
      config.SizePixels = 15.0f;  // the built-in font, scaled up a little from its 13 px
      io.Fonts->AddFontDefault(&config);
    }
  }
}

}  // namespace ws_viz::style
