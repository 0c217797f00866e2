// When an emulated kernel crashes the process (a wild pointer, a fiber stack overflow into its
// guard page, an integer division by zero), print which kernel, block and thread it was before
// the default action runs. Without this, a crash inside a fiber shows only a core dump. Not
// installed under AddressSanitizer or ThreadSanitizer, which report crashes themselves.
#pragma once

#include <cstddef>

namespace splat::emu {

// Installs the process-wide handler (once) and an alternate signal stack for the calling OS
// thread (a fiber that overflowed its stack cannot run the handler on it). Call on every OS thread
// that runs fibers; uninstall_crash_stack before the thread ends.
void install_crash_report();
void uninstall_crash_stack();

// Defined by the block runner: writes a one-line description of the GPU thread running on this OS
// thread into `text` (nothing if none), saying "stack overflow" when `address` is in its fiber's
// guard page. Called from the signal handler.
void describe_crashed_thread(char* text, std::size_t size, const void* address);

}  // namespace splat::emu
