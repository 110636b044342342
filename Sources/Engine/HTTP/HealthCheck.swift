/// One thing `/health` verifies.
public struct HealthCheck: Sendable {
    /// The result of running a check.
    public struct Result: Sendable, Equatable {
        /// Whether the checked thing works.
        public var ok: Bool
        /// What was found, for people.
        public var detail: String

        /// Creates a result.
        public init(ok: Bool, detail: String) {
            self.ok = ok
            self.detail = detail
        }
    }

    /// The check's name in the `checks` object.
    public var name: String
    /// Runs the check.
    public var run: @Sendable () async -> Result

    /// Creates a check.
    public init(name: String, run: @escaping @Sendable () async -> Result) {
        self.name = name
        self.run = run
    }
}
