import ArgumentParser
import DashboardUI
import Engine
import Foundation
import MetricsClient
import MetricsWire

/// `dashboard snapshot`: one poll of a metrics endpoint, printed for people or scripts.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Poll a metrics endpoint once and print a plain-text summary, or the JSON with --json.",
        discussion: """
            Fetches GET /metrics from the endpoint (the dashboard engine, `dashboard serve`, or the Python \
            original's metrics server) and prints its tools (calls, success rate, p50/p95/p99 latency, errors), \
            caches (hit rate, entries, evictions), uploads and process figures. With --json, prints the decoded \
            snapshot as JSON instead. Values the server sent that cannot be right (NaN, negative counts) are \
            listed as warnings.

            With --prometheus, reads a fleet through Prometheus's HTTP API instead: per-tool p50/p95/p99 \
            from histogram_quantile over every instance's buckets summed, calls and errors, caches, and the \
            instances Prometheus scrapes, up or down (--selector narrows them, e.g. '{job="mcp"}'). Rates and \
            percentiles are over max(refresh + scrape interval, 4 × scrape interval), or over the window of the \
            recording rules of `dashboard prometheus-rules` when Prometheus has them; the output says which. \
            --json then prints the same schema, with a "fleet" section listing the instances.

            Exit status: 0 on success; 1 when the endpoint cannot be reached or does not answer in time; \
            2 when it answers with something that is not a metrics snapshot (HTML, other JSON, an HTTP error, \
            a redirect, a response over 8 MiB). The reason is printed as one line on standard error.

            Examples:
              dashboard snapshot
              dashboard snapshot --attach 10.0.0.5:9109 --json | jq '.tool_metrics | keys'
              dashboard snapshot --prometheus http://127.0.0.1:9090 --selector '{job="mcp"}'
            """
    )

    @OptionGroup var source: PollOptions

    @Flag(help: "Print the decoded snapshot as JSON instead of a summary.")
    var json = false

    func run() async throws {
        let poller = try source.poller()
        let target = poller.target
        switch await poller.pollOnce() {
        case .success(let polled):
            if json {
                print(try SnapshotReport.json(polled.snapshot))
                for line in SnapshotReport.issueLines(polled.decoded) { printError("warning: \(line)") }
            } else {
                print(SnapshotReport.text(polled, target: target), terminator: "")
            }
        case .failure(let error):
            printError(error.description)
            throw ExitCode(error.isIncompatible ? 2 : 1)
        }
    }
}
