# ws_add_lab(NUMBER <NN> NAME <name> SOURCES <files>... [LIBRARIES <targets>...] [CUBLAS])
#
# For each tree (labs/ = the learner's files, solutions/ = the reference) and each backend in WS_BACKENDS, builds
#   lab<NN>_<tree>_<backend>          a static library from <tree>/<NN>_<name>/<files>
#   lab<NN>_<tree>_<backend>_tests    tests/lab<NN>_<name>.tests.cpp linked against it
# and registers the same tests against both trees:
#   lab<NN>.<tree>.cpu      [cpu] test cases                    labels lab<NN>;<tree>;cpu
#   lab<NN>.<tree>.cudacpu  [gpu] test cases on the CPU backend labels lab<NN>;<tree>;cudacpu
#   lab<NN>.<tree>.gpu      [gpu] test cases on a real GPU      labels lab<NN>;<tree>;gpu   (Skipped without one)
#   lab<NN>.starter_fails   the pristine starter fails its [gpu] tests (label starter)
#
# A lab without .cu files is CPU-only (lab 02): one library lab<NN>_<tree> and one lab<NN>_<tree>_tests per tree,
# no backends, only the lab<NN>.<tree>.cpu test, and starter_fails runs its [cpu] tests. `./course check` uses the
# same rule (tools/course/check.sh).
#
# LIBRARIES are linked (PUBLIC) into every lab library, e.g. ws::openmp. CUBLAS links cuBLAS for each backend
# (ws_link_cublas: the real one for cuda, the stand-in for cudacpu).
#
# Grading (WS_GRADED_ONLY=ON): the build the autograder compiles submissions in holds a third tree, `graded`, and
# nothing else: the same libraries and tests from <build>/graded/<NN>_<name>/, where the grader (tools/grader) writes
# one submission at a time. That build is configured from a copy of the public sources only (no solutions/, no
# reference binaries), so what a submission's compiler can read holds no answer. It registers no ctest tests: the
# grader runs them itself, one test case at a time, under its time limits and sandbox.
#
# Performance drivers: when tests/lab<NN>_<name>.perf.cpp exists, lab<NN>_<tree>_<backend>_perf times the lab's
# cases (tests/support/ws_perf_main.cpp) for the solutions tree and, when grading, the graded tree: the grader compares
# the two on a GPU.
function(ws_add_lab)
  cmake_parse_arguments(PARSE_ARGV 0 arg "CUBLAS" "NUMBER;NAME" "SOURCES;LIBRARIES")
  set(lab "lab${arg_NUMBER}")
  set(test_source "${PROJECT_SOURCE_DIR}/tests/${lab}_${arg_NAME}.tests.cpp")
  set(timeout 300)
  set(perf_source "${PROJECT_SOURCE_DIR}/tests/${lab}_${arg_NAME}.perf.cpp")
  set(cuda_sources ${arg_SOURCES})
  list(FILTER cuda_sources INCLUDE REGEX "\\.cu$")

  set(trees labs solutions)
  if(WS_GRADED_ONLY)
    set(trees graded)
    _ws_prepare_graded_dir()
  endif()
  foreach(tree IN LISTS trees)
    set(lab_dir "${PROJECT_SOURCE_DIR}/${tree}/${arg_NUMBER}_${arg_NAME}")
    if(tree STREQUAL "graded")
      set(lab_dir "${CMAKE_BINARY_DIR}/graded/${arg_NUMBER}_${arg_NAME}")
    endif()
    list(TRANSFORM arg_SOURCES PREPEND "${lab_dir}/" OUTPUT_VARIABLE sources)
    set(labels ${lab} ${tree})

    if(NOT cuda_sources)
      set(lib ${lab}_${tree})
      add_library(${lib} STATIC ${sources})
      _ws_lab_library_settings(${lib})
      target_link_libraries(${lib} PUBLIC ws::common)
      add_executable(${lib}_tests "${test_source}")
      target_link_libraries(${lib}_tests PRIVATE ${lib} ws_test_main_none Catch2::Catch2)
      ws_set_warnings(${lib}_tests)
      if(tree STREQUAL "graded")
        continue()
      endif()
      add_test(NAME ${lab}.${tree}.cpu COMMAND ${lib}_tests "[cpu]")
      set_tests_properties(${lab}.${tree}.cpu PROPERTIES LABELS "${labels};cpu" TIMEOUT ${timeout})
      continue()
    endif()

    foreach(backend IN LISTS WS_BACKENDS)
      set(lib ${lab}_${tree}_${backend})
      add_library(${lib} STATIC)
      ws_target_cuda_sources(${lib} BACKEND ${backend} SOURCES ${sources})
      _ws_lab_library_settings(${lib})
      target_link_libraries(${lib} PUBLIC ws::common_${backend})
      if(arg_CUBLAS)
        ws_link_cublas(${lib} BACKEND ${backend})
      endif()
      add_executable(${lib}_tests "${test_source}")
      target_link_libraries(${lib}_tests PRIVATE ${lib} ws_test_main_${backend} Catch2::Catch2)
      ws_set_warnings(${lib}_tests)
      if(EXISTS "${perf_source}" AND NOT tree STREQUAL "labs")
        add_executable(${lib}_perf "${perf_source}")
        target_link_libraries(${lib}_perf PRIVATE ${lib} ws_perf_main_${backend})
        ws_set_warnings(${lib}_perf)
      endif()
    endforeach()
    if(tree STREQUAL "graded")
      continue()
    endif()

    add_test(NAME ${lab}.${tree}.cpu COMMAND ${lab}_${tree}_cudacpu_tests "[cpu]")
    set_tests_properties(${lab}.${tree}.cpu PROPERTIES LABELS "${labels};cpu" TIMEOUT ${timeout})
    add_test(NAME ${lab}.${tree}.cudacpu COMMAND ${lab}_${tree}_cudacpu_tests "[gpu]")
    set_tests_properties(${lab}.${tree}.cudacpu PROPERTIES LABELS "${labels};cudacpu" TIMEOUT ${timeout})
    if(WS_HAVE_CUDA)
      add_test(NAME ${lab}.${tree}.gpu COMMAND ${lab}_${tree}_cuda_tests "[gpu]")
      set_tests_properties(${lab}.${tree}.gpu PROPERTIES LABELS "${labels};gpu" TIMEOUT ${timeout}
                           SKIP_RETURN_CODE ${WS_SKIP_RETURN_CODE})
    endif()
  endforeach()

  if(WS_GRADED_ONLY)
    return()
  endif()
  if(cuda_sources)
    add_test(NAME ${lab}.starter_fails COMMAND ${lab}_labs_cudacpu_tests "[gpu]" --reporter compact)
  else()
    add_test(NAME ${lab}.starter_fails COMMAND ${lab}_labs_tests "[cpu]" --reporter compact)
  endif()
  set_tests_properties(${lab}.starter_fails PROPERTIES LABELS "${lab};starter" WILL_FAIL TRUE TIMEOUT ${timeout})
endfunction()

# Makes <build>/graded/<NN>_<name>/ with an empty placeholder for each of the lab's SOURCES, so the graded tree
# configures before any submission arrives. Nothing is copied from solutions/ (this build never reads it): the grader
# writes the pristine headers and a submission's files before each build, and the placeholders back after it.
macro(_ws_prepare_graded_dir)
  set(graded_dir "${CMAKE_BINARY_DIR}/graded/${arg_NUMBER}_${arg_NAME}")
  foreach(file IN LISTS arg_SOURCES)
    if(NOT EXISTS "${graded_dir}/${file}")
      file(WRITE "${graded_dir}/${file}" "")
    endif()
  endforeach()
endmacro()

# What every lab library gets, whatever its backend: its own folder on the include path, the caller's LIBRARIES,
# and warnings (never -Werror for the learner's tree: a warning should not stop a lab from building).
macro(_ws_lab_library_settings lib)
  target_include_directories(${lib} PUBLIC "${lab_dir}")
  target_link_libraries(${lib} PUBLIC ${arg_LIBRARIES})
  if(tree STREQUAL "solutions")
    ws_set_warnings(${lib})
  endif()
  # Graded code runs under the memory checker, CPU-only labs too: a wrong index must not pass because the bytes
  # past the end happened to hold the right value. (CUDA labs get it from the cudacpu runtime's options.)
  if(tree STREQUAL "graded" AND WS_CUDACPU_CHECK STREQUAL "memory" AND NOT cuda_sources)
    target_compile_options(${lib} PUBLIC -fsanitize=address -fno-omit-frame-pointer -g)
    target_link_options(${lib} PUBLIC -fsanitize=address)
  endif()
endmacro()
