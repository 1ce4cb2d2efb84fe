# The visualizer app by its pictures: ws_viz --screenshot renders panels headless (under xvfb-run) and the tests
# check pixels; plus the chart module's pure helpers. Only where the app is built (ImGui, GLFW, OpenGL found);
# tests/ is configured before visualizer/, so ws_viz is referenced here before it is defined (fine for CMake).
include("${PROJECT_SOURCE_DIR}/visualizer/app_deps.cmake")
get_property(missing GLOBAL PROPERTY WS_VIZ_APP_MISSING)
if(missing)
  return()
endif()

add_executable(visualizer_screenshot_tests screenshot.tests.cpp "${PROJECT_SOURCE_DIR}/visualizer/chart.cpp")
target_include_directories(visualizer_screenshot_tests PRIVATE "${PROJECT_SOURCE_DIR}/visualizer")
target_include_directories(visualizer_screenshot_tests SYSTEM PRIVATE "${WS_STB_INCLUDE_DIR}")
# chart.cpp needs the ImGui library (no window, no OpenGL); ws_viz_data for the headers style.hpp includes.
target_link_libraries(visualizer_screenshot_tests PRIVATE ws_viz_data PkgConfig::IMGUI Catch2::Catch2)
if(WS_STB_LIBRARY)
  target_link_libraries(visualizer_screenshot_tests PRIVATE "${WS_STB_LIBRARY}")
else()
  target_compile_definitions(visualizer_screenshot_tests PRIVATE WS_STB_IMAGE_IMPLEMENTATION)
endif()
target_compile_definitions(visualizer_screenshot_tests PRIVATE
  WS_SOURCE_DIR="${PROJECT_SOURCE_DIR}" WS_VIZ_PATH="$<TARGET_FILE:ws_viz>"
  WS_SKIP_RETURN_CODE=${WS_SKIP_RETURN_CODE})
add_dependencies(visualizer_screenshot_tests ws_viz)
ws_set_warnings(visualizer_screenshot_tests)

add_test(NAME visualizer.chart COMMAND visualizer_screenshot_tests "[ticks]")
# One X server for the whole run; without xvfb-run the binary skips (SKIP_RETURN_CODE) unless a display exists.
find_program(WS_XVFB_RUN xvfb-run)
if(WS_XVFB_RUN)
  add_test(NAME visualizer.screenshots
           COMMAND "${WS_XVFB_RUN}" -a -s "-screen 0 1280x720x24"
                   $<TARGET_FILE:visualizer_screenshot_tests> "[screenshot]")
else()
  add_test(NAME visualizer.screenshots COMMAND visualizer_screenshot_tests "[screenshot]")
endif()
set_tests_properties(visualizer.chart visualizer.screenshots PROPERTIES LABELS tools)
set_tests_properties(visualizer.screenshots PROPERTIES SKIP_RETURN_CODE ${WS_SKIP_RETURN_CODE} TIMEOUT 180)
