import Foundation
import MetricsClient
import MetricsWire

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair of a given size; a background thread collects what is written to the slave side.
final class PseudoTerminal: Sendable {
    let master: Int32
    let slave: Int32
    private let received = Guarded<[UInt8]>([])

    init(columns: UInt16, rows: UInt16) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        self.master = master
        self.slave = slave
        Thread.detachNewThread { [self, master] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(master, &buffer, buffer.count)
                guard count > 0 else { break }
                self.received.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
        }
    }

    /// Everything written to the terminal so far, as text (escape sequences included).
    var output: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }

    /// Bytes written to the terminal so far.
    var byteCount: Int { received.withLock { $0.count } }

    /// Types `text` as if on the keyboard.
    func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Waits until the output contains `text`, up to `timeout`.
    func waitForOutput(containing text: String, timeout: Duration = .seconds(3)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return output.contains(text)
    }

    /// Waits until no new output arrived for `quiet`, and returns the byte count then.
    func settle(quiet: Duration = .milliseconds(150)) async -> Int {
        var last = byteCount
        while true {
            try? await Task.sleep(for: quiet)
            let now = byteCount
            if now == last { return now }
            last = now
        }
    }

    func close() {
        Glibc.close(slave)
        Glibc.close(master)
    }
}
