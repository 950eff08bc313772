import Foundation

/// The folder holding build workspaces (`SourceWorkspace`): `$KSERIES_BUILD_CACHE`, else
/// `$XDG_CACHE_HOME/kseries/build`, else `~/.cache/kseries/build`. One workspace per tree id;
/// `trim` removes the least recently used ones.
public struct BuildCache: Sendable {
    public var root: String

    public init(root: String) {
        self.root = root
    }

    /// The cache the environment names.
    public static func standard(environment: [String: String]) -> BuildCache {
        if let path = environment["KSERIES_BUILD_CACHE"], !path.isEmpty { return BuildCache(root: path) }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path)/.cache"
        return BuildCache(root: "\(base)/kseries/build")
    }

    /// One workspace: a kernel tree and the object folders of its configurations.
    public struct Workspace: Sendable, Equatable {
        public var path: String
        /// Disk use, from `du -sk`.
        public var bytes: UInt64
        /// When a run last used it.
        public var lastUsed: Date
        /// Whether a run holds its lock now (never removed then).
        public var inUse: Bool
    }

    /// The workspaces, most recently used first.
    public func workspaces() -> [Workspace] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.count == 40 && $0.allSatisfy(\.isHexDigit) }.map { name in
            let path = (root as NSString).appendingPathComponent(name)
            let marker = (path as NSString).appendingPathComponent("last-used")
            let date = (try? FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date) ?? .distantPast
            return Workspace(
                path: path, bytes: Self.diskUse(path), lastUsed: date,
                inUse: CacheLock.isHeld((path as NSString).appendingPathComponent("lock")))
        }.sorted { $0.lastUsed > $1.lastUsed }
    }

    /// What `trim` did.
    public struct TrimReport: Sendable {
        public var removed: [Workspace]
        public var kept: [Workspace]
        public var bytesBefore: UInt64
        public var bytesAfter: UInt64 { kept.reduce(0) { $0 + $1.bytes } }
    }

    /// Removes least recently used workspaces until the cache holds at most `maxBytes`
    /// (workspaces in use are kept whatever their size).
    public func trim(maxBytes: UInt64) -> TrimReport {
        let all = workspaces()
        var kept: [Workspace] = []
        var removed: [Workspace] = []
        var total: UInt64 = 0
        for workspace in all {
            if workspace.inUse || total + workspace.bytes <= maxBytes {
                kept.append(workspace)
                total += workspace.bytes
            } else if (try? FileManager.default.removeItem(atPath: workspace.path)) != nil {
                removed.append(workspace)
            } else {
                kept.append(workspace)
                total += workspace.bytes
            }
        }
        return TrimReport(removed: removed, kept: kept, bytesBefore: all.reduce(0) { $0 + $1.bytes })
    }

    /// Parses `20G`, `500M`, `1T`, `123456` (bytes).
    public static func parseSize(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = trimmed
        var multiplier: UInt64 = 1
        if trimmed.hasSuffix("B") { digits.removeLast() }
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits.removeLast()
        }
        guard let value = Double(digits), value >= 0 else { return nil }
        return UInt64(value * Double(multiplier))
    }

    static func diskUse(_ path: String) -> UInt64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["du", "-sk", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return 0 }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let kilobytes = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { UInt64($0) } ?? 0
        return kilobytes * 1024
    }
}
