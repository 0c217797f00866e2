# Tests of the emulated CUDA runtime (cuda/emu/runtime_*.cpp: memory, streams, events, errors,
# the device; cuda/emu/include/cub: device-wide CUB), for the EMU configuration. They compile the
# runtime's sources in directly and launch no real kernels (their "kernels" are work items given
# to splat::emu::enqueue), so they need none of the device side's sources, and must not link its
# test stand-ins (emu_test_stubs.cpp defines the same two functions).
find_package(Threads REQUIRED)

# CCCL's Thrust (its iterators feed the emulated CUB) compiles with the host compiler on its CPP
# device system. Only the cccl folder goes on the path: the toolkit's own include folder would
# offer the real cuda_runtime_api.h. The emulation's include folder comes first.
find_path(SPLAT_EMU_CCCL_INCLUDE_DIR thrust/version.h
          PATHS /usr/local/cuda/include/cccl /usr/include/cccl NO_DEFAULT_PATH)

set(SPLAT_EMU_RUNTIME_SOURCES
  ${PROJECT_SOURCE_DIR}/cuda/emu/emu_options.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/runtime_device.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/runtime_errors.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/runtime_events.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/runtime_memory.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/runtime_streams.cpp)

function(splat_emu_runtime_settings target)
  target_include_directories(${target} BEFORE PRIVATE ${PROJECT_SOURCE_DIR}/cuda/emu/include
                                                      ${SPLAT_EMU_CCCL_INCLUDE_DIR})
  target_compile_definitions(${target} PRIVATE THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP)
endfunction()

splat_add_test_executable(emu_runtime_test LABELS cpu
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/runtime_memory_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/runtime_stream_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/runtime_event_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/runtime_error_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/runtime_cub_test.cpp
    ${SPLAT_EMU_RUNTIME_SOURCES}
  LIBS Threads::Threads)
splat_emu_runtime_settings(emu_runtime_test)

# Planted ordering bugs that only ThreadSanitizer can see (runtime_race_probe.cpp): the script
# passes when the correct program is silent and both planted bugs are reported.
if(SPLAT_TSAN)
  add_executable(emu_runtime_race_probe ${CMAKE_CURRENT_SOURCE_DIR}/runtime_race_probe.cpp
                                        ${SPLAT_EMU_RUNTIME_SOURCES})
  target_link_libraries(emu_runtime_race_probe PRIVATE splat_settings Threads::Threads)
  splat_emu_runtime_settings(emu_runtime_race_probe)
  add_test(NAME emu_runtime_race_check
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runtime_race_check.sh
                   $<TARGET_FILE:emu_runtime_race_probe>)
  set_tests_properties(emu_runtime_race_check PROPERTIES LABELS cpu)
endif()
