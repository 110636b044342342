import Engine
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// What every connection of one HTTP proxy shares: its settings, observer and logger, and how it
/// connects upstream (over TLS with the system's trust store for `https`).
struct HTTPProxyShared: Sendable {
    let settings: HTTPProxySettings
    let observer: ProxyObserver
    let logger: Logger
    /// Where each body and SSE event goes with `--record`.
    let recorder: MessageRecorder?
    /// The `Host` header of every request sent upstream.
    let hostHeader: String
    private let tls: NIOSSLContext?
    /// The name TLS asks the upstream's certificate for (none for an IP address).
    private let serverName: String?

    init(settings: HTTPProxySettings, observer: ProxyObserver, logger: Logger, recorder: MessageRecorder?) throws {
        self.settings = settings
        self.observer = observer
        self.logger = logger
        self.recorder = recorder
        self.hostHeader = settings.upstream.hostHeader
        let host = settings.upstream.host
        // An IPv6 address (it holds a colon) or an IPv4 one (digits and dots) has no name to ask for.
        let isAddress =
            host.utf8.contains(UInt8(ascii: ":"))
            || host.utf8.allSatisfy { $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        self.serverName = isAddress ? nil : host
        if settings.upstream.scheme == "https" {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.applicationProtocols = ["http/1.1"]
            tls = try NIOSSLContext(configuration: configuration)
        } else {
            tls = nil
        }
    }

    /// Opens upstream connection `number` for `owner` on `eventLoop` (the owner's own), telling the owner how
    /// it went.
    func connect(for owner: ProxyConnection, number: Int, on eventLoop: any EventLoop) {
        let bound = NIOLoopBound(owner, eventLoop: eventLoop)
        let upstream = settings.upstream
        let tls = self.tls
        let serverName = self.serverName
        ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let owner = bound.value
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try pipeline.addHandler(UpstreamHandler(owner: owner, number: number))
                }
            }
            .connect(host: upstream.host, port: upstream.port)
            .assumeIsolated()
            .whenComplete { result in
                let owner = bound.value
                switch result {
                case .success(let channel): owner.upstreamConnected(number, channel: channel)
                case .failure(let error): owner.upstreamFailedToConnect(number, error)
                }
            }
    }
}
