import Foundation
import TestSupport

/// A `dashboard proxy` in front of the SDK test server, fed JSON-RPC lines as an MCP client would write
/// them; its output is read and dropped.
final class ProxyDriver: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private var nextID = 10

    /// Starts `dashboard proxy --name NAME [options] -- MCPTestServer` with `stateHome` as its XDG state
    /// folder, and initializes the session.
    init(name: String, stateHome: String, options: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: BinaryProcess.path)
        process.arguments = ["proxy", "--name", name] + options + ["--", BuiltExecutable.path("MCPTestServer")]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = stateHome
        process.environment = environment
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { handle in
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        try process.run()
        send(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"driver","version":"1"}}}"#
        )
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
    }

    /// Writes one line to the proxy's stdin.
    func send(_ line: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Calls `tool` with `arguments` (a JSON object), with a progress token when asked.
    func call(_ tool: String, arguments: String = "{}", progress: Bool = false) {
        nextID += 1
        let meta = progress ? #","_meta":{"progressToken":"p\#(nextID)"}"# : ""
        send(
            #"{"jsonrpc":"2.0","id":\#(nextID),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)\#(meta)}}"#
        )
    }

    /// Ends the proxy as a crash would (SIGKILL: its discovery file stays behind, naming a dead pid).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Closes stdin, as a client that is done does, and waits for the proxy to exit.
    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
