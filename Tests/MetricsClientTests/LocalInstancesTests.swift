import Foundation
import MetricsClient
import MetricsWire
import Testing

/// Discovery folders as a local dashboard reads them: live proxies found, every bad file skipped with a
/// reason naming it.
@Suite("Local instances from discovery files")
struct LocalInstancesTests {
    static func document(target: String = "127.0.0.1:4100", server: String = "time", pid: Int32) -> String {
        #"[{"labels":{"executable":"mcp-server-time","pid":"\#(pid)","server":"\#(server)"},"targets":["\#(target)"]}]"#
    }

    /// The pid of a process that has exited and been reaped.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test("live instances are found in every folder; truncated, foreign, dead, oversized and odd files are skipped")
    func scan() throws {
        let root = NSTemporaryDirectory() + "instances-\(UUID().uuidString)"
        let first = root + "/xdg/instances"
        let second = root + "/home/instances"
        for folder in [first, second] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        func write(_ text: String, _ path: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        let me = getpid()
        try write(Self.document(server: "time", pid: me), first + "/time-\(me).json")
        try write(Self.document(target: "127.0.0.1:4200", server: "files", pid: me), second + "/files-\(me).json")
        let full = Self.document(server: "cut", pid: me)
        try write(String(full.prefix(full.count / 2)), first + "/cut-1.json")
        try write("not json at all", first + "/garbage-2.json")
        try write(#"{"targets":["127.0.0.1:1"]}"#, first + "/object-3.json")
        try write(Self.document(target: "no port here", pid: me), first + "/target-4.json")
        try write(Self.document(server: "gone", pid: try Self.deadPid()), first + "/gone-5.json")
        try write(String(repeating: " ", count: LocalInstances.maxFileBytes + 1), first + "/big-6.json")
        try write(Self.document(server: "other", pid: me), first + "/other-7.json")
        #expect(chown(first + "/other-7.json", 65_534, 65_534) == 0, "the tests run as root (CI installs packages)")
        try FileManager.default.createSymbolicLink(atPath: first + "/link-8.json", withDestinationPath: "/etc/passwd")
        try write("ignored: not .json", first + "/notes.txt")

        let (instances, problems) = LocalInstances.scan(folders: [first, second, root + "/missing"])
        #expect(instances.map(\.server) == ["files", "time"])
        #expect(instances.first?.target == "127.0.0.1:4200" && instances.first?.pid == me)
        #expect(instances.last?.executable == "mcp-server-time")
        let reasons = Dictionary(
            uniqueKeysWithValues: problems.map { line in
                let name = (line.split(separator: ":").first.map(String.init) ?? "") as NSString
                return (name.lastPathComponent, line)
            }
        )
        #expect(reasons["cut-1.json"]?.contains("not JSON (truncated?)") == true)
        #expect(reasons["garbage-2.json"]?.contains("not JSON") == true)
        #expect(reasons["object-3.json"]?.contains("not a discovery document") == true)
        #expect(reasons["target-4.json"]?.contains("is not host:port") == true)
        #expect(reasons["gone-5.json"]?.contains("is gone") == true)
        #expect(reasons["big-6.json"]?.contains("larger than 65536 bytes") == true)
        #expect(reasons["other-7.json"]?.contains("belongs to another user (uid 65534)") == true)
        #expect(reasons["link-8.json"]?.contains("not a regular file") == true)
        #expect(problems.count == 8, "\(problems)")
        #expect(problems.allSatisfy { $0.hasPrefix(first + "/") && $0.hasSuffix("; skipped") })

        // Scanned every second through a cache, the answers are the same, and every change is seen:
        // a file rewritten in place at the same size, one given back to this user, one removed.
        let cache = DiscoveryCache()
        let folders = [first, second, root + "/missing"]
        for _ in 0..<2 {
            let cached = LocalInstances.scan(folders: folders, cache: cache)
            #expect(cached.instances == instances && cached.problems == problems)
        }
        try write(Self.document(target: "127.0.0.1:4300", server: "time", pid: me), first + "/time-\(me).json")
        #expect(chown(first + "/other-7.json", getuid(), getgid()) == 0)
        try FileManager.default.removeItem(atPath: second + "/files-\(me).json")
        let changed = LocalInstances.scan(folders: folders, cache: cache)
        #expect(changed.instances.map(\.server) == ["other", "time"], "\(changed.instances)")
        #expect(changed.instances.last?.target == "127.0.0.1:4300")
        #expect(changed.problems.count == 7, "\(changed.problems)")
    }

    @Test("the folders follow the state directory: XDG first, then the home fallback")
    func folders() {
        let folders = LocalInstances.folders(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/u"])
        #expect(folders == ["/x/state/dashboard/instances", "/home/u/.local/state/dashboard/instances"])
    }
}
