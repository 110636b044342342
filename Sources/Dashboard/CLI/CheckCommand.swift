import ArgumentParser
import DashboardUI
import Foundation
import MCPProxy
import MetricsClient
import MetricsWire

/// `dashboard check`: holds an engine, a proxy or a fleet to latency and error bounds, for CI and cron.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 0 when a target's tools are within bounds, 1 with one line per violation.",
        discussion: """
            Reads one snapshot of the target (--attach HOST:PORT: an engine or a proxy; --prometheus URL: a \
            fleet, its percentiles merged from the summed buckets) and holds it to each bound: --max-p95 \
            TOOL=DURATION (repeatable; '*' for every tool that made calls; a named tool without calls is a \
            violation, so a misspelt name cannot pass) and --max-error-rate PERCENT (every tool's failed calls \
            at most that share of its calls). The p95 is the target's own: over its window of recent calls \
            (an engine) or its rate window (a fleet). --tools-baseline FILE (a proxy's tools pinned with \
            `dashboard tools pin`) makes every difference of the proxy's server's tools a violation.

            Exit status: 0 every bound holds; 1 a bound is broken, one line per violation on stdout; 2 the \
            target cannot be read (the reason on stderr); 64 a flag is wrong. --junit FILE writes a JUnit XML report (one test \
            case per bound) that CI systems show, in every case.

            Examples:
              dashboard check --attach 127.0.0.1:9109 --max-p95 search=250ms \\
                --max-error-rate 1
              dashboard check --prometheus http://prometheus:9090 --max-p95 '*=2s' \\
                --junit mcp-latency.xml
            """
    )

    @OptionGroup var source: PollOptions

    @Option(
        name: .customLong("max-p95"),
        help: ArgumentHelp(
            "A tool's p95 latency at most this long (repeatable; '*' for every tool).",
            valueName: "tool=duration"
        )
    )
    var maxP95: [String] = []

    @Option(
        name: .customLong("max-error-rate"),
        help: ArgumentHelp("No tool's failed calls above this percentage of its calls.", valueName: "percent")
    )
    var maxErrorRate: String?

    @Option(
        name: .customLong("tools-baseline"),
        help: ArgumentHelp(
            "A proxy's tools pinned with `dashboard tools pin`: any difference of its server's tools is a violation.",
            valueName: "file"
        )
    )
    var toolsBaseline: String?

    @Option(
        help: ArgumentHelp(
            "The control token for --tools-baseline (else METRICS_CONTROL_TOKEN, else the local token file).",
            valueName: "token"
        )
    )
    var token: String?

    @Option(help: ArgumentHelp("Also write a JUnit XML report here.", valueName: "file"))
    var junit: String?

    func validate() throws {
        let bounds = try self.bounds()
        if bounds.isEmpty, toolsBaseline == nil {
            throw ValidationError(
                "give at least one bound: --max-p95 TOOL=DURATION, --max-error-rate PERCENT or --tools-baseline FILE"
            )
        }
        if toolsBaseline != nil, source.attach == nil {
            throw ValidationError("--tools-baseline checks one proxy: give its --attach HOST:PORT")
        }
    }

    /// The bounds the flags name, in their order.
    func bounds() throws -> [GateBound] {
        do throws(GateBoundError) {
            var bounds: [GateBound] = []
            for text in maxP95 { bounds.append(try GateBound.p95(text)) }
            if let maxErrorRate { bounds.append(try GateBound.errorRate(maxErrorRate)) }
            return bounds
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let poller = try source.poller()
        let target = poller.target.description
        let results: [(name: String, violations: [String])]
        let status: Int32
        switch await poller.pollOnce() {
        case .success(let polled):
            var checked = try bounds().map { ($0.name, $0.violations(in: polled.snapshot)) }
            if let toolsBaseline {
                checked.append(
                    ("tools as pinned in \(toolsBaseline)", try await toolDifferences(poller.target, toolsBaseline))
                )
            }
            results = checked
            let broken = results.flatMap(\.violations)
            for line in broken { print(line) }
            if broken.isEmpty { print("ok: \(results.count) bound(s) hold for \(target)") }
            status = broken.isEmpty ? 0 : 1
        case .failure(let error):
            printError("cannot read \(target): \(error.description)")
            results = [("read \(target)", [error.description])]
            status = 2
        }
        if let junit {
            let xml = JUnitReport.xml(
                target: target,
                results: results,
                seconds: (ContinuousClock.now - started).inSeconds
            )
            do {
                try xml.write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                printError("cannot write --junit \(junit): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Each difference of `target`'s tools from the baseline in `path`, a line each; exits 2 when either
    /// cannot be read.
    private func toolDifferences(_ target: MetricsTarget, _ path: String) async throws -> [String] {
        let environment = ProcessInfo.processInfo.environment
        let pinned: ToolsBaseline
        do {
            pinned = try ToolsBaseline.read(path: path)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let client = ControlClient(
            target: target,
            credential: ControlCredential.resolve(flag: token, environment: environment, target: target)
        )
        let current: ToolsBaseline
        do {
            current = try ToolsBaseline.parse(Array(try await client.tools()), path: "the tools of \(target)")
        } catch {
            printError("cannot read the tools of \(target): \(error)")
            throw ExitCode(2)
        }
        if current.server != pinned.server {
            return ["tools: \(target) proxies '\(current.server)', the baseline pins '\(pinned.server)'"]
        }
        return pinned.differences(current).map { "tools: \($0) (against \(path))" }
    }
}
