import Foundation
import Git

/// `kseries trailers`: collects the `Reviewed-by:`, `Acked-by:` and `Tested-by:` lines that
/// reviewers wrote in replies to a version of a series, from a saved thread (an mbox), into
/// the series state. The next version carries them into its commits for the patches that do
/// not change in substance.
///
/// A reply belongs to the patch it answers: through `In-Reply-To:`/`References:` up to a
/// patch mail of the thread, else by its subject (`Re: [PATCH v2 3/5] …`). A reply to the
/// cover letter (`0/n`) gives its trailers to every patch, as b4 does. Quoted lines (`> `)
/// are ignored.
public struct TrailerCollector {
    public struct Request {
        /// The saved thread: an mbox, a mail, or a folder of mails.
        public var thread: String
        public var treePath: String
        /// The series; nil finds it by the thread's `change-id:`.
        public var series: String?
        /// The version replied to; nil takes it from the subjects, else the latest.
        public var version: Int?
        public var environment: [String: String]

        public init(
            thread: String, treePath: String, series: String? = nil, version: Int? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.thread = thread
            self.treePath = treePath
            self.series = series
            self.version = version
            self.environment = environment
        }
    }

    /// One trailer found.
    public struct Found: Sendable, Equatable {
        /// 1-based patch number.
        public var patch: Int
        public var trailer: String
        /// Whether it was new to the state.
        public var added: Bool
    }

    public struct Result {
        public var series: String
        public var version: Int
        public var found: [Found]
        public var state: SeriesState
        /// Replies with trailers that could not be placed on a patch.
        public var unplaced: [String]
    }

    public init() {}

    public func collect(_ request: Request) throws(KSeriesError) -> Result {
        let repository: Repository
        do {
            repository = try Repository(at: request.treePath)
        } catch {
            throw .git(error)
        }
        let mailbox = try ThreadMailbox.read(request.thread)
        let store = SeriesStore(repository: repository)
        let name = try seriesName(request, mailbox: mailbox, store: store)
        guard let loaded = try store.load(name) else {
            throw .unknownSeries(name: name, known: (try? store.names()) ?? [], hint: nil)
        }
        var state = loaded.state
        let posted = mailbox.mails.filter { !$0.tags.isReply && $0.tags.number != nil }
        let number = request.version ?? Self.mostCommon(posted.compactMap(\.tags.version))
            ?? Self.mostCommon(mailbox.mails.compactMap(\.tags.version)) ?? state.latest?.number
        guard let number, let versionIndex = state.versions.firstIndex(where: { $0.number == number }) else {
            throw .series(
                name: name,
                problem: "has no version \(request.version.map(String.init) ?? "to attach trailers to"); its versions: \(state.versions.map { "v\($0.number)" }.joined(separator: ", "))")
        }
        let total = state.versions[versionIndex].patches.count
        let (patchByID, parentByID) = Self.threadMap(mailbox, total: total, version: number)
        var (found, unplaced): ([Found], [String]) = ([], [])
        for mail in mailbox.mails {
            // Patch mails (of this version or another) carry their own trailers, not replies'.
            if !mail.tags.isReply && mail.tags.number != nil { continue }
            let trailers = Self.trailers(in: mail.body)
            guard !trailers.isEmpty else { continue }
            guard let target = target(of: mail, patchByID: patchByID, parentByID: parentByID, total: total, version: number) else {
                unplaced.append("\(mail.file):\(mail.line): \"\(mail.subject)\" from \(mail.from)")
                continue
            }
            let patches = target == 0 ? Array(1...max(total, 1)).filter { $0 <= total } : [target]
            for patch in patches {
                for trailer in trailers {
                    let added = Self.receive(trailer, onPatch: patch, of: &state.versions[versionIndex])
                    if !found.contains(where: { $0.patch == patch && $0.trailer == trailer }) {
                        found.append(Found(patch: patch, trailer: trailer, added: added))
                    }
                }
            }
        }
        found.sort { ($0.patch, $0.trailer) < ($1.patch, $1.trailer) }
        // The posted cover letter's id, for the next version's "Link to v<N>".
        var linked = false
        if state.versions[versionIndex].sentMessageID == nil,
            let cover = patchByID.first(where: { $0.value == 0 })?.key ?? (total == 1 ? patchByID.first?.key : nil)
        {
            state.versions[versionIndex].sentMessageID = cover
            linked = true
        }
        if found.contains(where: \.added) || linked {
            let identity: Signature
            do {
                identity = try repository.identity(for: .committer, environment: request.environment)
            } catch {
                throw .git(error)
            }
            let added = found.filter(\.added).count
            _ = try store.save(
                    state, expecting: loaded.commit,
                    message: "kseries trailers \(name): \(added) new on v\(number) from \((request.thread as NSString).lastPathComponent)",
                    identity: identity)
        }
        return Result(series: name, version: number, found: found, state: state, unplaced: unplaced)
    }

    /// Which mails of the thread are this version's patches (`[PATCH vN k/total]`, the cover
    /// letter as 0) and which message each other mail replies to.
    private static func threadMap(
        _ mailbox: ThreadMailbox, total: Int, version number: Int
    ) -> (patchByID: [String: Int], parentByID: [String: String]) {
        var patchByID: [String: Int] = [:]
        var parentByID: [String: String] = [:]
        for mail in mailbox.mails {
            guard let id = mail.messageID else { continue }
            if !mail.tags.isReply, let position = mail.tags.number, mail.tags.total == nil || mail.tags.total == total,
                mail.tags.version == nil || mail.tags.version == number, position <= total
            {
                patchByID[id] = position
            } else if let parent = mail.inReplyTo ?? mail.references.last {
                parentByID[id] = parent
            }
        }
        return (patchByID, parentByID)
    }

    /// Records `trailer` as received on patch `patch` (1-based) of `version`; false when the
    /// patch already carries it or received it before (compared without case).
    private static func receive(_ trailer: String, onPatch patch: Int, of version: inout SeriesState.Version) -> Bool {
        let record = version.patches[patch - 1]
        guard !(record.trailers + record.received).contains(where: { $0.lowercased() == trailer.lowercased() }) else {
            return false
        }
        version.patches[patch - 1].received.append(trailer)
        return true
    }

    private func seriesName(_ request: Request, mailbox: ThreadMailbox, store: SeriesStore) throws(KSeriesError) -> String {
        if let series = request.series { return series }
        let ids = Set(mailbox.mails.compactMap { SeriesImporter.line("change-id", in: $0.body) })
        let known = (try? store.names()) ?? []
        var matches: [String] = []
        for name in known {
            if let state = try? store.load(name)?.state, ids.contains(state.changeID) { matches.append(name) }
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw .input(
                source: request.thread, line: nil,
                problem: "its change-id belongs to several series (\(matches.joined(separator: ", "))); pass --series NAME")
        }
        throw .input(
            source: request.thread, line: nil,
            problem: "no change-id: line of a known series; pass --series NAME (known: \(known.joined(separator: ", ")))")
    }

    /// The patch (0 for the cover letter) a reply answers.
    private func target(
        of mail: ThreadMailbox.Mail, patchByID: [String: Int], parentByID: [String: String], total: Int, version: Int
    ) -> Int? {
        var candidates = [mail.inReplyTo].compactMap { $0 } + mail.references.reversed()
        var seen = Set<String>()
        while let id = candidates.first {
            candidates.removeFirst()
            guard seen.insert(id).inserted else { continue }
            if let patch = patchByID[id] { return patch }
            if let parent = parentByID[id] { candidates.insert(parent, at: 0) }
        }
        let tags = mail.tags
        if tags.isReply, let number = tags.number, number <= total, tags.total == nil || tags.total == total,
            tags.version == nil || tags.version == version
        {
            return number
        }
        return nil
    }

    /// The review trailers a reply gives, outside quoted text.
    static func trailers(in body: String) -> [String] {
        var found: [String] = []
        for line in body.split(separator: "\n") where !line.hasPrefix(">") {
            if let trailer = TrailerText.reviewTrailer(in: String(line)), !found.contains(trailer) { found.append(trailer) }
        }
        return found
    }

    static func mostCommon(_ values: [Int]) -> Int? {
        var counts: [Int: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }
}
