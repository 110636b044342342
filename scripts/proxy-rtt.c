// Round-trip times of tools/call requests to several stdio servers at once, in rounds: each round sends one
// request to each (the order rotating from round to round) and times it until its response line is back.
// Used by scripts/bench-proxy.sh to compare a server direct with the same server behind `dashboard proxy`
// (and behind socat), in both MCP protocol eras.
// Usage: proxy-rtt ITERATIONS WARMUP -- [@modern] DIRECT… ++ [@modern] RELAYED… [++ …]
// An arm marked @modern sends 2026-07-28 requests (the version, client info and capabilities in `_meta`, as
// the Python SDK writes them); each arm's added latency is against the first arm of the same era.
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

static const char *handshake_request =
    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}\n";
static const char *modern_request =
    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"},"
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mcp\","
    "\"version\":\"0.1.0\"},\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{\"form\":{},\"url\":{}}}}}}\n";

static long long round_trip(peer *p, int id, int modern) {
    char request[1024];
    int length = snprintf(request, sizeof request, modern ? modern_request : handshake_request, id);
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

#define MAX_ARMS 8

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: proxy-rtt N WARMUP -- [@modern] DIRECT… ++ [@modern] RELAYED… [++ …]\n");
        return 64;
    }
    int n = atoi(argv[1]), warmup = atoi(argv[2]), arms = 0;
    char **command[MAX_ARMS];
    int modern[MAX_ARMS];
    command[arms++] = &argv[4];
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "++") == 0) {
            if (arms == MAX_ARMS) return 64;
            argv[i] = NULL;
            command[arms++] = &argv[i + 1];
        }
    }
    if (arms < 2) return 64;
    signal(SIGPIPE, SIG_IGN);
    peer *peers = calloc(arms, sizeof(peer));
    long long *times[MAX_ARMS], *diff[MAX_ARMS];
    int base[MAX_ARMS];
    for (int a = 0; a < arms; a++) {
        modern[a] = strcmp(command[a][0], "@modern") == 0;
        if (modern[a]) command[a]++;
        base[a] = a;
        for (int b = 0; b < a; b++) if (modern[b] == modern[a]) { base[a] = b; break; }
        start(&peers[a], command[a]);
        times[a] = malloc(sizeof(long long) * n);
        diff[a] = malloc(sizeof(long long) * n);
    }
    long long got[MAX_ARMS];
    for (int i = -warmup; i < n; i++) {
        int first = (i + warmup) % arms;
        for (int k = 0; k < arms; k++) {
            int a = (first + k) % arms;
            got[a] = round_trip(&peers[a], i + warmup, modern[a]);
        }
        if (i < 0) continue;
        for (int a = 0; a < arms; a++) { times[a][i] = got[a]; diff[a][i] = got[a] - got[base[a]]; }
    }
    printf("calls %d (after %d warm-up rounds), microseconds\n", n, warmup);
    for (int a = 0; a < arms; a++) {
        qsort(times[a], n, sizeof(long long), compare);
        qsort(diff[a], n, sizeof(long long), compare);
    }
    for (int a = 0; a < arms; a++) {
        printf("arm %d %-9s %-28.28s p50 %8.1f  p90 %8.1f  p99 %8.1f  max %9.1f", a, modern[a] ? "2026" : "handshake",
               command[a][0][0] == '/' ? strrchr(command[a][0], '/') + 1 : command[a][0],
               pct(times[a], n, .5), pct(times[a], n, .9), pct(times[a], n, .99), times[a][n - 1] / 1000.0);
        if (base[a] != a) {
            printf("  added p50 %6.1f p99 %6.1f  (pairwise p50 %6.1f p99 %6.1f)",
                   pct(times[a], n, .5) - pct(times[base[a]], n, .5), pct(times[a], n, .99) - pct(times[base[a]], n, .99),
                   pct(diff[a], n, .5), pct(diff[a], n, .99));
        }
        printf("\n");
    }
    // Every input closed before any wait: a later child holds copies of the earlier ones' pipe ends.
    for (int a = 0; a < arms; a++) close(peers[a].in);
    for (int a = 0; a < arms; a++) waitpid(peers[a].pid, NULL, 0);
    return 0;
}
