"""Chaos: faults injected while everything runs under load, each ending in a stated outcome that is checked.

Running throughout: `dashboard serve` (file-ID cache on a small tmpfs of its own), three `dashboard proxy`
processes in front of PyPI's mcp-server-time with a client calling each 10 times a second, a
`dashboard --local` and a `dashboard --attach` (serve and a blackholed port) in tmux panes. Then, one after
the other:

  blackhole     a target that accepts connections and never answers: the attached dashboard shows it
                reconnecting once its first poll times out (within 8 s) while serve's row keeps updating and the keys still work; when a
                real engine takes the port, it is connected again within 10 s.
  disk full     the cache's filesystem filled: a test upload still succeeds file by file with provider ids;
                the cache shows the failure (`last_failure`, /health 503, "failing:" on the dashboard);
                space freed, the next upload is remembered and the failure is gone.
  locked        another process holds the cache's write lock for 10 s: uploads during it all complete (the
                store waits for the lock, or gives up after its busy timeout and says so), no hang; after
                it, uploads are remembered again.
  deleted       the cache's file deleted while open: within 2 s a new file is at the path holding every
                entry the old one had plus the new ones.
  drops         an engine whose sandbox drops half of the upload connections part-way: every file of a
                batch ends done (after retries) or failed naming the dropped connection; none hangs, every
                done one is in that engine's cache, and its log shows the retries.
  kill server   kill -9 of one proxy's MCP server: the proxy relays every answer the server wrote, then
                exits 137 within 3 s and logs the requests that were waiting as server_exited; the
                dashboard shows it ended within 3 s; the other proxies keep answering.
  kill proxy    kill -9 of a proxy: its server goes with it within 2 s (parent-death signal), the
                dashboard shows it ended within 3 s, the others keep answering.
  kill serve    kill -9 of serve in the middle of an upload: every file id the engine had reported done is
                in the SQLite file; the attached dashboard shows it reconnecting; serve started again on the same port
                finds every entry and the dashboard is connected again within 10 s.

At the end the proxy that was never touched must have answered and counted every call its client made.

Usage: python chaos.py DASHBOARD_BINARY MCP_SERVER_TIME [SCENARIO...]   (default: all, in the order above;
       needs root for the tmpfs mount, and tmux)
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from harness import Client, Tmux, alive, children, eventually, free_port, get_json, health, post_json, wait_for

TOKEN = "chaos-token"
RATE = 10  # calls per second per proxy


class Chaos:
    def __init__(self, dashboard, server):
        self.dashboard = dashboard
        self.server = server
        self.workdir = tempfile.mkdtemp(prefix="chaos-")
        self.cache_dir = os.path.join(self.workdir, "cache")
        os.makedirs(self.cache_dir)
        self.cache_path = os.path.join(self.cache_dir, "ids.sqlite")
        self.env = dict(os.environ, XDG_STATE_HOME=self.workdir, HOME=self.workdir, METRICS_CONTROL_TOKEN=TOKEN,
                        FILE_CACHE_PATH=self.cache_path, TERM="xterm-256color")
        self.problems = []
        self.processes = []
        self.tmux = Tmux(f"chaos-{os.getpid()}")
        self.mounted = False

    # --- bookkeeping -------------------------------------------------------------------------------------

    def check(self, scenario, condition, what, screen=None):
        print(f"chaos: {scenario:<12} {'ok  ' if condition else 'FAIL'} {what}", flush=True)
        if not condition:
            self.problems.append(f"{scenario}: {what}")
            if screen:
                print(f"chaos: the {screen} dashboard's screen:\n{self.screen(screen)}", flush=True)

    def serve(self, port, *extra, cache=None, log="serve.log"):
        env = dict(self.env, FILE_CACHE_PATH=cache or self.cache_path)
        process = subprocess.Popen([self.dashboard, "serve", "--no-demo", "--port", str(port), "--log-file",
                                    os.path.join(self.workdir, log), *extra], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        wait_for(port)
        return process

    def screen(self, session):
        return self.tmux.screen(session)

    def upload(self, port, files, size=20_000, seconds=60):
        """A test upload of `files` generated files; returns their final entries once none is in flight."""
        batch = post_json(port, "/v1/uploads/test", {"files": files, "size_bytes": size}, TOKEN)["batch"]
        prefix = f"test-{batch}-"

        def finished():
            recent = [entry for entry in get_json(port)["upload_metrics"]["recent"]
                      if entry["file"].startswith(prefix)]
            if len(recent) == files and all(entry["state"] in ("done", "cached", "failed") for entry in recent):
                return recent
            return None

        return eventually(finished, seconds, step=0.2) or []

    def cache_metrics(self, port):
        return get_json(port)["cache_metrics"]["file_cache"]

    def stored_ids(self, path):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            return {row[0] for row in db.execute("SELECT file_id FROM file_ids")}

    # --- set-up and tear-down ----------------------------------------------------------------------------

    def start(self):
        # The cache's own small filesystem, so that filling it touches nothing else.
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", self.cache_dir],
                               capture_output=True, text=True)
        if mount.returncode != 0:
            raise SystemExit(f"chaos: cannot mount a tmpfs for the disk-full case ({mount.stderr.strip()}); "
                             "run as root (or with CAP_SYS_ADMIN)")
        self.mounted = True
        self.serve_port = free_port()
        self.serve_process = self.serve(self.serve_port)
        self.clients = []
        for index in range(3):
            client = Client(self.dashboard, self.server, f"chaos{index}", free_port(), self.env,
                            log_file=os.path.join(self.workdir, f"proxy{index}.log"))
            wait_for(client.port)
            self.clients.append(client)
        self.load = [threading.Thread(target=client.run, args=(time.monotonic() + 3600, RATE), daemon=True)
                     for client in self.clients]
        for thread in self.load:
            thread.start()
        self.blackhole_port = free_port()
        self.blackhole = Blackhole(self.blackhole_port)
        base = f"env XDG_STATE_HOME={self.workdir} HOME={self.workdir} METRICS_CONTROL_TOKEN={TOKEN} {self.dashboard}"
        self.tmux.start("local", f"{base} --local --refresh 1")
        self.tmux.start("attached", f"{base} --attach 127.0.0.1:{self.serve_port} "
                                    f"--attach 127.0.0.1:{self.blackhole_port} --refresh 1")
        eventually(lambda: "chaos2" in self.screen("local"), 10)

    def finish(self):
        self.tmux.kill()
        for client in self.clients:
            client.close()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.blackhole.close()
        if self.mounted:
            subprocess.run(["umount", "-l", self.cache_dir])

    # --- the faults --------------------------------------------------------------------------------------

    def blackholed_target(self):
        name = "blackhole"
        target = f"127.0.0.1:{self.blackhole_port}"

        def reconnecting():
            return "reconnecting" in self.screen("attached")

        # It stays "connecting" until the first poll times out (5 s), then retries with backoff.
        self.check(name, eventually(reconnecting, 8), f"the attached dashboard shows {target} reconnecting",
                   screen="attached")
        before = self.screen("attached")
        post_json(self.serve_port, "/v1/tool-calls", [{"tool": "chaos_probe", "latency_ms": 12, "success": True}],
                  TOKEN)
        self.check(name, eventually(lambda: "chaos_probe" in self.screen("attached"), 5),
                   "serve's rows keep updating beside it (a call reported to serve appears)")
        self.tmux.keys("attached", "?")
        helped = eventually(lambda: self.screen("attached") != before and "quit" in self.screen("attached").lower(), 3)
        self.tmux.keys("attached", "Escape")
        self.check(name, bool(helped), "the keys still work (? opens the help)")
        self.blackhole.close()
        engine = self.serve(self.blackhole_port, cache=os.path.join(self.workdir, "second.sqlite"),
                            log="second-serve.log")
        self.check(name, eventually(lambda: "reconnecting" not in self.screen("attached")
                                    and "2 ●" in self.screen("attached"), 10),
                   "an engine on the port is connected within 10 s (header: 2 ●)")
        engine.terminate()
        engine.wait(timeout=10)

    def disk_full(self):
        name = "disk full"
        filler = os.path.join(self.cache_dir, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        before = self.stored_ids(self.cache_path)
        results = self.upload(self.serve_port, 3)
        self.check(name, len(results) == 3 and all(r["state"] == "done" and r.get("file_id") for r in results),
                   f"a 3-file upload succeeds with provider ids ({[r['state'] for r in results]})")
        failure = self.cache_metrics(self.serve_port).get("last_failure") or ""
        self.check(name, "full" in failure, f"the cache says why: {failure[:90]!r}")
        # /health answers from its last run; the cache's failure makes it run again at once.
        status, body = eventually(lambda: (lambda answer: answer if answer[0] == 503 else None)(
            health(self.serve_port)), 5) or health(self.serve_port)
        self.check(name, status == 503 and body["checks"]["file_cache"]["status"] != "ok", f"/health answers {status}")
        self.check(name, eventually(lambda: "failing:" in self.screen("local"), 5),
                   "the dashboard shows the cache failing")
        os.remove(filler)
        results = self.upload(self.serve_port, 3)
        stored = self.stored_ids(self.cache_path)
        ids = {r.get("file_id") for r in results}
        self.check(name, ids <= stored and before <= stored, "space freed: the next upload is remembered")
        self.check(name, not self.cache_metrics(self.serve_port).get("last_failure")
                   and eventually(lambda: health(self.serve_port)[0] == 200, 5), "and the failure is gone (/health 200)")

    def locked(self):
        name = "locked"
        holder = sqlite3.connect(self.cache_path, timeout=10, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        released = threading.Timer(10, holder.rollback)
        started = time.monotonic()
        released.start()
        results = self.upload(self.serve_port, 3, seconds=40)
        took = time.monotonic() - started
        released.join()
        holder.close()
        self.check(name, len(results) == 3 and all(r["state"] == "done" for r in results),
                   f"uploads during a 10 s lock all complete, in {took:.1f} s")
        failure = self.cache_metrics(self.serve_port).get("last_failure")
        results = self.upload(self.serve_port, 2)
        stored = self.stored_ids(self.cache_path)
        self.check(name, {r.get("file_id") for r in results} <= stored,
                   "after the lock the next uploads are remembered" + (f" (during it: {failure[:60]!r})" if failure else ""))

    def deleted(self):
        name = "deleted"
        before = self.stored_ids(self.cache_path)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.cache_path + suffix):
                os.remove(self.cache_path + suffix)
        time.sleep(1.2)
        results = self.upload(self.serve_port, 2)
        recreated = eventually(lambda: os.path.exists(self.cache_path), 2)
        stored = self.stored_ids(self.cache_path) if recreated else set()
        self.check(name, recreated and before <= stored and {r.get("file_id") for r in results} <= stored,
                   f"a new file holds all {len(before)} old entries and the {len(results)} new ones")

    def drops(self):
        name = "drops"
        port = free_port()
        cache = os.path.join(self.workdir, "drops.sqlite")
        engine = self.serve(port, "--sandbox-drop-rate", "0.5", cache=cache, log="drops.log")
        results = self.upload(port, 12, size=200_000, seconds=120)
        done = [r for r in results if r["state"] == "done"]
        failed = [r for r in results if r["state"] == "failed"]
        self.check(name, len(done) + len(failed) == 12, f"all 12 files end: {len(done)} done, {len(failed)} failed")
        self.check(name, all("connection" in (r.get("error") or "").lower() or "closed" in (r.get("error") or "")
                             for r in failed), "a failed one names the dropped connection")
        self.check(name, {r["file_id"] for r in done} <= self.stored_ids(cache), "every done one is in the cache")
        with open(os.path.join(self.workdir, "drops.log")) as log:
            retries = log.read().count("retrying upload")
        self.check(name, retries > 0, f"the engine retried {retries} uploads")
        engine.terminate()
        engine.wait(timeout=10)

    def killed_server(self):
        name = "kill server"
        self.nothing_ended()
        client = self.clients[0]
        server = children(client.process.pid)[0]
        os.kill(server, signal.SIGKILL)
        status = eventually(lambda: client.process.poll() is not None, 3) and client.process.returncode
        self.check(name, status == 137, f"the proxy exits 137 within 3 s (got {client.process.poll()})")
        sent, answered, pending = client.counts()
        self.check(name, answered + pending == sent, f"{answered} answered + {pending} waiting = {sent} sent")
        with open(os.path.join(self.workdir, "proxy0.log")) as log:
            text = log.read()
        # A request written just as the server died may not have reached the proxy: it is pending for the
        # client and unknown to the proxy. Those the proxy had relayed are counted as server_exited.
        logged = re.search(r"(\d+) requests? (?:was|were) waiting when the server exited", text)
        waiting = int(logged.group(1)) if logged else 0
        self.check(name, waiting <= pending, f"{waiting} of the {pending} waiting had reached it: logged as server_exited")
        self.check(name, eventually(lambda: "ended" in self.screen("local"), 3), "the dashboard shows it ended")
        self.others_answer(name, [1, 2])

    def killed_proxy(self):
        name = "kill proxy"
        self.nothing_ended()
        client = self.clients[1]
        server = children(client.process.pid)[0]
        client.process.kill()
        client.process.wait(timeout=5)
        self.check(name, eventually(lambda: not alive(server), 2), "its server is gone within 2 s")
        self.check(name, eventually(lambda: "ended" in self.screen("local"), 3), "the dashboard shows it ended")
        self.others_answer(name, [2])

    def killed_serve(self):
        name = "kill serve"
        # Killed in the middle of an upload: some files reported done, others still on their way.
        batch = post_json(self.serve_port, "/v1/uploads/test", {"files": 8, "size_bytes": 1_000_000}, TOKEN)["batch"]

        def midway():
            recent = [r for r in get_json(self.serve_port)["upload_metrics"]["recent"]
                      if r["file"].startswith(f"test-{batch}-")]
            done = {r["file_id"] for r in recent if r["state"] == "done"}
            return done if done and len(done) < 8 else None

        reported = eventually(midway, 60, step=0.02) or set()
        self.serve_process.kill()
        self.serve_process.wait(timeout=5)
        stored = self.stored_ids(self.cache_path)
        self.check(name, reported and reported <= stored,
                   f"killed mid-upload: every id reported done ({len(reported)} of 8) is in the SQLite file")
        # The other attached target (the blackhole's port) is reconnecting already.
        self.check(name, eventually(lambda: "2 reconnecting" in self.screen("attached"), 5),
                   "the attached dashboard shows it reconnecting")
        self.serve_process = self.serve(self.serve_port)
        self.check(name, self.cache_metrics(self.serve_port)["entries"] == len(stored),
                   f"started again, it finds all {len(stored)} entries")
        self.check(name, eventually(lambda: "1 ●" in self.screen("attached"), 10),
                   "the dashboard is connected to it again within 10 s")

    def nothing_ended(self):
        """Waits for the local dashboard to drop what ended before (10 s after it ended), so that "ended" on
        its screen afterwards is about the next fault."""
        if not eventually(lambda: "ended" not in self.screen("local"), 15):
            raise SystemExit("chaos: the local dashboard kept an ended target for over 15 s")

    def others_answer(self, name, indexes):
        before = {index: self.clients[index].counts()[1] for index in indexes}
        time.sleep(1.5)
        after = {index: self.clients[index].counts()[1] for index in indexes}
        self.check(name, all(after[i] > before[i] for i in indexes), "the other proxies keep answering")

    def untouched(self):
        client = self.clients[2]
        client.closed.set()  # ends its load loop
        time.sleep(2)
        sent, answered, pending = client.counts()
        counted = get_json(client.port)["tool_metrics"].get("get_current_time", {}).get("total_calls", 0)
        self.check("untouched", pending == 0 and answered == sent == counted,
                   f"the proxy never faulted: {sent} sent, {answered} answered, {counted} counted")


class Blackhole:
    """A port that accepts connections and never answers, until closed."""

    def __init__(self, port):
        self.listener = socket.create_server(("127.0.0.1", port))
        self.held = []
        self.open = True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while self.open:
            try:
                connection, _ = self.listener.accept()
                self.held.append(connection)
            except OSError:
                return

    def close(self):
        if self.open:
            self.open = False
            self.listener.close()
            for connection in self.held:
                connection.close()


SCENARIOS = ("blackholed_target", "disk_full", "locked", "deleted", "drops", "killed_server", "killed_proxy",
             "killed_serve", "untouched")


def main(dashboard, server, only):
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"chaos: no scenario {', '.join(sorted(unknown))}; there are {', '.join(SCENARIOS)}")
    chaos = Chaos(dashboard, server)
    started = time.monotonic()
    try:
        chaos.start()
        for scenario in SCENARIOS:
            if not only or scenario in only:
                getattr(chaos, scenario)()
    finally:
        chaos.finish()
    if chaos.problems:
        print("chaos: FAILED\n  " + "\n  ".join(chaos.problems), file=sys.stderr)
        sys.exit(1)
    print(f"chaos: ok — every fault ended as stated ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
