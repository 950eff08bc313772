import Foundation
import Git

/// Reads and writes `SeriesState` on `refs/kseries/series/<name>`.
public struct SeriesStore {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The ref holding a series' state.
    public static func reference(for name: String) -> String { "refs/kseries/series/\(name)" }

    /// The ref holding version `number` of a series.
    public static func versionReference(_ name: String, _ number: Int) -> String { "refs/heads/kseries/\(name)/v\(number)" }

    /// A series name kseries accepts: it becomes a ref component and a folder name.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first != ".", first != "-", !name.hasSuffix(".lock"), !name.contains("..") else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// The state and the commit it was read from; nil when the series has none yet.
    public func load(_ name: String) throws(KSeriesError) -> (state: SeriesState, commit: ObjectID)? {
        let reference = Self.reference(for: name)
        do {
            guard let commit = try repository.referenceTarget(reference) else { return nil }
            let file = try repository.file(at: "series.json", inCommit: commit)
            let state: SeriesState
            do {
                state = try JSONDecoder().decode(SeriesState.self, from: Data(file.contents))
            } catch {
                throw KSeriesError.output(path: "\(reference):series.json", message: "cannot read the series state: \(error)")
            }
            guard state.format <= SeriesState.currentFormat else {
                throw KSeriesError.output(
                    path: "\(reference):series.json",
                    message: "written by a newer kseries (format \(state.format), this one reads \(SeriesState.currentFormat))")
            }
            return (state, commit)
        } catch let error as GitError {
            throw .git(error)
        } catch let error as KSeriesError {
            throw error
        } catch {
            throw .output(path: reference, message: "\(error)")
        }
    }

    /// Every series with a state, by name.
    public func names() throws(KSeriesError) -> [String] {
        do {
            return try repository.referenceNames(matching: "refs/kseries/series/*")
                .map { String($0.dropFirst("refs/kseries/series/".count)) }
        } catch {
            throw .git(error)
        }
    }

    /// Writes `state` as a new state commit, only if the ref still points at `expected`
    /// (nil: only if it does not exist). Throws `.git` with `.referenceMoved` otherwise.
    @discardableResult
    public func save(_ state: SeriesState, expecting expected: ObjectID?, message: String, identity: Signature) throws(KSeriesError) -> ObjectID {
        let commit = try write(state, parent: expected, message: message, identity: identity)
        do {
            try repository.updateReference(Self.reference(for: state.name), to: commit, expecting: expected, logMessage: message)
        } catch {
            throw .git(error)
        }
        return commit
    }

    /// Writes the state commit without moving the ref.
    func write(_ state: SeriesState, parent: ObjectID?, message: String, identity: Signature) throws(KSeriesError) -> ObjectID {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var json = Array(try encoder.encode(state))
            json.append(0x0A)
            var tree = TreeEditor(repository: repository, base: nil)
            tree.write(blob: try repository.writeBlob(json), at: "series.json")
            let treeID = try tree.commitTrees()
            return try repository.createCommit(
                tree: treeID, parents: parent.map { [$0] } ?? [], author: identity, committer: identity, message: message + "\n")
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .output(path: Self.reference(for: state.name), message: "cannot write the series state: \(error)")
        }
    }
}
