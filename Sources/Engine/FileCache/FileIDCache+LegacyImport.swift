import Crypto
import Foundation
import GRDB
import MetricsWire

/// What ``FileIDCache/importLegacyJSON(at:)`` did.
public struct LegacyImportResult: Sendable, Equatable {
    /// Entries added to the cache.
    public var imported: Int
    /// Entries in the file that were malformed, or already present, and left out.
    public var skipped: Int
    /// Whether this exact file had been imported before, in which case nothing was done.
    public var alreadyImported: Bool
}

extension FileIDCache {
    /// Imports the Python original's JSON cache, `{"items":{sha:{provider:{"file_id","ts"}}}}`, once.
    ///
    /// Entries keep their original timestamps (so old ones expire as they would have), existing entries win,
    /// and malformed entries are skipped and counted. Importing the same file content again does nothing.
    /// A file that is not JSON of that shape is refused with a message naming what is wrong.
    public func importLegacyJSON(at path: String) throws(FileIDCacheError) -> LegacyImportResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileIDCacheError(
                .legacyImportFailed,
                path: path,
                "cannot read legacy file cache \(path): \(error.localizedDescription)"
            )
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(data)
        } catch {
            throw FileIDCacheError(
                .legacyImportFailed,
                path: path,
                "legacy file cache \(path) is not valid JSON: \(error.located(in: data))"
            )
        }
        guard root.members != nil else {
            throw FileIDCacheError(.legacyImportFailed, path: path, "legacy file cache \(path) is not a JSON object")
        }
        guard let items = root["items"]?.members else {
            throw FileIDCacheError(
                .legacyImportFailed,
                path: path,
                "legacy file cache \(path) has no \"items\" object at the top level"
            )
        }
        var rows: [(String, String, String, Double)] = []
        var skipped = 0
        for item in items {
            guard let hash = try? Self.validHash(item.key, path: path), let providers = item.value.members else {
                skipped += 1
                continue
            }
            for provider in providers {
                let entry = provider.value
                guard let id = entry["file_id"]?.stringValue, !id.isEmpty,
                    let ts = entry["ts"]?.doubleValue, ts.isFinite,
                    let name = try? Self.normalised(provider: provider.key, path: path)
                else {
                    skipped += 1
                    continue
                }
                rows.append((hash, name, id, ts))
            }
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let capturedRows = rows
        let imported: Int? = try access("import \(path)") { database in
            try database.write { db -> Int? in
                let seen = try Bool.fetchOne(
                    db,
                    sql: "SELECT 1 FROM legacy_imports WHERE source_sha256 = ?",
                    arguments: [digest]
                )
                if seen == true { return nil }
                var added = 0
                for (hash, provider, id, ts) in capturedRows {
                    try db.execute(
                        sql:
                            "INSERT OR IGNORE INTO file_ids (sha256, provider, file_id, created_at) VALUES (?, ?, ?, ?)",
                        arguments: [hash, provider, id, ts]
                    )
                    added += db.changesCount
                }
                try db.execute(
                    sql:
                        "INSERT INTO legacy_imports (source_sha256, source_path, imported_at, rows) VALUES (?, ?, ?, ?)",
                    arguments: [digest, path, Date().timeIntervalSince1970, added]
                )
                return added
            }
        }
        try publishSize()
        guard let imported else { return LegacyImportResult(imported: 0, skipped: 0, alreadyImported: true) }
        return LegacyImportResult(imported: imported, skipped: skipped + rows.count - imported, alreadyImported: false)
    }
}
