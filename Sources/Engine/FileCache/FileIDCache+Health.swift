import Foundation
import GRDB

extension FileIDCache {
    /// A `/health` check: the database file is still at its path and answers a query.
    public var healthCheck: HealthCheck {
        HealthCheck(name: "file_cache") { [self] in
            guard FileManager.default.fileExists(atPath: configuration.path) else {
                return .init(ok: false, detail: "database file \(configuration.path) is missing")
            }
            do {
                let rows = try count()
                return .init(ok: true, detail: "\(rows) entries at \(configuration.path)")
            } catch {
                return .init(ok: false, detail: "\(error)")
            }
        }
    }
}
