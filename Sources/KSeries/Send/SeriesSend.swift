import Foundation
import Git
import Mail
import Policy

/// `kseries send`, the whole flow: git send-email's configuration with the command line's
/// overrides, the checks and recipients of a `SendPlan`, the messages, then either a dry run
/// (every message and its envelope, exactly as they would go out) or the send itself, its log,
/// the sent tag and the cover letter's Message-Id in the series state.
///
/// It prints nothing: what a user should see arrives through `report` as `SeriesSend.Event`s.
public struct SeriesSend {
    /// What to send and how.
    public struct Request: Sendable {
        /// The series folder, e.g. `patches/rcu-kvm-run-loop/v1`.
        public var folder: String
        /// The kernel tree whose MAINTAINERS, configuration and series state are used.
        public var treePath: String
        /// The policy catalogue folder given on the command line (its to:/cc: are added).
        public var templates: String?
        /// `sendemail.<identity>.*` settings to use.
        public var identity: String?
        public var overrides: SendEmailOverrides
        /// Recipients added on the command line.
        public var to: [String]
        public var cc: [String]
        /// False: MAINTAINERS is not read.
        public var useMaintainers: Bool
        /// The Message-Id the first message replies to (with or without `<>`).
        public var inReplyTo: String?
        /// Really send; false prints the dry run.
        public var confirm: Bool
        /// Send a version that was already sent.
        public var resend: Bool
        /// The first message's `Date:`; nil is now.
        public var firstDate: Date?
        public var environment: [String: String]

        public init(
            folder: String, treePath: String, templates: String? = nil, identity: String? = nil,
            overrides: SendEmailOverrides = SendEmailOverrides(), to: [String] = [], cc: [String] = [],
            useMaintainers: Bool = true, inReplyTo: String? = nil, confirm: Bool = false, resend: Bool = false,
            firstDate: Date? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.folder = folder
            self.treePath = treePath
            self.templates = templates
            self.identity = identity
            self.overrides = overrides
            self.to = to
            self.cc = cc
            self.useMaintainers = useMaintainers
            self.inReplyTo = inReplyTo
            self.confirm = confirm
            self.resend = resend
            self.firstDate = firstDate
            self.environment = environment
        }
    }

    /// What happened, as it happens.
    public enum Event {
        /// Something worth saying that does not stop the send (e.g. MAINTAINERS not read).
        case warning(String)
        /// The dry run: the rendered messages, how many, and where they would go.
        case dryRun(rendered: [UInt8], messageCount: Int, delivery: String)
        /// One message went out (or failed).
        case sent(MessageResult)
        /// The send is over: every message's outcome.
        case finished(SendReport)
        /// The complete send was recorded under this tag.
        case recorded(tag: String)
        /// The cover letter's Message-Id, for the next version's `In-Reply-To`.
        case coverMessageID(String)
    }

    /// How `send` ended when nothing refused it: a dry run, a complete send, or a send that did
    /// not complete (the report says which messages went; running again sends only the rest).
    public enum Outcome: Equatable {
        case dryRun
        case sent
        case incomplete
    }

    public init() {}

    /// Runs the flow; throws when the series is refused or cannot be read, returns `.incomplete`
    /// when some message could not be sent (the log keeps what went).
    public func run(_ request: Request, report: (Event) -> Void) throws(KSeriesError) -> Outcome {
        let repository = try git { () throws(GitError) in try Repository(at: request.treePath) }
        let snapshot = try git { () throws(GitError) in try repository.configurationSnapshot() }
        let settings = try mail { () throws(MailError) in
            var settings = try SendEmailConfiguration(snapshot, identity: request.identity, environment: request.environment)
            try settings.apply(request.overrides)
            return settings
        }
        var extra = settings.recipients
        extra.to += request.to
        extra.cc += request.cc
        if let name = SendPlan.seriesName(of: request.folder)?.name,
            let policy = try? PolicyCatalog.standard(explicit: request.templates, environment: request.environment)
                .policy(named: name)
        {
            extra.to += policy.to
            extra.cc += policy.cc
        }
        let plan = try SendPlan.make(
            folder: request.folder, repository: repository, extra: extra, useMaintainers: request.useMaintainers)
        for warning in plan.warnings { report(.warning(warning)) }

        let logPath = SendLog.path(besideFolder: request.folder)
        if request.resend, FileManager.default.fileExists(atPath: logPath) {
            if request.confirm {
                do {
                    try FileManager.default.removeItem(atPath: logPath)
                } catch {
                    throw .output(path: logPath, message: "cannot remove the previous send's log: \(error.localizedDescription)")
                }
            }
        } else if try git({ () throws(GitError) in try plan.alreadySent(in: repository, log: nil) }), let series = plan.series {
            throw .refused(
                folder: request.folder,
                problem: "this version was already sent (\(SendPlan.sentTag(name: series.name, version: series.version))); use --resend to send it again")
        }
        var options = settings.preparationOptions
        options.inReplyTo = request.inReplyTo.map { $0.hasPrefix("<") ? $0 : "<\($0)>" }
        if let firstDate = request.firstDate { options.firstDate = firstDate }
        let messages = try mail { () throws(MailError) in try MessagePreparer.prepare(plan.files, options: options) { _ in plan.recipients } }
        let delivery = settings.delivery(environment: request.environment)
        let log = request.resend && !request.confirm ? nil : try mail { () throws(MailError) in try SendLog(path: logPath) }

        guard request.confirm else {
            report(.dryRun(rendered: DryRun.render(messages, delivery: delivery, log: log), messageCount: messages.count, delivery: delivery.summary))
            return .dryRun
        }
        let transport = try mail { () throws(MailError) in try delivery.makeTransport() }
        let sendReport = SeriesSender.send(messages, through: transport, log: log) { result in
            report(.sent(result))
        }
        report(.finished(sendReport))
        guard sendReport.isComplete else { return .incomplete }
        if let tag = try git({ () throws(GitError) in try plan.recordSent(in: repository) }) { report(.recorded(tag: tag)) }
        if let cover = messages.first {
            try plan.recordMessageID(cover.messageID, in: repository)
            report(.coverMessageID(cover.messageID))
        }
        return .sent
    }

    private func git<T>(_ body: () throws(GitError) -> T) throws(KSeriesError) -> T {
        do {
            return try body()
        } catch {
            throw .git(error)
        }
    }

    private func mail<T>(_ body: () throws(MailError) -> T) throws(KSeriesError) -> T {
        do {
            return try body()
        } catch {
            throw .mail(error)
        }
    }
}
