import Engine
import Foundation
import Testing

@Suite("ControlToken")
struct ControlTokenTests {
    @Test("a generated token is written with mode 0600 and read back on the next start")
    func generated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("state/dashboard/control-token")
        let first = try ControlToken.resolve(configured: nil, path: path)
        #expect(first.source == .file(path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let stored = try #require(ControlToken.read(from: path))
        #expect(stored.count == 64)
        #expect(first.matches(stored))
        let second = try ControlToken.resolve(configured: nil, path: path)
        #expect(second.matches(stored))
    }

    @Test("a configured token wins and no file is written")
    func configured() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let token = try ControlToken.resolve(configured: "abc", path: directory.file("t"))
        #expect(token.matches("abc") && !token.matches("abd") && !token.matches("ab") && !token.matches(""))
        #expect(!FileManager.default.fileExists(atPath: directory.file("t")))
        #expect(token.authorizes("Bearer abc") && token.authorizes("bearer abc"))
        #expect(!token.authorizes("Basic abc") && !token.authorizes(nil) && !token.authorizes("Bearer"))
    }

    @Test("an unwritable token directory is a clear error naming the variable to set")
    func unwritable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file("blocker")))
        #expect {
            try ControlToken.resolve(configured: nil, path: directory.file("blocker/dashboard/control-token"))
        } throws: { error in
            "\(error)".contains("METRICS_CONTROL_TOKEN") && "\(error)".contains("blocker/dashboard")
        }
    }

    @Test("the default path follows XDG_STATE_HOME, else ~/.local/state")
    func defaultPath() {
        #expect(
            ControlToken.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.local/state/dashboard/control-token"
        )
        #expect(
            ControlToken.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])
                == "/s/dashboard/control-token"
        )
    }
}
