import Foundation

// A byte-level stdio peer for the proxy's fault tests, where a real SDK cannot misbehave on demand: reads
// JSON-RPC lines, finds each request's id as written, and answers according to the mode.
// Usage: ProxyTestPeer MODE [ARG]
//   echo                answer every request at once with a small result (calls of a tool named
//                       "never" excepted)
//   echo-modern         the same, each result shaped as a 2026-07-28 server writes it (resultType,
//                       structuredContent, serverInfo in _meta)
//   hold N              read N requests, then answer all of them
//   big BYTES           answer every request with a text of BYTES bytes
//   drip                answer every request one byte per millisecond
//   ignore-term         ignore SIGTERM (and SIGINT, SIGHUP), echo; print the pid to stderr
//   exit CODE           exit with CODE at the first request, without answering
//   raw                 write stdin's bytes back to stdout unchanged (a relay check)
let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "echo"
let number = arguments.count > 2 ? Int(arguments[2]) ?? 0 : 0

/// The request id as written in `line` (`7`, `"a-1"`), or nil for a notification or a response.
func requestID(_ line: Substring) -> Substring? {
    guard line.contains("\"method\""), let range = line.range(of: "\"id\":") else { return nil }
    var rest = line[range.upperBound...].drop { $0 == " " }
    if rest.first == "\"" {
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return line[line.index(before: rest.startIndex)...end]
    }
    let digits = rest.prefix { $0.isNumber || $0 == "-" || $0 == "." }
    return digits.isEmpty ? nil : digits
}

func answer(_ id: Substring, text: String = "ok") -> String {
    #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":"\#(text)"}]}}"# + "\n"
}

func modernAnswer(_ id: Substring) -> String {
    #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":"ok"}],"isError":false,"#
        + #""resultType":"complete","structuredContent":{"result":"ok"},"#
        + #""_meta":{"io.modelcontextprotocol/serverInfo":{"name":"peer","version":"1"}}}}"# + "\n"
}

func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

if mode == "raw" {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(0, &buffer, buffer.count)
        if count <= 0 { exit(0) }
        var offset = 0
        while offset < count {
            let written = buffer.withUnsafeBytes { Foundation.write(1, $0.baseAddress! + offset, count - offset) }
            if written <= 0 { exit(1) }
            offset += written
        }
    }
}
if mode == "ignore-term" {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGHUP, SIG_IGN)
    FileHandle.standardError.write(Data("peer pid \(getpid())\n".utf8))
}
var held: [Substring] = []
while let line = readLine(strippingNewline: true) {
    let text = Substring(line)
    guard let id = requestID(text) else { continue }
    switch mode {
    case "hold":
        held.append(id)
        if held.count == number {
            write(held.map { answer($0) }.joined())
            held = []
        }
    case "big":
        write(answer(id, text: String(repeating: "x", count: number)))
    case "drip":
        for byte in answer(id).utf8 {
            FileHandle.standardOutput.write(Data([byte]))
            usleep(1000)
        }
    case "exit":
        exit(Int32(number))
    case "echo-modern":
        write(modernAnswer(id))
    default:
        if !text.contains(#""name":"never""#) { write(answer(id)) }
    }
}
exit(0)
