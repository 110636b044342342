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
        switch place(bytes, at: path, replacing: true) {
        case .failed(let reason): reason
        case .placed, .exists: nil
        }
    }

    /// What ``create(_:at:)`` did.
    public enum Creation: Sendable, Equatable {
        /// The file was created with the bytes.
        case placed
        /// A file was there already (another process created it first): it was left as it is.
        case exists
        /// Neither; why.
        case failed(String)
    }

    /// Creates the file at `path` with `bytes` (mode 0600) unless one is there: whole or not at all, and of
    /// processes creating it at once exactly one succeeds (a private temporary file, then a hard link).
    public static func create(_ bytes: [UInt8], at path: String) -> Creation {
        place(bytes, at: path, replacing: false)
    }

    private static func place(_ bytes: [UInt8], at path: String, replacing: Bool) -> Creation {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return .failed(reason)
        }
        if replacing {
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                return .failed(reason)
            }
            return .placed
        }
        let linked = link(temporary, path) == 0
        let error = errno
        unlink(temporary)
        if linked { return .placed }
        return error == EEXIST ? .exists : .failed(String(cString: strerror(error)))
    }
}
