import Foundation

extension ParallelUploader {
    /// Takes one validated file to its final state, and records it as a `file_upload` call; with spans
    /// exported, returns the file's span too.
    func process(_ item: WorkItem, purpose: String, fetchContent: Bool) async -> (UploadResult, OperationSpan?) {
        let clock = ContinuousClock()
        let start = clock.now
        var result = UploadResult(index: item.index, path: item.file.path, state: .failed, bytes: item.file.size)
        var errorType: String?
        do {
            tracker.update(item.trackerID, state: .hashing)
            let hash = try item.file.sha256()
            result.sha256 = hash
            let outcome = try await deliver(item, hash: hash, purpose: purpose, fetchContent: fetchContent)
            result.state = outcome.cached ? .cached : .done
            result.fileID = outcome.fileID
            result.contentCharacters = outcome.contentCharacters
            tracker.update(item.trackerID, state: result.state, fileID: outcome.fileID)
        } catch {
            let (reason, type) = Self.explain(error, path: item.file.path)
            result.reason = reason
            errorType = type
            tracker.update(item.trackerID, state: .failed, error: reason)
            logger.warning("upload failed", metadata: ["file": "\(item.file.path)", "reason": "\(reason)"])
        }
        let end = clock.now
        result.seconds = (end - start) / .seconds(1)
        metrics.store(latencyMs: (end - start).inMilliseconds, success: result.state.isSuccess, errorType: errorType)
        let span = metrics.spans.map { _ in fileSpan(result, start: start, end: end, errorType: errorType) }
        return (result, span)
    }

    private struct Delivery {
        var fileID: String
        var cached: Bool
        var contentCharacters: Int?
    }

    /// Cache lookup, upload and content fetch; a cached id the provider lost is uploaded again, once.
    private func deliver(_ item: WorkItem, hash: String, purpose: String, fetchContent: Bool) async throws -> Delivery {
        let provider = client.providerName
        var cachedID = configuration.cacheEnabled ? await cached(hash, provider: provider) : nil
        while true {
            let fileID: String
            if let cachedID {
                fileID = cachedID
            } else {
                fileID = try await uploadWithRetries(item, purpose: purpose)
                guard item.file.isUnchanged() else {
                    try? await client.delete(fileID: fileID)
                    throw LocalFile.Problem(
                        description:
                            "\(item.file.path) changed while uploading (size or modification time); upload it again"
                    )
                }
                if configuration.cacheEnabled { await remember(fileID, hash: hash, provider: provider) }
            }
            guard fetchContent else { return Delivery(fileID: fileID, cached: cachedID != nil) }
            tracker.update(item.trackerID, state: .processing, fileID: fileID)
            let fetched: Result<FileContent, FilesAPIError> = await fetchWithRetries(fileID)
            switch fetched {
            case .success(let content):
                return Delivery(fileID: fileID, cached: cachedID != nil, contentCharacters: content.content.count)
            case .failure(let error):
                guard error.status == 404, cachedID != nil else { throw error }
                logger.info(
                    "cached file id is gone at the provider; uploading again",
                    metadata: ["file_id": "\(fileID)"]
                )
                await forget(fileID)
                cachedID = nil
            }
        }
    }

    // The file-ID cache saves uploads; it never costs one. When it cannot be read the file is uploaded, and
    // when it cannot remember an id the upload still succeeds with it: the failure is logged here and shown
    // with the cache's counters (`failures`, `last_failure`) until the cache works again. Its local calls
    // block (a write waits up to the busy timeout for another process's lock), so the cache runs them on
    // NIO's blocking pool, never on the few threads the endpoint and every other task share; a shared store
    // behind it (`FILE_CACHE_URL`) is asked with a deadline and never fails a file.

    private func cached(_ hash: String, provider: String) async -> String? {
        guard let fileCache else { return nil }
        do {
            return try await fileCache.lookup(sha256: hash, provider: provider)
        } catch {
            logger.warning("file-ID cache lookup failed; uploading", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    private func remember(_ fileID: String, hash: String, provider: String) async {
        do {
            try await fileCache?.remember(fileID: fileID, sha256: hash, provider: provider)
        } catch {
            logger.warning(
                "file-ID cache could not remember an upload; it will be uploaded again next time",
                metadata: ["file_id": "\(fileID)", "reason": "\(error)"]
            )
        }
    }

    private func forget(_ fileID: String) async {
        do {
            try await fileCache?.forget(fileID: fileID)
        } catch {
            logger.warning("file-ID cache could not forget a lost file id", metadata: ["reason": "\(error)"])
        }
    }

    private func uploadWithRetries(_ item: WorkItem, purpose: String) async throws -> String {
        let policy = configuration.uploadRetry
        var retry = 0
        while true {
            tracker.update(item.trackerID, state: .uploading)
            tracker.restartProgress(item.trackerID)
            do {
                let tracker = self.tracker
                let id = item.trackerID
                let file = try await client.upload(
                    path: item.file.path,
                    size: item.file.size,
                    filename: (item.file.path as NSString).lastPathComponent,
                    purpose: purpose,
                    timeout: configuration.uploadTimeout,
                    progress: { tracker.sent(id, bytes: $0) }
                )
                return file.id
            } catch {
                guard error.isRetryable, retry < policy.maxRetries, !Task.isCancelled else { throw error }
                retry += 1
                let delay = policy.delay(beforeRetry: retry, retryAfter: error.retryAfter)
                logger.info(
                    "retrying upload",
                    metadata: ["file": "\(item.file.path)", "error": "\(error)", "in": "\(delay)"]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    private func fetchWithRetries(_ fileID: String) async -> Result<FileContent, FilesAPIError> {
        let policy = configuration.fetchRetry
        var retry = 0
        while true {
            do {
                return .success(try await client.content(fileID: fileID, timeout: configuration.fetchTimeout))
            } catch {
                guard error.isRetryable, retry < policy.maxRetries, !Task.isCancelled else { return .failure(error) }
                retry += 1
                do {
                    try await Task.sleep(for: policy.delay(beforeRetry: retry, retryAfter: error.retryAfter))
                } catch {
                    return .failure(FilesAPIError(.timeout, "content of \(fileID): cancelled"))
                }
            }
        }
    }

    /// A one-line reason naming the file, and the error type recorded for the `file_upload` call.
    static func explain(_ error: any Error, path: String) -> (String, String) {
        switch error {
        case let error as FilesAPIError:
            let type: String
            switch error.code {
            case .http(let status): type = status == 429 ? "rate_limited" : "http_\(status)"
            case .timeout: type = "timeout"
            case .transport: type = "connection"
            case .invalidResponse: type = "invalid_response"
            case .invalidRequest: type = "invalid_request"
            }
            return ("\(path): \(error.description)", type)
        case let problem as LocalFile.Problem:
            return (problem.description, "file_changed")
        case is CancellationError:
            return ("\(path): cancelled", "cancelled")
        default:
            return ("\(path): \(error)", "unknown")
        }
    }
}
