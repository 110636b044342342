import Foundation
import MetricsWire

/// A recording of `dashboard proxy --record`, read back: each line that crossed, which way, and when.
public struct Recording: Sendable {
    /// One recorded message.
    public struct Record: Sendable {
        /// When it was relayed, in seconds since 1970.
        public var time: Double
        /// Which way it went.
        public var direction: MessageDirection
        /// The line as relayed (its newline included, when it had one); nil when it was too long to keep.
        public var bytes: [UInt8]?
        /// Its 1-based line number in the file.
        public var line: Int
    }

    /// The records, in the file's order.
    public var records: [Record]

    /// Why a recording cannot be replayed, naming the file and the line.
    public struct ReadError: Error, CustomStringConvertible {
        /// What is wrong, where.
        public let description: String
    }

    /// Reads the recording at `path`; throws naming the file, or the first line that is not a record.
    public static func read(path: String) throws(ReadError) -> Recording {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw ReadError(description: "cannot read \(path): \(reason)")
        }
        var records: [Record] = []
        var number = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            func refuse(_ why: String) -> ReadError {
                ReadError(description: "\(path):\(number): not a record of `dashboard proxy --record`: \(why)")
            }
            let value: JSONValue
            do {
                value = try Array(line).withUnsafeBufferPointer { try JSONParser.parse($0) }
            } catch {
                throw refuse("not JSON (\(error))")
            }
            guard case .object = value else { throw refuse("not a JSON object") }
            guard let time = value["t"]?.doubleValue, time.isFinite else { throw refuse("no time \"t\"") }
            guard let direction = value["dir"]?.stringValue.flatMap(MessageDirection.init(rawValue:)) else {
                throw refuse("\"dir\" is neither \"c2s\" nor \"s2c\"")
            }
            var bytes: [UInt8]?
            if let text = value["line"]?.stringValue {
                bytes = Array(text.utf8)
            } else if let encoded = value["line_base64"]?.stringValue {
                guard let decoded = Data(base64Encoded: encoded) else { throw refuse("\"line_base64\" is not base64") }
                bytes = Array(decoded)
            } else if value["omitted"]?.boolValue != true {
                throw refuse("no \"line\", \"line_base64\" or \"omitted\"")
            }
            records.append(Record(time: time, direction: direction, bytes: bytes, line: number))
        }
        return Recording(records: records)
    }
}
