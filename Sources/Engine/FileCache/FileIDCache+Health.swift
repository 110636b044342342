import Foundation
import GRDB

extension FileIDCache {
    /// A `/health` check: the database answers a query, its file is at its path, and no read or write is
    /// failing (a full disk still reads, so the latest failure counts too).
    public var healthCheck: HealthCheck {
        HealthCheck(name: "file_cache") { [self] in
            do {
                // First, as it replaces a file deleted while open.
                let rows = try count()
                guard FileManager.default.fileExists(atPath: configuration.path) else {
                    return .init(ok: false, detail: "database file \(configuration.path) is missing")
                }
                if let failure = metrics.currentFailure { return .init(ok: false, detail: failure) }
                return .init(ok: true, detail: "\(rows) entries at \(configuration.path)")
            } catch {
                return .init(ok: false, detail: "\(error)")
            }
        }
    }
}
