import Foundation
import Git
import Series

/// Records a new (or remade) version of a series so that a run killed at any point, or two
/// runs at once, leave a consistent state:
///
/// 1. every object (blobs, trees, commits) is already written by the caller;
/// 2. the version ref `refs/heads/kseries/<name>/v<N>` moves by compare-and-swap from what it
///    was when the run started: a concurrent run that got there first makes this one refuse;
/// 3. the mails go to a hidden folder next to `<out>/<name>/v<N>`;
/// 4. the state ref moves by compare-and-swap from the state the run read: this is the
///    moment the version exists. If another run moved it meanwhile, the version ref is put
///    back and the hidden folder removed, and this run refuses;
/// 5. the hidden folder takes the place of `<out>/<name>/v<N>`.
///
/// A version ref that the state does not record is what a killed run left behind after step
/// 2: the next run overwrites it. The state never names commits that are not on a ref.
struct VersionWriter {
    let repository: Repository
    var testPoints: WriteTestPoints

    /// What to write.
    struct Work {
        var state: SeriesState
        /// The state commit the run read (nil: the series had no state).
        var stateCommit: ObjectID?
        var version: SeriesState.Version
        /// The version ref's value when the run started.
        var versionRefAtStart: ObjectID?
        /// Mails to write to `directory`, if any.
        var mails: SeriesMails?
        var directory: String?
        var identity: Signature
        /// The state commit's message, e.g. `kseries rebase demo: v2 on v6.12`.
        var message: String
    }

    struct Written {
        var reference: String
        var files: [String]
        /// Set when the run replaced a version ref the state did not record.
        var replacedOrphan: ObjectID?
    }

    func write(_ work: Work) throws(KSeriesError) -> Written {
        let name = work.state.name
        let reference = SeriesStore.versionReference(name, work.version.number)
        guard let tip = ObjectID(hex: work.version.tip) else {
            throw .output(path: reference, message: "no tip commit to record")
        }
        let recorded = work.state.version(work.version.number).flatMap { ObjectID(hex: $0.tip) }
        let orphan = work.versionRefAtStart.flatMap { $0 == recorded ? nil : $0 }
        testPoints.reached(.objects)
        testPoints.holdBeforeWriting()

        do {
            try repository.updateReference(
                reference, to: tip, expecting: work.versionRefAtStart, logMessage: work.message)
        } catch {
            throw Self.lostRace(error, name: name, version: work.version.number, what: reference)
        }
        testPoints.reached(.versionReference)

        var staged: URL?
        var files: [String] = []
        if let mails = work.mails, let directory = work.directory {
            do {
                let target = URL(fileURLWithPath: directory)
                let hidden = target.deletingLastPathComponent()
                    .appendingPathComponent(".\(target.lastPathComponent).kseries-staged-\(getpid())")
                Self.removeStaleStaging(next: target)
                files = try MailFolderWriter().replace(directory: hidden.path, with: mails).map {
                    target.appendingPathComponent(($0 as NSString).lastPathComponent).path
                }
                staged = hidden
            } catch {
                restore(reference, tip: tip, previous: work.versionRefAtStart)
                // Name the folder the user asked for, not the hidden one beside it.
                if case .output(_, let message) = error { throw KSeriesError.output(path: directory, message: message) }
                throw error
            }
        }
        testPoints.reached(.mailsStaged)

        var state = work.state
        var version = work.version
        if let directory = work.directory, work.mails != nil {
            version.mailFolder = URL(fileURLWithPath: directory).standardizedFileURL.path
        }
        state.record(version)
        do {
            try SeriesStore(repository: repository).save(
                state, expecting: work.stateCommit, message: work.message, identity: work.identity)
        } catch {
            restore(reference, tip: tip, previous: work.versionRefAtStart)
            if let staged { try? FileManager.default.removeItem(at: staged) }
            if case .git(let gitError) = error, gitError.code == .referenceMoved || gitError.code == .locked {
                throw Self.lostRace(gitError, name: name, version: work.version.number, what: SeriesStore.reference(for: name))
            }
            throw error
        }
        testPoints.reached(.state)

        if let staged, let directory = work.directory {
            do {
                try Self.swap(staged, into: URL(fileURLWithPath: directory))
            } catch {
                throw .output(
                    path: directory,
                    message: "v\(work.version.number) is recorded, but its mails stayed in \(staged.path): \(FileSystemProblem.explain(error, path: directory))")
            }
        }
        return Written(reference: reference, files: files, replacedOrphan: orphan)
    }

    /// Puts the version ref back after losing the race on the state, unless someone moved it.
    private func restore(_ reference: String, tip: ObjectID, previous: ObjectID?) {
        if let previous {
            try? repository.updateReference(reference, to: previous, expecting: tip, logMessage: "kseries: put back")
        } else {
            try? repository.deleteReference(reference, expecting: tip)
        }
    }

    static func lostRace(_ error: GitError, name: String, version: Int, what: String) -> KSeriesError {
        // Moved since the run read it, or locked by the other run writing it right now.
        guard error.code == .referenceMoved || error.code == .locked else { return .git(error) }
        return .git(
            GitError(
                code: .referenceMoved,
                message: "\(what) moved while this run was making \(name) v\(version): another kseries is working on \(name); nothing was written, rerun when it is done",
                operation: "recording \(name) v\(version)"))
    }

    /// Replaces `target` with the folder at `staged`.
    static func swap(_ staged: URL, into target: URL) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) {
            let retired = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
            try? manager.removeItem(at: retired)
            try manager.moveItem(at: target, to: retired)
            try manager.moveItem(at: staged, to: target)
            try? manager.removeItem(at: retired)
        } else {
            try manager.moveItem(at: staged, to: target)
        }
    }

    /// Hidden folders of runs that were killed before step 5 (their process is gone).
    static func removeStaleStaging(next target: URL) {
        let parent = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent).kseries-staged-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}

/// Test points of `VersionWriter`, for the tests that interrupt or race runs of the binary.
/// Compiled into debug builds only (what `swift test` runs); a release build reads neither
/// variable and never stops itself.
/// `KSERIES_TEST_KILL_AT=<point>` kills the process at a point; `KSERIES_TEST_HOLD=<folder>`
/// makes it write `<folder>/ready-<pid>` once everything is computed and wait (up to a
/// minute) for `<folder>/go` before writing any ref.
struct WriteTestPoints {
    enum Point: String, Sendable {
        case objects, versionReference = "version-ref", mailsStaged = "mails-staged", state
    }

    #if DEBUG
    private var killAt: Point?
    private var holdFolder: String?
    #endif

    init(environment: [String: String] = [:]) {
        #if DEBUG
        killAt = environment["KSERIES_TEST_KILL_AT"].flatMap(Point.init(rawValue:))
        holdFolder = environment["KSERIES_TEST_HOLD"].flatMap { $0.isEmpty ? nil : $0 }
        #endif
    }

    @inline(__always)
    func reached(_ point: Point) {
        #if DEBUG
        if point == killAt { kill(getpid(), SIGKILL) }
        #endif
    }

    @inline(__always)
    func holdBeforeWriting() {
        #if DEBUG
        if let holdFolder {
            _ = FileManager.default.createFile(atPath: "\(holdFolder)/ready-\(getpid())", contents: Data())
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: "\(holdFolder)/go") && Date() < deadline {
                usleep(10_000)
            }
        }
        #endif
    }
}
