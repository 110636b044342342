// What the stdio proxy needs from C: starting a child process the way posix_spawn cannot on Linux (the
// child asks for a signal when its parent dies, PR_SET_PDEATHSIG, and leads a process group of its own),
// and byte searches that are fast in debug builds too.
#ifndef CPROXY_H
#define CPROXY_H

#include <stddef.h>

#include <sys/types.h>

/// Starts `path` (an absolute or relative path, no PATH search) with `argv` (NULL-terminated) and `envp`.
/// In the child: a process group of its own, SIGKILL when the thread that called this exits (the parent
/// dying), every signal's disposition and the signal mask back to defaults, `stdin_fd` and `stdout_fd`
/// as fds 0 and 1, fd 2 inherited, every other descriptor closed.
/// Returns the child's pid, or -1 with the exec (or fork) errno in `*error_out`.
pid_t cspawn_start(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                   int *error_out);

/// A pipe whose both ends close on exec (`pipe2` with `O_CLOEXEC`, which Swift's Glibc module hides).
int cspawn_pipe(int fds[2]);

/// The offset of the last `byte` in `bytes[0..<count]`, or -1 (glibc's memrchr, which Swift's Glibc hides).
long cproxy_last_index(const void *bytes, size_t count, int byte);

/// The offset of the first `byte` in `bytes[0..<count]`, or -1 (memchr).
long cproxy_first_index(const void *bytes, size_t count, int byte);

#endif
