# The visualizer's data layer (ws_viz_data): results files, analysis, the execution model and the benchmark
# runner. No display and no GPU needed; the fixtures are in fixtures/.
add_executable(visualizer_data_tests data.tests.cpp)
target_link_libraries(visualizer_data_tests PRIVATE ws_viz_data ws_test_main_none Catch2::Catch2)
# The tests read the committed results under bench/results/ and the fixtures next to this file.
target_compile_definitions(visualizer_data_tests PRIVATE WS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
ws_set_warnings(visualizer_data_tests)
add_test(NAME visualizer.data COMMAND visualizer_data_tests)
set_tests_properties(visualizer.data PROPERTIES LABELS tools)
