import Foundation

/// Reads files of the real kernels in the bare repository that `scripts/kernel-tree` builds
/// (`$KSERIES_KERNEL_TREE`, else `~/.cache/kseries/linux`), with `git show`.
enum KernelTree {
    /// The two kernels the repository holds.
    static let refs = ["v6.12-deb", "v6.1-deb"]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static var repository: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["KSERIES_KERNEL_TREE"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/kseries/linux").path
    }

    /// The bytes of `path` at `ref`; fails (never skips) when the repository is missing.
    static func file(_ path: String, at ref: String) throws -> [UInt8] {
        let repository = repository
        guard FileManager.default.fileExists(atPath: repository + "/HEAD") else {
            throw Failure(description: "no kernel tree at \(repository): run scripts/kernel-tree to build it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "--git-dir=\(repository)", "show", "\(ref):\(path)"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "git show \(ref):\(path) in \(repository) failed (\(process.terminationStatus)): "
                    + "\(String(decoding: message, as: UTF8.self)); run scripts/kernel-tree to rebuild it")
        }
        return [UInt8](data)
    }
}

extension Array where Element == UInt8 {
    /// Offsets where `needle` starts.
    func occurrences(of needle: some StringProtocol) -> [Int] {
        let needle = Array(needle.utf8)
        guard !needle.isEmpty, needle.count <= count else { return [] }
        return (0...(count - needle.count)).filter { start in
            self[start] == needle[0] && self[start..<(start + needle.count)].elementsEqual(needle)
        }
    }

    /// The 1-based line on which the `occurrence`-th match of `needle` starts, plus `offset`
    /// lines. Tests read line numbers from the tree they run on this way, never from one
    /// Debian release's bytes (a point release moves them).
    func line(of needle: some StringProtocol, occurrence: Int = 1, offset: Int = 0) throws -> Int {
        let found = occurrences(of: needle)
        guard occurrence >= 1, occurrence <= found.count else {
            throw KernelTree.Failure(description: "\"\(needle)\" occurs \(found.count) times, not \(occurrence) or more")
        }
        return self[..<found[occurrence - 1]].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } + offset
    }

    /// This text with its one occurrence of `old` replaced by `new`, or nil when `old` does
    /// not occur exactly once.
    func replacingOnce(_ old: String, with new: String) -> [UInt8]? {
        let found = occurrences(of: old)
        guard found.count == 1 else { return nil }
        var copy = self
        copy.replaceSubrange(found[0]..<(found[0] + old.utf8.count), with: Array(new.utf8))
        return copy
    }
}
