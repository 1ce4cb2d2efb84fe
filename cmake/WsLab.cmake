# ws_add_lab(<NN>_<name>)
#
# A lab is declared once, in its manifest solutions/<NN>_<name>/lab.json (docs/architecture.md, "Add a lab"). This
# function reads it (string(JSON)) and makes everything else from it:
#   "files"       the sources, compiled from each tree (labs/ = the learner's files, solutions/ = the reference)
#   "libraries"   what they link: "openmp" (ws::openmp), "openblas" (ws::openblas), "cublas" (the real cuBLAS or the
#                 CPU backend's stand-in), "cub" and "thrust" (ws_link_cccl: nvcc's, or the CPU backend's)
#   "build"       options: "native_simd" (ws::cpu_kernel_flags: -O3 -march=native), "portable_test" (the solution
#                 is also built and tested without -march=native: lab<NN>.solutions.portable)
#   "versions"    group -> version names, generated into lab<NN>_manifest.hpp (lab<NN>::manifest::<group>_versions),
#                 which the tests and the bench iterate
#   "workloads"   the `./course bench` workloads the lab's code takes part in (global properties below)
#   "performance" graded cases: when tests/lab<NN>_<name>.perf.cpp exists, its driver is built and run by ctest
#
# For each tree and each backend in WS_BACKENDS it builds
#   lab<NN>_<tree>_<backend>          a static library from <tree>/<NN>_<name>/<files>
#   lab<NN>_<tree>_<backend>_tests    tests/lab<NN>_<name>.tests.cpp linked against it
#   lab<NN>_<tree>_<backend>_perf     tests/lab<NN>_<name>.perf.cpp (not for labs/), when that file exists
# and registers:
#   lab<NN>.<tree>.cpu      [cpu] test cases                    labels lab<NN>;<tree>;cpu
#   lab<NN>.<tree>.cudacpu  [gpu] test cases on the CPU backend labels lab<NN>;<tree>;cudacpu
#   lab<NN>.<tree>.gpu      [gpu] test cases on a real GPU      labels lab<NN>;<tree>;gpu   (Skipped without one)
#   lab<NN>.starter_fails   the pristine starter fails its [gpu] tests (label starter)
#   lab<NN>.solutions.perf.cudacpu / .gpu   every performance case runs (tiny with --small on the CPU backend)
#
# A lab without .cu files is CPU-only (lab 02): one library lab<NN>_<tree> and one lab<NN>_<tree>_tests per tree,
# no backends, only the lab<NN>.<tree>.cpu test, and starter_fails runs its [cpu] tests. `./course check` uses the
# same rule (tools/course/check.sh).
#
# Global properties for what is configured after the labs (the grader's manifest checks, the bench):
#   WS_LABS                           the lab ids in the order they were added ("01_vector_add;...")
#   WS_BENCH_WORKLOADS                every workload some lab lists
#   WS_BENCH_WORKLOAD_<workload>_LABS the numbers of the labs that list it ("02;03;04")
#
# Grading (WS_GRADED_ONLY=ON): the build the autograder compiles submissions in holds a third tree, `graded`, and
# nothing else: the same libraries and tests from <build>/graded/<NN>_<name>/, where the grader (tools/grader) writes
# one submission at a time. That build is configured from a copy of the public sources only (no solutions/, no
# reference binaries; the manifests are copied to labs/<NN>_<name>/lab.json there), so what a submission's compiler
# can read holds no answer. It registers no ctest tests: the grader runs them itself, one test case at a time, under
# its time limits and sandbox. The performance drivers are built for the graded tree too: the grader compares them
# with the reference's on a GPU.
function(ws_add_lab id)
  if(NOT id MATCHES "^([0-9][0-9])_([a-z0-9_]+)$")
    message(FATAL_ERROR "ws_add_lab(${id}): a lab is named <NN>_<name>, e.g. 05_reductions")
  endif()
  set(number "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  set(lab "lab${number}")
  set(manifest "${PROJECT_SOURCE_DIR}/solutions/${id}/lab.json")
  if(WS_GRADED_ONLY)
    set(manifest "${PROJECT_SOURCE_DIR}/labs/${id}/lab.json")
  endif()
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "ws_add_lab(${id}): no manifest ${manifest}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${manifest}")
  file(READ "${manifest}" json)
  _ws_manifest_strings(lab_sources files)
  _ws_manifest_strings(lab_libraries libraries)
  _ws_manifest_strings(lab_workloads workloads)
  _ws_manifest_flag(native_simd build native_simd)
  _ws_manifest_flag(portable_test build portable_test)
  if(NOT lab_sources)
    message(FATAL_ERROR "${manifest}: \"files\" names no source")
  endif()

  set(link_libraries "")
  set(use_cublas OFF)
  set(use_cccl OFF)
  foreach(library IN LISTS lab_libraries)
    if(library STREQUAL "openmp")
      list(APPEND link_libraries ws::openmp)
    elseif(library STREQUAL "openblas")
      list(APPEND link_libraries ws::openblas)
    elseif(library STREQUAL "cublas")
      set(use_cublas ON)
    elseif(library MATCHES "^(cub|thrust)$")
      set(use_cccl ON)
    else()
      message(FATAL_ERROR "${manifest}: unknown library \"${library}\" (known: openmp openblas cublas cub thrust)")
    endif()
  endforeach()
  if(native_simd)
    list(APPEND link_libraries ws::cpu_kernel_flags)
  endif()

  _ws_generate_lab_header()
  set_property(GLOBAL APPEND PROPERTY WS_LABS "${id}")
  foreach(workload IN LISTS lab_workloads)
    get_property(known GLOBAL PROPERTY WS_BENCH_WORKLOADS)
    if(NOT workload IN_LIST known)
      set_property(GLOBAL APPEND PROPERTY WS_BENCH_WORKLOADS "${workload}")
    endif()
    set_property(GLOBAL APPEND PROPERTY WS_BENCH_WORKLOAD_${workload}_LABS "${number}")
  endforeach()

  set(test_source "${PROJECT_SOURCE_DIR}/tests/${lab}_${name}.tests.cpp")
  set(perf_source "${PROJECT_SOURCE_DIR}/tests/${lab}_${name}.perf.cpp")
  set(timeout 300)
  set(cuda_sources ${lab_sources})
  list(FILTER cuda_sources INCLUDE REGEX "\\.cu$")

  set(trees labs solutions)
  if(WS_GRADED_ONLY)
    set(trees graded)
    _ws_prepare_graded_dir()
  endif()
  foreach(tree IN LISTS trees)
    set(lab_dir "${PROJECT_SOURCE_DIR}/${tree}/${id}")
    if(tree STREQUAL "graded")
      set(lab_dir "${CMAKE_BINARY_DIR}/graded/${id}")
    endif()
    list(TRANSFORM lab_sources PREPEND "${lab_dir}/" OUTPUT_VARIABLE sources)
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
      if(use_cublas)
        ws_link_cublas(${lib} BACKEND ${backend})
      endif()
      if(use_cccl)
        ws_link_cccl(${lib} BACKEND ${backend})
      endif()
      add_executable(${lib}_tests "${test_source}")
      target_link_libraries(${lib}_tests PRIVATE ${lib} ws_test_main_${backend} Catch2::Catch2)
      ws_set_warnings(${lib}_tests)
      # The learner's files through nvcc where no GPU can run them (CI's TOOLKIT build): built only when asked for
      # by name. The solutions tree is the nvcc check; the starters differ from it only inside the TODO regions.
      if(tree STREQUAL "labs" AND backend STREQUAL "cuda" AND NOT WS_GPU_VISIBLE)
        set_target_properties(${lib} ${lib}_tests PROPERTIES EXCLUDE_FROM_ALL ON)
      endif()
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
    if(WS_HAVE_CUDA AND (WS_GPU_VISIBLE OR NOT tree STREQUAL "labs"))  # (the binary above is built)
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

  # The performance driver runs every case: tiny (--small) on the CPU backend; on a GPU at the size the grader times.
  # It exits non-zero at the first case that fails (and 77 on a cuda build without a GPU).
  if(EXISTS "${perf_source}" AND cuda_sources)
    add_test(NAME ${lab}.solutions.perf.cudacpu COMMAND ${lab}_solutions_cudacpu_perf --small --runs 2 --warmup 1)
    set_tests_properties(${lab}.solutions.perf.cudacpu PROPERTIES LABELS "${lab};solutions;cudacpu" TIMEOUT 120)
    if(WS_HAVE_CUDA)
      add_test(NAME ${lab}.solutions.perf.gpu COMMAND ${lab}_solutions_cuda_perf --runs 3)
      set_tests_properties(${lab}.solutions.perf.gpu PROPERTIES LABELS "${lab};solutions;gpu" TIMEOUT 300
                           SKIP_RETURN_CODE ${WS_SKIP_RETURN_CODE})
    endif()
  endif()

  # The portable fallback of a lab that picks SIMD code from -march=native (what a CPU without AVX2 gets), built
  # from the same solution without native flags.
  if(portable_test)
    set(lab_dir "${PROJECT_SOURCE_DIR}/solutions/${id}")
    list(TRANSFORM lab_sources PREPEND "${lab_dir}/" OUTPUT_VARIABLE sources)
    set(exe ${lab}_solutions_portable_tests)
    add_executable(${exe} "${test_source}" ${sources})
    target_include_directories(${exe} PRIVATE "${lab_dir}" "${CMAKE_BINARY_DIR}/generated/${lab}")
    list(REMOVE_ITEM link_libraries ws::cpu_kernel_flags)
    target_link_libraries(${exe} PRIVATE ws::common ${link_libraries} ws_test_main_none Catch2::Catch2)
    string(TOUPPER "${lab}" lab_upper)
    target_compile_definitions(${exe} PRIVATE WS_${lab_upper}_EXPECT_PORTABLE=1)
    ws_set_warnings(${exe})
    add_test(NAME ${lab}.solutions.portable COMMAND ${exe} "[cpu]")
    set_tests_properties(${lab}.solutions.portable PROPERTIES LABELS "${lab};solutions;cpu" TIMEOUT ${timeout})
  endif()
endfunction()

# _ws_manifest_strings(<out> <key>): the strings of the manifest's array <key> (empty when there is none).
macro(_ws_manifest_strings out key)
  set(${out} "")
  string(JSON _ws_type ERROR_VARIABLE _ws_error TYPE "${json}" ${key})
  if(NOT _ws_error)
    if(NOT _ws_type STREQUAL "ARRAY")
      message(FATAL_ERROR "${manifest}: \"${key}\" must be an array")
    endif()
    string(JSON _ws_count LENGTH "${json}" ${key})
    if(_ws_count GREATER 0)
      math(EXPR _ws_last "${_ws_count} - 1")
      foreach(_ws_i RANGE ${_ws_last})
        string(JSON _ws_item GET "${json}" ${key} ${_ws_i})
        list(APPEND ${out} "${_ws_item}")
      endforeach()
    endif()
  endif()
endmacro()

# _ws_manifest_flag(<out> <object> <key>): ON when the manifest's <object>.<key> is true.
macro(_ws_manifest_flag out object key)
  string(JSON ${out} ERROR_VARIABLE _ws_error GET "${json}" ${object} ${key})
  if(_ws_error OR NOT ${out})
    set(${out} OFF)
  else()
    set(${out} ON)
  endif()
endmacro()

# Writes <build>/generated/lab<NN>/lab<NN>_manifest.hpp from the manifest: the lab's id, title and, for each group of
# "versions", lab<NN>::manifest::<group>_versions. Rewritten only when its text changes (no needless rebuilds).
macro(_ws_generate_lab_header)
  string(JSON _ws_title GET "${json}" title)
  set(_ws_text "// Generated by cmake/WsLab.cmake from ${id}/lab.json: edit the manifest, not this file.\n")
  string(APPEND _ws_text "#pragma once\n\n#include <array>\n#include <string_view>\n\n")
  string(APPEND _ws_text "namespace ${lab}::manifest {\n\n")
  string(APPEND _ws_text "inline constexpr std::string_view id = \"${id}\";\n")
  string(APPEND _ws_text "inline constexpr std::string_view title = \"${_ws_title}\";\n")
  string(JSON _ws_groups ERROR_VARIABLE _ws_error LENGTH "${json}" versions)
  if(NOT _ws_error AND _ws_groups GREATER 0)
    math(EXPR _ws_last_group "${_ws_groups} - 1")
    foreach(_ws_g RANGE ${_ws_last_group})
      string(JSON _ws_group MEMBER "${json}" versions ${_ws_g})
      if(NOT _ws_group MATCHES "^[a-z][a-z0-9_]*$")
        message(FATAL_ERROR "${manifest}: version group \"${_ws_group}\" must be a C++ name (a-z, 0-9, _)")
      endif()
      _ws_manifest_strings(_ws_names "versions;${_ws_group}")
      list(LENGTH _ws_names _ws_n)
      set(_ws_joined "")
      foreach(_ws_name IN LISTS _ws_names)
        if(NOT _ws_name MATCHES "^[A-Za-z0-9_+ .-]+$")
          message(FATAL_ERROR "${manifest}: version \"${_ws_name}\" of \"${_ws_group}\": use letters, digits, _ + - . and spaces")
        endif()
        if(_ws_joined)
          string(APPEND _ws_joined ", ")
        endif()
        string(APPEND _ws_joined "\"${_ws_name}\"")
      endforeach()
      string(APPEND _ws_text "inline constexpr std::array<std::string_view, ${_ws_n}> ${_ws_group}_versions = {${_ws_joined}};\n")
    endforeach()
  endif()
  string(APPEND _ws_text "\n}  // namespace ${lab}::manifest\n")
  file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/generated/${lab}/${lab}_manifest.hpp" CONTENT "${_ws_text}" @ONLY)
endmacro()

# Makes <build>/graded/<NN>_<name>/ with an empty placeholder for each of the lab's SOURCES, so the graded tree
# configures before any submission arrives. Nothing is copied from solutions/ (this build never reads it): the grader
# writes the pristine headers and a submission's files before each build, and the placeholders back after it.
macro(_ws_prepare_graded_dir)
  set(graded_dir "${CMAKE_BINARY_DIR}/graded/${id}")
  foreach(file IN LISTS lab_sources)
    if(NOT EXISTS "${graded_dir}/${file}")
      file(WRITE "${graded_dir}/${file}" "")
    endif()
  endforeach()
endmacro()

# What every lab library gets, whatever its backend: its own folder and its generated manifest header on the include
# path, the manifest's libraries,
# and warnings (never -Werror for the learner's tree: a warning should not stop a lab from building).
macro(_ws_lab_library_settings lib)
  target_include_directories(${lib} PUBLIC "${lab_dir}" "${CMAKE_BINARY_DIR}/generated/${lab}")
  target_link_libraries(${lib} PUBLIC ${link_libraries})
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
