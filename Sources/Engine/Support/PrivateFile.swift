import Foundation

/// Files only the user may read, written so that no reader ever sees a partial one.
public enum PrivateFile {
    /// Creates `directory` (mode 0700) if needed; `false` if it cannot be.
    public static func makeDirectory(_ directory: String) -> Bool {
        (try? FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )) != nil
    }

    /// Writes `bytes` to a mode-0600 temporary file beside `path`, then renames it over `path`. Returns the
    /// reason on failure.
    public static func write(_ bytes: [UInt8], to path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }
}
