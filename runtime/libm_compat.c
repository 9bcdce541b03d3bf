/*===- libm_compat.c - math functions generated code may call -------------===*
 *
 * LLVM lowers a round-half-to-even (QuantizeLinear, Round) to a call of
 * roundevenf where the target has no instruction for it. glibc has had it
 * since 2.25; newlib (the bare-metal C library) does not, so the runtime
 * supplies it there. Weak, so an application's own definition wins.
 *
 *===----------------------------------------------------------------------===*/

#include <math.h>

#if defined(_NEWLIB_VERSION) || defined(__NEWLIB__)

/* rintf rounds in the current mode, which is round-to-nearest-even unless
 * the application changed it. */
__attribute__((weak)) float roundevenf(float x) { return rintf(x); }
__attribute__((weak)) double roundeven(double x) { return rint(x); }

#else

/* Keeps this translation unit non-empty (ISO C) on hosted targets. */
typedef int kiln_libm_compat_unused;

#endif
