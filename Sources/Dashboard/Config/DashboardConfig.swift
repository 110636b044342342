import Foundation

/// The settings of `~/.config/dashboard/config.toml`: hand-edited, read at start, never written.
///
/// Every key is optional; flags given on the command line win over the file.
struct DashboardConfig: Sendable, Equatable {
    /// Seconds between polls (`refresh`, 0.25–10).
    var refresh: Double?
    /// Colours on or off (`color`); `NO_COLOR` and `--no-color` still turn them off.
    var color: Bool?
    /// Watch every local proxy (`local`), as `--local` does.
    var local: Bool?
    /// Seconds over which calls/s are computed (`rate_window`, 2–300).
    var rateWindow: Double?
    /// Targets to watch (`targets`), as repeated `--attach` do.
    var targets: [String] = []
    /// Latency and success-rate colours (`[thresholds]`, `[[thresholds.rule]]`).
    var thresholds = LatencyThresholds()

    /// Where the file is looked for: `$XDG_CONFIG_HOME/dashboard/config.toml`, else
    /// `~/.config/dashboard/config.toml`.
    static func defaultPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return base + "/dashboard/config.toml"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/dashboard/config.toml"
    }

    /// Reads the file at `path`; a missing file is an empty configuration unless `required` (named with
    /// `--config`). Throws a ``ConfigFileError`` naming the file, the line and the key.
    static func load(path: String, required: Bool) throws(ConfigFileError) -> DashboardConfig {
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
struct ConfigFileError: Error, Equatable, CustomStringConvertible {
    var path: String
    var line: Int?
    var message: String

    var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
