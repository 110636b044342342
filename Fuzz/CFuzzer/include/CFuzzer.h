#ifndef CFUZZER_H
#define CFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in clang's runtime when linked with -sanitize=fuzzer): runs `callback` on inputs
/// as libFuzzer's own `main` would, with its command-line options.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
