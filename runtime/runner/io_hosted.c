/*===- io_hosted.c - the runner's I/O on Linux (POSIX files and clocks) ----===*/

#define _POSIX_C_SOURCE 200809L

#include "kiln_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int kiln_runner_open(const char *path, int for_writing) {
  return for_writing ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(path, O_RDONLY);
}

long kiln_runner_read(int file, void *data, size_t bytes) {
  size_t done = 0;
  while (done < bytes) {
    ssize_t got = read(file, (char *)data + done, bytes - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += (size_t)got;
  }
  return (long)done;
}

int kiln_runner_write(int file, const void *data, size_t bytes) {
  size_t done = 0;
  while (done < bytes) {
    ssize_t wrote = write(file, (const char *)data + done, bytes - done);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0)
      return -1;
    done += (size_t)wrote;
  }
  return 0;
}

void kiln_runner_close(int file) { close(file); }

int kiln_runner_make_directory(const char *path) {
  return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

void kiln_runner_print(const char *text) { kiln_runner_write(1, text, strlen(text)); }

void kiln_runner_print_error(const char *text) { kiln_runner_write(2, text, strlen(text)); }

int64_t kiln_runner_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

kiln_context_t *kiln_runner_create_context(int32_t threads) {
  kiln_context_t *context = NULL;
  if (threads > 1 && kiln_context_create(threads, &context) != KILN_STATUS_OK)
    context = NULL;
  return context;
}

void kiln_runner_destroy_context(kiln_context_t *context) { kiln_context_destroy(context); }

int main(int argc, char **argv) { return kiln_runner_main(argc, argv); }
