import Foundation
import Testing

/// One dashboard watching five servers at once, in a real terminal: three local proxies (found in the
/// discovery folder), a `dashboard serve` engine and a server shaped like the Python original.
@Suite(
    "many targets in a terminal",
    .serialized,
    .enabled(
        if: TmuxSession.tmux != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "tmux is not installed (apt-get install tmux)"
    )
)
struct ManyTargetsTmuxTests {
    static let pythonServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/python_original_server.py").standardized.path

    /// The calls count of `tool`'s row of `server` on `screen`.
    static func calls(_ screen: String, server: String, tool: String) -> Int? {
        for line in screen.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[0] == server, fields[1] == tool else { continue }
            return Int(fields[2])
        }
        return nil
    }

    /// The percentage on the live-calls line of `server`'s call with progress (`███░░ 37.3% step 112`).
    static func progress(_ screen: String, server: String) -> Double? {
        for line in screen.split(separator: "\n") where line.contains(" \(server) ") {
            guard let match = line.range(of: #"[█▉▊▋▌▍▎▏░]+ [0-9.]+% step"#, options: .regularExpression) else {
                continue
            }
            let text = line[match]
            guard let percent = text.split(separator: " ").dropFirst().first else { continue }
            return Double(percent.dropLast())
        }
        return nil
    }

    @Test("rows of all five; an ended proxy is marked, a new one appears, progress moves, failures show, detail opens")
    func fiveTargets() async throws {
        try #require(TmuxSession.tmux != nil, "tmux is not installed")
        let home = try DashboardSmokeTests.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let state = home + "/state"
        let instances = state + "/dashboard/instances"

        let proxies = try ["alpha", "beta", "gamma"].map { try ProxyDriver(name: $0, stateHome: state) }
        var ended: [ProxyDriver] = []
        defer { for proxy in proxies + ended where proxy.process.isRunning { proxy.kill() } }
        let serve = try BinaryProcess(
            ["serve", "--port", "0", "--demo-rate", "20"],
            environment: ["HOME": home, "FILE_CACHE_PATH": home + "/ids.sqlite", "XDG_STATE_HOME": state],
            directory: home
        )
        defer {
            kill(serve.process.processIdentifier, SIGKILL)
            serve.process.waitUntilExit()
        }
        #expect(try await serve.waitForError(containing: "serving http://", timeout: .seconds(20)))
        let servePort = try #require(ServeCommandTests.port(from: serve.standardError))

        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", Self.pythonServer, "0"]
        let pythonOutput = Pipe()
        python.standardOutput = pythonOutput
        // Nothing of the test runner's is inherited: a child left holding its output would keep it waiting.
        python.standardError = FileHandle.nullDevice
        python.standardInput = FileHandle.nullDevice
        try python.run()
        defer {
            kill(python.processIdentifier, SIGKILL)
            python.waitUntilExit()
        }
        let line = String(decoding: pythonOutput.fileHandleForReading.availableData, as: UTF8.self)
        let pythonPort = try #require(
            Int(line.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        )

        // Every proxy has published its discovery file (the serve engine too).
        func published() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? [] }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, published().count < 4 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(published().filter { !$0.hasPrefix("serve-") }.count == 3, "\(published())")
        #expect(published().filter { $0.hasPrefix("serve-") }.count == 1, "\(published())")

        // Clients keep calling: echoes everywhere, a tool error on alpha, a long call with progress on beta.
        let feeding = Task {
            var round = 0
            while !Task.isCancelled {
                for proxy in proxies where proxy.process.isRunning { proxy.call("echo", arguments: #"{"text":"hi"}"#) }
                if round % 10 == 0 { proxies[0].call("fail_tool") }
                if round % 60 == 0 { proxies[1].call("progress", arguments: #"{"steps":400}"#, progress: true) }
                round += 1
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { feeding.cancel() }

        let environment = "HOME=\(home) XDG_STATE_HOME=\(state) XDG_CONFIG_HOME=\(home)/config TERM=xterm-256color"
        let command =
            "cd \(home) && env \(environment) \(BinaryProcess.path) --local --attach 127.0.0.1:\(servePort) "
            + "--attach 127.0.0.1:\(pythonPort); echo EXIT=$?; sleep 60"
        let tmux = try TmuxSession(command: command, width: 160, height: 50)
        defer { tmux.kill() }

        let (all, first) = try await tmux.waitFor(timeout: .seconds(30)) { screen in
            screen.contains("5 targets:") && screen.contains("5 ●") && screen.contains("alpha ")
                && screen.contains("beta ") && screen.contains("gamma ") && screen.contains("summarize")
                && screen.contains("127.0.0.1:\(servePort)") && screen.contains("chat")
        }
        #expect(all, "\(first)")
        #expect(first.contains("127.0.0.1:\(pythonPort)") && first.contains("percentiles look constant"))

        // A call with progress notifications: a bar that moves.
        let (moving, withBar) = try await tmux.waitFor(timeout: .seconds(20)) {
            Self.progress($0, server: "beta") != nil
        }
        #expect(moving, "\(withBar)")
        let before = Self.progress(withBar, server: "beta") ?? 0
        try await Task.sleep(for: .milliseconds(1_500))
        let later = try tmux.screen()
        if let after = Self.progress(later, server: "beta") {
            #expect(after > before, "\(before)% then \(after)%")
        } else {
            Issue.record("the progress bar went away within 1.5 s:\n\(later)")
        }

        // The tool error, with its message, in the failures pane.
        let (failed, failures) = try await tmux.waitFor(timeout: .seconds(10)) { screen in
            screen.contains("Recent failures")
                && screen.split(separator: "\n").contains { line in
                    line.contains(" alpha ") && line.contains(" fail_tool ") && line.contains(" tool_error ")
                        && line.contains("it failed on purpose")
                }
        }
        #expect(failed, "\(failures)")

        // gamma crashes (SIGKILL leaves its discovery file behind): shown as ended, the others go on.
        let alphaBefore = Self.calls(try tmux.screen(), server: "alpha", tool: "echo") ?? 0
        proxies[2].kill()
        let (marked, afterKill) = try await tmux.waitFor(timeout: .seconds(15)) { $0.contains("1 ended") }
        #expect(marked, "\(afterKill)")
        try await Task.sleep(for: .seconds(1.5))
        let alphaAfter = Self.calls(try tmux.screen(), server: "alpha", tool: "echo") ?? 0
        #expect(alphaAfter > alphaBefore, "alpha's echo calls \(alphaBefore) then \(alphaAfter)")

        // A new proxy: on screen once its discovery file is there.
        let delta = try ProxyDriver(name: "delta", stateHome: state)
        ended.append(delta)
        let fileDeadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < fileDeadline,
            !((try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? []).contains(where: {
                $0.hasPrefix("delta-")
            })
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        delta.call("echo", arguments: #"{"text":"new"}"#)
        let (appeared, withDelta) = try await tmux.waitFor(timeout: .seconds(15)) { $0.contains("delta ") }
        #expect(appeared, "\(withDelta)")

        // Enter opens the highlighted tool with its histogram; Esc returns.
        try tmux.send("Enter")
        let (opened, detail) = try await tmux.waitFor(timeout: .seconds(5)) { screen in
            screen.contains("Esc back") && screen.contains("Latency distribution of the window")
                && screen.contains("≤ ")
        }
        #expect(opened, "\(detail)")
        try tmux.send("Escape")
        let (back, panes) = try await tmux.waitFor(timeout: .seconds(5)) {
            $0.contains("─ Latency") && $0.contains("Live calls")
        }
        #expect(back, "\(panes)")

        try tmux.send("q")
        let (quit, final) = try await tmux.waitFor(timeout: .seconds(20)) { $0.contains("EXIT=") }
        #expect(quit && final.contains("EXIT=0"), "\(final)")
        #expect(!final.contains("─ Latency"), "the screen was restored")
    }
}
