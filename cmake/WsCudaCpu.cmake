# The two backends that run CUDA code, and the one function that builds a target for either.
#
#   ws_link_cuda_backend(<target> BACKEND <cuda|cudacpu> [CHECK <memory|races>])
#       Links the backend's runtime: CUDA::cudart for cuda, ws::cudacpu (stand-in cuda_runtime.h & co.) for cudacpu.
#       CHECK links the cudacpu runtime built with that bug detector (ws_cudacpu_<mode>) whatever WS_CUDACPU_CHECK is.
#   ws_target_cuda_sources(<target> BACKEND <cuda|cudacpu> [CHECK <memory|races>] SOURCES <file.cu|file.cpp>...)
#       Adds sources to <target>. For cuda, .cu files compile with nvcc. For cudacpu, each .cu file is
#       translated by ws_cudacpu_translate (keeping line numbers) and compiled as C++; .cpp files compile as they are.
#   ws_link_cublas(<target> BACKEND <cuda|cudacpu>)
#       cuBLAS for <target>: CUDA::cublas for cuda; for cudacpu the stand-in cublas_v2.h, which is header-only and
#       comes with the runtime's include directory.
#   ws_link_cccl(<target> BACKEND <cuda|cudacpu>)
#       Thrust and CUB for <target>: nvcc brings both for cuda. For cudacpu, CUB is the stand-in (cub/, with the
#       runtime's headers) and Thrust runs on its CPP device system, from WS_CCCL_INCLUDE_DIR: the CUDA Toolkit's
#       CCCL headers where a toolkit is installed, else Debian's libthrust-dev (./course setup installs it). They come
#       AFTER the stand-in headers: CCCL includes <cuda_runtime_api.h>, which must be ours, and its own cub/ must never
#       be picked up.
#
# WS_BACKENDS lists the backends this build makes: always cudacpu, plus cuda when WS_HAVE_CUDA.
#
# At the end of configuring, <build>/cudacpu-tools.txt records the translator, the runtime library and the
# runtime's include directories and definitions, one `key=value` a line: `./course nvcc-cpu` compiles learners'
# programs outside CMake with exactly what the build uses.
include_guard(GLOBAL)

set(WS_BACKENDS cudacpu)
if(WS_HAVE_CUDA)
  list(APPEND WS_BACKENDS cuda)
endif()

function(ws_link_cuda_backend target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BACKEND;CHECK" "")
  if(arg_CHECK AND NOT (arg_BACKEND STREQUAL "cudacpu" AND arg_CHECK MATCHES "^(memory|races)$"))
    message(FATAL_ERROR "ws_link_cuda_backend(${target}): CHECK takes memory or races, with BACKEND cudacpu")
  endif()
  if(arg_BACKEND STREQUAL "cuda")
    target_link_libraries(${target} PUBLIC CUDA::cudart)
    target_compile_definitions(${target} PUBLIC WS_BACKEND_CUDA=1)
  elseif(arg_BACKEND STREQUAL "cudacpu" AND arg_CHECK)
    target_link_libraries(${target} PUBLIC ws_cudacpu_${arg_CHECK})
    target_compile_definitions(${target} PUBLIC WS_BACKEND_CUDACPU=1)
  elseif(arg_BACKEND STREQUAL "cudacpu")
    target_link_libraries(${target} PUBLIC ws::cudacpu)
    target_compile_definitions(${target} PUBLIC WS_BACKEND_CUDACPU=1)
  else()
    message(FATAL_ERROR "ws_link_cuda_backend(${target}): BACKEND must be cuda or cudacpu, not '${arg_BACKEND}'")
  endif()
endfunction()

function(ws_link_cublas target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BACKEND" "")
  if(arg_BACKEND STREQUAL "cuda")
    target_link_libraries(${target} PUBLIC CUDA::cublas)
  elseif(NOT arg_BACKEND STREQUAL "cudacpu")
    message(FATAL_ERROR "ws_link_cublas(${target}): BACKEND must be cuda or cudacpu, not '${arg_BACKEND}'")
  endif()
endfunction()

find_path(WS_CCCL_INCLUDE_DIR thrust/version.h
          PATHS "$ENV{CUDA_PATH}/include/cccl" /usr/local/cuda/include/cccl /usr/local/cuda/include /usr/include
          NO_DEFAULT_PATH DOC "Thrust's headers for the CPU backend (the toolkit's CCCL, or Debian's libthrust-dev)")

function(ws_link_cccl target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BACKEND" "")
  if(arg_BACKEND STREQUAL "cudacpu")
    if(NOT WS_CCCL_INCLUDE_DIR)
      message(FATAL_ERROR "${target} uses Thrust, whose headers were not found (neither the CUDA Toolkit's CCCL nor "
                          "/usr/include/thrust): run ./course setup (it installs libthrust-dev)")
    endif()
    # -I/usr/include would break #include_next in the standard library: the compiler searches it anyway, last.
    if(NOT WS_CCCL_INCLUDE_DIR STREQUAL "/usr/include")
      target_include_directories(${target} SYSTEM AFTER PUBLIC "${WS_CCCL_INCLUDE_DIR}")
    endif()
    target_compile_definitions(${target} PUBLIC THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP)
  elseif(NOT arg_BACKEND STREQUAL "cuda")
    message(FATAL_ERROR "ws_link_cccl(${target}): BACKEND must be cuda or cudacpu, not '${arg_BACKEND}'")
  endif()
endfunction()

function(ws_target_cuda_sources target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BACKEND;CHECK" "SOURCES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ws_target_cuda_sources(${target}): unexpected arguments '${arg_UNPARSED_ARGUMENTS}'")
  endif()
  ws_link_cuda_backend(${target} BACKEND ${arg_BACKEND} CHECK ${arg_CHECK})
  foreach(src IN LISTS arg_SOURCES)
    cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE OUTPUT_VARIABLE abs)
    cmake_path(GET abs EXTENSION LAST_ONLY ext)
    if(NOT (arg_BACKEND STREQUAL "cudacpu" AND ext STREQUAL ".cu"))
      target_sources(${target} PRIVATE "${abs}")
      continue()
    endif()
    # The translation mirrors the .cu's path in the project (labs/01_x/k.cu -> <target>/labs/01_x/k.cu.cpp), so two
    # k.cu from different folders in one target do not collide, and the compiler's messages stay readable.
    cmake_path(RELATIVE_PATH abs BASE_DIRECTORY "${PROJECT_SOURCE_DIR}" OUTPUT_VARIABLE rel)
    string(REPLACE "../" "__/" rel "${rel}")  # a file outside the project still lands inside the build tree
    set(out "${CMAKE_CURRENT_BINARY_DIR}/cudacpu/${target}/${rel}.cpp")
    cmake_path(GET abs PARENT_PATH dir)
    # DEPENDS on the target both orders the build and re-translates when the translator changes. Headers the .cu
    # includes with quotes are followed (next to the including file, then the target's include directories) and
    # translated when they hold kernels or __shared__; the translator's depfile lists every header it read, so
    # editing one translates again.
    # (Not the stand-in headers' folders or the system's: nothing there is the learner's.)
    set(includes "$<FILTER:$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>,EXCLUDE,^/usr/|/common/cudacpu/include$|/unsupported-include$>")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND ws_cudacpu_translate "${abs}" -o "${out}" --depfile "${out}.d"
              "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
      DEPENDS "${abs}" ws_cudacpu_translate
      DEPFILE "${out}.d"
      COMMENT "Translating ${rel} for the CPU backend"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    # The translation lives in the build tree; its #include "x.h" must still find the .cu's neighbours (gcc looks
    # next to the file it compiles, not next to the #line name). Set in the target's directory, which also owns
    # the custom command: a target must be created in the directory that calls this function.
    # `#pragma unroll` is everyday CUDA that g++ does not know: without -Wno-unknown-pragmas it warns (and a -Werror
    # build fails) on code that is right.
    set_property(SOURCE "${out}" TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_OPTIONS -iquote "${dir}"
                 -Wno-unknown-pragmas)
    target_sources(${target} PRIVATE "${out}")
  endforeach()
endfunction()

function(_ws_write_cudacpu_tools)
  if(NOT TARGET ws_cudacpu OR NOT TARGET ws_cudacpu_translate)
    return()
  endif()
  get_target_property(type ws_cudacpu TYPE)
  set(runtime "")
  if(type MATCHES "^(STATIC|SHARED)_LIBRARY$")
    set(runtime "runtime=$<TARGET_LINKER_FILE:ws_cudacpu>\n")
  endif()
  # Transitive (Boost's too), without the compiler's own directories: `-I/usr/include` breaks #include_next.
  set(includes "$<REMOVE_DUPLICATES:$<FILTER:$<TARGET_PROPERTY:ws_cudacpu,INTERFACE_INCLUDE_DIRECTORIES>,EXCLUDE,^/usr(/local)?/include/?$>>")
  set(defines "$<REMOVE_DUPLICATES:$<TARGET_PROPERTY:ws_cudacpu,INTERFACE_COMPILE_DEFINITIONS>>")
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/cudacpu-tools.txt" CONTENT
       "translator=$<TARGET_FILE:ws_cudacpu_translate>\n${runtime}\
$<$<BOOL:${includes}>:include=$<JOIN:${includes},\ninclude=>\n>\
$<$<BOOL:${defines}>:define=$<JOIN:${defines},\ndefine=>\n>")
endfunction()
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _ws_write_cudacpu_tools)
