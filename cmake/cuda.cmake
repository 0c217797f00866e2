# Decides SPLAT_WITH_CUDA from the SPLAT_CUDA cache option and enables the language.
include(CheckLanguage)
set(SPLAT_WITH_CUDA OFF)
if(SPLAT_CUDA STREQUAL "ON" OR SPLAT_CUDA STREQUAL "AUTO")
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

if(SPLAT_WITH_CUDA)
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
