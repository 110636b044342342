import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// The built-in Files API provider: a ``SandboxFilesAPI`` served on a loopback port, storing files in a
/// temporary directory. The engine uses it when no `KIMI_API_KEY` is set, so uploads work on a fresh
/// machine; tests use it as a real server.
public final class FilesSandbox: Service, Sendable {
    /// The sandbox's settings.
    public let configuration: SandboxConfiguration
    /// Where uploaded files are kept.
    public let storageDirectory: String
    /// The provider name file ids are cached under; unique per sandbox, since its files die with it.
    public let providerName: String
    private let store: SandboxStore
    private let server: HTTPServerService<SandboxFilesAPI>
    private let parsing: NIOThreadPool
    private let ownsDirectory: Bool

    /// Creates a sandbox on an ephemeral loopback port; throws if its storage directory cannot be made.
    public init(configuration: SandboxConfiguration = .init(), logger: Logger) throws {
        self.configuration = configuration
        let instance = String(UUID().uuidString.prefix(8)).lowercased()
        let directory = configuration.storageDirectory ?? NSTemporaryDirectory() + "files-sandbox-" + instance
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.storageDirectory = directory
        self.ownsDirectory = configuration.storageDirectory == nil
        self.providerName = "sandbox-\(instance)"
        self.store = SandboxStore(directory: directory)
        let parsing = NIOThreadPool(numberOfThreads: 1)
        parsing.start()
        self.parsing = parsing
        self.server = HTTPServerService(
            host: "127.0.0.1",
            port: 0,
            responder: SandboxFilesAPI(configuration: configuration, store: store, parsing: parsing),
            logger: logger,
            // With a bandwidth, a small receive window: the kernel acknowledges a client's bytes only as fast
            // as the sandbox reads them, as on a slow link, instead of taking megabytes at once (which made an
            // upload's progress reach 100 % long before the sandbox had read the file).
            receiveBuffer: (configuration.bandwidth ?? 0) > 0 ? FilesSandbox.receiveBuffer : nil
        )
    }

    /// The socket receive buffer of a sandbox with a bandwidth.
    static let receiveBuffer = 64 * 1024

    /// Serves until graceful shutdown, then removes the files it stored.
    public func run() async throws {
        defer {
            if ownsDirectory { try? FileManager.default.removeItem(atPath: storageDirectory) }
        }
        do {
            // The server's own graceful shutdown waits for requests under way; an upload whose client has
            // gone can still have megabytes in socket buffers, read at the sandbox's pace. Stop them instead.
            try await withGracefulShutdownHandler {
                try await server.run()
            } onGracefulShutdown: { [store] in
                store.close()
            }
        } catch {
            try? await parsing.shutdownGracefully()
            throw error
        }
        try? await parsing.shutdownGracefully()
    }

    /// The API root to give a ``FilesAPIClient``, once the sandbox listens: `http://127.0.0.1:PORT/v1`.
    public func baseURL() async throws -> String {
        "http://127.0.0.1:\(try await server.port())/v1"
    }

    /// Queues faults for the next requests on `route`, applied one per request in order.
    public func inject(_ faults: [SandboxFault], for route: SandboxRoute) {
        store.inject(faults, for: route)
    }

    /// What the sandbox has been asked so far.
    public var stats: SandboxStats { store.stats }

    /// The files it holds, oldest first.
    public var files: [SandboxFile] { store.files }
}
