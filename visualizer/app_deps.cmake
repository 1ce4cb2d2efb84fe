# What the visualizer app needs (Dear ImGui, its GLFW + OpenGL3 backend sources, GLFW, OpenGL, stb), found once per
# configure for visualizer/app.cmake and tests/visualizer/app.cmake (tests/ is configured before visualizer/).
# Imported targets are GLOBAL so both directories see them; the global property WS_VIZ_APP_MISSING lists what is
# not found (empty: the app can be built).
include_guard(GLOBAL)

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(IMGUI QUIET IMPORTED_TARGET GLOBAL imgui)
endif()
find_package(glfw3 3.3 QUIET GLOBAL)
find_package(OpenGL QUIET GLOBAL)
set(WS_IMGUI_BACKENDS_DIR "/usr/share/doc/libimgui-dev/examples/backends" CACHE PATH
    "Folder with Dear ImGui's imgui_impl_glfw.cpp and imgui_impl_opengl3.cpp")
find_path(WS_STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb)
# Debian's libstb has the implementations of stb_image and stb_image_write (and Debian's libimgui needs it).
find_library(WS_STB_LIBRARY stb)

set(missing "")
if(NOT TARGET PkgConfig::IMGUI)
  list(APPEND missing "imgui (libimgui-dev)")
endif()
if(NOT TARGET glfw)
  list(APPEND missing "GLFW (libglfw3-dev)")
endif()
if(NOT TARGET OpenGL::GL)
  list(APPEND missing "OpenGL")
endif()
if(NOT EXISTS "${WS_IMGUI_BACKENDS_DIR}/imgui_impl_glfw.cpp"
   OR NOT EXISTS "${WS_IMGUI_BACKENDS_DIR}/imgui_impl_opengl3.cpp")
  list(APPEND missing "ImGui's backend sources in ${WS_IMGUI_BACKENDS_DIR}")
endif()
if(NOT WS_STB_INCLUDE_DIR)
  list(APPEND missing "stb_image_write.h (libstb-dev)")
endif()
list(JOIN missing ", " missing)
set_property(GLOBAL PROPERTY WS_VIZ_APP_MISSING "${missing}")
if(missing)
  message(STATUS "Visualizer app skipped: ${missing} not found (./course setup installs them)")
endif()
