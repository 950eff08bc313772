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
        while let last = lines.last, last.trimmingWhitespace().isEmpty { lines.removeLast() }
        while let last = lines.last, TrailerText.isTrailer(last) { lines.removeLast() }
        while let last = lines.last, last.trimmingWhitespace().isEmpty { lines.removeLast() }
        return Fingerprint.hex(lines.map { $0.trimmingWhitespace() })
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
                sourceEdit.condition ?? "-", RecordedForm.action(sourceEdit.action),
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

        /// The action as the first states recorded it: `String(describing:)` of an enum
        /// whose case names and labels were these, which prints each string as its
        /// `debugDescription` (quoted and escaped). Spelled out here, for printing an enum
        /// goes through the runtime's reflection (half a millisecond of protocol look-ups in a run).
        static func action(_ action: SourceEdit.Action) -> String {
            switch action {
            case .insertAfter(let anchor, let code): "insertAfter(anchor: \(anchor.debugDescription), code: \(code.debugDescription))"
            case .insertBefore(let anchor, let code): "insertBefore(anchor: \(anchor.debugDescription), code: \(code.debugDescription))"
            case .replace(let anchor, let code): "replace(anchor: \(anchor.debugDescription), code: \(code.debugDescription))"
            case .insertAtBodyStart(let code): "insertAtBodyStart(code: \(code.debugDescription))"
            case .insertAtBodyEnd(let code): "insertAtBodyEnd(code: \(code.debugDescription))"
            case .insertBeforeDefinition(let code): "insertBeforeDefinition(code: \(code.debugDescription))"
            case .insertAfterDefinition(let code): "insertAfterDefinition(code: \(code.debugDescription))"
            case .addDisjunct(let operand, let expression):
                "addDisjunct(operand: \(operand.debugDescription), expression: \(expression.debugDescription))"
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
