/*===- startup.c - reset and fault handlers for Cortex-M runners -----------===*
 *
 * The smallest start-up a Cortex-M program needs: a vector table, a reset
 * handler that copies .data from flash, clears .bss, turns the FPU on and
 * calls main, and a fault handler that reports through semihosting instead
 * of hanging when semihost.c is linked in (it is optional: an application
 * with this start-up code and no debugger simply stops in a loop). The
 * symbols come from the board's linker script (mps2.ld and others, which
 * include cortex-m-sections.ld).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

extern uint32_t _data_start[], _data_end[], _data_load[], _bss_start[], _bss_end[];
extern uint32_t _stack_top[];

int main(void);
/* From semihost.c when it is linked; weak, so start-up code works alone. */
void kiln_semihost_exit(int status) __attribute__((weak));
void kiln_runner_print_error(const char *text) __attribute__((weak));

static void kiln_stop(int status) {
  if (kiln_semihost_exit)
    kiln_semihost_exit(status);
  for (;;) {
  }
}

void kiln_reset_handler(void) {
  memcpy(_data_start, _data_load, (size_t)((char *)_data_end - (char *)_data_start));
  memset(_bss_start, 0, (size_t)((char *)_bss_end - (char *)_bss_start));
#if defined(__ARM_FP)
  /* CPACR: full access to coprocessors 10 and 11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  kiln_stop(main());
}

static void kiln_fault_handler(void) {
  if (kiln_runner_print_error)
    kiln_runner_print_error("kiln: processor fault (a HardFault or another exception)\n");
  kiln_stop(3);
}

/* semihost.c times runs with SysTick; this counts its 2^24-tick wraps. Its
 * definition there wins; this weak one lets the start-up code link alone. */
__attribute__((weak)) volatile uint32_t kiln_systick_wraps;

static void kiln_systick_handler(void) { kiln_systick_wraps = kiln_systick_wraps + 1; }

/* Initial stack pointer, then the reset handler and the system exceptions:
 * NMI, HardFault, MemManage, BusFault, UsageFault, 4 reserved, SVCall,
 * DebugMonitor, reserved, PendSV, SysTick. */
__attribute__((section(".vectors"), used)) static void (*const kiln_vectors[])(void) = {
    (void (*)(void))_stack_top,
    kiln_reset_handler,
    kiln_fault_handler,
    kiln_fault_handler,
    kiln_fault_handler,
    kiln_fault_handler,
    kiln_fault_handler,
    0,
    0,
    0,
    0,
    kiln_fault_handler,
    kiln_fault_handler,
    0,
    kiln_fault_handler,
    kiln_systick_handler,
};
