// A deterministic MCP server for exercising MCP clients over stdio.
//
// Tools:
//   echo {text}        text content equal to `text`
//   sleep {ms}         waits `ms` milliseconds, then "slept <ms>"
//   fail_tool          a result with isError: true, "it failed on purpose"
//   fail_rpc           a JSON-RPC error -32602 "Invalid params: bad params on purpose"
//   progress {steps}   `steps` notifications/progress 20 ms apart, then "done"
//   big {bytes}        one text content of exactly `bytes` ASCII 'x'
//   ping_client        asks the client for roots/list, then "client answered"
//   garbage            writes "this is not json\n" to stdout, then "ok"
//   crash {code = 3}   exits with `code` after 50 ms without answering
//
// The process exits with status 0 when stdin reaches end-of-file. Nothing else
// ever writes to stdout: stdout carries the protocol only.

import Foundation
import Logging
import MCP

// MARK: - Transport

/// A stdio transport that writes every outgoing line whole and in order.
///
/// `StdioTransport.send` puts stdout into non-blocking mode and, whenever the pipe is
/// full, suspends for 10 ms before writing the rest of the message. Actors are
/// re-entrant, so another `send` may run during that pause and splice its bytes into
/// the middle of the unfinished message. This wrapper queues writers so that only one
/// line is ever in flight, and routes out-of-band writes (``writeRaw(_:)``) through
/// the same queue.
actor SerialStdioTransport: Transport {
    private let inner = StdioTransport()
    private var upstream: AsyncThrowingStream<Data, Swift.Error>?
    private var writing = false
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    nonisolated var logger: Logger { inner.logger }

    func connect() async throws {
        try await inner.connect()
        upstream = await inner.receive()
    }

    func disconnect() async {
        await inner.disconnect()
    }

    /// The incoming message stream. Only meaningful after ``connect()``.
    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        upstream ?? AsyncThrowingStream { $0.finish(throwing: MCPError.connectionClosed) }
    }

    func send(_ data: Data) async throws {
        await acquireWriter()
        defer { releaseWriter() }
        try await inner.send(data)
    }

    /// Writes `line` to file descriptor 1 between two transport messages.
    ///
    /// A line no longer than `PIPE_BUF` is written to a pipe by a single `write(2)`
    /// call; if the pipe lacks room the call fails with `EAGAIN` and is retried.
    func writeRaw(_ line: String) async throws {
        await acquireWriter()
        defer { releaseWriter() }
        var pending = Array(line.utf8)[...]
        while !pending.isEmpty {
            let written = pending.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            let error = errno
            if written >= 0 {
                pending = pending.dropFirst(written)
            } else if error == EAGAIN || error == EWOULDBLOCK {
                try await Task.sleep(for: .milliseconds(5))
            } else if error != EINTR {
                throw MCPError.internalError("write(2) to stdout failed with errno \(error)")
            }
        }
    }

    private func acquireWriter() async {
        if !writing {
            writing = true
            return
        }
        await withCheckedContinuation { waitingWriters.append($0) }
    }

    /// Hands the writer slot to the next queued writer, or frees it.
    private func releaseWriter() {
        if waitingWriters.isEmpty {
            writing = false
        } else {
            waitingWriters.removeFirst().resume()
        }
    }
}

// MARK: - Tool catalogue

/// Builds a JSON Schema for an object with the given properties.
func objectSchema(_ properties: [String: Value] = [:], required: [String] = []) -> Value {
    var schema: [String: Value] = ["type": "object", "properties": .object(properties)]
    if !required.isEmpty {
        schema["required"] = .array(required.map { .string($0) })
    }
    return .object(schema)
}

/// Builds the JSON Schema of a non-negative integer property.
func integerProperty(_ description: String, default defaultValue: Int? = nil) -> Value {
    var property: [String: Value] = ["type": "integer", "minimum": 0, "description": .string(description)]
    if let defaultValue {
        property["default"] = .int(defaultValue)
    }
    return .object(property)
}

let tools: [Tool] = [
    Tool(
        name: "echo",
        description: "Returns `text` unchanged.",
        inputSchema: objectSchema(
            ["text": ["type": "string", "description": "Text to return."]],
            required: ["text"]
        ),
        annotations: .init(readOnlyHint: true, idempotentHint: true)
    ),
    Tool(
        name: "sleep",
        description: "Waits `ms` milliseconds, then returns \"slept <ms>\".",
        inputSchema: objectSchema(["ms": integerProperty("Milliseconds to wait.")], required: ["ms"]),
        annotations: .init(readOnlyHint: true)
    ),
    Tool(
        name: "fail_tool",
        description: "Returns a tool result with isError set.",
        inputSchema: objectSchema()
    ),
    Tool(
        name: "fail_rpc",
        description: "Answers with JSON-RPC error -32602 (invalid params).",
        inputSchema: objectSchema()
    ),
    Tool(
        name: "progress",
        description: "Sends `steps` progress notifications 20 ms apart, then returns \"done\".",
        inputSchema: objectSchema(
            ["steps": integerProperty("Number of progress notifications.")],
            required: ["steps"]
        )
    ),
    Tool(
        name: "big",
        description: "Returns one text content of exactly `bytes` ASCII 'x' characters.",
        inputSchema: objectSchema(["bytes": integerProperty("Length of the text.")], required: ["bytes"])
    ),
    Tool(
        name: "ping_client",
        description: "Sends roots/list to the client and waits for the answer.",
        inputSchema: objectSchema()
    ),
    Tool(
        name: "garbage",
        description: "Writes a line that is not JSON to stdout, then returns \"ok\".",
        inputSchema: objectSchema()
    ),
    Tool(
        name: "crash",
        description: "Exits the process with `code` after 50 ms, without answering.",
        inputSchema: objectSchema(["code": integerProperty("Exit status (0-255).", default: 3)])
    ),
]

// MARK: - Tool implementations

/// The arguments of one tool call, with typed accessors that reject bad input
/// with JSON-RPC "invalid params".
struct Arguments {
    let values: [String: Value]

    func string(_ key: String) throws -> String {
        guard let value = values[key]?.stringValue else {
            throw MCPError.invalidParams("'\(key)' must be a string")
        }
        return value
    }

    /// A non-negative integer; integral JSON doubles such as `100.0` are accepted.
    func count(_ key: String, default defaultValue: Int? = nil) throws -> Int {
        guard let raw = values[key] else {
            if let defaultValue { return defaultValue }
            throw MCPError.invalidParams("'\(key)' is required")
        }
        guard let value = Int(raw, strict: false), value >= 0 else {
            throw MCPError.invalidParams("'\(key)' must be a non-negative integer")
        }
        return value
    }
}

/// A single text content item.
func text(_ string: String) -> Tool.Content {
    .text(text: string, annotations: nil, _meta: nil)
}

/// Runs the tool named in `params`.
@Sendable
func callTool(
    _ params: CallTool.Parameters,
    server: Server,
    transport: SerialStdioTransport
) async throws -> CallTool.Result {
    let arguments = Arguments(values: params.arguments ?? [:])
    switch params.name {
    case "echo":
        return .init(content: [text(try arguments.string("text"))])

    case "sleep":
        let ms = try arguments.count("ms")
        try await Task.sleep(for: .milliseconds(ms))
        return .init(content: [text("slept \(ms)")])

    case "fail_tool":
        return .init(content: [text("it failed on purpose")], isError: true)

    case "fail_rpc":
        throw MCPError.invalidParams("bad params on purpose")

    case "progress":
        let steps = try arguments.count("steps")
        // Without a progress token in `_meta` the tool still runs, silently.
        let token = params._meta?.progressToken
        for step in stride(from: 1, through: steps, by: 1) {
            if step > 1 {
                try await Task.sleep(for: .milliseconds(20))
            }
            if let token {
                try await server.notify(
                    ProgressNotification.message(
                        .init(
                            progressToken: token,
                            progress: Double(step),
                            total: Double(steps),
                            message: "step \(step)"
                        )
                    )
                )
            }
        }
        return .init(content: [text("done")])

    case "big":
        let bytes = try arguments.count("bytes")
        return .init(content: [text(String(repeating: "x", count: bytes))])

    case "ping_client":
        // Server has no public API for sending `ping` to the client; roots/list is the
        // server-to-client request it does expose.
        let roots = try await server.listRoots()
        return .init(
            content: [text("client answered")],
            structuredContent: .object(["roots": .array(roots.map { .string($0.uri) })])
        )

    case "garbage":
        try await transport.writeRaw("this is not json\n")
        return .init(content: [text("ok")])

    case "crash":
        let code = try arguments.count("code", default: 3)
        guard code <= 255 else {
            throw MCPError.invalidParams("'code' must be in 0...255")
        }
        try await Task.sleep(for: .milliseconds(50))
        exit(Int32(code))

    default:
        throw MCPError.methodNotFound("Unknown tool: \(params.name)")
    }
}

// MARK: - Main

let transport = SerialStdioTransport()
let server = Server(
    name: "mcp-test-server",
    version: "1.0.0",
    capabilities: .init(tools: .init(listChanged: false))
)

await server.withMethodHandler(ListTools.self) { _ in
    ListTools.Result(tools: tools)
}
await server.withMethodHandler(CallTool.self) { params in
    try await callTool(params, server: server, transport: transport)
}

do {
    try await server.start(transport: transport)
} catch {
    FileHandle.standardError.write(Data("mcp-test-server: cannot start: \(error)\n".utf8))
    exit(1)
}

// The message loop ends when stdin reaches end-of-file.
await server.waitUntilCompleted()
exit(0)
