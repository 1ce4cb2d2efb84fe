# The CPU side of the matmul track: threads, the machine's own vector instructions, and the OpenBLAS yardstick.
#
#   ws::openmp        OpenMP for C++ (g++'s libgomp); required: lab 02 parallelizes its fastest version with it
#   ws::cpu_kernel_flags  how a BLAS library is built: -O3 (at -O2, GCC 12 vectorizes only loops whose trip count
#                     is a multiple of the vector width, so lab 02's ikj loop would stay scalar), and -march=native when
#                     the compiler takes it and WS_NATIVE_SIMD is ON: lab 02 picks its SIMD micro-kernel (AVX-512,
#                     AVX2 or portable) from the macros that flag defines (__AVX512F__, ...)
#   ws::openblas      OpenBLAS's cblas_sgemm, for `./course bench matmul`; WS_HAVE_OPENBLAS says whether it was found
#
# Everything is built on the machine that runs it (a learner's laptop, CI, the GPU machine), so "native" is right:
# a binary is never copied to another CPU. Turn WS_NATIVE_SIMD off to see the portable kernel.
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

find_package(OpenMP REQUIRED COMPONENTS CXX)
add_library(ws_openmp INTERFACE)
target_link_libraries(ws_openmp INTERFACE OpenMP::OpenMP_CXX)
add_library(ws::openmp ALIAS ws_openmp)

option(WS_NATIVE_SIMD "Compile the CPU matmul kernels for this machine's vector instructions (-march=native)" ON)
check_cxx_compiler_flag(-march=native WS_COMPILER_HAS_MARCH_NATIVE)
add_library(ws_cpu_kernel_flags INTERFACE)
# C++ only: a lab that also has .cu files (lab 05) must not hand g++'s flags to nvcc (which warns about -O3 and would
# pass -march=native to the host compiler behind the GPU code's back).
target_compile_options(ws_cpu_kernel_flags INTERFACE $<$<AND:$<CONFIG:Release,RelWithDebInfo>,$<COMPILE_LANGUAGE:CXX>>:-O3>)
if(WS_NATIVE_SIMD AND WS_COMPILER_HAS_MARCH_NATIVE)
  target_compile_options(ws_cpu_kernel_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
endif()
add_library(ws::cpu_kernel_flags ALIAS ws_cpu_kernel_flags)

# Debian's libopenblas-dev installs cblas.h and libopenblas.so under an openblas-<threading>/ folder.
find_path(WS_OPENBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas-openmp openblas-serial openblas
          PATHS /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu)
find_library(WS_OPENBLAS_LIBRARY NAMES openblas PATH_SUFFIXES openblas-pthread openblas-openmp openblas-serial)
if(WS_OPENBLAS_INCLUDE_DIR AND WS_OPENBLAS_LIBRARY)
  set(WS_HAVE_OPENBLAS ON)
  add_library(ws_openblas INTERFACE)
  target_include_directories(ws_openblas SYSTEM INTERFACE "${WS_OPENBLAS_INCLUDE_DIR}")
  target_link_libraries(ws_openblas INTERFACE "${WS_OPENBLAS_LIBRARY}")
  add_library(ws::openblas ALIAS ws_openblas)
  message(STATUS "OpenBLAS: ${WS_OPENBLAS_LIBRARY}")
else()
  set(WS_HAVE_OPENBLAS OFF)
  message(STATUS "OpenBLAS: not found (./course setup installs libopenblas-dev); the matmul benchmark needs it")
endif()
