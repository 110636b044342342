import ArgumentParser
import DashboardUI
import Engine
import Foundation
import Logging
import ServiceLifecycle

/// `dashboard upload FILE…`: the parallel uploader from the shell.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload files to the Files API in parallel, with live progress; results in input order.",
        discussion: """
            Each file is checked, hashed (SHA-256) and looked up in the file-ID cache (FILE_CACHE_PATH): a file \
            already at the provider is not sent again ("cached"). With FILE_CACHE_URL (--file-cache-url), the \
            cache is shared with other replicas through PostgreSQL; a shared store that cannot be reached never \
            fails an upload, and is named under the results. Uploads retry on 429, 5xx and dropped \
            connections, honouring Retry-After. Then the file's extracted content is fetched.

            The target is --files-url, else KIMI_API_URL when KIMI_API_KEY is set, else a built-in sandbox \
            Files API on a loopback port (its files are discarded when the command ends).

            Exit status: 0 only if every file is done or cached; 1 otherwise.
            """
    )

    @Argument(help: ArgumentHelp("Files to upload.", valueName: "file"))
    var files: [String]

    @Option(
        help: ArgumentHelp(
            "Files API root, e.g. https://api.moonshot.ai/v1 (default: KIMI_API_URL, or the sandbox).",
            valueName: "url"
        )
    )
    var filesURL: String?

    @Option(help: ArgumentHelp("Most uploads in flight (default: KIMI_FILES_MAX_PARALLEL or 3).", valueName: "n"))
    var maxParallel: Int?

    @Option(help: "The purpose sent with each file.")
    var purpose: String = "file-extract"

    @Flag(help: "Print the results as JSON (in input order) instead of a table; no progress lines.")
    var json = false

    @Flag(help: "Do not fetch each file's extracted content after uploading.")
    var noContent = false

    @Option(
        help: ArgumentHelp(
            "With the built-in sandbox: milliseconds it takes to answer each request, to try out parallelism.",
            valueName: "ms"
        )
    )
    var sandboxLatency: Int = 50

    @OptionGroup var traces: TraceOptions

    @OptionGroup var fileCacheURL: FileCacheURLOption

    @OptionGroup var log: LogOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to upload") }
        if !(0...60_000).contains(sandboxLatency) {
            throw ValidationError("--sandbox-latency must be from 0 to 60000 ms, got \(sandboxLatency)")
        }
        if let maxParallel, !(1...64).contains(maxParallel) {
            throw ValidationError("--max-parallel must be from 1 to 64, got \(maxParallel)")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try engineConfiguration(environment)
        fileCacheURL.apply(to: &configuration)
        if let maxParallel {
            configuration.files.maxParallel = maxParallel
            configuration.files.parallelUploads = true
        }
        configuration.endpoint.enabled = false
        var logOptions = log
        if logOptions.logFile == nil { logOptions.logLevel = .error }
        let logger = try logOptions.bootstrap(label: "dashboard.upload")
        let export = try traces.start(serviceName: "dashboard", environment: environment, logger: logger)
        let runtime = EngineRuntime(
            configuration: configuration,
            options: EngineOptions(
                mode: .embedded,
                demo: nil,
                tokenPath: ControlToken.defaultPath(environment: environment),
                sandbox: SandboxConfiguration(latency: .milliseconds(sandboxLatency)),
                filesTarget: filesURL.map { .provider(url: $0) } ?? .automatic
            ),
            spans: export?.exporter,
            logger: logger
        )
        guard let uploads = runtime.uploads else {
            for warning in runtime.warnings { printError(warning) }
            await export?.stop(within: .seconds(1))
            throw ExitCode(78)
        }
        for warning in runtime.warnings { printError("warning: \(warning)") }
        let group = ServiceGroup(services: runtime.services, logger: logger)
        let running = Task { try await group.run() }
        defer { running.cancel() }
        if uploads.sandbox != nil, !json {
            printError("no KIMI_API_KEY set: uploading to the built-in sandbox Files API (discarded on exit)")
        }
        let uploader: ParallelUploader
        do {
            uploader = try await uploads.uploader()
        } catch {
            printError("cannot reach the Files API: \(error)")
            await group.triggerGracefulShutdown()
            await export?.stop(within: .seconds(1))
            throw ExitCode(1)
        }
        for store in runtime.sharedStores { await store.settled(within: .seconds(1)) }
        let progress =
            json ? nil : UploadProgressView(tracker: uploader.tracker, interactive: isatty(STDERR_FILENO) == 1)
        let display = Task { await progress?.run() }
        let clock = ContinuousClock()
        let started = clock.now
        let results = await uploader.upload(files, purpose: purpose, fetchContent: !noContent)
        let makespan = (clock.now - started) / .seconds(1)
        display.cancel()
        _ = await display.value
        progress?.finish()

        // Said before the stores close: what they met during the uploads.
        let storeProblems = runtime.sharedStores.compactMap { store -> String? in
            guard let problem = store.lastProblem else { return nil }
            if case .ready = store.status {
                return
                    "shared store unreachable for a while (\(store.url)): \(problem); ids kept meanwhile are not shared"
            }
            return "shared store unreachable (\(store.url)): \(problem); file ids were looked up and kept locally only"
        }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        await export?.stop(within: ServeCommand.flushGrace)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            print(UploadSummary.table(results))
            print(
                String(
                    format: "%d files in %.3f s, at most %d at a time",
                    results.count,
                    makespan,
                    configuration.files.effectiveParallelism
                )
            )
        }
        for problem in storeProblems {
            if json { printError(problem) } else { print(problem) }
        }
        if !results.allSatisfy({ $0.state.isSuccess }) { throw ExitCode(1) }
    }
}
