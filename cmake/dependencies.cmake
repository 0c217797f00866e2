# Third-party libraries, all from Debian's packages (installed by tools/setup-deps.sh).
# Static archives are preferred so a build runs on machines that lack these packages.
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Catch2 2 REQUIRED)

function(splat_static_library out_var name)
  find_library(${out_var} NAMES lib${name}.a REQUIRED)
endfunction()

splat_static_library(SPLAT_YAML_CPP_A yaml-cpp)
splat_static_library(SPLAT_PNG_A png16)
splat_static_library(SPLAT_JPEG_A jpeg)
splat_static_library(SPLAT_Z_A z)

add_library(splat_yaml INTERFACE)
target_link_libraries(splat_yaml INTERFACE ${SPLAT_YAML_CPP_A})

add_library(splat_image_codecs INTERFACE)
target_link_libraries(splat_image_codecs INTERFACE ${SPLAT_PNG_A} ${SPLAT_JPEG_A} ${SPLAT_Z_A} m)

# OpenMP: compile flags from CMake, runtime linked statically when building portable.
add_library(splat_openmp INTERFACE)
target_compile_options(splat_openmp INTERFACE $<$<COMPILE_LANGUAGE:CXX>:${OpenMP_CXX_FLAGS}>)
find_library(SPLAT_GOMP_A NAMES libgomp.a HINTS ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES})
if(SPLAT_PORTABLE AND SPLAT_GOMP_A AND NOT SPLAT_TSAN)
  target_link_libraries(splat_openmp INTERFACE ${SPLAT_GOMP_A} Threads::Threads ${CMAKE_DL_LIBS})
else()
  target_link_libraries(splat_openmp INTERFACE OpenMP::OpenMP_CXX)
endif()

# libtorch is only for the gradient-oracle tests; it never reaches the trainer or .cu files.
set(SPLAT_HAVE_TORCH OFF)
if(SPLAT_ORACLE_TESTS)
  find_package(Torch QUIET CONFIG)
  if(Torch_FOUND)
    set(SPLAT_HAVE_TORCH ON)
  else()
    message(STATUS "splatstream: libtorch not found, oracle tests disabled")
  endif()
endif()

# The browser viewer's server: cpp-httplib, a shared library in Debian (with OpenSSL, zlib and
# brotli behind it), so builds meant for other machines leave the viewer out.
option(SPLAT_VIEWER "Build `splatstream view` (needs libcpp-httplib-dev)" ON)
set(SPLAT_WITH_VIEWER OFF)
if(SPLAT_VIEWER)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
  endif()
  if(HTTPLIB_FOUND)
    set(SPLAT_WITH_VIEWER ON)
  else()
    message(STATUS "splatstream: cpp-httplib not found, `splatstream view` left out")
  endif()
endif()
