import AsyncHTTPClient
import Foundation
import MetricsWire

/// The calls of Prometheus's HTTP API the fleet view needs: an instant query, the active targets and
/// the recording rules.
///
/// Every failure is a ``PollError`` that says what Prometheus said (its `error` text for a refused query),
/// so a screen can show it as it shows a lost engine.
struct PrometheusAPI: Sendable {
    /// One series of an instant vector: its labels and value (NaN when Prometheus says so).
    struct Sample: Sendable, Equatable {
        var labels: [String: String]
        var value: Double
    }

    /// A query's series and Prometheus's warnings about them.
    struct Vector: Sendable {
        var samples: [Sample]
        var warnings: [String]
        var responseTime: Duration
        var byteCount: Int
    }

    /// One active scrape target.
    struct Target: Sendable, Equatable {
        var job: String
        var instance: String
        var up: Bool
        var lastError: String?
        var scrapeInterval: Double?
    }

    let server: PrometheusServer
    let fetcher: MetricsFetcher

    /// Evaluates `query` at `time` (seconds since 1970).
    func query(_ query: String, at time: Double) async throws(PollError) -> Vector {
        let url =
            server.url("/api/v1/query") + "?query=" + Self.encode(query) + "&time="
            + String(format: "%.3f", time)
        let (data, fetched) = try await get(url, shown: server.url("/api/v1/query"))
        guard data["resultType"]?.stringValue == "vector", case .array(let results)? = data["result"] else {
            throw Self.shape("a query answered with no instant vector", url: server.url("/api/v1/query"))
        }
        var samples: [Sample] = []
        samples.reserveCapacity(results.count)
        for result in results {
            guard case .object(let members)? = result["metric"], case .array(let pair)? = result["value"],
                pair.count == 2, let text = pair[1].stringValue
            else { continue }
            var labels: [String: String] = [:]
            for member in members { labels[member.key] = member.value.stringValue ?? "" }
            samples.append(Sample(labels: labels, value: Self.number(text)))
        }
        return Vector(
            samples: samples,
            warnings: fetched.warnings,
            responseTime: fetched.responseTime,
            byteCount: fetched.byteCount
        )
    }

    /// ``query(_:at:)`` as a result.
    func result(of query: String, at time: Double) async -> Result<Vector, PollError> {
        do {
            return .success(try await self.query(query, at: time))
        } catch {
            return .failure(error)
        }
    }

    /// The active targets, with their health, last error and scrape interval.
    func targets() async throws(PollError) -> [Target] {
        let url = server.url("/api/v1/targets?state=active")
        let (data, _) = try await get(url, shown: url)
        guard case .array(let active)? = data["activeTargets"] else {
            throw Self.shape("the targets API answered without activeTargets", url: url)
        }
        return active.compactMap { target in
            guard let labels = target["labels"] else { return nil }
            let lastError = target["lastError"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return Target(
                job: labels["job"]?.stringValue ?? "",
                instance: labels["instance"]?.stringValue ?? "",
                up: target["health"]?.stringValue == "up",
                lastError: lastError.map { DisplayText.singleLine($0, maxLength: 160) },
                scrapeInterval: target["scrapeInterval"]?.stringValue.flatMap(Self.seconds)
            )
        }
    }

    /// One loaded recording rule, with its group's schedule when Prometheus gives it.
    struct RecordingRule: Sendable, Equatable {
        var name: String
        /// `ok`, `err` or `unknown` (not evaluated yet).
        var health: String
        var schedule: RuleSchedule? = nil
    }

    /// When a rule group is evaluated: every `interval` seconds, the last one started at `lastEvaluation`
    /// (seconds since 1970) and took `duration` seconds.
    struct RuleSchedule: Sendable, Equatable {
        var interval: Double
        var lastEvaluation: Double
        var duration: Double

        /// The start of the latest evaluation whose results a query at `time` reads: one that started
        /// at least its duration (and some slack) earlier. Recorded series change only then.
        func latestReadable(at time: Double) -> Double {
            let slack = duration * 1.5 + 0.5
            let evaluations = ((time - slack - lastEvaluation) / interval).rounded(.down)
            return lastEvaluation + evaluations * interval
        }
    }

    /// The recording rules loaded, each with its health and its group's schedule.
    func recordingRules() async throws(PollError) -> [RecordingRule] {
        let url = server.url("/api/v1/rules?type=record")
        let (data, _) = try await get(url, shown: url)
        guard case .array(let groups)? = data["groups"] else {
            throw Self.shape("the rules API answered without groups", url: url)
        }
        return groups.flatMap { group -> [RecordingRule] in
            guard case .array(let rules)? = group["rules"] else { return [] }
            var schedule: RuleSchedule?
            if let interval = group["interval"]?.doubleValue, interval > 0,
                let last = group["lastEvaluation"]?.stringValue.flatMap(Self.time), last > 0
            {
                schedule = RuleSchedule(
                    interval: interval,
                    lastEvaluation: last,
                    duration: max(0, group["evaluationTime"]?.doubleValue ?? 0)
                )
            }
            return rules.compactMap { rule in
                guard rule["type"]?.stringValue == "recording", let name = rule["name"]?.stringValue else { return nil }
                return RecordingRule(name: name, health: rule["health"]?.stringValue ?? "", schedule: schedule)
            }
        }
    }

    /// An RFC 3339 time as Prometheus writes it (`2026-12-02T00:56:50.605061412Z`, any number of
    /// fractional digits, `Z` or an offset), in seconds since 1970.
    static func time(_ text: String) -> Double? {
        guard let dot = text.firstIndex(of: ".") else {
            return ISO8601DateFormatter().date(from: text)?.timeIntervalSince1970
        }
        let zone = text[dot...].firstIndex { $0 == "Z" || $0 == "+" || $0 == "-" } ?? text.endIndex
        guard let fraction = Double("0" + text[dot..<zone]),
            let whole = ISO8601DateFormatter().date(from: String(text[..<dot]) + text[zone...])
        else { return nil }
        return whole.timeIntervalSince1970 + fraction
    }

    private struct Fetched {
        var warnings: [String]
        var responseTime: Duration
        var byteCount: Int
    }

    /// GETs an API URL and returns its `data`, after checking `status`; errors name the URL `shown`
    /// (without a long query).
    private func get(_ url: String, shown: String) async throws(PollError) -> (JSONValue, Fetched) {
        let fetched: MetricsFetcher.Fetched
        do {
            fetched = try await fetcher.fetch(url)
        } catch {
            var explained = Self.explain(error)
            explained.url = shown
            throw explained
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(Array(fetched.body))
        } catch {
            throw PollError(
                .notJSON,
                "the answer was not JSON",
                hint: "check that --prometheus names a Prometheus server",
                url: shown
            )
        }
        guard body["status"]?.stringValue == "success", let data = body["data"] else {
            let message = body["error"]?.stringValue.map { DisplayText.singleLine($0, maxLength: 200) }
            throw PollError(
                .wrongShape,
                "Prometheus answered without data" + (message.map { ": \($0)" } ?? ""),
                hint: "check that --prometheus names a Prometheus server",
                url: shown
            )
        }
        var warnings: [String] = []
        if case .array(let items)? = body["warnings"] {
            warnings = items.prefix(5).compactMap { $0.stringValue.map { DisplayText.singleLine($0, maxLength: 160) } }
        }
        return (data, Fetched(warnings: warnings, responseTime: fetched.responseTime, byteCount: fetched.body.count))
    }

    /// A fetch failure in Prometheus's words: a refused query says so; an overloaded server says so.
    private static func explain(_ error: PollError) -> PollError {
        var error = error
        guard error.code == .httpStatus, let status = error.httpStatus else {
            if error.code == .connectionRefused { error.hint = "is Prometheus running? check the --prometheus URL" }
            return error
        }
        switch status {
        case 400, 422:
            error.hint = "Prometheus refused the query; check --selector (it must be label matchers like {job=\"mcp\"})"
        case 404:
            error.hint = "no Prometheus API there; check the --prometheus URL (and its route prefix, if any)"
        case 503:
            error.hint = "Prometheus is overloaded or still starting; retrying with backoff"
        default:
            error.hint = status >= 500 ? "Prometheus failed; check its logs" : "check the --prometheus URL"
        }
        return error
    }

    private static func shape(_ reason: String, url: String) -> PollError {
        PollError(.wrongShape, reason, hint: "check that --prometheus names a Prometheus server", url: url)
    }

    /// A sample value as Prometheus writes it: a decimal, `NaN`, `+Inf` or `-Inf`.
    static func number(_ text: String) -> Double {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text) ?? .nan
        }
    }

    /// A Prometheus duration (`15s`, `1m30s`, `500ms`, `1h`) in seconds.
    static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var digits = ""
        var index = text.startIndex
        guard !text.isEmpty else { return nil }
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                digits.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            index = text.index(after: index)
            if unit == "m", index < text.endIndex, text[index] == "s" {
                unit = "ms"
                index = text.index(after: index)
            }
            guard let value = Double(digits) else { return nil }
            let scale: Double? = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "y": 31_536_000][
                unit
            ]
            guard let scale else { return nil }
            total += value * scale
            digits = ""
        }
        return digits.isEmpty ? total : nil
    }

    /// Percent-encodes a query parameter (everything but unreserved characters).
    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
