import Engine
import Testing

@Suite("EnvironmentReader")
struct ConfigurationTests {
    @Test("no variables give the documented defaults")
    func defaults() throws {
        let configuration = try EnvironmentReader(environment: [:]).engineConfiguration()
        #expect(configuration == EngineConfiguration())
        #expect(configuration.metrics.windowSize == 1000)
        #expect(configuration.endpoint.host == "127.0.0.1")
        #expect(configuration.endpoint.port == 9109)
        #expect(configuration.responseCache.defaultTTL == .seconds(3600))
        #expect(configuration.responseCache.maxResponseBytes == 1_048_576)
        #expect(configuration.fileCache.path == ".cache/file-ids.sqlite")
        #expect(configuration.fileCache.ttl == .seconds(86_400))
        #expect(configuration.files.maxParallel == 3)
        #expect(configuration.files.maxFileBytes == 100 * 1_048_576)
        #expect(configuration.files.maxCount == nil)
        #expect(configuration.files.apiKey == nil)
    }

    @Test("values of each kind are read")
    func values() throws {
        let configuration = try EnvironmentReader(environment: [
            "PERFORMANCE_METRICS_ENABLED": " YES ",
            "METRICS_WINDOW_SIZE": "50",
            "METRICS_JSON_HOST": "0.0.0.0",
            "METRICS_JSON_PORT": "0",
            "METRICS_CONTROL_TOKEN": "s3cret-token",
            "SEMANTIC_CACHE_TTL_SECS": "60",
            "SEMANTIC_CACHE_MAX_BYTES": "4096",
            "FILE_CACHE_TTL_SECS": "0",
            "FILE_CACHE_PATH": "/tmp/x/ids.sqlite",
            "KIMI_API_URL": "http://127.0.0.1:8080/v1/",
            "KIMI_FILES_PARALLEL_UPLOADS": "0",
            "KIMI_FILES_MAX_COUNT": "5",
            "KIMI_FILES_MAX_SIZE_MB": "2",
            "KIMI_FILES_BEHAVIOR_ON_OVERSIZE": "FAIL",
            "KIMI_FILES_UPLOAD_TIMEOUT_SECS": "1.5",
            "KIMI_FILES_FETCH_INITIAL_DELAY": "0",
            "KIMI_FILES_FETCH_BACKOFF": "2.5",
        ]).engineConfiguration()
        #expect(configuration.metrics.enabled)
        #expect(configuration.metrics.windowSize == 50)
        #expect(configuration.endpoint.host == "0.0.0.0")
        #expect(configuration.endpoint.port == 0)
        #expect(configuration.endpoint.controlToken == "s3cret-token")
        #expect(configuration.responseCache.defaultTTL == .seconds(60))
        #expect(configuration.responseCache.maxTotalBytes == 4096)
        #expect(configuration.fileCache.ttl == nil)
        #expect(configuration.fileCache.path == "/tmp/x/ids.sqlite")
        #expect(configuration.files.baseURL == "http://127.0.0.1:8080/v1")
        #expect(!configuration.files.parallelUploads)
        #expect(configuration.files.effectiveParallelism == 1)
        #expect(configuration.files.maxCount == 5)
        #expect(configuration.files.maxFileBytes == 2 * 1_048_576)
        #expect(configuration.files.oversizeBehavior == .fail)
        #expect(configuration.files.uploadTimeout == .milliseconds(1500))
        #expect(configuration.files.fetchInitialDelay == .zero)
        #expect(configuration.files.fetchBackoff == 2.5)
    }

    @Test("the Python spellings are aliases, and the design's name wins when both are set")
    func aliases() throws {
        let aliasOnly = try EnvironmentReader(environment: [
            "METRICS_JSON_ENABLED": "false",
            "SEMANTIC_CACHE_TTL_SECONDS": "7",
            "FILECACHE_ENABLED": "0",
            "FILECACHE_TTL_SECS": "9",
            "FILECACHE_PATH": "a.sqlite",
        ]).engineConfiguration()
        #expect(!aliasOnly.endpoint.enabled)
        #expect(aliasOnly.responseCache.defaultTTL == .seconds(7))
        #expect(!aliasOnly.fileCache.enabled)
        #expect(aliasOnly.fileCache.ttl == .seconds(9))
        #expect(aliasOnly.fileCache.path == "a.sqlite")

        let both = try EnvironmentReader(environment: [
            "SEMANTIC_CACHE_TTL_SECS": "5", "SEMANTIC_CACHE_TTL_SECONDS": "7",
        ]).engineConfiguration()
        #expect(both.responseCache.defaultTTL == .seconds(5))
    }

    @Test(
        "bad values stop start-up naming the variable, the value and what is expected",
        arguments: [
            ("METRICS_WINDOW_SIZE", "abc", "a whole number from 1"),
            ("METRICS_WINDOW_SIZE", "0", "a whole number from 1"),
            ("SEMANTIC_CACHE_MAX_SIZE", "-1", "a whole number from 1"),
            ("SEMANTIC_CACHE_MAX_RESPONSE_SIZE", "20  # MB", "a whole number from 1"),
            ("SEMANTIC_CACHE_TTL_SECONDS", "1h", "a whole number from 1"),
            ("FILE_CACHE_TTL_SECS", "-5", "a whole number from 0"),
            ("METRICS_JSON_PORT", "70000", "from 0 to 65535"),
            ("PERFORMANCE_METRICS_ENABLED", "maybe", "true/false"),
            ("KIMI_FILES_BEHAVIOR_ON_OVERSIZE", "truncate", "skip or fail"),
            ("KIMI_FILES_UPLOAD_TIMEOUT_SECS", "0", "greater than 0"),
            ("KIMI_FILES_FETCH_BACKOFF", "nan", "a number from 0"),
            ("KIMI_API_URL", "ftp://example.com", "an http or https URL"),
            ("KIMI_API_URL", "not a url", "an http or https URL"),
            ("METRICS_JSON_HOST", "local host", "a host name or IP address"),
            ("FILE_CACHE_PATH", "", "a file path"),
            ("KIMI_FILES_MAX_PARALLEL", "0", "a whole number from 1 to 64"),
        ]
    )
    func badValues(variable: String, value: String, expected: String) {
        #expect {
            try EnvironmentReader(environment: [variable: value]).engineConfiguration()
        } throws: { error in
            let error = error as! ConfigurationError
            let line = error.description
            return error.variable == variable && line.contains(variable) && line.contains(expected)
                && !line.contains("\n") && (value.isEmpty || line.contains(value))
        }
    }

    @Test("a bad secret is reported without echoing it")
    func secretNotEchoed() {
        #expect {
            try EnvironmentReader(environment: ["KIMI_API_KEY": "sk-abc def"]).engineConfiguration()
        } throws: { error in
            let line = (error as! ConfigurationError).description
            return line.contains("KIMI_API_KEY") && !line.contains("sk-abc")
        }
    }

    @Test("control characters in a bad value are escaped so the message stays one line")
    func controlCharacters() {
        #expect {
            try EnvironmentReader(environment: ["METRICS_WINDOW_SIZE": "5\n\u{1B}[2J"]).engineConfiguration()
        } throws: { error in
            let line = (error as! ConfigurationError).description
            return !line.contains("\n") && !line.contains("\u{1B}") && line.contains("\\n")
        }
    }
}
