# Decides SPLAT_WITH_CUDA from the SPLAT_CUDA cache option and enables the language.
# EMU compiles the CUDA backend (every cuda/*.cu and the CUDA host code) with the host compiler
# against cuda/emu, which runs it on the CPU: for tests, so the GPU path runs on every build
# machine. SPLAT_CUDA_RUNTIME names what CUDA host code links: the static runtime or the emulation.
include(CheckLanguage)
set(SPLAT_WITH_CUDA OFF)
set(SPLAT_CUDA_EMU OFF)
if(SPLAT_CUDA STREQUAL "EMU")
  set(SPLAT_WITH_CUDA ON)
  set(SPLAT_CUDA_EMU ON)
  set(SPLAT_CUDA_RUNTIME splat_cuda_emu)
  message(STATUS "splatstream: CUDA emulated on the CPU (SPLAT_CUDA=EMU, for tests)")
elseif(SPLAT_CUDA STREQUAL "ON" OR SPLAT_CUDA STREQUAL "AUTO")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    set(SPLAT_WITH_CUDA ON)
  elseif(SPLAT_CUDA STREQUAL "ON")
    message(FATAL_ERROR "SPLAT_CUDA=ON but no CUDA compiler was found; set CUDACXX or "
                        "CMAKE_CUDA_COMPILER, or configure with -DSPLAT_CUDA=OFF")
  else()
    message(STATUS "splatstream: nvcc not found, building the CPU backend only")
  endif()
elseif(NOT SPLAT_CUDA STREQUAL "OFF")
  message(FATAL_ERROR "SPLAT_CUDA must be AUTO, ON or OFF (got '${SPLAT_CUDA}')")
endif()

if(SPLAT_WITH_CUDA AND NOT SPLAT_CUDA_EMU)
  set(SPLAT_CUDA_RUNTIME CUDA::cudart_static)
  set(CMAKE_CUDA_STANDARD 17)  # CMake 3.25 cannot enable CUDA20 with nvcc 13
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  # Runtime API only, linked statically: linking libcuda would stop the program from
  # starting on machines without a driver.
  set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
  # Debian 12's stock FindCUDAToolkit (cmake-data 3.25.1) marks CUDA::nvToolsExt deprecated
  # without checking that the target exists when a project requires CMake >= 3.25, and CUDA 13
  # no longer ships libnvToolsExt, so configure fails. The module only reads the version to
  # decide whether to warn; it says nothing about policies, so looking 3.24 to it is safe.
  # tools/check-stock-cmake.sh configures against the unpatched module to keep this honest.
  set(splat_required_cmake ${CMAKE_MINIMUM_REQUIRED_VERSION})
  set(CMAKE_MINIMUM_REQUIRED_VERSION 3.24)
  find_package(CUDAToolkit REQUIRED)
  set(CMAKE_MINIMUM_REQUIRED_VERSION ${splat_required_cmake})
  string(APPEND CMAKE_CUDA_FLAGS " --expt-relaxed-constexpr -lineinfo")
endif()
