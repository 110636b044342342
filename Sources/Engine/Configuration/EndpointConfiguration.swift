/// Settings of the metrics HTTP endpoint.
public struct EndpointConfiguration: Sendable, Equatable {
    /// Whether the endpoint is served (`METRICS_JSON_ENDPOINT_ENABLED`, default `true`).
    public var enabled: Bool
    /// The address bound (`METRICS_JSON_HOST`, default `127.0.0.1`: loopback only).
    public var host: String
    /// The port bound (`METRICS_JSON_PORT`, default 9109).
    public var port: Int
    /// The bearer token of the control API (`METRICS_CONTROL_TOKEN`); `nil` means generate one.
    public var controlToken: String?

    /// Creates endpoint settings; every parameter has the documented default.
    public init(enabled: Bool = true, host: String = "127.0.0.1", port: Int = 9109, controlToken: String? = nil) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.controlToken = controlToken
    }
}
