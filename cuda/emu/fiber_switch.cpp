// The x86-64 (System V) context switch behind fibers, as top-level assembly so that the build needs
// no assembler language. It saves what the ABI says a call preserves: rbx, rbp, r12-r15, the
// stack pointer, and the control bits of MXCSR and the x87 control word (rounding mode, flush to
// zero), so that a kernel changing them cannot leak the change into another GPU thread. Loading
// them is slow (ldmxcsr and fldcw serialise), so they are loaded only when they differ.
#include "cuda/emu/fiber_switch.hpp"

#if !defined(__x86_64__)
#error "the emulated device side has a context switch for x86-64 only"
#endif

// void splat_emu_switch(void** save_sp, void* load_sp)
//
// A new fiber's stack is laid out as if it had called splat_emu_switch itself (see Fiber::start):
// its "return address" is splat_emu_fiber_start, with the entry function in r12 and its argument
// in r13.
asm(R"(
  .text
  .globl splat_emu_switch
  .type splat_emu_switch, @function
  .p2align 4
splat_emu_switch:
  .cfi_startproc
  endbr64
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsp, %rax
  movq %rsi, %rsp
  movl (%rsp), %ecx
  cmpl (%rax), %ecx
  je 1f
  ldmxcsr (%rsp)
1:
  movzwl 4(%rsp), %ecx
  cmpw 4(%rax), %cx
  je 2f
  fldcw 4(%rsp)
2:
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .cfi_endproc
  .size splat_emu_switch, .-splat_emu_switch

  .globl splat_emu_fiber_start
  .type splat_emu_fiber_start, @function
  .p2align 4
splat_emu_fiber_start:
  .cfi_startproc
  .cfi_undefined rip
  endbr64
  movq %r13, %rdi
  callq *%r12
  ud2
  .cfi_endproc
  .size splat_emu_fiber_start, .-splat_emu_fiber_start
)");
