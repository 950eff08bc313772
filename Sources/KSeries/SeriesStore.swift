import Foundation
import Git

/// What kseries remembers about a series across its versions: its b4 `change-id`, each
/// version's base and commits, the author's notes for the next cover letter, the trailers
/// reviewers gave, and what was sent.
///
/// It lives in the kernel repository itself, readable with plain git:
/// `git show refs/kseries/series/<name>:series.json`. Each change is a commit on that ref
/// (the previous state is its parent, so `git log -p refs/kseries/series/<name>` is the
/// series' history), moved with compare-and-swap so that of two concurrent kseries runs one
/// wins and the other refuses. The commits of version N stay reachable from
/// `refs/heads/kseries/<name>/v<N>`.
public struct SeriesState: Codable, Equatable, Sendable {
    /// One posted or generated version.
    public struct Version: Codable, Equatable, Sendable {
        public var number: Int
        /// The ref the user named as base (`v6.12-deb`), and the commit it was.
        public var baseRef: String
        public var baseCommit: String
        /// The series' commits, oldest first (hex ids).
        public var commits: [String]
        /// Stable keys of the patches, parallel to `commits` (see `PatchKey`).
        public var patchKeys: [String]
        /// Seconds since the epoch when this version was made.
        public var created: Int64
        /// The author's notes for "Changes since the previous version", kept across regenerations.
        public var notes: String
        /// Patches that needed a three-way merge when this version was made by rebasing (1-based).
        public var threeWayPatches: [Int]
        /// The Message-Id of the cover letter once sent.
        public var sentMessageID: String?

        public init(
            number: Int, baseRef: String, baseCommit: String, commits: [String], patchKeys: [String], created: Int64,
            notes: String = "", threeWayPatches: [Int] = [], sentMessageID: String? = nil
        ) {
            self.number = number
            self.baseRef = baseRef
            self.baseCommit = baseCommit
            self.commits = commits
            self.patchKeys = patchKeys
            self.created = created
            self.notes = notes
            self.threeWayPatches = threeWayPatches
            self.sentMessageID = sentMessageID
        }
    }

    /// The series' name: the policy's for template series.
    public var name: String
    /// b4's `change-id:`, the same for every version.
    public var changeID: String
    /// `policy:<name>` for template series, `import:<what>` for hand-written ones.
    public var origin: String
    public var versions: [Version]
    /// Trailers reviewers gave (`Reviewed-by: …`), by patch key.
    public var trailers: [String: [String]]

    public init(name: String, changeID: String, origin: String, versions: [Version] = [], trailers: [String: [String]] = [:]) {
        self.name = name
        self.changeID = changeID
        self.origin = origin
        self.versions = versions
        self.trailers = trailers
    }

    /// The highest version, nil before the first.
    public var latest: Version? { versions.max { $0.number < $1.number } }

    public func version(_ number: Int) -> Version? { versions.first { $0.number == number } }

    /// Puts `version` in place of the one with the same number, or adds it.
    public mutating func record(_ version: Version) {
        versions.removeAll { $0.number == version.number }
        versions.append(version)
        versions.sort { $0.number < $1.number }
    }

    /// A b4-style change-id: `<yyyymmdd>-<slug>-<12 hex>`.
    public static func newChangeID(name: String, now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let slug = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(40))
        let random = (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "\(formatter.string(from: now))-\(slug)-\(random)"
    }
}

/// Reads and writes `SeriesState` on `refs/kseries/series/<name>`.
public struct SeriesStore {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    public static func reference(for name: String) -> String { "refs/kseries/series/\(name)" }

    /// The state and the commit it was read from; nil when the series has none yet.
    public func load(_ name: String) throws(KSeriesError) -> (state: SeriesState, commit: ObjectID)? {
        do {
            guard let commit = try repository.referenceTarget(Self.reference(for: name)) else { return nil }
            let file = try repository.file(at: "series.json", inCommit: commit)
            do {
                return (try JSONDecoder().decode(SeriesState.self, from: Data(file.contents)), commit)
            } catch {
                throw KSeriesError.output(
                    path: "\(Self.reference(for: name)):series.json", message: "cannot read the series state: \(error)")
            }
        } catch let error as GitError {
            throw .git(error)
        } catch let error as KSeriesError {
            throw error
        } catch {
            throw .output(path: Self.reference(for: name), message: "\(error)")
        }
    }

    /// Writes `state` as a new state commit, only if the ref still points at `expected`
    /// (nil: only if it does not exist). Throws `.git` with `.referenceMoved` otherwise.
    @discardableResult
    public func save(_ state: SeriesState, expecting expected: ObjectID?, message: String, identity: Signature) throws(KSeriesError) -> ObjectID {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var json = Array(try encoder.encode(state))
            json.append(0x0A)
            var tree = TreeEditor(repository: repository, base: nil)
            tree.write(blob: try repository.writeBlob(json), at: "series.json")
            let treeID = try tree.commitTrees()
            let commit = try repository.createCommit(
                tree: treeID, parents: expected.map { [$0] } ?? [], author: identity, committer: identity, message: message + "\n")
            try repository.updateReference(Self.reference(for: state.name), to: commit, expecting: expected, logMessage: message)
            return commit
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .output(path: Self.reference(for: state.name), message: "cannot write the series state: \(error)")
        }
    }
}
