# The visualizer app (included by visualizer/CMakeLists.txt): ws_viz, Dear ImGui on GLFW + OpenGL 3. Debian's
# libimgui-dev ships the core as a library and the GLFW/OpenGL3 backends as sources, which we compile here.
# Without ImGui, GLFW or OpenGL the app is skipped (the data layer and its tests still build): ./course setup
# installs libimgui-dev libglfw3-dev libstb-dev.
include("${CMAKE_CURRENT_LIST_DIR}/app_deps.cmake")
get_property(missing GLOBAL PROPERTY WS_VIZ_APP_MISSING)
if(missing)
  return()
endif()

# Third-party code: the project's warning flags are not applied to it.
add_library(ws_viz_imgui_backends STATIC
  "${WS_IMGUI_BACKENDS_DIR}/imgui_impl_glfw.cpp"
  "${WS_IMGUI_BACKENDS_DIR}/imgui_impl_opengl3.cpp")
target_include_directories(ws_viz_imgui_backends SYSTEM PUBLIC "${IMGUI_INCLUDEDIRS}/backends"
                                                        /usr/include/imgui/backends)
target_link_libraries(ws_viz_imgui_backends PUBLIC PkgConfig::IMGUI glfw OpenGL::GL ${CMAKE_DL_LIBS})

add_executable(ws_viz
  main.cpp
  app_state.cpp
  chart.cpp
  style.cpp
  widgets.cpp
  panels/panel_dashboard.cpp
  panels/panel_roofline.cpp
  panels/panel_compare.cpp
  panels/panel_live.cpp
  panels/panel_explorer.cpp)
target_include_directories(ws_viz PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
target_include_directories(ws_viz SYSTEM PRIVATE "${WS_STB_INCLUDE_DIR}")
target_link_libraries(ws_viz PRIVATE ws_viz_data ws_viz_imgui_backends PkgConfig::IMGUI glfw OpenGL::GL)
# Debian's libimgui links stb (its pkg-config asks for -lstb); stb also provides stb_image_write for screenshots.
if(WS_STB_LIBRARY)
  target_link_libraries(ws_viz PRIVATE "${WS_STB_LIBRARY}")
else()
  target_compile_definitions(ws_viz PRIVATE WS_STB_IMAGE_WRITE_IMPLEMENTATION)  # header-only stb: main.cpp has it
endif()
target_compile_definitions(ws_viz PRIVATE WS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# The workloads ./course bench knows, for the live panel: every workload a lab's manifest lists (cmake/WsLab.cmake
# collects them; the labs are added before visualizer/). Without any, the matmul benchmark, which always exists.
get_property(ws_viz_workloads GLOBAL PROPERTY WS_BENCH_WORKLOADS)
if(NOT ws_viz_workloads)
  set(ws_viz_workloads matmul)
endif()
list(JOIN ws_viz_workloads "," ws_viz_workloads_joined)
target_compile_definitions(ws_viz PRIVATE WS_BENCH_WORKLOADS="${ws_viz_workloads_joined}")
ws_set_warnings(ws_viz)
