import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension HTTPClient {
    /// The client the Files API client talks through by default: `.shared`'s settings, with each
    /// connection's socket holding at most ``unsentLimit`` bytes it has not yet put on the wire.
    ///
    /// Upload progress counts a part of the file once it is written to the socket (``UploadDelegate``).
    /// Without a limit the kernel takes megabytes at once into the socket's send buffer (on loopback the
    /// whole 2 MB file of a test upload), so the bar would reach 100 % within a second and then sit while
    /// the provider read. With `TCP_NOTSENT_LOWAT` the socket takes more only when what it holds unsent is
    /// under the limit: a part is counted once the bytes before it are on their way, at most one TCP window
    /// (what the provider has not yet acknowledged) ahead of the provider. Unlike a small `SO_SNDBUF`, it leaves the
    /// window itself alone, so a long, fast path still fills.
    public static let filesAPI: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.http1_1ConnectionDebugInitializer = limitUnsent
        configuration.http2ConnectionDebugInitializer = limitUnsent
        // Its requests are not spans of their own: each file's span says how it went, and a health check
        // every few seconds would bury the uploads in a trace backend.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The most bytes a Files API connection's socket holds before sending them.
    public static let unsentLimit: Int32 = 16 * 1024

    @Sendable
    private static func limitUnsent(_ channel: any Channel) -> EventLoopFuture<Void> {
        #if os(Linux)
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_NOTSENT_LOWAT))
        // A socket that refuses the option (not TCP, an old kernel) still uploads, with coarser progress.
        return channel.setOption(option, value: SocketOptionValue(unsentLimit)).recover { _ in }
        #else
        return channel.eventLoop.makeSucceededVoidFuture()
        #endif
    }
}
