// The raw context switch under Fiber (fiber_switch.cpp). Only fiber.cpp calls it.
#pragma once

extern "C" {
// Pushes the callee-saved state on the current stack, stores the stack pointer in *save_sp, loads
// load_sp and pops the state saved there; returns on that stack.
void splat_emu_switch(void** save_sp, void* load_sp);
// Where a new fiber starts: calls r12(r13); the call never returns.
void splat_emu_fiber_start();
}
