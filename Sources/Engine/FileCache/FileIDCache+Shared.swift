import Foundation
import NIOPosix

/// The cache as uploads use it: this file first, then the rows shared with other replicas
/// (``SharedFileIDs``, `FILE_CACHE_URL`). A shared hit is copied into this file, so the next lookup is
/// local; an upload is remembered in both. The shared store never costs an upload: when it does not answer
/// within its deadline the file counts as not cached (and is uploaded), and a write it did not take is
/// simply not shared. Local calls block on SQLite, so they run on NIO's blocking pool.
extension FileIDCache {
    /// The file id for these bytes at `provider`, from this file or the shared store; `nil` for a miss.
    public func lookup(sha256: String, provider: String) async throws(FileIDCacheError) -> String? {
        let countsMiss = shared == nil
        if let local = try await blocking({
            try $0.fileID(sha256: sha256, provider: provider, countingMiss: countsMiss)
        }) {
            return local
        }
        guard let shared else { return nil }
        metrics.sharedLookup()
        let hash = try Self.validHash(sha256, path: configuration.path)
        let provider = try Self.normalised(provider: provider, path: configuration.path)
        guard case .hit(let row) = await shared.lookup(sha256: hash, provider: provider) else {
            metrics.miss()
            return nil
        }
        if isExpired(createdAt: row.created) {
            // Met expired: gone for every replica (unless another one stored it again meanwhile).
            await shared.remove(sha256: hash, provider: provider, created: row.created)
            metrics.expired()
            metrics.miss()
            return nil
        }
        metrics.hit()
        metrics.sharedHit()
        // Kept here too, as old as the shared row; a local write that fails leaves the shared row, enough.
        _ = try? await blocking {
            try $0.store(fileID: row.fileID, sha256: hash, provider: provider, created: row.created)
        }
        return row.fileID
    }

    /// Remembers an upload here and in the shared store (waiting for it at most its deadline).
    public func remember(fileID: String, sha256: String, provider: String) async throws(FileIDCacheError) {
        try await blocking { try $0.store(fileID: fileID, sha256: sha256, provider: provider) }
        guard let shared else { return }
        let hash = try Self.validHash(sha256, path: configuration.path)
        let provider = try Self.normalised(provider: provider, path: configuration.path)
        let id = fileID.trimmingCharacters(in: .whitespacesAndNewlines)
        await shared.store(fileID: id, sha256: hash, provider: provider, created: now().timeIntervalSince1970)
    }

    /// Forgets `fileID` here and in the shared store.
    public func forget(fileID: String) async throws(FileIDCacheError) {
        _ = try await blocking { try $0.invalidate(fileID: fileID) }
        await shared?.invalidate(fileID: fileID)
    }

    private func blocking<T: Sendable>(
        _ body: @escaping @Sendable (FileIDCache) throws -> T
    ) async throws(FileIDCacheError) -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try body(self) }
        } catch let error as FileIDCacheError {
            throw error
        } catch {
            throw FileIDCacheError(.databaseFailure, path: configuration.path, "file-ID cache: \(error)")
        }
    }
}
