import Foundation

/// The settings of `~/.config/dashboard/config.toml`: hand-edited, read at start, never written.
///
/// Every key is optional; flags given on the command line win over the file.
public struct DashboardConfig: Sendable, Equatable {
    /// Seconds between polls (`refresh`, 0.25–10).
    public var refresh: Double?
    /// Colours on or off (`color`); `NO_COLOR` and `--no-color` still turn them off.
    public var color: Bool?
    /// Watch every local proxy (`local`), as `--local` does.
    public var local: Bool?
    /// Seconds over which calls/s are computed (`rate_window`, 2–300).
    public var rateWindow: Double?
    /// Targets to watch (`targets`), as repeated `--attach` do.
    public var targets: [String] = []
    /// Latency and success-rate colours (`[thresholds]`, `[[thresholds.rule]]`).
    public var thresholds = LatencyThresholds()

    /// An empty configuration: every key unset.
    public init() {}

    /// Where the file is looked for: `$XDG_CONFIG_HOME/dashboard/config.toml`, else
    /// `~/.config/dashboard/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return base + "/dashboard/config.toml"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/dashboard/config.toml"
    }

    /// Reads the file at `path`; a missing file is an empty configuration unless `required` (named with
    /// `--config`). Throws a ``ConfigFileError`` naming the file, the line and the key.
    public static func load(path: String, required: Bool) throws(ConfigFileError) -> DashboardConfig {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= 1_048_576 else {
                throw ConfigFileError(path: path, line: nil, message: "larger than 1 MiB")
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigFileError(path: path, line: nil, message: "not UTF-8 text")
            }
            text = decoded
        } catch let error as ConfigFileError {
            throw error
        } catch {
            let missing = (error as NSError).code == NSFileReadNoSuchFileError
            if missing, !required { return DashboardConfig() }
            throw ConfigFileError(
                path: path,
                line: nil,
                message: missing ? "no such file" : "cannot read it: \(error.localizedDescription)"
            )
        }
        return try ConfigFileParser(path: path, text: text).parse()
    }
}

/// A configuration file that cannot be used: one line naming the file, the line and the key.
public struct ConfigFileError: Error, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The line the problem is on, when known.
    public var line: Int?
    /// What is wrong, and what was expected.
    public var message: String

    /// A problem in the file at `path`.
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`.
    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
