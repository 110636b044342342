import ArgumentParser
import DashboardUI
import MetricsClient
import MetricsWire

/// `dashboard prometheus-rules`: prints the recording rules that make the fleet view cheap for Prometheus.
struct PrometheusRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prometheus-rules",
        abstract: "Print Prometheus recording rules that make `dashboard --prometheus` cheap on a large fleet.",
        discussion: """
            Without rules, every refresh of the fleet view has Prometheus read every instance's histogram \
            buckets: about 100 000 series for 50 instances of 50 tools, a second or more of its time. These \
            rules sum them across instances once per rule evaluation instead, and the dashboard (which finds \
            them on its own through /api/v1/rules) reads the few thousand recorded series. Rates and \
            percentiles are then over the rules' window.

            Save the output next to prometheus.yml, name it under rule_files, and evaluate it as often as the \
            engines are scraped:
              dashboard prometheus-rules > /etc/prometheus/dashboard-rules.yml
              # prometheus.yml:  rule_files: [dashboard-rules.yml]
              promtool check rules /etc/prometheus/dashboard-rules.yml
            """
    )

    @Option(
        help: ArgumentHelp(
            "The range of the recorded rates, in Prometheus notation; at least four scrape intervals.",
            valueName: "duration"
        )
    )
    var window = "1m"

    func validate() throws {
        do {
            _ = try FleetRecordingRules(window: window)
        } catch {
            throw ValidationError("--window: \(error.reason); \(error.hint ?? "")")
        }
    }

    func run() throws {
        print(try FleetRecordingRules(window: window).yaml, terminator: "")
    }
}
