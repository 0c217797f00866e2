#include "core/interrupt.hpp"

#include <csignal>
#include <cstdlib>

namespace splat {

namespace {

volatile std::sig_atomic_t g_requested = 0;

extern "C" void on_signal(int signal) {
  if (g_requested) std::_Exit(128 + signal);  // asked twice: stop now
  g_requested = 1;
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() {
  return g_requested != 0;
}

void set_interrupt_requested(bool requested) {
  g_requested = requested ? 1 : 0;
}

}  // namespace splat
