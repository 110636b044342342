import Foundation
import Testing

/// The Messages view in a real terminal: the real binary watching two local proxies (one capturing
/// payloads, one not) and a `dashboard serve` engine, which keeps no messages.
@Suite(
    "Messages in a terminal",
    .serialized,
    .enabled(
        if: TmuxSession.tmux != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "tmux is not installed (apt-get install tmux)"
    )
)
struct MessagesTmuxTests {
    /// The lines of the list (between the column heads and the status line) of a Messages screen.
    static func rows(_ screen: String) -> [Substring] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let heads = lines.firstIndex(where: { $0.contains(" time ") && $0.contains(" method ") }) else {
            return []
        }
        return lines[(heads + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0 }
    }

    @Test("m lists both proxies' messages live; filter, pause, a captured payload redacted, how to capture, Esc back")
    func messages() async throws {
        try #require(TmuxSession.tmux != nil, "tmux is not installed")
        let home = try DashboardSmokeTests.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let state = home + "/state"

        let alpha = try ProxyDriver(name: "alpha", stateHome: state, options: ["--capture"])
        let beta = try ProxyDriver(name: "beta", stateHome: state)
        defer { for proxy in [alpha, beta] where proxy.process.isRunning { proxy.kill() } }
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--no-demo"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite", "XDG_STATE_HOME": state],
            directory: home
        )
        defer {
            kill(serve.process.processIdentifier, SIGKILL)
            serve.process.waitUntilExit()
        }
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(20)))
        let servePort = try #require(ServeCommandTests.port(from: serve.standardError))

        let secret = "sk-live-do-not-show-4242"
        let feeding = Task {
            var round = 0
            while !Task.isCancelled {
                alpha.call("echo", arguments: #"{"text":"hi \#(round)","api_key":"\#(secret)"}"#)
                beta.call("echo", arguments: #"{"text":"hi \#(round)","api_key":"\#(secret)"}"#)
                if round % 5 == 0 { alpha.call("fail_tool") }
                round += 1
                try? await Task.sleep(for: .milliseconds(150))
            }
        }
        defer { feeding.cancel() }

        let environment = "HOME=\(home) XDG_STATE_HOME=\(state) XDG_CONFIG_HOME=\(home)/config TERM=xterm-256color"
        let command =
            "cd \(home) && env \(environment) \(BinaryProcess.path) --local --attach 127.0.0.1:\(servePort); "
            + "echo EXIT=$?; sleep 60"
        let tmux = try TmuxSession(command: command, width: 120, height: 40)
        defer { tmux.kill() }
        let (watching, dashboard) = try await tmux.waitFor(timeout: .seconds(30)) { screen in
            screen.contains("3 targets:") && screen.contains("alpha ") && screen.contains("beta ")
        }
        try #require(watching, "\(dashboard)")

        // m: both proxies' messages, newest at the foot, and the engine said to keep none.
        try tmux.send("m")
        let (listed, list) = try await tmux.waitFor(timeout: .seconds(15)) { screen in
            let rows = Self.rows(screen)
            return screen.contains("Messages") && screen.contains("alpha (payloads)")
                && screen.contains("beta (metadata)") && screen.contains("not a proxy")
                && rows.contains { $0.contains(" alpha ") && $0.contains("→ tools/call") && $0.contains(" echo ") }
                && rows.contains { $0.contains(" beta ") && $0.contains("← tools/call") && $0.contains(" ok") }
                && rows.contains { $0.contains(" alpha ") && $0.contains(" fail_tool ") && $0.contains("tool_error") }
        }
        #expect(listed, "\(list)")
        #expect(list.contains("live"))

        // It is live: newer messages arrive at the foot.
        let lastBefore = Self.rows(list).last.map(String.init) ?? ""
        let (moved, later) = try await tmux.waitFor(timeout: .seconds(10)) { screen in
            Self.rows(screen).last.map(String.init) != lastBefore
        }
        #expect(moved, "\(later)")

        // p pauses: the list stands still.
        try tmux.send("p")
        let (paused, frozen) = try await tmux.waitFor(timeout: .seconds(5)) { $0.contains("paused (p resumes)") }
        #expect(paused, "\(frozen)")
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(Self.rows(try tmux.screen()) == Self.rows(frozen))
        try tmux.send("p")

        // A filter of words: alpha's requests only; the one above the newest opened, its secret redacted.
        try tmux.send("/")
        try tmux.send("-l", "alpha echo c2s")
        try tmux.send("Enter")
        let (filtered, only) = try await tmux.waitFor(timeout: .seconds(10)) { screen in
            let rows = Self.rows(screen)
            return screen.contains("match \"alpha echo c2s\"") && rows.count > 2
                && rows.allSatisfy { $0.contains(" alpha ") && $0.contains("→ tools/call") && $0.contains(" echo ") }
        }
        #expect(filtered, "\(only)")
        try tmux.send("k")
        try tmux.send("Enter")
        let (opened, message) = try await tmux.waitFor(timeout: .seconds(10)) { screen in
            screen.contains("→ tools/call") && screen.contains(#""api_key": "‹redacted›""#)
                && screen.contains(#""name": "echo""#) && screen.contains("client → server")
        }
        #expect(opened, "\(message)")
        #expect(!message.contains(secret))

        // Esc: back to the filtered list, scrolled (it no longer follows); Esc clears the filter.
        try tmux.send("Escape")
        let (back, scrolled) = try await tmux.waitFor(timeout: .seconds(5)) { $0.contains("scrolled (End follows)") }
        #expect(back, "\(scrolled)")
        try tmux.send("Escape")
        let (cleared, whole) = try await tmux.waitFor(timeout: .seconds(5)) { screen in
            !screen.contains("match \"") && Self.rows(screen).contains { $0.contains(" beta ") }
        }
        #expect(cleared, "\(whole)")

        // beta keeps no payloads: its message says how to have them.
        try tmux.send("/")
        try tmux.send("-l", "beta")
        try tmux.send("Enter")
        try await Task.sleep(for: .milliseconds(300))
        try tmux.send("G")
        try tmux.send("Enter")
        let (explained, note) = try await tmux.waitFor(timeout: .seconds(10)) { screen in
            screen.contains("The payload was not kept") && screen.contains("dashboard proxy --capture")
        }
        #expect(explained, "\(note)")

        // Esc three times: the list, the whole list, the dashboard.
        try tmux.send("Escape")
        try tmux.send("Escape")
        try tmux.send("Escape")
        let (home2, panes) = try await tmux.waitFor(timeout: .seconds(5)) { screen in
            screen.contains("Latency") && !screen.contains("Messages ")
        }
        #expect(home2, "\(panes)")
        #expect(!panes.contains(secret))
        try tmux.send("q")
        let (quit, end) = try await tmux.waitFor(timeout: .seconds(10)) { $0.contains("EXIT=0") }
        #expect(quit, "\(end)")
    }
}
