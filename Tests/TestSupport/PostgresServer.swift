import Foundation

/// A real PostgreSQL 15 (`scripts/postgres.sh`): a fresh data directory, password (SCRAM) authentication on
/// a loopback port, user `dash`.
///
/// A test that stops or restarts its server starts one of its own (``init()``, database `dash`, stopped and
/// deleted by ``destroy()``). Every other test takes a database of its own on one server the test process
/// shares (``sharedDatabase()``, dropped by ``destroy()``; the server stops when the process exits): an
/// `initdb` per test, a dozen at once, would starve the rest of the suite of the machine's two cores.
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
    /// The database this object stands for.
    public let database: String
    /// Whether this object started the server (``destroy()`` stops it) or is a database on the shared one
    /// (``destroy()`` drops the database).
    private let ownsServer: Bool

    /// The URL to connect with: `postgres://dash:PASSWORD@127.0.0.1:PORT/DATABASE?sslmode=disable`.
    public var url: String { "postgres://dash:\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// The same database with a wrong password.
    public var urlWithWrongPassword: String {
        "postgres://dash:wrong-\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// A database of its own on the server this test process shares.
    public static func sharedDatabase() async throws -> PostgresServer {
        let server = try await SharedPostgres.instance.server()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await server.psql("CREATE DATABASE \(name)")
        return PostgresServer(of: server, database: name)
    }

    private init(of server: PostgresServer, database: String) {
        port = server.port
        password = server.password
        directory = server.directory
        self.database = database
        ownsServer = false
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path

    /// Creates the database and starts the server.
    public init() async throws {
        password = "pw-" + UUID().uuidString.prefix(12).lowercased()
        directory = NSTemporaryDirectory() + "postgres-test-" + UUID().uuidString
        port = try Self.freePort()
        database = "dash"
        ownsServer = true
        try await Self.run(["start", directory, String(port), password])
    }

    /// Stops the server (fast shutdown: open connections are closed); the rows stay.
    public func stop() async throws { try await Self.run(["stop", directory]) }

    /// Starts a stopped server again, on the same port.
    public func restart() async throws { try await Self.run(["restart", directory, String(port)]) }

    /// Stops the server and deletes its files; for a database on the shared server, drops the database.
    public func destroy() async {
        guard ownsServer else {
            _ = try? await psql("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", in: "dash")
            return
        }
        _ = try? await Self.run(["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `sql` through `psql` as `dash`; returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await psql(sql, in: database)
    }

    func psql(_ sql: String, in database: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        let outcome = try await SpawnedCommand.run(
            "/usr/lib/postgresql/15/bin/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", "dash", "-d", database, "-qAt", "-v", "ON_ERROR_STOP=1",
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

/// The server the test process shares, started on first use and stopped when the process exits.
private actor SharedPostgres {
    static let instance = SharedPostgres()
    private var starting: Task<PostgresServer, any Error>?

    func server() async throws -> PostgresServer {
        if let starting { return try await starting.value }
        let task = Task {
            let server = try await PostgresServer()
            sharedPostgresDirectory = server.directory
            atexit {
                guard let directory = sharedPostgresDirectory else { return }
                _ = try? SpawnedCommand.runBlocking("/bin/bash", [PostgresServer.script, "stop", directory])
                try? FileManager.default.removeItem(atPath: directory)
            }
            return server
        }
        starting = task
        return try await task.value
    }
}

/// The shared server's directory, for the exit handler (a C function cannot capture it). Written once.
nonisolated(unsafe) private var sharedPostgresDirectory: String?
