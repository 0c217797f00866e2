#include "cuda/emu/crash_report.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "cuda/emu/sanitizers.hpp"

namespace splat::emu {

namespace {

#if !defined(SPLAT_EMU_ASAN) && !defined(SPLAT_EMU_TSAN)
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction previous_actions[sizeof kSignals / sizeof kSignals[0]];

void on_crash(int signal, siginfo_t* info, void*) {
  char text[1024];
  describe_crashed_thread(text, sizeof text, info->si_addr);
  if (text[0] != '\0') {
    ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
  }
  // Put the previous action back; returning re-executes the faulting instruction under it.
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i)
    if (kSignals[i] == signal) sigaction(signal, &previous_actions[i], nullptr);
}
#endif

thread_local void* alternate_stack = nullptr;

}  // namespace

void install_crash_report() {
#if !defined(SPLAT_EMU_ASAN) && !defined(SPLAT_EMU_TSAN)
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = &on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i)
      sigaction(kSignals[i], &action, &previous_actions[i]);
  });
  stack_t current{};
  sigaltstack(nullptr, &current);
  if (!alternate_stack && (current.ss_flags & SS_DISABLE)) {  // keep a stack someone else set
    const std::size_t bytes = 64 * 1024;
    alternate_stack = std::malloc(bytes);
    stack_t stack{};
    stack.ss_sp = alternate_stack;
    stack.ss_size = bytes;
    sigaltstack(&stack, nullptr);
  }
#endif
}

void uninstall_crash_stack() {
  if (!alternate_stack) return;
  stack_t stack{};
  stack.ss_flags = SS_DISABLE;
  sigaltstack(&stack, nullptr);
  std::free(alternate_stack);
  alternate_stack = nullptr;
}

}  // namespace splat::emu
