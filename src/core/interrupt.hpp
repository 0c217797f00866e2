// Ctrl-C (SIGINT) and SIGTERM as a flag that long-running work polls, so a run can write a
// checkpoint and its outputs before it stops instead of dying mid-write. A second signal
// while the first is being handled ends the process at once.
#pragma once

namespace splat {

// Installs the handlers (idempotent).
void install_interrupt_handlers();
bool interrupt_requested();
// For tests: behave as if a signal had arrived (or clear it).
void set_interrupt_requested(bool requested);

}  // namespace splat
