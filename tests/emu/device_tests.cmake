# Tests of the emulated device side (cuda/emu: fibers, barriers, warp collectives, shared memory,
# atomics, BlockReduce, SPLAT_LAUNCH), for the EMU configuration. They compile the device side's
# sources in directly, with stand-ins for the two runtime functions it calls
# (emu_test_stubs.cpp), so they must not also link the emulated runtime's library.
find_package(Threads REQUIRED)

set(SPLAT_EMU_DEVICE_SOURCES
  ${PROJECT_SOURCE_DIR}/cuda/emu/block_runner.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/crash_report.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/emu_options.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/fiber.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/fiber_switch.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/grid_runner.cpp
  ${PROJECT_SOURCE_DIR}/cuda/emu/shared_arena.cpp)

splat_add_test_executable(emu_device_test LABELS cpu
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/emu_test_stubs.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/barrier_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/warp_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/memory_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/block_reduce_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/launch_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/fiber_test.cpp
    ${SPLAT_EMU_DEVICE_SOURCES}
  LIBS Threads::Threads)

# Planted bugs that only show from outside the process (probe.cpp): the sanitizer of the build, or
# the crash report, must print the given report (the pass condition); the clean run must stay
# silent.
add_executable(emu_probe ${CMAKE_CURRENT_SOURCE_DIR}/probe.cpp ${SPLAT_EMU_DEVICE_SOURCES})
target_link_libraries(emu_probe PRIVATE splat_settings Threads::Threads)
add_test(NAME emu_probe:clean COMMAND emu_probe clean)
set(splat_emu_probe_reports)
if(SPLAT_TSAN)
  list(APPEND splat_emu_probe_reports "shared-race=ThreadSanitizer: data race"
                                      "block-race=ThreadSanitizer: data race"
                                      "shuffle-race=ThreadSanitizer: data race")
endif()
if(CMAKE_CXX_FLAGS MATCHES "sanitize=address")
  list(APPEND splat_emu_probe_reports "shared-overflow=AddressSanitizer: use-after-poison")
elseif(NOT SPLAT_TSAN)
  list(APPEND splat_emu_probe_reports
       "stack-overflow=block \\(1,0,0\\) of kernel stack_overflow_kernel crashed: fiber stack overflow")
endif()
foreach(probe IN LISTS splat_emu_probe_reports)
  string(REGEX REPLACE "=.*" "" mode "${probe}")
  string(REGEX REPLACE "^[^=]*=" "" report "${probe}")
  add_test(NAME emu_probe:${mode} COMMAND emu_probe ${mode})
  set_tests_properties(emu_probe:${mode} PROPERTIES PASS_REGULAR_EXPRESSION "${report}" LABELS cpu)
endforeach()
set_tests_properties(emu_probe:clean PROPERTIES LABELS cpu)
