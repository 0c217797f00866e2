// Which sanitizer this translation unit is built with (GCC and Clang spell it differently), and
// their interfaces when present: fibers must tell AddressSanitizer and ThreadSanitizer about every
// stack switch, or both report nonsense.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define SPLAT_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPLAT_EMU_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define SPLAT_EMU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPLAT_EMU_TSAN 1
#endif
#endif

#if defined(SPLAT_EMU_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(SPLAT_EMU_TSAN)
#include <sanitizer/tsan_interface.h>
#endif
