/*===- semihost.c - the runner's I/O on bare-metal Arm (semihosting) -------===*
 *
 * Files, the console, the clock and the command line come from the debugger
 * or emulator through Arm semihosting calls (`bkpt 0xab` on M-profile), so
 * the runner needs no file system, no heap and no C library I/O. Under QEMU:
 *   qemu-system-arm -M mps2-an386 -nographic -kernel NAME-run \
 *     -semihosting-config enable=on,target=native,arg=NAME-run,arg=x.npy,arg=-o,arg=out
 *
 *===----------------------------------------------------------------------===*/

#include "kiln_runner.h"

#include <string.h>

enum {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite0 = 0x04,
  kSysWrite = 0x05,
  kSysRead = 0x06,
  kSysGetCmdline = 0x15,
  kSysExit = 0x18,
  kSysExitExtended = 0x20,
  kApplicationExit = 0x20026,
};

static intptr_t semihost_call(int operation, void *argument) {
  register intptr_t r0 __asm__("r0") = operation;
  register void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int kiln_runner_open(const char *path, int for_writing) {
  /* Modes follow fopen: 1 is "rb", 5 is "wb". */
  intptr_t block[3] = {(intptr_t)path, for_writing ? 5 : 1, (intptr_t)strlen(path)};
  return (int)semihost_call(kSysOpen, block);
}

long kiln_runner_read(int file, void *data, size_t bytes) {
  intptr_t block[3] = {file, (intptr_t)data, (intptr_t)bytes};
  intptr_t not_read = semihost_call(kSysRead, block);
  return not_read < 0 ? -1 : (long)(bytes - (size_t)not_read);
}

int kiln_runner_write(int file, const void *data, size_t bytes) {
  intptr_t block[3] = {file, (intptr_t)data, (intptr_t)bytes};
  return semihost_call(kSysWrite, block) == 0 ? 0 : -1;
}

void kiln_runner_close(int file) {
  intptr_t block[1] = {file};
  semihost_call(kSysClose, block);
}

/* Semihosting cannot create directories: OUTDIR must exist on the host. */
int kiln_runner_make_directory(const char *path) {
  (void)path;
  return 0;
}

void kiln_runner_print(const char *text) { semihost_call(kSysWrite0, (void *)text); }

void kiln_runner_print_error(const char *text) { semihost_call(kSysWrite0, (void *)text); }

/* Time from the core's SysTick timer (every Cortex-M has one): a 24-bit
 * down-counter at the core clock whose wraps startup.c counts. The clock is
 * the board's: 25 MHz on MPS2 (and in QEMU); build with
 * -DKILN_CORE_CLOCK_HZ=... for another board. */
#ifndef KILN_CORE_CLOCK_HZ
#define KILN_CORE_CLOCK_HZ 25000000u
#endif
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

volatile uint32_t kiln_systick_wraps;

int64_t kiln_runner_now_ns(void) {
  if (!(SYST_CSR & 1u)) {
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* enable, interrupt on wrap, core clock */
  }
  uint32_t wraps, count;
  do { /* a wrap between the two reads would mix epochs */
    wraps = kiln_systick_wraps;
    count = SYST_CVR;
  } while (wraps != kiln_systick_wraps);
  uint64_t ticks = (uint64_t)wraps * 0x1000000u + (0xFFFFFFu - count);
  return (int64_t)(ticks * 1000u / (KILN_CORE_CLOCK_HZ / 1000000u));
}

/* No threads on bare metal: generated code runs on the calling thread. */
kiln_context_t *kiln_runner_create_context(int32_t threads) {
  (void)threads;
  return NULL;
}

void kiln_runner_destroy_context(kiln_context_t *context) { (void)context; }

void kiln_semihost_exit(int status) {
  intptr_t block[2] = {kApplicationExit, status};
  semihost_call(kSysExitExtended, block);
  /* Hosts without the extended call: plain exit (status lost). */
  semihost_call(kSysExit, (void *)(intptr_t)kApplicationExit);
  for (;;) {
  }
}

/* Splits the semihosting command line (program name first) into argv. */
int main(void) {
  static char line[1024];
  static char *argv[64];
  intptr_t block[2] = {(intptr_t)line, sizeof(line) - 1};
  int argc = 0;
  if (semihost_call(kSysGetCmdline, block) == 0) {
    line[block[1]] = '\0';
    for (char *p = line; *p && argc < 63;) {
      while (*p == ' ')
        *p++ = '\0';
      if (!*p)
        break;
      argv[argc++] = p;
      while (*p && *p != ' ')
        ++p;
    }
  }
  if (argc == 0)
    argv[argc++] = (char *)"kiln-run";
  argv[argc] = NULL;
  return kiln_runner_main(argc, argv);
}
