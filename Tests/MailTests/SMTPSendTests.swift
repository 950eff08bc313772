import Foundation
import Mail
import TestSupport
import Testing

/// Sends to a real SMTP server (aiosmtpd on loopback) and compares what it stored with what
/// the dry run printed.
@Suite("Sending to a real SMTP server")
struct SMTPSendTests {
    private func server(_ server: SMTPTestServer, _ encryption: SMTPServer.Encryption = .none) -> SMTPServer {
        SMTPServer(host: "127.0.0.1", port: server.port, encryption: encryption, connectTimeout: 10, stallTimeout: 20)
    }

    @Test("every message arrives with the bytes and envelope the dry run printed, on one connection")
    func bytesMatchTheDryRun() throws {
        let smtp = try SMTPTestServer()
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries() + Fixtures.awkwardSeries().dropFirst())
        let delivery = Delivery.smtp(server(smtp))
        try #require(messages.count == 6, "\(messages.map(\.fileName))")
        let printed = try Fixtures.parseDryRun(DryRun.render(messages, delivery: delivery))
        try #require(printed.count == messages.count)

        let scratch = try ScratchDirectory()
        let log = try SendLog(path: "\(scratch.path)/v1.sent")
        let report = SeriesSender.send(messages, through: try delivery.makeTransport(), log: log)
        #expect(report.isComplete, "\(report)")

        let received = try smtp.received()
        try #require(received.count == messages.count)
        for (index, message) in received.enumerated() {
            let (envelope, bytes) = printed[index]
            #expect(envelope.first == "MAIL FROM:<\(message.mailFrom)>")
            #expect(Array(envelope.dropFirst()) == message.recipients.map { "RCPT TO:<\($0)>" })
            // What the server stored is the printed message with CRLF line ends.
            #expect(message.data == PreparedMessage.crlfForTests(bytes), "message \(index + 1) differs")
            #expect(message.data.count > 200)
        }
        // The awkward patch's lone "." line and its "\r\n" line survived the trip.
        let awkward = String(decoding: received[4].data, as: UTF8.self)
        #expect(awkward.contains("spaces:  \r\n.\r\nSigned-off-by"))
        #expect(awkward.contains("carriage return\r\n--"))
        #expect(smtp.connections() == 1)
        // Each outcome carries the server's queue reply; the log lists every message.
        try #require(report.results.count == messages.count, "\(report)")
        guard case .sent(let reply) = report.results[2].outcome else {
            Issue.record("message 3 not sent: \(report)")
            return
        }
        #expect(reply == "250 2.0.0 Ok: queued as KS0003")
        #expect(try SendLog(path: log.path).entries.map(\.messageID) == messages.map(\.messageID))
    }

    @Test("a refused recipient stops the send and names the message, the address and the reply")
    func refusedRecipient() throws {
        let smtp = try SMTPTestServer(.init(refuse: ["two@example.org"]))
        let files = try Fixtures.shippedSeries()
        let messages = try MessagePreparer.prepare(files, options: Fixtures.options) { file in
            file.fileName.hasPrefix("0001") ? Fixtures.recipients : MessageRecipients(to: ["one@example.org"])
        }
        let report = SeriesSender.send(messages, through: try Delivery.smtp(server(smtp)).makeTransport())
        #expect(!report.isComplete)
        #expect(report.results.map(\.outcome.kind) == ["sent", "failed", "not attempted", "not attempted"])
        try #require(report.results.count == 4 && files.count == 4, "\(report)")
        guard case .failed(let error) = report.results[1].outcome else { return }
        #expect(error.code == .recipientRefused)
        #expect(error.address == "two@example.org")
        #expect(error.reply?.code == 550)
        #expect(error.reply?.text == "5.1.1 <two@example.org>: Recipient address rejected: no such user")
        #expect(error.fileName == files[1].fileName)
        #expect(error.subject == "[RFC PATCH v1 1/3] context_tracking: Add helpers to note a CPU in KVM's vCPU run loop")
        #expect(error.description.contains("0001-context_tracking"))
        #expect(error.description.contains("550 5.1.1"))
        #expect(try smtp.received().count == 1)
    }

    @Test("a connection that drops midway: the report says what went, and a retry sends only the rest")
    func dropAndRetry() throws {
        let first = try SMTPTestServer(.init(exitOnMail: 3))
        let scratch = try ScratchDirectory()
        let logPath = SendLog.path(besideFolder: "\(scratch.path)/v1/")
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())

        let report = SeriesSender.send(
            messages, through: try Delivery.smtp(server(first)).makeTransport(), log: try SendLog(path: logPath))
        first.waitForExit()
        #expect(report.results.map(\.outcome.kind) == ["sent", "sent", "failed", "not attempted"])
        try #require(report.results.count == 4 && messages.count == 4, "\(report)")
        guard case .failed(let error) = report.results[2].outcome else { return }
        #expect(error.code == .connectionDropped)
        #expect(!error.mayHaveBeenDelivered)
        #expect(error.fileName == messages[2].fileName)
        #expect(error.message.contains("dropped after MAIL FROM:<developer@example.org>"), "\(error)")
        #expect(report.description.contains("not sent      0003-"))
        #expect(try first.received().count == 2)

        // The retry prepares the same files again, at another time: same Message-Ids.
        var later = Fixtures.options
        later.firstDate = Date(timeIntervalSince1970: 1_764_000_600)
        let again = try Fixtures.prepare(try Fixtures.shippedSeries(), options: later)
        #expect(again.map(\.messageID) == messages.map(\.messageID))
        try #require(again.count == 4)
        let log = try SendLog(path: logPath)
        let dryRun = String(decoding: DryRun.render(again, delivery: .smtp(server(first)), log: log), as: UTF8.self)
        #expect(dryRun.contains("--- 1/4 0000-cover-letter.patch: already sent, skipped"))

        let second = try SMTPTestServer(inbox: first.inbox)
        let retry = SeriesSender.send(again, through: try Delivery.smtp(server(second)).makeTransport(), log: log)
        #expect(retry.results.map(\.outcome.kind) == ["already sent", "already sent", "sent", "sent"])
        let received = try second.received()
        try #require(received.count == 4)
        #expect(received[2].data == again[2].smtpData)
        #expect(received[3].data == again[3].smtpData)
        // Still threaded on the cover letter that went out in the first run.
        let third = String(decoding: received[2].data, as: UTF8.self)
        #expect(third.contains("In-Reply-To: \(messages[0].messageID)\r\n"))
        #expect(try SendLog(path: logPath).entries.count == 4)
    }

    @Test("a connection that drops after the whole message, before the reply, says it may have arrived")
    func dropBeforeConfirmation() throws {
        let smtp = try SMTPTestServer(.init(exitInData: 2))
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        let report = SeriesSender.send(messages, through: try Delivery.smtp(server(smtp)).makeTransport())
        #expect(report.results.map(\.outcome.kind) == ["sent", "failed", "not attempted", "not attempted"])
        try #require(report.results.count == 4, "\(report)")
        guard case .failed(let error) = report.results[1].outcome else { return }
        #expect(error.code == .connectionDropped)
        #expect(error.mayHaveBeenDelivered)
        #expect(error.message.contains("may have accepted it"))
    }

    @Test("STARTTLS with a self-signed certificate: sent when the user opts in or trusts it, refused otherwise")
    func startTLS() throws {
        let certificate = try TestCertificate()
        let smtp = try SMTPTestServer(.init(starttls: certificate))
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        try #require(messages.count == 4, "\(messages.map(\.fileName))")

        var unverified = server(smtp, .startTLS)
        unverified.certificateVerification = try SendEmailConfiguration.verification("")
        #expect(SeriesSender.send([messages[0]], through: try SMTPTransport(unverified)).isComplete)

        var trusted = server(smtp, .startTLS)
        trusted.certificateVerification = try SendEmailConfiguration.verification(certificate.certificate)
        #expect(trusted.certificateVerification == .caFile(certificate.certificate))
        #expect(SeriesSender.send([messages[1]], through: try SMTPTransport(trusted)).isComplete)

        let report = SeriesSender.send([messages[2]], through: try SMTPTransport(server(smtp, .startTLS)))
        try #require(report.results.count == 1, "\(report)")
        guard case .failed(let error) = report.results[0].outcome else {
            Issue.record("sent without verifying the certificate")
            return
        }
        #expect(error.code == .tls)
        #expect(error.message.contains("is not trusted"), "\(error)")
        #expect(error.message.contains("certificate"))
        #expect(error.message.contains("sendemail.smtpSSLCertPath"))
        let received = try smtp.received()
        #expect(received.map(\.data) == [messages[0].smtpData, messages[1].smtpData])
    }

    @Test("plain SMTP against a server that requires STARTTLS is refused before any mail")
    func startTLSRequired() throws {
        let certificate = try TestCertificate()
        let smtp = try SMTPTestServer(.init(starttls: certificate))
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        try #require(messages.count == 4, "\(messages.map(\.fileName))")
        let report = SeriesSender.send([messages[0]], through: try SMTPTransport(server(smtp)))
        try #require(report.results.count == 1, "\(report)")
        guard case .failed(let error) = report.results[0].outcome else { return }
        #expect(error.code == .senderRefused)
        #expect(error.reply?.code == 530)
        #expect(try smtp.received().isEmpty)
    }

    @Test("SMTPS (implicit TLS) with the server's certificate trusted, and a login")
    func smtpsWithLogin() throws {
        let certificate = try TestCertificate()
        let smtp = try SMTPTestServer(.init(smtps: certificate, login: ("developer", "s3cret pass")))
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        try #require(messages.count == 4, "\(messages.map(\.fileName))")

        var good = server(smtp, .implicitTLS)
        good.certificateVerification = .caFile(certificate.certificate)
        good.user = "developer"
        good.password = "s3cret pass"
        #expect(SeriesSender.send([messages[0]], through: try SMTPTransport(good)).isComplete)

        var bad = good
        bad.password = "wrong"
        let report = SeriesSender.send([messages[1]], through: try SMTPTransport(bad))
        try #require(report.results.count == 1, "\(report)")
        guard case .failed(let error) = report.results[0].outcome else { return }
        #expect(error.code == .authentication)
        #expect(error.reply?.code == 535)
        #expect(!error.description.contains("wrong"))
        #expect(try smtp.received().count == 1)

        var noPassword = good
        noPassword.password = nil
        #expect(throws: MailError.self) { try SMTPTransport(noPassword) }
    }

    @Test("a server that closed the idle connection between two messages: the next one reconnects")
    func idleConnectionClosed() throws {
        let smtp = try SMTPTestServer(.init(idleTimeout: 0.3))
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        try #require(messages.count == 4, "\(messages.map(\.fileName))")
        let transport = try SMTPTransport(server(smtp))
        #expect(SeriesSender.send([messages[0]], through: transport).isComplete)
        Thread.sleep(forTimeInterval: 1)
        #expect(SeriesSender.send([messages[1]], through: transport).isComplete)
        #expect(try smtp.received().map(\.data) == [messages[0].smtpData, messages[1].smtpData])
        #expect(smtp.connections() == 2)
    }

    @Test("no server listening: connection failed, nothing else attempted")
    func noServer() throws {
        // A port that was just free: bind, read, close.
        let smtp = try SMTPTestServer()
        let port = smtp.port
        smtp.stop()
        let messages = try Fixtures.prepare(try Fixtures.shippedSeries())
        let report = SeriesSender.send(
            messages, through: try SMTPTransport(SMTPServer(host: "127.0.0.1", port: port, connectTimeout: 5)))
        #expect(report.results.map(\.outcome.kind) == ["failed", "not attempted", "not attempted", "not attempted"])
        try #require(report.results.count == 4, "\(report)")
        guard case .failed(let error) = report.results[0].outcome else { return }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("cannot connect to 127.0.0.1:\(port)"))
    }
}

extension SendOutcome {
    /// A short name for comparing reports.
    var kind: String {
        switch self {
        case .sent: return "sent"
        case .alreadySent: return "already sent"
        case .failed: return "failed"
        case .notAttempted: return "not attempted"
        }
    }
}

extension PreparedMessage {
    /// LF to CRLF, as a test's own statement of what SMTP does to a line end.
    static func crlfForTests(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 10 && previous != 13 { out.append(13) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}
