import Engine
import Foundation
import MetricsWire

/// A running proxy's entry in the discovery folder (`<state directory>/instances/NAME-PID.json`): a
/// Prometheus `file_sd_configs` document naming its metrics endpoint, so local dashboards and one
/// Prometheus glob find every proxy. Written atomically with mode 0600; removed when the proxy ends.
///
/// It carries the server's name, pid and executable base name — never its arguments or environment.
public struct DiscoveryFile: Sendable {
    /// The file's path.
    public let path: String

    /// The discovery folder.
    public static func directory(environment: [String: String]) -> String {
        StateDirectory.path(environment: environment) + "/" + instancesFolder
    }

    /// The folder's name inside the state directory.
    public static let instancesFolder = "instances"

    /// The document for an endpoint on `host:port`.
    public static func document(host: String, port: Int, server: String, pid: Int32, executable: String) -> [UInt8] {
        // Prometheus's file_sd shape, keys sorted.
        let labels = [("executable", executable), ("pid", String(pid)), ("server", server)]
            .map { "\(JSONText.quoted($0)):\(JSONText.quoted($1))" }.joined(separator: ",")
        let text = "[{\"labels\":{\(labels)},\"targets\":[\(JSONText.quoted("\(host):\(port)"))]}]\n"
        return Array(text.utf8)
    }

    /// Writes the file for this process; returns why not on failure (the proxy relays anyway).
    public static func write(
        host: String,
        port: Int,
        server: String,
        executable: String,
        environment: [String: String]
    ) -> Result<DiscoveryFile, DiscoveryError> {
        let directory = directory(environment: environment)
        let pid = getpid()
        let path = directory + "/" + fileName(server: server, pid: pid)
        guard PrivateFile.makeDirectory(directory) else {
            return .failure(DiscoveryError(path: path, reason: "cannot create \(directory)"))
        }
        let bytes = document(host: host, port: port, server: server, pid: pid, executable: executable)
        if let reason = PrivateFile.write(bytes, to: path) {
            return .failure(DiscoveryError(path: path, reason: reason))
        }
        return .success(DiscoveryFile(path: path))
    }

    /// `NAME-PID.json`, the name reduced to letters, digits, `.`, `_` and `-`.
    public static func fileName(server: String, pid: Int32) -> String {
        let safe = String(
            server.unicodeScalars.prefix(64).map { scalar -> Character in
                let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                return ok || scalar == "." || scalar == "_" || scalar == "-" ? Character(scalar) : "_"
            }
        )
        return "\(safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe)-\(pid).json"
    }

    /// Removes the file.
    public func remove() {
        unlink(path)
    }
}

/// The discovery file could not be written.
public struct DiscoveryError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// Why.
    public let reason: String

    /// One line for the log.
    public var description: String { "cannot write the discovery file \(path): \(reason)" }
}
