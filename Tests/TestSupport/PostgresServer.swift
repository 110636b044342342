import Foundation

/// A real PostgreSQL 15 of a test's own (`scripts/postgres.sh`): a fresh data directory, password (SCRAM)
/// authentication on a loopback port, user and database `dash`. Stopped and deleted by ``destroy()``.
///
/// PostgreSQL must be installed (`apt-get install postgresql`; `.ci/run` does it): without it the test fails
/// saying so, it does not skip.
public final class PostgresServer: Sendable {
    /// The TCP port it listens on (127.0.0.1).
    public let port: Int
    /// The password of the user `dash`.
    public let password: String
    /// The data directory's parent.
    public let directory: String

    /// The URL to connect with: `postgres://dash:PASSWORD@127.0.0.1:PORT/dash?sslmode=disable`.
    public var url: String { "postgres://dash:\(password)@127.0.0.1:\(port)/dash?sslmode=disable" }

    /// The same server with a wrong password.
    public var urlWithWrongPassword: String {
        "postgres://dash:wrong-\(password)@127.0.0.1:\(port)/dash?sslmode=disable"
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path

    /// Creates the database and starts the server.
    public init() async throws {
        password = "pw-" + UUID().uuidString.prefix(12).lowercased()
        directory = NSTemporaryDirectory() + "postgres-test-" + UUID().uuidString
        port = try Self.freePort()
        try await Self.run(["start", directory, String(port), password])
    }

    /// Stops the server (fast shutdown: open connections are closed); the rows stay.
    public func stop() async throws { try await Self.run(["stop", directory]) }

    /// Starts a stopped server again, on the same port.
    public func restart() async throws { try await Self.run(["restart", directory, String(port)]) }

    /// Stops the server and deletes its files.
    public func destroy() async {
        _ = try? await Self.run(["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `sql` through `psql` as `dash`; returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        let outcome = try await SpawnedCommand.run(
            "/usr/lib/postgresql/15/bin/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", "dash", "-d", "dash", "-qAt", "-v", "ON_ERROR_STOP=1",
                "-c", sql,
            ],
            environment: environment
        )
        guard outcome.status == 0 else { throw Failure(description: "psql: \(outcome.error)") }
        return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What went wrong starting or stopping the server.
    public struct Failure: Error, CustomStringConvertible {
        /// What the command said.
        public let description: String
    }

    private static func run(_ arguments: [String]) async throws {
        let outcome = try await SpawnedCommand.run("/bin/bash", [script] + arguments)
        guard outcome.status == 0 else {
            throw Failure(
                description: "scripts/postgres.sh \(arguments[0]) failed (\(outcome.status)): \(outcome.error)"
            )
        }
    }

    /// A port nothing listens on now (bound to 0, read and released).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
