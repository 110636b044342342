extension Duration {
    /// The duration in seconds, as a `Double`.
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a `Double`.
    public var inMilliseconds: Double { inSeconds * 1000 }
}
