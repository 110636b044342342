// glibc's allocator tuning (<malloc.h>: mallopt, M_ARENA_MAX, …), which the Glibc module does not export.
#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H

#if defined(__linux__)
#include <malloc.h>
#endif

#endif
