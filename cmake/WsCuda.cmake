# Optional native CUDA. Sets WS_HAVE_CUDA.
#
# WS_CUDA=AUTO (default) builds the cuda backend when nvcc is found, OFF never does, ON requires it.
# CMAKE_CUDA_ARCHITECTURES defaults to "native" when a GPU is visible, else to two modern architectures,
# and only when the user did not set it.
include(CheckLanguage)

set(WS_CUDA AUTO CACHE STRING "Build the native CUDA backend: AUTO, ON or OFF")
set_property(CACHE WS_CUDA PROPERTY STRINGS AUTO ON OFF)

set(WS_HAVE_CUDA OFF)
if(NOT WS_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      execute_process(COMMAND nvidia-smi -L RESULT_VARIABLE smi_result OUTPUT_VARIABLE smi_out
                      ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(smi_result EQUAL 0 AND smi_out MATCHES "GPU")
        set(CMAKE_CUDA_ARCHITECTURES native)
      else()
        # No GPU visible: Ampere and Hopper cubins (the compute_90 PTX also JIT-compiles on newer GPUs).
        set(CMAKE_CUDA_ARCHITECTURES 80-real 90)
      endif()
    endif()
    enable_language(CUDA)
    # CMake 3.25 knows nvcc's flags only up to C++17; nvcc 12+ takes -std=c++20. Teach it, then ask for C++20.
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION AND CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12.0)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(WS_HAVE_CUDA ON)
  elseif(WS_CUDA STREQUAL "ON")
    message(FATAL_ERROR "WS_CUDA=ON but no CUDA compiler (nvcc) was found. Install the CUDA Toolkit "
                        "or configure with -DWS_CUDA=OFF (the cudacpu backend still runs every lab).")
  endif()
endif()

if(WS_HAVE_CUDA)
  message(STATUS "WarpSpeed: native CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES})")
else()
  message(STATUS "WarpSpeed: native CUDA backend OFF; labs run on the cudacpu backend")
endif()

# Recorded for ./course, which reads CMakeCache.txt to know whether GPU test binaries exist.
set(WS_HAVE_CUDA ${WS_HAVE_CUDA} CACHE INTERNAL "Whether the native CUDA backend is built")
