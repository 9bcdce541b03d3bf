/*===- kiln_runner.c - run a compiled model on .npy files ------------------===*
 *
 *   NAME-run [--input NAME=FILE.npy]... [FILE.npy]... [-o OUTDIR]
 *            [--bench N] [--threads N]
 *
 * Inputs come from .npy files (by name, or positional in the model's input
 * order); each must have the model's dtype and shape. With -o, every output
 * is written to OUTDIR/<output>.npy. With --bench N the model runs once to
 * warm up, then N more times, and `median_ms <x>` is printed.
 *
 * Only memcpy/memcmp/strlen from the C library and the I/O backend are used:
 * the same file serves Linux and bare-metal (semihosting) runners, with no
 * heap and no printf.
 *
 *===----------------------------------------------------------------------===*/

#include "kiln_runner.h"

#include <string.h>

enum { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };
enum { kMaxHeader = 4096, kMaxBench = 1000, kMaxTensors = 64 };

/*--- Text output without printf ------------------------------------------*/

typedef struct text_buffer {
  char data[512];
  size_t length;
} text_buffer;

static void append(text_buffer *text, const char *s) {
  while (*s && text->length + 1 < sizeof(text->data))
    text->data[text->length++] = *s++;
  text->data[text->length] = '\0';
}

static void append_int(text_buffer *text, int64_t value) {
  char digits[24];
  int count = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    digits[count++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (value < 0)
    append(text, "-");
  char reversed[24];
  for (int i = 0; i < count; ++i)
    reversed[i] = digits[count - 1 - i];
  reversed[count] = '\0';
  append(text, reversed);
}

/* Non-negative `value` with three decimals. */
static void append_fixed3(text_buffer *text, double value) {
  int64_t thousandths = (int64_t)(value * 1000.0 + 0.5);
  append_int(text, thousandths / 1000);
  append(text, ".");
  int64_t fraction = thousandths % 1000;
  if (fraction < 100)
    append(text, "0");
  if (fraction < 10)
    append(text, "0");
  append_int(text, fraction);
}

static void append_shape(text_buffer *text, const int64_t *shape, int rank) {
  append(text, "(");
  for (int i = 0; i < rank; ++i) {
    if (i)
      append(text, ", ");
    append_int(text, shape[i]);
  }
  append(text, rank == 1 ? ",)" : ")");
}

static int fail(const char *a, const char *b, const char *c) {
  text_buffer text = {{0}, 0};
  append(&text, kiln_runner_the_model.name);
  append(&text, "-run: ");
  append(&text, a);
  append(&text, b ? b : "");
  append(&text, c ? c : "");
  append(&text, "\n");
  kiln_runner_print_error(text.data);
  return kExitFailure;
}

/*--- .npy files (format version 1.0 and 2.0, little-endian, C order) -----*/

static const char *npy_descr(int32_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32: return "<f4";
  case KILN_DTYPE_U8: return "|u1";
  case KILN_DTYPE_I8: return "|i1";
  case KILN_DTYPE_U16: return "<u2";
  case KILN_DTYPE_I16: return "<i2";
  case KILN_DTYPE_I32: return "<i4";
  case KILN_DTYPE_I64: return "<i8";
  case KILN_DTYPE_BOOL: return "|b1";
  case KILN_DTYPE_F16: return "<f2";
  case KILN_DTYPE_F64: return "<f8";
  case KILN_DTYPE_U32: return "<u4";
  case KILN_DTYPE_U64: return "<u8";
  case KILN_DTYPE_BF16: return "<u2"; /* bfloat16 as its bits */
  default: return "?";
  }
}

/* The text after `key` in the header dict, or NULL. */
static const char *find_key(const char *header, const char *key) {
  size_t length = strlen(key);
  for (const char *p = header; *p; ++p)
    if (memcmp(p, key, length) == 0)
      return p + length;
  return NULL;
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == ':')
    ++p;
  return p;
}

/* Reads the header of an open .npy file; fills descr, fortran, shape. */
static int read_npy_header(int file, char *descr, size_t descr_size, int *fortran,
                           int64_t *shape, int *rank) {
  unsigned char prefix[12];
  if (kiln_runner_read(file, prefix, 10) != 10 || memcmp(prefix, "\x93NUMPY", 6) != 0)
    return 0;
  size_t header_length = prefix[8] | (size_t)prefix[9] << 8;
  if (prefix[6] >= 2) {
    if (kiln_runner_read(file, prefix + 10, 2) != 2)
      return 0;
    header_length |= (size_t)prefix[10] << 16 | (size_t)prefix[11] << 24;
  }
  static char header[kMaxHeader + 1];
  if (header_length > kMaxHeader ||
      kiln_runner_read(file, header, header_length) != (long)header_length)
    return 0;
  header[header_length] = '\0';

  const char *p = find_key(header, "'descr'");
  if (!p)
    return 0;
  p = skip_blanks(p);
  if (*p++ != '\'')
    return 0;
  size_t n = 0;
  while (*p && *p != '\'' && n + 1 < descr_size)
    descr[n++] = *p++;
  descr[n] = '\0';

  p = find_key(header, "'fortran_order'");
  if (!p)
    return 0;
  *fortran = *skip_blanks(p) == 'T';

  p = find_key(header, "'shape'");
  if (!p)
    return 0;
  p = skip_blanks(p);
  if (*p++ != '(')
    return 0;
  *rank = 0;
  for (;;) {
    while (*p == ' ' || *p == ',')
      ++p;
    if (*p == ')')
      break;
    if (*p < '0' || *p > '9' || *rank >= 16)
      return 0;
    int64_t size = 0;
    while (*p >= '0' && *p <= '9')
      size = size * 10 + (*p++ - '0');
    while (*p == 'L') /* Python 2 longs */
      ++p;
    shape[(*rank)++] = size;
  }
  return 1;
}

static int read_input(const kiln_runner_tensor *tensor, const char *path) {
  int file = kiln_runner_open(path, 0);
  if (file < 0)
    return fail("cannot open ", path, "");
  char descr[16];
  int fortran = 0, rank = 0;
  int64_t shape[16];
  if (!read_npy_header(file, descr, sizeof(descr), &fortran, shape, &rank)) {
    kiln_runner_close(file);
    return fail(path, " is not a .npy file", "");
  }
  int same_shape = rank == tensor->rank;
  for (int i = 0; same_shape && i < rank; ++i)
    same_shape = shape[i] == tensor->shape[i];
  text_buffer text = {{0}, 0};
  if (strcmp(descr, npy_descr(tensor->dtype)) != 0) {
    append(&text, " has dtype '");
    append(&text, descr);
    append(&text, "', input '");
    append(&text, tensor->name);
    append(&text, "' needs '");
    append(&text, npy_descr(tensor->dtype));
    append(&text, "'");
  } else if (!same_shape) {
    append(&text, " has shape ");
    append_shape(&text, shape, rank);
    append(&text, ", input '");
    append(&text, tensor->name);
    append(&text, "' needs ");
    append_shape(&text, tensor->shape, tensor->rank);
  } else if (fortran && rank > 1) {
    append(&text, " is in Fortran order; write it with numpy.ascontiguousarray");
  }
  if (text.length) {
    kiln_runner_close(file);
    return fail(path, text.data, "");
  }
  long got = kiln_runner_read(file, tensor->buffer, tensor->bytes);
  char extra;
  long more = kiln_runner_read(file, &extra, 1);
  kiln_runner_close(file);
  if (got != (long)tensor->bytes || more != 0)
    return fail(path, ": the data does not match the header's shape", "");
  return kExitOk;
}

static int write_output(const kiln_runner_tensor *tensor, const char *directory) {
  text_buffer path = {{0}, 0};
  append(&path, directory);
  append(&path, "/");
  append(&path, tensor->c_name);
  append(&path, ".npy");

  text_buffer dict = {{0}, 0};
  append(&dict, "{'descr': '");
  append(&dict, npy_descr(tensor->dtype));
  append(&dict, "', 'fortran_order': False, 'shape': ");
  append_shape(&dict, tensor->shape, tensor->rank);
  append(&dict, ", }");
  /* Pad with spaces so the data starts at a multiple of 64 bytes. */
  while ((10 + dict.length + 1) % 64 != 0)
    append(&dict, " ");
  append(&dict, "\n");
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (unsigned char)(dict.length & 0xff),
                              (unsigned char)(dict.length >> 8)};

  int file = kiln_runner_open(path.data, 1);
  if (file < 0)
    return fail("cannot create ", path.data, "");
  int error = kiln_runner_write(file, prefix, sizeof(prefix)) ||
              kiln_runner_write(file, dict.data, dict.length) ||
              kiln_runner_write(file, tensor->buffer, tensor->bytes);
  kiln_runner_close(file);
  return error ? fail("cannot write ", path.data, "") : kExitOk;
}

/*--- Arguments -----------------------------------------------------------*/

static int usage(void) {
  const kiln_runner_model *model = &kiln_runner_the_model;
  text_buffer text = {{0}, 0};
  append(&text, "usage: ");
  append(&text, model->name);
  append(&text, "-run [--input NAME=FILE.npy]... [FILE.npy]... [-o OUTDIR] [--bench N] "
                "[--threads N]\ninputs:");
  for (int i = 0; i < model->num_inputs; ++i) {
    append(&text, " ");
    append(&text, model->inputs[i].name);
    append_shape(&text, model->inputs[i].shape, model->inputs[i].rank);
  }
  append(&text, "\n");
  kiln_runner_print_error(text.data);
  return kExitUsage;
}

static int parse_count(const char *text, int64_t *value) {
  *value = 0;
  if (!*text)
    return 0;
  for (; *text; ++text) {
    if (*text < '0' || *text > '9' || *value > 1000000)
      return 0;
    *value = *value * 10 + (*text - '0');
  }
  return 1;
}

static int compare_int64(const int64_t *a, const int64_t *b) {
  return *a < *b ? -1 : *a > *b;
}

int kiln_runner_main(int argc, char **argv) {
  const kiln_runner_model *model = &kiln_runner_the_model;
  const char *paths[kMaxTensors] = {0};
  const char *output_directory = NULL;
  int64_t bench = 0, threads = 1;
  int positional = 0;
  if (model->num_inputs > kMaxTensors)
    return fail("too many inputs", "", "");
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    int has_value = i + 1 < argc;
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage();
      return kExitOk;
    } else if (strcmp(arg, "-o") == 0 && has_value) {
      output_directory = argv[++i];
    } else if (strcmp(arg, "--bench") == 0 && has_value) {
      if (!parse_count(argv[++i], &bench) || bench < 1 || bench > kMaxBench)
        return fail("--bench takes a count from 1 to 1000, not ", argv[i], "");
    } else if (strcmp(arg, "--threads") == 0 && has_value) {
      if (!parse_count(argv[++i], &threads) || threads < 1)
        return fail("--threads takes a positive count, not ", argv[i], "");
    } else if (strcmp(arg, "--input") == 0 && has_value) {
      const char *spec = argv[++i];
      const char *equals = strchr(spec, '=');
      int found = 0;
      for (int k = 0; equals && k < model->num_inputs; ++k) {
        size_t length = (size_t)(equals - spec);
        if (strlen(model->inputs[k].name) == length &&
            memcmp(model->inputs[k].name, spec, length) == 0) {
          paths[k] = equals + 1;
          found = 1;
        }
      }
      if (!found)
        return fail("--input takes NAME=FILE.npy with NAME an input of the model, not ", spec,
                    "");
    } else if (arg[0] == '-') {
      fail("unknown or incomplete option ", arg, "");
      return usage();
    } else {
      while (positional < model->num_inputs && paths[positional])
        ++positional;
      if (positional >= model->num_inputs)
        return fail("more input files than the model's inputs: ", arg, "");
      paths[positional++] = arg;
    }
  }
  for (int k = 0; k < model->num_inputs; ++k) {
    if (!paths[k])
      return fail("no file for input '", model->inputs[k].name, "' (--input NAME=FILE.npy)");
    if (read_input(&model->inputs[k], paths[k]) != kExitOk)
      return kExitFailure;
  }

  kiln_context_t *context = kiln_runner_create_context((int32_t)threads);
  static int64_t times[kMaxBench];
  int64_t runs = bench > 0 ? bench + 1 : 1; /* one warm-up run */
  for (int64_t r = 0; r < runs; ++r) {
    int64_t start = kiln_runner_now_ns();
    kiln_status_t status = model->run(context);
    int64_t end = kiln_runner_now_ns();
    if (status != KILN_STATUS_OK) {
      kiln_runner_destroy_context(context);
      return fail(model->name, "_run failed: ", kiln_status_message(status));
    }
    if (r > 0 || bench == 0)
      times[bench > 0 ? r - 1 : 0] = end - start;
  }
  kiln_runner_destroy_context(context);

  if (bench > 0) {
    /* Insertion sort: at most 1000 entries, and no qsort on every libc. */
    for (int64_t i = 1; i < bench; ++i)
      for (int64_t j = i; j > 0 && compare_int64(&times[j - 1], &times[j]) > 0; --j) {
        int64_t t = times[j];
        times[j] = times[j - 1];
        times[j - 1] = t;
      }
    double median = bench % 2 ? (double)times[bench / 2]
                              : 0.5 * ((double)times[bench / 2 - 1] + (double)times[bench / 2]);
    text_buffer text = {{0}, 0};
    append(&text, "median_ms ");
    append_fixed3(&text, median / 1e6);
    append(&text, "\n");
    kiln_runner_print(text.data);
  }
  if (output_directory) {
    if (kiln_runner_make_directory(output_directory) != 0)
      return fail("cannot create the directory ", output_directory, "");
    for (int k = 0; k < model->num_outputs; ++k)
      if (write_output(&model->outputs[k], output_directory) != kExitOk)
        return kExitFailure;
  }
  return kExitOk;
}
