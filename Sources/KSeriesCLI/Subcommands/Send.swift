import ArgumentParser
import Foundation
import KSeries
import Mail

extension KSeriesCommand {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", _superCommandName: KSeriesCommand.name,
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
            let request = SeriesSend.Request(
                folder: folder, treePath: tree.treePath, templates: tree.templates, identity: identity,
                overrides: SendEmailOverrides(
                    from: from, sendmailCommand: sendmailCmd, smtpServer: smtpServer, smtpServerPort: smtpServerPort,
                    smtpEncryption: smtpEncryption, smtpUser: smtpUser, smtpSSLCertPath: smtpSslCertPath),
                to: to, cc: cc, useMaintainers: !noMaintainers, inReplyTo: inReplyTo, confirm: confirm, resend: resend,
                firstDate: TestEnvironment.sendDate)
            let outcome: SeriesSend.Outcome
            do {
                outcome = try SeriesSend().run(request) { event in
                    switch event {
                    case .warning(let warning): FileHandle.standardError.write(Data("kseries: note: \(warning)\n".utf8))
                    case .dryRun(let rendered, let count, let delivery):
                        FileHandle.standardOutput.write(Data(rendered))
                        FileHandle.standardError.write(
                            Data("kseries: dry run: nothing was sent; add --confirm to send \(count) messages via \(delivery)\n".utf8))
                    case .sent(let result):
                        FileHandle.standardError.write(Data("kseries: \(result.message.fileName): \(result.outcome)\n".utf8))
                    case .finished(let report): print(report.description)
                    case .recorded(let tag): print("recorded as \(tag)")
                    case .coverMessageID(let id): print("cover letter Message-Id: \(id)")
                    }
                }
            } catch {
                throw fail(error)
            }
            if outcome == .incomplete { throw ExitCode.failure }
        }
    }
}
