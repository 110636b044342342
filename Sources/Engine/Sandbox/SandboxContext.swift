import Hummingbird
import NIOCore

/// The sandbox's request context: the basic one plus the channel, so a fault can drop the connection.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Uploads are streamed to disk, so the body size is limited by the handler, not here.
    var maxUploadSize: Int { .max }
}
