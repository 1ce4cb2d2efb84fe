# Optional native CUDA. Sets WS_HAVE_CUDA.
#
# WS_CUDA=AUTO (default) builds the cuda backend when nvcc is found AND a GPU is visible (nvidia-smi lists one): a
# learner's laptop with the toolkit but no GPU builds only what runs there. TOOLKIT builds it whenever nvcc is found
# (CI: every .cu file must compile with nvcc, GPU or not), ON requires nvcc, OFF never builds it.
# CMAKE_CUDA_ARCHITECTURES defaults to "native" when a GPU is visible, else to two modern architectures,
# and only when the user did not set it.
include(CheckLanguage)

set(WS_CUDA AUTO CACHE STRING "Build the native CUDA backend: AUTO (nvcc and a GPU), TOOLKIT (nvcc), ON or OFF")
set_property(CACHE WS_CUDA PROPERTY STRINGS AUTO TOOLKIT ON OFF)
if(NOT WS_CUDA MATCHES "^(AUTO|TOOLKIT|ON|OFF)$")
  message(FATAL_ERROR "WS_CUDA must be AUTO, TOOLKIT, ON or OFF (got '${WS_CUDA}')")
endif()

# Is a GPU visible? (nvidia-smi comes with the driver; without a driver there is no usable GPU either.)
execute_process(COMMAND nvidia-smi -L RESULT_VARIABLE ws_smi_result OUTPUT_VARIABLE ws_smi_out
                ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
set(WS_GPU_VISIBLE OFF)
if(ws_smi_result EQUAL 0 AND ws_smi_out MATCHES "GPU")
  set(WS_GPU_VISIBLE ON)
endif()

set(WS_HAVE_CUDA OFF)
if(WS_CUDA STREQUAL "AUTO" AND NOT WS_GPU_VISIBLE)
  message(STATUS "WarpSpeed: no GPU visible (nvidia-smi lists none), so the native CUDA backend is not built; "
                 "-DWS_CUDA=TOOLKIT builds it anyway")
elseif(NOT WS_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      if(WS_GPU_VISIBLE)
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
