import Foundation

/// Turns the bytes of a `GET /metrics` answer into a ``DecodedSnapshot``, tolerantly.
///
/// - The compat fields alone are enough: the Python original's document (`enabled`, `timestamp`,
///   `tool_metrics`, `cache_metrics`, `system_metrics`) decodes, and so does its `{"enabled": false}`.
/// - Extensions (`schema_version`, `engine`, `upload_metrics`, `lifetime`, …) are optional; a damaged one is
///   dropped with an issue. Unknown fields are ignored.
/// - `NaN` and `Infinity` (which Python's `json.dumps` writes), negative counts, fractional counts and
///   absurd magnitudes are flagged as ``DataIssue``s and replaced by safe values; decoding never traps.
/// - Only a body that is not JSON, or JSON that is clearly not this schema, is refused, with a
///   ``PollError`` whose code is ``PollError/Code/notJSON`` or ``PollError/Code/wrongShape``.
public struct SnapshotDecoder: Sendable {
    /// The most issues kept in ``DecodedSnapshot/issues`` (all are counted).
    public var issueLimit: Int

    /// Creates a decoder.
    public init(issueLimit: Int = 100) {
        self.issueLimit = issueLimit
    }

    /// Decodes `body`; `contentType` (the response's header) sharpens the message when the body is not JSON,
    /// and `receivedAt` (seconds since 1970) stands in for a missing `timestamp`.
    public func decode(
        _ body: Data,
        contentType: String? = nil,
        receivedAt: Double = Date().timeIntervalSince1970
    ) throws(PollError) -> DecodedSnapshot {
        // One strict parse into a tree (with Python's bare non-finite numbers), then the lenient reading of
        // the tree: several times faster than `JSONDecoder` over the same document (BENCHMARKS.md), which
        // a dashboard polling many engines every second pays on each poll.
        if let problem = BodySniffer.notJSON(body, contentType: contentType) {
            throw PollError(.notJSON, problem, hint: BodySniffer.hint)
        }
        let data = body.startIndex == 0 ? body : Data(body)
        let parsed: JSONValue
        do {
            // Python writes bare NaN and Infinity for non-finite floats: read as numbers (and flagged).
            parsed = try data.withUnsafeBytes { raw throws(JSONParseError) in
                try JSONParser.parse(raw.bindMemory(to: UInt8.self), allowsNonFinite: true)
            }
        } catch {
            throw PollError(.notJSON, BodySniffer.syntaxProblem(body), hint: BodySniffer.hint)
        }
        let log = IssueLog(limit: issueLimit)
        let context = DecodingContext(
            body: data,
            log: log,
            receivedAt: receivedAt
        )
        let document: LenientDocument
        do {
            document = try LenientDocument(parsed, context: context)
        } catch {
            throw Self.wrongShape(error)
        }
        let logged = log.result
        return DecodedSnapshot(
            snapshot: document.snapshot,
            issues: logged.issues,
            issueCount: logged.total,
            flaggedTools: logged.tools,
            flaggedCaches: logged.caches
        )
    }

    private static func wrongShape(_ problem: LenientDocument.ShapeProblem) -> PollError {
        PollError(
            .wrongShape,
            "the JSON is not a metrics snapshot: \(problem.reason)",
            hint: "point the dashboard at an endpoint that serves the /metrics JSON schema"
        )
    }
}
