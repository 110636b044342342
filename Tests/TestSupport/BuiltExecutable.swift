import Foundation

/// Executables `swift build` put beside the test bundle: the `dashboard` binary and the test peers.
public enum BuiltExecutable {
    /// The path of the executable `name` in the build's products directory.
    public static func path(_ name: String) -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        // On Linux the runner is .build/<triple>/debug/<package>PackageTests.xctest; products sit beside it.
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(name).path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }
}
