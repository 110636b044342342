#define _GNU_SOURCE
#include "cproxy.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

// Closes every descriptor from `low` up to (not including) `high`, or to the end when `high` is -1.
static void close_from(int low, int high) {
    if (high >= 0 && low >= high) return;
#if defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)low, high < 0 ? ~0U : (unsigned)(high - 1), 0) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = low; fd < (high < 0 ? max : high); fd++) close(fd);
}

// Between fork and exec only async-signal-safe calls: the parent may have many threads.
static void child(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                  pid_t parent, int report_fd) {
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
#endif
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int number = 1; number < NSIG; number++) {
        if (number == SIGKILL || number == SIGSTOP) continue;
        signal(number, SIG_DFL);
    }
    if (stdin_fd != 0) {
        if (dup2(stdin_fd, 0) < 0) goto failed;
    }
    if (stdout_fd != 1) {
        if (dup2(stdout_fd, 1) < 0) goto failed;
    }
    close_from(3, report_fd);
    close_from(report_fd + 1, -1);
    execve(path, argv, envp);
failed:;
    int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

pid_t cspawn_start(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                   int *error_out) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *error_out = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error_out = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) child(path, argv, envp, stdin_fd, stdout_fd, parent, report[1]);
    close(report[1]);
    int error = 0;
    ssize_t got;
    do {
        got = read(report[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof error) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        *error_out = error;
        return -1;
    }
    *error_out = 0;
    return pid;
}

int cspawn_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

long cproxy_last_index(const void *bytes, size_t count, int byte) {
    if (count == 0) return -1;
    const unsigned char *found = memrchr(bytes, byte, count);
    return found ? (long)(found - (const unsigned char *)bytes) : -1;
}

long cproxy_first_index(const void *bytes, size_t count, int byte) {
    if (count == 0) return -1;
    const unsigned char *found = memchr(bytes, byte, count);
    return found ? (long)(found - (const unsigned char *)bytes) : -1;
}
