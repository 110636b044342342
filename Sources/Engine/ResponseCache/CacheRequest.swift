/// Everything about a model request that can change its answer: the response cache's key material.
///
/// Two requests share a cache entry only if every field here is equal after normalisation: the prompt is
/// trimmed of surrounding whitespace, the temperature is compared at two decimals (`nil` is distinct from
/// `0`), the system prompt by its SHA-256, and extra parameters by name and value whatever their order.
public struct CacheRequest: Sendable, Hashable {
    /// The user prompt.
    public var prompt: String
    /// The model asked.
    public var model: String
    /// The sampling temperature, or `nil` for the provider's default.
    public var temperature: Double?
    /// The system prompt, if any.
    public var systemPrompt: String?
    /// The thinking mode (e.g. `low`, `high`), if any.
    public var thinkingMode: String?
    /// Whether web search is on, or `nil` when not specified.
    public var webSearch: Bool?
    /// Any other parameter that changes the answer, by name.
    public var extra: [String: String]

    /// Creates a request description.
    public init(
        prompt: String,
        model: String,
        temperature: Double? = nil,
        systemPrompt: String? = nil,
        thinkingMode: String? = nil,
        webSearch: Bool? = nil,
        extra: [String: String] = [:]
    ) {
        self.prompt = prompt
        self.model = model
        self.temperature = temperature
        self.systemPrompt = systemPrompt
        self.thinkingMode = thinkingMode
        self.webSearch = webSearch
        self.extra = extra
    }

    /// The cache key of this request.
    public var key: ResponseCacheKey { ResponseCacheKey(self) }
}
