import Foundation

extension RawHTTPServer {
    /// A complete answer, then the connection is closed.
    static func respond(
        status: String = "200 OK",
        headers: [String] = ["Content-Type: application/json"],
        version: String = "HTTP/1.1",
        contentLength: Bool = true,
        body: @escaping @Sendable () -> [UInt8]
    ) -> Behaviour {
        { connection in
            guard connection.readRequest() != nil else { return }
            let bytes = body()
            var head = "\(version) \(status)\r\n"
            for header in headers { head += header + "\r\n" }
            if contentLength { head += "Content-Length: \(bytes.count)\r\n" }
            if version == "HTTP/1.1" { head += "Connection: close\r\n" }
            head += "\r\n"
            if connection.write(head) { connection.write(bytes) }
        }
    }

    /// A complete answer with a fixed text body.
    static func respond(
        status: String = "200 OK",
        headers: [String] = ["Content-Type: application/json"],
        text: String
    ) -> Behaviour {
        respond(status: status, headers: headers) { Array(text.utf8) }
    }

    /// Reads the request and never answers.
    static let silent: Behaviour = { connection in
        connection.readRequest()
        connection.waitForClientToLeave()
    }

    /// Sends a valid answer one byte per `every` seconds.
    static func trickle(_ body: String, every: TimeInterval) -> Behaviour {
        { connection in
            guard connection.readRequest() != nil else { return }
            let answer =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body
            for byte in answer.utf8 {
                guard connection.write([byte]), connection.pause(every) else { return }
            }
        }
    }

    /// A 200 answer of `megabytes` MB of JSON-looking bytes, with or without a declared length.
    static func flood(megabytes: Int, declareLength: Bool) -> Behaviour {
        { connection in
            guard connection.readRequest() != nil else { return }
            let total = megabytes * 1_000_000
            var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            head += declareLength ? "Content-Length: \(total)\r\n" : "Connection: close\r\n"
            guard connection.write(head + "\r\n") else { return }
            let chunk = [UInt8]((#"{"tool_metrics": {"# + String(repeating: " ", count: 65_536 - 18)).utf8)
            var sent = 0
            while sent < total, !connection.isAborted {
                guard connection.write(chunk) else { return }
                sent += chunk.count
            }
        }
    }

    /// Writes these bytes, whatever was asked, then closes.
    static func raw(_ bytes: [UInt8]) -> Behaviour {
        { connection in
            guard connection.readRequest() != nil else { return }
            connection.write(bytes)
        }
    }

    /// Serves `/metrics` the way the Python original's `BaseHTTPRequestHandler` does: HTTP/1.0, no
    /// Content-Length (the body ends when the connection closes), a wildcard CORS header.
    static func python(_ document: @escaping @Sendable () -> String) -> Behaviour {
        respond(
            status: "200 OK",
            headers: [
                "Server: BaseHTTP/0.6 Python/3.12.3",
                "Date: Thu, 09 Oct 2025 12:00:00 GMT",
                "Content-Type: application/json",
                "Access-Control-Allow-Origin: *",
            ],
            version: "HTTP/1.0",
            contentLength: false
        ) { Array(document().utf8) }
    }
}
