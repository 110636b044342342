import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file about to be uploaded, as found on disk: checked, identified, and hashed once.
struct LocalFile: Sendable, Equatable {
    var path: String
    var size: Int
    /// Device and inode: the same file under two names is one file.
    var identity: Identity
    /// Modification time in nanoseconds, to notice a file that changes while in flight.
    var modified: Int64

    struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// Why a path cannot be uploaded at all.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Examines `path`: it must exist, be (or link to) a regular file, and be readable.
    static func inspect(_ path: String) -> Result<LocalFile, Problem> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var link = stat()
            if code == ENOENT, lstat(path, &link) == 0 {
                return .failure(Problem(description: "\(path): broken symbolic link (its target does not exist)"))
            }
            switch code {
            case ENOENT: return .failure(Problem(description: "\(path): no such file"))
            case ELOOP: return .failure(Problem(description: "\(path): symbolic link loop"))
            case EACCES: return .failure(Problem(description: "\(path): permission denied (cannot reach the file)"))
            case ENAMETOOLONG: return .failure(Problem(description: "\(path.prefix(80))…: path too long"))
            default: return .failure(Problem(description: "\(path): \(String(cString: strerror(code)))"))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(Problem(description: "\(path): is a directory, not a file"))
        default: return .failure(Problem(description: "\(path): not a regular file (device, socket or pipe)"))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == EACCES ? "permission denied" : String(cString: strerror(errno))
            return .failure(Problem(description: "\(path): cannot read it (\(reason))"))
        }
        close(descriptor)
        return .success(
            LocalFile(
                path: path,
                size: Int(info.st_size),
                identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            )
        )
    }

    /// Whether the file on disk still has the size and modification time it had when inspected.
    func isUnchanged() -> Bool {
        guard case .success(let now) = Self.inspect(path) else { return false }
        return now.size == size && now.modified == modified && now.identity == identity
    }

    /// The SHA-256 of the file's bytes as lowercase hex, read in 1 MiB chunks.
    func sha256() throws -> String {
        let reader = try FileReader(path: path)
        var hasher = SHA256()
        var total = 0
        while true {
            try Task.checkCancellation()
            let chunk = try reader.read(upTo: 1 << 20)
            if chunk.readableBytes == 0 { break }
            total += chunk.readableBytes
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        guard total == size else {
            throw Problem(
                description: "\(path) changed while hashing (was \(size) bytes, read \(total)); upload it again"
            )
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
