import CSource
import Git
import Policy
import RangeDiff
import Series

/// Describes the patches of a version for the series state: stable keys that follow a patch
/// from version to version, and fingerprints that say whether it changed in substance.
struct PatchRecords {
    let repository: Repository

    /// The trailers reviewers give, which kseries carries from version to version.
    static let reviewTrailers = ["Reviewed-by", "Acked-by", "Tested-by"]

    /// A record for each commit (oldest first). `keys` gives each its key (nil: a new one from
    /// its subject); `templates` the template fingerprints of a policy series.
    func records(
        _ commits: [ObjectID], keys: [String?], templates: [String?], trailers: [[String]]
    ) throws(GitError) -> [SeriesState.Patch] {
        var taken = Set(keys.compactMap { $0 })
        var patches: [SeriesState.Patch] = []
        for (index, id) in commits.enumerated() {
            let commit = try repository.commit(id)
            let message = commit.message
            let subject = Self.subject(message)
            let key: String
            if let given = keys[index] {
                key = given
            } else {
                key = Self.newKey(subject: subject, taken: taken)
                taken.insert(key)
            }
            patches.append(
                SeriesState.Patch(
                    key: key, subject: subject, commit: id.hex, code: try codeFingerprint(commit),
                    message: Self.messageFingerprint(message), template: templates[index], trailers: trailers[index]))
        }
        return patches
    }

    /// The keys the new patches inherit from the previous version: a patch with the same
    /// subject first, then the pairing `git range-diff` makes; nil for a new patch.
    func inheritedKeys(new commits: [ObjectID], previous: SeriesState.Version?) throws(GitError) -> [String?] {
        guard let previous, !previous.patches.isEmpty else { return Array(repeating: nil, count: commits.count) }
        var keys: [String?] = []
        var used = Set<Int>()
        let subjects = try commits.map { (id) throws(GitError) -> String in Self.subject(try repository.commit(id).message) }
        for subject in subjects {
            if let index = previous.patches.indices.first(where: { !used.contains($0) && previous.patches[$0].subject == subject }) {
                used.insert(index)
                keys.append(previous.patches[index].key)
            } else {
                keys.append(nil)
            }
        }
        guard keys.contains(where: { $0 == nil }), used.count < previous.patches.count else { return keys }
        let old = previous.patches.compactMap { ObjectID(hex: $0.commit) }
        guard old.count == previous.patches.count, (try? old.forEach { _ = try repository.commit($0) }) != nil else { return keys }
        for pair in try RangeDiff(repository: repository).pairs(old: old, new: commits) {
            guard let oldIndex = pair.old, let newIndex = pair.new, keys[newIndex] == nil, !used.contains(oldIndex) else { continue }
            used.insert(oldIndex)
            keys[newIndex] = previous.patches[oldIndex].key
        }
        return keys
    }

    /// The lines a commit adds and removes, per file, without context or line numbers.
    func codeFingerprint(_ commit: Commit) throws(GitError) -> String {
        let parentTree = try commit.parentIDs.first.map { (id) throws(GitError) -> ObjectID in try repository.commit(id).treeID }
        let diff = try repository.diff(from: parentTree, to: commit.treeID)
        var bytes: [UInt8] = []
        for file in diff.files {
            bytes += file.oldPath + [0x20] + file.newPath + Array(" \(String(file.newMode, radix: 8))\n".utf8)
            for hunk in file.hunks {
                for line in hunk.lines where line.origin != .context {
                    bytes.append(line.origin == .addition ? UInt8(ascii: "+") : UInt8(ascii: "-"))
                    var content = line.content[...]
                    while let last = content.last, last == 0x0A || last == 0x20 || last == 0x09 || last == 0x0D { content = content.dropLast() }
                    bytes += content
                    bytes.append(0x0A)
                }
            }
        }
        return Fingerprint.hex(bytes: bytes)
    }

    /// The message without its trailer block, whitespace-trimmed.
    static func messageFingerprint(_ message: [UInt8]) -> String {
        let text = String(decoding: message, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        while let last = lines.last, TrailerText.isTrailer(last) { lines.removeLast() }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return Fingerprint.hex(lines.map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// A policy patch's edits without their template line numbers: the same edits give the
    /// same fingerprint wherever they land.
    ///
    /// Series states keep these fingerprints, so their text must not change with the model: each
    /// edit is written as the policy reader's own types printed it when states began to record
    /// them (`RecordedForm`), whatever the types are called now.
    static func templateFingerprint(_ patch: PatchTemplate) -> String {
        var parts: [String] = []
        for edit in patch.edits {
            let sourceEdit = edit.sourceEdit
            parts += [
                edit.file, RecordedForm.scope(sourceEdit.scope), sourceEdit.occurrence.map(String.init) ?? "-",
                sourceEdit.condition ?? "-", String(describing: RecordedForm.Action(sourceEdit.action)),
            ]
        }
        return Fingerprint.hex(parts)
    }

    /// How the fingerprints recorded in series states spell an edit's scope and action.
    private enum RecordedForm {
        static func scope(_ scope: SourceScope) -> String {
            switch scope {
            case .file: "file scope"
            case .function(let name): "function \(name)()"
            case .structure(let keyword, let name): "\(keyword.rawValue) \(name)"
            case .conditional(let condition): "#if \(condition)"
            case .macro(let name): "macro \(name)"
            case .includes: "the include block"
            }
        }

        /// Case names and labels are the recorded text (`String(describing:)` prints them).
        enum Action {
            case insertAfter(anchor: String, code: String)
            case insertBefore(anchor: String, code: String)
            case replace(anchor: String, code: String)
            case insertAtBodyStart(code: String)
            case insertAtBodyEnd(code: String)
            case insertBeforeDefinition(code: String)
            case insertAfterDefinition(code: String)
            case addDisjunct(operand: String, expression: String)

            init(_ action: SourceEdit.Action) {
                switch action {
                case .insertAfter(let anchor, let code): self = .insertAfter(anchor: anchor, code: code)
                case .insertBefore(let anchor, let code): self = .insertBefore(anchor: anchor, code: code)
                case .replace(let anchor, let code): self = .replace(anchor: anchor, code: code)
                case .insertAtBodyStart(let code): self = .insertAtBodyStart(code: code)
                case .insertAtBodyEnd(let code): self = .insertAtBodyEnd(code: code)
                case .insertBeforeDefinition(let code): self = .insertBeforeDefinition(code: code)
                case .insertAfterDefinition(let code): self = .insertAfterDefinition(code: code)
                case .addDisjunct(let operand, let expression): self = .addDisjunct(operand: operand, expression: expression)
                }
            }
        }
    }

    /// A key for a patch seen for the first time: its subject as a slug, made unique.
    static func newKey(subject: String, taken: Set<String>) -> String {
        var base = String(SeriesState.slug(subject).prefix(60))
        if base.isEmpty { base = "patch" }
        var key = base
        var counter = 2
        while taken.contains(key) {
            key = "\(base)-\(counter)"
            counter += 1
        }
        return key
    }

    /// A commit message's subject: its first paragraph on one line.
    static func subject(_ message: [UInt8]) -> String {
        String(decoding: CommitMessage(message).title, as: UTF8.self)
    }
}

/// Trailer lines in commit messages and mails.
enum TrailerText {
    /// `Token: value` with a token of letters, digits and dashes, as git's trailer rules see one.
    static func isTrailer(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return false }
        let token = line[..<colon]
        return token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && line[line.index(after: colon)...].first == " "
    }

    /// A reviewer's trailer (`Reviewed-by: Jane Doe <jane@example.org>`) in a line of a reply,
    /// normalised to the canonical token spelling; nil for other lines.
    static func reviewTrailer(in line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let token = trimmed[..<colon].lowercased()
        guard let canonical = PatchRecords.reviewTrailers.first(where: { $0.lowercased() == token }) else { return nil }
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        // A person: a name and an address in angle brackets, as b4 requires.
        guard let open = value.firstIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close,
            value[open..<close].contains("@")
        else { return nil }
        return "\(canonical): \(value[...close])"
    }

    /// `message` with `trailers` appended to its trailer block (or in a new one), skipping
    /// those it already has.
    static func appending(_ trailers: [String], to message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        let existing = Set(lines.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        let missing = trailers.filter { !existing.contains($0.lowercased()) }
        guard !missing.isEmpty else { return message }
        if let last = lines.last, !isTrailer(last) || lines.count == 1 { lines.append("") }
        return (lines + missing).joined(separator: "\n") + "\n"
    }
}

/// Carries the trailers of a previous version into a new one, for the patches that did not
/// change in substance, by rewriting the new commits' messages (same trees, same authors).
struct TrailerCarrier {
    let repository: Repository

    /// What was carried and what was dropped, by new patch index.
    struct Outcome {
        var commits: [ObjectID]
        var carried: [[String]]
        /// Trailers not carried because the patch changed, by new patch index.
        var dropped: [Int: [String]]
    }

    /// `keys` and `records` describe the new commits (records before any trailer is added).
    func carry(
        commits: [ObjectID], records: [SeriesState.Patch], previous: SeriesState.Version?, committer: Signature
    ) throws(GitError) -> Outcome {
        var carried: [[String]] = Array(repeating: [], count: commits.count)
        var dropped: [Int: [String]] = [:]
        if let previous {
            for (index, record) in records.enumerated() {
                guard let old = previous.patches.first(where: { $0.key == record.key }) else { continue }
                var given: [String] = []
                for trailer in old.trailers + old.received where !given.contains(trailer) { given.append(trailer) }
                guard !given.isEmpty else { continue }
                if old.hasSameSubstance(as: record) {
                    carried[index] = given
                } else {
                    dropped[index] = given
                }
            }
        }
        guard carried.contains(where: { !$0.isEmpty }) else {
            return Outcome(commits: commits, carried: carried, dropped: dropped)
        }
        // Rewrite from the first commit that gains a trailer; the ones before stay.
        var rewritten: [ObjectID] = []
        var parent: ObjectID?
        var changed = false
        for (index, id) in commits.enumerated() {
            let commit = try repository.commit(id)
            if !changed && carried[index].isEmpty {
                rewritten.append(id)
                parent = id
                continue
            }
            changed = true
            let message = TrailerText.appending(carried[index], to: String(decoding: commit.message, as: UTF8.self))
            let parents = parent.map { [$0] } ?? commit.parentIDs
            let new = try repository.createCommit(
                tree: commit.treeID, parents: parents, author: commit.author, committer: committer, message: message)
            rewritten.append(new)
            parent = new
        }
        return Outcome(commits: rewritten, carried: carried, dropped: dropped)
    }
}
