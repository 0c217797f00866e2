# Shared compile settings for the project's own targets.
add_library(splat_settings INTERFACE)
target_compile_options(splat_settings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>)
target_include_directories(splat_settings INTERFACE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
if(SPLAT_WITH_CUDA)
  target_compile_definitions(splat_settings INTERFACE SPLAT_WITH_CUDA=1)
endif()
if(SPLAT_TSAN)
  target_compile_options(splat_settings INTERFACE -fsanitize=thread -g)
  target_link_options(splat_settings INTERFACE -fsanitize=thread)
endif()
if(SPLAT_PORTABLE AND NOT SPLAT_TSAN AND NOT SPLAT_WITH_VIEWER)
  # glibc stays dynamic (the target machine's is newer); the C++ runtime and OpenMP do not. The
  # viewer's cpp-httplib is a shared library on the shared C++ runtime, so with it the runtime
  # stays shared too (one copy in the process); builds for other machines leave the viewer out.
  target_link_options(splat_settings INTERFACE -static-libstdc++ -static-libgcc)
endif()
