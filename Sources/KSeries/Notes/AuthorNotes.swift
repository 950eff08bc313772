import Foundation
import Git

/// `kseries notes`: the author's own notes on what changed in version N, which open the
/// "Changes since v<N-1>" section of its cover letter. They are kept in the series state,
/// so every regeneration and rebase of version N shows them; set them before or after the
/// version is made. Setting them rewrites the mails of version N when they exist.
public struct AuthorNotes {
    public struct Request {
        public var series: String
        public var treePath: String
        public var version: Int
        /// The new notes; nil only reads them. Empty removes them.
        public var text: String?
        /// Where to rewrite the mails when the version's recorded folder is gone.
        public var outputDirectory: String
        public var environment: [String: String]

        public init(
            series: String, treePath: String, version: Int, text: String? = nil, outputDirectory: String = "patches",
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.series = series
            self.treePath = treePath
            self.version = version
            self.text = text
            self.outputDirectory = outputDirectory
            self.environment = environment
        }
    }

    public struct Result {
        public var notes: String
        /// The folder rewritten with the new cover letter, if any.
        public var rewritten: String?
        public var warnings: [String]
    }

    public init() {}

    public func run(_ request: Request) throws(KSeriesError) -> Result {
        let (repository, store, loaded) = try openRecordedSeries(treePath: request.treePath, name: request.series)
        guard request.version >= 2 else {
            throw .argument(
                "-v \(request.version)",
                problem: "notes say what changed since the previous version, so they belong to v2 or later")
        }
        guard let text = request.text else {
            return Result(notes: loaded.state.notes(for: request.version), rewritten: nil, warnings: [])
        }
        var state = loaded.state
        let trimmed = SeriesMailRenderer.trimmed(text)
        state.notes[String(request.version)] = trimmed.isEmpty ? nil : trimmed
        let identity: Signature
        do {
            identity = try repository.identity(for: .committer, environment: request.environment)
        } catch {
            throw .git(error)
        }
        _ = try store.save(
                state, expecting: loaded.commit, message: "kseries notes \(request.series): v\(request.version)",
                identity: identity)

        // Rewrite the mails of the version when they are on disk.
        guard let version = state.version(request.version) else {
            return Result(
                notes: trimmed, rewritten: nil,
                warnings: ["v\(request.version) is not made yet: its cover letter gets these notes when it is (kseries rebase or generate -v \(request.version))"])
        }
        let candidates = [version.mailFolder, "\(request.outputDirectory)/\(request.series)/v\(request.version)"].compactMap { $0 }
        guard let folder = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return Result(
                notes: trimmed, rewritten: nil,
                warnings: ["the mails of v\(request.version) are not on disk; they get the notes when written (kseries generate or rebase)"])
        }
        let rendered = try VersionMails(repository: repository).render(state: state, version: version, sender: identity)
        _ = try MailFolderWriter().replace(directory: folder, with: rendered.mails)
        return Result(notes: trimmed, rewritten: folder, warnings: rendered.warnings)
    }
}
