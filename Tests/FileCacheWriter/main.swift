import Engine
import Foundation

// Test helper: writes entries into a file-ID cache from a separate process and prints one line per
// acknowledged write, so tests can kill it at any moment and check every acknowledged write survived.
// Usage: FileCacheWriter PATH PREFIX COUNT
let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: FileCacheWriter PATH PREFIX COUNT\n".utf8))
    exit(64)
}
let prefix = arguments[2]
do {
    let cache = try FileIDCache(
        configuration: FileCacheConfiguration(ttl: nil, path: arguments[1]),
        collector: MetricsCollector()
    )
    for index in 0..<count {
        let id = "\(prefix)-\(index)"
        let hash = String(repeating: "0", count: 24) + String(format: "%08x", index) + prefix.sha256Padding
        try cache.store(fileID: id, sha256: hash, provider: "kimi")
        FileHandle.standardOutput.write(Data("ack \(hash) \(id)\n".utf8))
    }
    FileHandle.standardOutput.write(Data("done\n".utf8))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

extension String {
    /// 32 hex digits derived from the prefix, so different writers never share a hash.
    var sha256Padding: String {
        var value: UInt64 = 1_469_598_103_934_665_603
        for byte in utf8 { value = (value ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(format: "%016llx%016llx", value, value.byteSwapped)
    }
}
