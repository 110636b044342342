// Round-trip times of tools/call requests to two stdio servers at once, in pairs: each iteration sends one
// request to each (alternating which goes first) and times it until its response line is back. Used by
// scripts/bench-proxy.sh to compare a server direct with the same server behind `dashboard proxy`.
// Usage: proxy-rtt ITERATIONS WARMUP -- DIRECT_COMMAND… ++ PROXIED_COMMAND…
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

typedef struct { pid_t pid; int in; int out; char buffer[65536]; size_t used; } peer;

static void start(peer *p, char **argv) {
    int to[2], from[2];
    if (pipe(to) || pipe(from)) { perror("pipe"); exit(1); }
    p->pid = fork();
    if (p->pid == 0) {
        dup2(to[0], 0); dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execvp(argv[0], argv); perror("exec"); _exit(127);
    }
    close(to[0]); close(from[1]);
    p->in = to[1]; p->out = from[0]; p->used = 0;
}

static long long now_ns(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long round_trip(peer *p, int id) {
    char request[256];
    int length = snprintf(request, sizeof request,
        "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}\n", id);
    long long start = now_ns();
    if (write(p->in, request, length) != length) { perror("write"); exit(1); }
    for (;;) {
        char *newline = memchr(p->buffer, '\n', p->used);
        if (newline) {
            size_t rest = p->used - (size_t)(newline + 1 - p->buffer);
            memmove(p->buffer, newline + 1, rest);
            p->used = rest;
            return now_ns() - start;
        }
        ssize_t got = read(p->out, p->buffer + p->used, sizeof p->buffer - p->used);
        if (got <= 0) { fprintf(stderr, "server closed\n"); exit(1); }
        p->used += (size_t)got;
    }
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double pct(long long *v, int n, double q) {
    int index = (int)(q * n); if (index >= n) index = n - 1;
    return v[index] / 1000.0;
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: proxy-rtt N WARMUP -- DIRECT… ++ PROXIED…\n"); return 64; }
    int n = atoi(argv[1]), warmup = atoi(argv[2]);
    char **direct = &argv[4], **proxied = NULL;
    for (int i = 4; i < argc; i++) if (strcmp(argv[i], "++") == 0) { argv[i] = NULL; proxied = &argv[i + 1]; }
    if (!proxied) return 64;
    signal(SIGPIPE, SIG_IGN);
    peer a, b;
    start(&a, direct); start(&b, proxied);
    long long *da = malloc(sizeof(long long) * n), *db = malloc(sizeof(long long) * n), *diff = malloc(sizeof(long long) * n);
    for (int i = -warmup; i < n; i++) {
        long long x, y;
        if (i & 1) { x = round_trip(&a, i + warmup); y = round_trip(&b, i + warmup); }
        else { y = round_trip(&b, i + warmup); x = round_trip(&a, i + warmup); }
        if (i >= 0) { da[i] = x; db[i] = y; diff[i] = y - x; }
    }
    qsort(da, n, sizeof *da, compare); qsort(db, n, sizeof *db, compare); qsort(diff, n, sizeof *diff, compare);
    printf("calls %d (after %d warm-up pairs), microseconds\n", n, warmup);
    printf("direct   p50 %8.1f  p90 %8.1f  p99 %8.1f  max %9.1f\n", pct(da, n, .5), pct(da, n, .9), pct(da, n, .99), da[n - 1] / 1000.0);
    printf("proxied  p50 %8.1f  p90 %8.1f  p99 %8.1f  max %9.1f\n", pct(db, n, .5), pct(db, n, .9), pct(db, n, .99), db[n - 1] / 1000.0);
    printf("added    p50 %8.1f  p99 %8.1f  (p50/p99 of proxied minus p50/p99 of direct)\n",
           pct(db, n, .5) - pct(da, n, .5), pct(db, n, .99) - pct(da, n, .99));
    printf("pairwise p50 %8.1f  p99 %8.1f  (percentiles of each pair's difference)\n", pct(diff, n, .5), pct(diff, n, .99));
    close(a.in); close(b.in);
    waitpid(a.pid, NULL, 0); waitpid(b.pid, NULL, 0);
    return 0;
}
