import Foundation
import Git
import Series

/// Turns new commits into a recorded version of a series, for `generate`, `rebase` and
/// `import`: gives the patches their keys, carries the trailers reviewers gave on the
/// previous version to the patches that did not change in substance, renders the mails
/// (changes, range-diff, change-id) and records it all (see `VersionWriter`).
struct VersionMaker {
    let repository: Repository

    /// Where a run starts: the state it read and the version ref it found.
    struct Start {
        var name: String
        var loaded: (state: SeriesState, commit: ObjectID)?
        var number: Int
        var versionRef: ObjectID?

        var state: SeriesState? { loaded?.state }
    }

    /// Reads the state and the version ref, first thing in a run.
    func start(_ name: String, number: Int) throws(KSeriesError) -> Start {
        let loaded = try SeriesStore(repository: repository).load(name)
        do {
            return Start(
                name: name, loaded: loaded, number: number,
                versionRef: try repository.referenceTarget(SeriesStore.versionReference(name, number)))
        } catch {
            throw .git(error)
        }
    }

    struct Input {
        var start: Start
        var origin: SeriesState.Origin
        var baseRef: String
        var baseCommit: ObjectID
        var commits: [ObjectID]
        /// Keys by commit when the caller knows them (a rebase keeps each patch's); nil
        /// inherits them from the previous version by subject, then by range-diff pairing.
        var keys: [String?]?
        /// Template fingerprints by commit (policy series).
        var templates: [String?]
        var subjectPrefix: String
        var cover: SeriesState.Cover
        var made: SeriesState.Version.Making
        var threeWay: [Int] = []
        /// The folder that gets `<name>/v<N>/`; nil writes no mails.
        var outputDirectory: String?
        var committer: Signature
        var message: String
        var testPoints: WriteTestPoints
        /// Replaces the change-id of a new state (an imported series that had one).
        var changeID: String?
    }

    struct Output {
        var reference: String
        var state: SeriesState
        var version: SeriesState.Version
        var directory: String?
        var files: [String]
        var warnings: [String]
        /// Trailers carried, and dropped because the patch changed, by patch index.
        var carried: [[String]]
        var dropped: [Int: [String]]
    }

    func make(_ input: Input) throws(KSeriesError) -> Output {
        let name = input.start.name
        var state = input.start.state
            ?? SeriesState(
                name: name,
                changeID: input.changeID ?? SeriesState.newChangeID(name: name, identity: input.committer, base: input.baseCommit),
                origin: input.origin)
        let previous = state.version(before: input.start.number)
        let records: [SeriesState.Patch]
        let carry: TrailerCarrier.Outcome
        do {
            let keys: [String?]
            if let given = input.keys {
                keys = given
            } else {
                keys = try PatchRecords(repository: repository).inheritedKeys(new: input.commits, previous: previous)
            }
            var drafts = try PatchRecords(repository: repository).records(
                input.commits, keys: keys, templates: input.templates,
                trailers: Array(repeating: [], count: input.commits.count))
            carry = try TrailerCarrier(repository: repository).carry(
                commits: input.commits, records: drafts, previous: previous, committer: input.committer)
            for index in drafts.indices {
                drafts[index].commit = carry.commits[index].hex
                // What the commit carries: the trailers carried now and those its message had.
                let message = String(decoding: try repository.commit(carry.commits[index]).message, as: UTF8.self)
                var trailers = carry.carried[index]
                for trailer in TrailerCollector.trailers(in: message) where !trailers.contains(trailer) { trailers.append(trailer) }
                drafts[index].trailers = trailers
            }
            // Remaking a version keeps what reviewers said about it and where it was posted.
            if let remade = state.version(input.start.number) {
                for index in drafts.indices {
                    drafts[index].received = remade.patches.first { $0.key == drafts[index].key }?.received ?? []
                }
            }
            records = drafts
        } catch {
            throw .git(error)
        }
        var version = SeriesState.Version(
            number: input.start.number, baseRef: input.baseRef, baseCommit: input.baseCommit.hex, patches: records,
            subjectPrefix: input.subjectPrefix, cover: input.cover, made: input.made, created: input.committer.time,
            threeWayPatches: input.threeWay, sentMessageID: state.version(input.start.number)?.sentMessageID)

        var mails: SeriesMails?
        var warnings: [String] = []
        var directory: String?
        if let output = input.outputDirectory {
            var preview = state
            preview.record(version)
            let rendered = try VersionMails(repository: repository).render(state: preview, version: version, sender: input.committer)
            mails = rendered.mails
            warnings += rendered.warnings
            directory = "\(output)/\(name)/v\(input.start.number)"
            if let directory, let replaced = Self.replacedBase(in: directory, by: input.baseCommit, ref: input.baseRef, repository: repository) {
                warnings.append(replaced)
            }
        }
        let written = try VersionWriter(repository: repository, testPoints: input.testPoints).write(
            VersionWriter.Work(
                state: state, stateCommit: input.start.loaded?.commit, version: version,
                versionRefAtStart: input.start.versionRef, mails: mails, directory: directory, identity: input.committer,
                message: input.message))
        if let orphan = written.replacedOrphan {
            warnings.append(
                "replaced \(written.reference) (\(orphan.hex.prefix(12))), which no recorded version owned: a run that was interrupted left it")
        }
        if let directory { version.mailFolder = URL(fileURLWithPath: directory).standardizedFileURL.path }
        state.record(version)
        return Output(
            reference: written.reference, state: state, version: version, directory: directory, files: written.files,
            warnings: warnings, carried: carry.carried, dropped: carry.dropped)
    }

    /// A note when `directory` already holds a series made on another base than `base`: the
    /// folder is about to be replaced, and the user should know that its ids, `index` lines and
    /// `base-commit:` now come from another kernel (say, after a distribution point release).
    static func replacedBase(in directory: String, by base: ObjectID, ref: String, repository: Repository) -> String? {
        guard let cover = FileManager.default.contents(atPath: "\(directory)/0000-cover-letter.patch") else { return nil }
        let prefix = Array("\nbase-commit: ".utf8)
        let bytes = Array(cover)
        guard let start = bytes.firstRange(of: prefix)?.upperBound else { return nil }
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
        let old = String(decoding: bytes[start..<end], as: UTF8.self)
        guard old != base.hex, !old.isEmpty else { return nil }
        let known = (try? repository.commitID(forRevision: old)) != nil
        return "\(directory) held the series generated on \(old.prefix(12))"
            + (known ? "" : ", a commit this tree does not have")
            + "; it is regenerated on \(ref) (\(base.hex.prefix(12))), so its commit ids, index lines, hunk offsets and base-commit changed"
    }
}
