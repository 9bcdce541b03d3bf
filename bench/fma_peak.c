/*===- fma_peak.c - the machine's f32 FMA throughput per core -------------===*
 *
 * The ceiling GEMM efficiency is measured against: independent chains of
 * fused multiply-adds on the widest vectors the compiler targets (build with
 * -O2 -march=native), enough chains to hide the FMA latency on every port.
 * Prints `fma_peak_gflops <x>` (best of several timed runs, one thread) and
 * the vector width in f32 lanes.
 *
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif

typedef float vec __attribute__((vector_size(LANES * sizeof(float))));

/* Latency 4-5 cycles x 2 FMA ports needs >= 10 chains in flight. */
#define CHAINS 16

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The multiplier and addend come in through volatile so the compiler can
 * neither fold the loop nor prove the chains constant. */
static float run(long iterations, float scale, float offset) {
  vec acc[CHAINS];
  vec a = (vec){0} + scale, b = (vec){0} + offset;
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = (vec){0} + (float)c;
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = acc[c] * a + b;
  }
  vec sum = (vec){0};
  for (int c = 0; c < CHAINS; ++c)
    sum += acc[c];
  float total = 0;
  for (int l = 0; l < LANES; ++l)
    total += sum[l];
  return total;
}

int main(void) {
  volatile float scale = 0.999999f, offset = 1e-7f;
  const long iterations = 20 * 1000 * 1000;
  double best = 0;
  float sink = 0;
  for (int round = 0; round < 7; ++round) {
    double start = now_seconds();
    sink += run(iterations, scale, offset);
    double seconds = now_seconds() - start;
    double gflops = 2.0 * LANES * CHAINS * (double)iterations / seconds * 1e-9;
    if (gflops > best)
      best = gflops;
  }
  printf("fma_lanes %d\n", LANES);
  printf("fma_peak_gflops %.1f\n", best);
  return sink == 12345.0f; /* keeps the results alive */
}
