// The declarations are in include/CFuzzer.h; libFuzzer itself comes from clang runtime at link time.
