import DashboardUI
import Engine

/// The embedded engine: uploads and resets go straight to it.
struct EmbeddedBackend: DashboardBackend {
    let runtime: EngineRuntime
    let testFileBytes: Int

    func startTestUpload() async throws -> String {
        guard let uploads = runtime.uploads else {
            throw CommandFailure("cannot start a test upload: the engine has no uploader (see the log)")
        }
        let started = try await uploads.startTestUpload(files: TestUpload.files, sizeBytes: testFileBytes)
        return "test upload \(started.batch ?? "started"): \(TestUpload.files) files of "
            + "\(testFileBytes / 1_048_576) MiB to \(uploads.targetName)"
    }

    func resetCounters() async throws -> String {
        runtime.collector.reset()
        return "counters reset"
    }
}
