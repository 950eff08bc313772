import ArgumentParser
import Foundation
import Git
import KSeries
import Mail
import Policy

extension KSeriesCommand {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a series folder to its recipients (a dry run unless --confirm).",
            discussion: """
                Uses git send-email's configuration (sendemail.smtpServer, smtpServerPort, \
                smtpEncryption, smtpUser, smtpPass or $KSERIES_SMTP_PASSWORD, from, to, cc, \
                envelopeSender, sendmailCmd), so an existing setup works unchanged. Recipients: \
                MAINTAINERS for the patches (read from the tree at the series' base-commit), the \
                policy's to:/cc:, the configuration's and the command line's. Without --confirm \
                every message and its envelope are printed exactly as they would be sent. \
                Refused: placeholders left in the cover letter, patches that no longer apply to \
                their base, no recipients, a version already sent (unless --resend). A send that \
                stops midway is recorded in <folder>.sent; running it again sends only the rest.
                """)

        @Argument(help: "The series folder, e.g. patches/rcu-kvm-run-loop/v1.")
        var folder: String

        @OptionGroup var tree: TreeOptions

        @Flag(help: "Really send; without it, print what would be sent.")
        var confirm = false

        @Flag(help: "Send a version that was already sent.")
        var resend = false

        @Option(help: "Add a To: recipient (repeatable).") var to: [String] = []
        @Option(help: "Add a Cc: recipient (repeatable).") var cc: [String] = []
        @Flag(help: "Do not add recipients from MAINTAINERS.") var noMaintainers = false
        @Option(help: "The sender (sendemail.from).") var from: String?
        @Option(help: "Reply to this Message-Id (e.g. the previous version's cover letter).") var inReplyTo: String?
        @Option(help: "Pipe each message to this command instead of SMTP (sendemail.sendmailCmd).") var sendmailCmd: String?
        @Option(help: "SMTP server (sendemail.smtpServer).") var smtpServer: String?
        @Option(help: "SMTP port (sendemail.smtpServerPort).") var smtpServerPort: Int?
        @Option(help: "tls (STARTTLS) or ssl (SMTPS) (sendemail.smtpEncryption).") var smtpEncryption: String?
        @Option(help: "SMTP user (sendemail.smtpUser).") var smtpUser: String?
        @Option(help: "CA file or folder; empty to accept a self-signed server (sendemail.smtpSSLCertPath).") var smtpSslCertPath: String?
        @Option(help: "sendemail.<identity>.* settings to use.") var identity: String?

        func run() throws {
            do {
                let repository = try Repository(at: tree.treePath)
                var settings = try SendEmailConfiguration(try repository.configurationSnapshot(), identity: identity)
                if let from { settings.from = from }
                if let sendmailCmd { settings.sendmailCommand = sendmailCmd }
                if let smtpServer { settings.smtpServer = smtpServer }
                if let smtpServerPort { settings.smtpServerPort = smtpServerPort }
                if let smtpUser { settings.smtpUser = smtpUser }
                if let smtpSslCertPath { settings.certificateVerification = try SendEmailConfiguration.verification(smtpSslCertPath) }
                if let smtpEncryption {
                    switch smtpEncryption.lowercased() {
                    case "tls": settings.smtpEncryption = .startTLS
                    case "ssl": settings.smtpEncryption = .implicitTLS
                    case "none", "": settings.smtpEncryption = .none
                    default: throw SendPlan.Refusal(description: "--smtp-encryption is tls (STARTTLS) or ssl (SMTPS), not '\(smtpEncryption)'")
                    }
                }
                var extra = settings.recipients
                extra.to += to
                extra.cc += cc
                if let name = SendPlan.seriesName(of: folder)?.name,
                    let policy = try? PolicyCatalog.standard(explicit: tree.templates).policy(named: name)
                {
                    extra.to += policy.to
                    extra.cc += policy.cc
                }
                let plan = try SendPlan.make(folder: folder, repository: repository, extra: extra, useMaintainers: !noMaintainers)
                for note in plan.notes { FileHandle.standardError.write(Data("kseries: note: \(note)\n".utf8)) }

                let logPath = SendLog.path(besideFolder: folder)
                if resend, FileManager.default.fileExists(atPath: logPath) {
                    if confirm { try FileManager.default.removeItem(atPath: logPath) }
                } else if try plan.alreadySent(in: repository, log: nil) {
                    throw SendPlan.Refusal(description: "\(folder): this version was already sent (\(SendPlan.sentTag(name: plan.series!.name, version: plan.series!.version))); use --resend to send it again")
                }
                var options = settings.preparationOptions
                options.inReplyTo = inReplyTo.map { $0.hasPrefix("<") ? $0 : "<\($0)>" }
                // Fixes the first Date: (unix seconds), so a dry run and the real send match byte for byte.
                if let fixed = ProcessInfo.processInfo.environment["KSERIES_SEND_DATE"].flatMap(Double.init) {
                    options.firstDate = Date(timeIntervalSince1970: fixed)
                }
                let messages = try MessagePreparer.prepare(plan.files, options: options) { _ in plan.recipients }
                let delivery = settings.delivery()
                let log = resend && !confirm ? nil : try SendLog(path: logPath)

                guard confirm else {
                    FileHandle.standardOutput.write(Data(DryRun.render(messages, delivery: delivery, log: log)))
                    FileHandle.standardError.write(Data("kseries: dry run: nothing was sent; add --confirm to send \(messages.count) messages via \(delivery.summary)\n".utf8))
                    return
                }
                let report = SeriesSender.send(messages, through: try delivery.makeTransport(), log: log) { result in
                    FileHandle.standardError.write(Data("kseries: \(result.message.fileName): \(result.outcome)\n".utf8))
                }
                print(report.description)
                guard report.isComplete else { throw ExitCode.failure }
                if let tag = try plan.recordSent(in: repository) { print("recorded as \(tag)") }
                if let cover = messages.first {
                    try plan.recordMessageID(cover.messageID, in: repository)
                    print("cover letter Message-Id: \(cover.messageID)")
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw fail(error)
            }
        }
    }
}
