import Foundation
import Git
import Mail
import TestSupport
import Testing

/// Configuration values from a dictionary; a key maps to all its values.
struct Values: ConfigurationValues {
    var values: [String: [String]]
    func string(_ key: String) -> String? { values[key]?.last }
    func allValues(_ key: String) -> [String] { values[key] ?? [] }
}

@Suite("git send-email's configuration")
struct ConfigurationTests {
    @Test("git's meanings: ssl is SMTPS on 465, tls is STARTTLS on 25, an empty cert path turns verification off")
    func encryption() throws {
        let ssl = try SendEmailConfiguration(
            Values(values: ["sendemail.smtpServer": ["smtp.example.org"], "sendemail.smtpEncryption": ["ssl"]]),
            environment: [:])
        #expect(ssl.smtpEncryption == .implicitTLS)
        guard case .smtp(let server) = ssl.delivery() else {
            Issue.record("not SMTP")
            return
        }
        #expect(server.port == 465)
        #expect(server.url == "smtps://smtp.example.org:465/")
        #expect(server.certificateVerification == .system)

        let tls = try SendEmailConfiguration(
            Values(values: [
                "sendemail.smtpServer": ["smtp.example.org"], "sendemail.smtpEncryption": ["tls"],
                "sendemail.smtpSSLCertPath": [""], "sendemail.smtpDomain": ["laptop.example.org"],
            ]), environment: [:])
        guard case .smtp(let starttls) = tls.delivery() else { return }
        #expect(starttls.encryption == .startTLS)
        #expect(starttls.port == 25)
        #expect(starttls.certificateVerification == .none)
        #expect(starttls.url == "smtp://smtp.example.org:25/laptop.example.org")

        let scratch = try ScratchDirectory()
        try scratch.write("ca.pem", "")
        let caFile = try SendEmailConfiguration(
            Values(values: ["sendemail.smtpSSLCertPath": ["\(scratch.path)/ca.pem"], "sendemail.smtpServerPort": ["587"]]),
            environment: [:])
        #expect(caFile.certificateVerification == .caFile("\(scratch.path)/ca.pem"))
        #expect(caFile.smtpServerPort == 587)
        let caFolder = try SendEmailConfiguration(
            Values(values: ["sendemail.smtpSSLCertPath": [scratch.path]]), environment: [:])
        #expect(caFolder.certificateVerification == .caDirectory(scratch.path))

        for (key, value) in [
            ("sendemail.smtpEncryption", "starttls"), ("sendemail.smtpServerPort", "abc"),
            ("sendemail.smtpSSLCertPath", "/nonexistent/ca.pem"), ("sendemail.thread", "maybe"),
        ] {
            let error = #expect(throws: MailError.self) {
                try SendEmailConfiguration(Values(values: [key: [value]]), environment: [:])
            }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains(value) == true, "\(String(describing: error))")
        }
    }

    @Test("addresses, several values and comma lists, identities, the password from the environment")
    func addressesAndIdentities() throws {
        let values = Values(values: [
            "sendemail.from": ["Me <me@example.org>"],
            "sendemail.to": ["a@example.org, \"B, Jr.\" <b@example.org>", "c@example.org"],
            "sendemail.cc": ["list@example.org"],
            "sendemail.envelopeSender": ["auto"],
            "sendemail.smtpUser": ["me"],
            "sendemail.smtpPass": ["from-config"],
            "sendemail.chainReplyTo": ["true"],
            "sendemail.work.smtpServer": ["smtp.work.example"],
            "sendemail.work.to": ["boss@work.example"],
        ])
        let plain = try SendEmailConfiguration(values, environment: [:])
        #expect(plain.to == ["a@example.org", "\"B, Jr.\" <b@example.org>", "c@example.org"])
        #expect(plain.cc == ["list@example.org"])
        #expect(plain.envelopeSender == .auto)
        #expect(plain.smtpPassword == "from-config")
        #expect(plain.threading == .chained)
        #expect(plain.preparationOptions.sender == "Me <me@example.org>")

        let work = try SendEmailConfiguration(
            values, identity: "work", environment: [SendEmailConfiguration.passwordVariable: "from-env"])
        #expect(work.smtpServer == "smtp.work.example")
        #expect(work.to == ["boss@work.example"])
        #expect(work.cc == ["list@example.org"])
        #expect(work.smtpPassword == "from-env")
        guard case .smtp(let server) = work.delivery() else { return }
        #expect(server.description == "smtp.work.example:25 as me")
        #expect(!server.description.contains("from-env"))
    }

    @Test("delivery as git chooses it: sendmail command, absolute server path, SMTP, sendmail on the system, localhost")
    func delivery() throws {
        func delivery(_ values: [String: [String]], executables: Set<String> = []) throws -> Delivery {
            try SendEmailConfiguration(Values(values: values), environment: [:])
                .delivery(environment: ["PATH": "/opt/bin:/usr/bin"], isExecutable: executables.contains)
        }
        #expect(
            try delivery(["sendemail.sendmailCmd": ["msmtp -a work"], "sendemail.smtpServer": ["smtp.example.org"]])
                == .sendmail(SendmailCommand(.shell("msmtp -a work"))))
        #expect(
            try delivery(["sendemail.smtpServer": ["/usr/bin/msmtp"]]) == .sendmail(SendmailCommand(.program("/usr/bin/msmtp"))))
        #expect(try delivery(["sendemail.smtpServer": ["smtp.example.org"]]) == .smtp(SMTPServer(host: "smtp.example.org", port: 25)))
        #expect(try delivery([:], executables: ["/usr/bin/sendmail"]) == .sendmail(SendmailCommand(.program("/usr/bin/sendmail"))))
        #expect(
            try delivery([:], executables: ["/usr/lib/sendmail", "/usr/sbin/sendmail"])
                == .sendmail(SendmailCommand(.program("/usr/sbin/sendmail"))))
        #expect(try delivery([:]) == .smtp(SMTPServer(host: "localhost", port: 25)))
    }

    @Test("read from a real repository's configuration through Git.Configuration")
    func realConfiguration() throws {
        let repository = try GitFixture()
        try repository.git("config", "sendemail.smtpServer", "smtp.example.org")
        try repository.git("config", "sendemail.smtpEncryption", "tls")
        try repository.git("config", "sendemail.smtpServerPort", "587")
        try repository.git("config", "sendemail.to", "list@vger.example.org")
        let configuration = try SendEmailConfiguration(
            try Repository(at: repository.path).configurationSnapshot(), environment: [:])
        #expect(configuration.smtpServer == "smtp.example.org")
        #expect(configuration.smtpEncryption == .startTLS)
        #expect(configuration.smtpServerPort == 587)
        #expect(configuration.to == ["list@vger.example.org"])
    }
}

@Suite("Sendmail command and send log")
struct SendmailAndLogTests {
    @Test("a failing sendmail command stops the send with its status and what it said")
    func failingCommand() throws {
        let recorder = try SendmailRecorder(exitStatus: 75)
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        let report = SeriesSender.send(
            messages, through: SendmailTransport(SendmailCommand(.program(recorder.command))))
        #expect(report.results.map(\.outcome.kind) == ["failed", "not attempted", "not attempted", "not attempted"])
        try #require(report.results.count == 4, "\(report)")
        guard case .failed(let error) = report.results[0].outcome else { return }
        #expect(error.code == .sendmailFailed)
        #expect(error.message.contains("exited with status 75: sendmail: queue is full"), "\(error)")
        #expect(error.description.hasPrefix("0000-cover-letter.patch (\"[RFC PATCH v1 0/3] Avoid waking"))
        #expect(try recorder.calls().map(\.arguments) == [["-i", "one@example.org", "list@vger.example.org", "two@example.org"]])
    }

    @Test("the log survives a torn last line and records each message durably")
    func sendLog() throws {
        let scratch = try ScratchDirectory()
        #expect(SendLog.path(besideFolder: "\(scratch.path)/patches/v1/") == "\(scratch.path)/patches/v1.sent")
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        try #require(messages.count == 4, "\(messages.map(\.fileName))")
        let path = "\(scratch.path)/v1.sent"
        let log = try SendLog(path: path)
        try log.record(messages[0], reply: "250 2.0.0 Ok:\tqueued\nas X", at: Date(timeIntervalSince1970: 0))
        var bytes = try scratch.read("v1.sent")
        #expect(
            String(decoding: bytes, as: UTF8.self).hasSuffix(
                "\(messages[0].messageID)\t1970-01-01T00:00:00Z\t0000-cover-letter.patch\t250 2.0.0 Ok: queued as X\n"))
        // A crash in the middle of the next line leaves a line without its newline.
        bytes += Array("\(messages[1].messageID)\t1970".utf8)
        try scratch.write("v1.sent", bytes: bytes)
        let reread = try SendLog(path: path)
        #expect(reread.contains(messages[0].messageID))
        #expect(!reread.contains(messages[1].messageID))
        #expect(reread.entries.count == 1)
        try reread.record(messages[1], reply: nil)
        let third = try SendLog(path: path)
        #expect(third.entries.map(\.messageID) == [messages[0].messageID, messages[1].messageID])
    }
}
