/*===- status.c - status messages -----------------------------------------===*/

#include "kiln_rt.h"

const char *kiln_status_message(kiln_status_t status) {
  switch (status) {
  case KILN_STATUS_OK:
    return "ok";
  case KILN_STATUS_INVALID_ARGUMENT:
    return "invalid argument (a NULL or misaligned buffer)";
  case KILN_STATUS_OUT_OF_MEMORY:
    return "out of memory";
  case KILN_STATUS_UNAVAILABLE:
    return "unavailable in this build of the runtime";
  case KILN_STATUS_INTERNAL:
    return "internal error";
  default:
    return "unknown status";
  }
}
