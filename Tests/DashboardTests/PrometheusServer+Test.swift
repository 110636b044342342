import AsyncHTTPClient
import Foundation

/// A real Prometheus server (Debian's `prometheus`) on a free loopback port with its own storage
/// directory, for the fleet tests; killed with its process group when released.
final class PrometheusProcess: Sendable {
    static let executable = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Prometheus's `promtool`, from the same package.
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    let port: Int
    let directory: String
    let process: BinaryChild

    /// Starts Prometheus with `configuration` (YAML) and waits until it is ready.
    init(configuration: String, directory: String) async throws {
        self.directory = directory
        try configuration.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        port = try FreePort.take()
        process = try BinaryChild(
            Self.executable ?? "/usr/bin/prometheus",
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ],
            log: directory + "/prometheus.log"
        )
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await get("/-/ready")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PrometheusNotReady(
            log: (try? String(contentsOfFile: directory + "/prometheus.log", encoding: .utf8)) ?? ""
        )
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// GETs an API path; returns the body of a 200 answer, nil otherwise.
    func get(_ path: String) async throws -> Data? {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + path), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return response.status == .ok ? Data(body.readableBytesView) : nil
    }

    /// The value of an instant query's only series, or nil while it has none.
    func scalar(_ query: String) async throws -> Double? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        guard let body = try await get("/api/v1/query?query=" + encoded),
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let value = result.first?["value"] as? [Any], let text = value.last as? String
        else { return nil }
        return Double(text)
    }

    func stop() {
        process.kill()
    }

    deinit { process.kill() }
}

struct PrometheusNotReady: Error, CustomStringConvertible {
    let log: String
    var description: String { "Prometheus did not become ready: \(log.suffix(2000))" }
}

/// A child process whose output goes to a file, killed (SIGKILL) when asked or released. Only a child
/// still running is signalled, so a pid the system has since given to another process is never hit.
final class BinaryChild: Sendable {
    private let process: Process

    init(_ executable: String, _ arguments: [String], log: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
    }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A loopback port free at the moment it is taken.
enum FreePort {
    static func take() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
