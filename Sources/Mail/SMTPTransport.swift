import CCurl

/// Sends messages to an SMTP server through libcurl: one SMTP transaction (`MAIL FROM`,
/// `RCPT TO` per recipient, `DATA`) per message, all on one connection, which libcurl keeps
/// open between messages and closes (with `QUIT`) when the transport is released. A server
/// that closed an idle connection is reconnected to transparently.
///
/// The dialogue is recorded, passwords masked, so that a failure says which command the
/// server refused (and its reply code and text) or after which one the connection dropped.
public final class SMTPTransport: MessageTransport {
    public let server: SMTPServer
    private let handle: UnsafeMutableRawPointer
    private let upload = UploadSource()
    private let transcript = Transcript()
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Sets up the connection parameters; connects on the first message. Fails when a user
    /// is configured without a password (kseries never prompts).
    public init(_ server: SMTPServer) throws(MailError) {
        guard MailRuntime.initializeCurl(), let handle = kseries_curl_easy_init() else {
            errorBuffer.deallocate()
            let why = kseries_curl_load_error().map { ": \(String(cString: $0))" } ?? ""
            throw MailError(.transport, "libcurl could not be initialized\(why)")
        }
        self.server = server
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        if server.user != nil && server.password == nil {
            throw MailError(
                .configuration,
                "sendemail.smtpUser is \(server.user!) but no password is set: set sendemail.smtpPass or \(SendEmailConfiguration.passwordVariable)"
            )
        }
        try configure()
    }

    deinit {
        kseries_curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func set(_ option: CURLoption, _ value: Int) throws(MailError) {
        try check(kseries_curl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(MailError) {
        let code = value.withCString { kseries_curl_setopt_string(handle, option, $0) }
        try check(code, "setting option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(MailError) {
        guard code == CURLE_OK else {
            throw MailError(.transport, "libcurl failed \(what): \(String(cString: kseries_curl_easy_strerror(code)))")
        }
    }

    private func configure() throws(MailError) {
        try set(CURLOPT_URL, server.url)
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_CONNECTTIMEOUT, server.connectTimeout)
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, server.stallTimeout)
        try check(kseries_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "setting the error buffer")
        try check(kseries_curl_setopt_read_function(handle, readCallback), "setting the read function")
        try check(
            kseries_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()),
            "setting the read data")
        // The debug function sees the dialogue; it is only called in verbose mode, and it
        // prints nothing.
        try set(CURLOPT_VERBOSE, 1)
        try check(kseries_curl_setopt_debug_function(handle, debugCallback), "setting the debug function")
        try check(
            kseries_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(transcript).toOpaque()),
            "setting the debug data")
        if server.encryption == .startTLS { try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        switch server.certificateVerification {
        case .system: break
        case .none:
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        case .caFile(let path): try set(CURLOPT_CAINFO, path)
        case .caDirectory(let path): try set(CURLOPT_CAPATH, path)
        }
        if let user = server.user { try set(CURLOPT_USERNAME, user) }
        if let password = server.password { try set(CURLOPT_PASSWORD, password) }
    }

    public func deliver(_ message: PreparedMessage) throws(MailError) -> String? {
        upload.reset(message.smtpData)
        transcript.reset()
        errorBuffer[0] = 0
        try set(CURLOPT_MAIL_FROM, "<\(message.envelope.sender)>")
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for recipient in message.envelope.recipients {
            guard let appended = kseries_curl_slist_append(recipients, "<\(recipient)>") else {
                kseries_curl_slist_free_all(recipients)
                throw MailError(.transport, "out of memory building the recipient list").about(message)
            }
            recipients = appended
        }
        defer {
            _ = kseries_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, nil)
            kseries_curl_slist_free_all(recipients)
        }
        try check(kseries_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, recipients), "setting the recipients")

        let code = kseries_curl_easy_perform(handle)
        if code == CURLE_OK {
            return transcript.events.reversed().lazy.compactMap(\.reply).first?.description
        }
        throw failure(code, message: message)
    }

    /// Turns a failed transfer into an error that says what the server refused, or where the
    /// connection went away.
    private func failure(_ code: CURLcode, message: PreparedMessage) -> MailError {
        let curlText = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: kseries_curl_easy_strerror(code))
        let events = transcript.events

        // A refusal: the last reply that is an error, and the command it answered.
        if let replyIndex = events.lastIndex(where: { ($0.reply?.code ?? 0) >= 400 }), let reply = events[replyIndex].reply {
            let command = events[..<replyIndex].reversed().lazy.compactMap(\.command).first ?? ""
            let upper = command.uppercased()
            if upper.hasPrefix("RCPT TO:") {
                let address = Self.angleAddress(command)
                return MailError(
                    .recipientRefused, "the server refused the recipient <\(address)>", address: address, reply: reply
                ).about(message)
            }
            if upper.hasPrefix("MAIL FROM:") {
                let address = Self.angleAddress(command)
                return MailError(
                    .senderRefused, "the server refused the sender <\(address)>", address: address, reply: reply
                ).about(message)
            }
            if upper.hasPrefix("DATA") {
                let afterData = upload.finished
                return MailError(
                    .messageRefused, afterData ? "the server refused the message after receiving it" : "the server refused DATA",
                    reply: reply
                ).about(message)
            }
            if upper.hasPrefix("AUTH") || code == CURLE_LOGIN_DENIED {
                return MailError(.authentication, "the server refused the login of \(server.user ?? "")", reply: reply)
                    .about(message)
            }
            if upper.hasPrefix("STARTTLS") {
                return MailError(.tls, "the server refused STARTTLS", reply: reply).about(message)
            }
            return MailError(.transport, "the server answered \(command.isEmpty ? "the connection" : command)", reply: reply)
                .about(message)
        }

        switch code {
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return MailError(
                .tls,
                "the certificate of \(server.host):\(server.port) is not trusted (\(curlText)); for a self-signed server set sendemail.smtpSSLCertPath to its certificate, or to \"\" to send without verifying it"
            ).about(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return MailError(.tls, "the TLS handshake with \(server.host):\(server.port) failed: \(curlText)").about(message)
        case CURLE_USE_SSL_FAILED:
            return MailError(
                .tls, "\(server.host):\(server.port) does not offer STARTTLS (sendemail.smtpEncryption = tls): \(curlText)"
            ).about(message)
        case CURLE_LOGIN_DENIED:
            return MailError(.authentication, "the server refused the login of \(server.user ?? ""): \(curlText)")
                .about(message)
        default: break
        }

        // Nothing said or heard in this transfer: no connection (a reused one shows its commands).
        if events.isEmpty {
            return MailError(.connectionFailed, "cannot connect to \(server.host):\(server.port): \(curlText)").about(message)
        }
        // The connection went away: say after what.
        // libcurl says QUIT as it gives up on a broken connection: not what the server was at.
        let lastCommand = events.reversed().lazy.compactMap(\.command).first { $0.uppercased() != "QUIT" }
        let dataAccepted = events.contains { $0.reply?.code == 354 }
        if dataAccepted && upload.finished {
            return MailError(
                .connectionDropped,
                "the connection to \(server.host):\(server.port) dropped after the whole message was sent, before the server confirmed it (\(curlText)); the server may have accepted it",
                mayHaveBeenDelivered: true
            ).about(message)
        }
        if dataAccepted {
            return MailError(
                .connectionDropped,
                "the connection to \(server.host):\(server.port) dropped while sending the message, after \(upload.offset) of \(upload.bytes.count) bytes (\(curlText))"
            ).about(message)
        }
        return MailError(
            .connectionDropped,
            "the connection to \(server.host):\(server.port) dropped \(lastCommand.map { "after \($0)" } ?? "before any command") (\(curlText))"
        ).about(message)
    }

    private static func angleAddress(_ command: String) -> String {
        guard let open = command.firstIndex(of: "<"), let close = command.lastIndex(of: ">"), open < close else {
            return String(command.drop { $0 != ":" }.dropFirst())
        }
        return String(command[command.index(after: open)..<close])
    }
}

/// The bytes libcurl reads for one message.
private final class UploadSource {
    var bytes: [UInt8] = []
    var offset = 0
    /// True once libcurl has read everything (it then ends the DATA).
    var finished = false

    func reset(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
        finished = false
    }
}

/// The SMTP dialogue of one transfer, commands and replies, AUTH data masked.
private final class Transcript {
    enum Event {
        case command(String)
        case reply(MailError.Reply)

        var command: String? {
            if case .command(let text) = self { return text }
            return nil
        }
        var reply: MailError.Reply? {
            if case .reply(let reply) = self { return reply }
            return nil
        }
    }

    var events: [Event] = []
    private var pendingLines: [String] = []
    private var pendingCode = 0
    private var partial = ""
    private var inAuthentication = false

    func reset() {
        events = []
        pendingLines = []
        partial = ""
        inAuthentication = false
    }

    func sent(_ text: String) {
        let line = text.trimmingSpaces()
        if line.uppercased().hasPrefix("AUTH ") {
            inAuthentication = true
            events.append(.command(line.split(separator: " ").prefix(2).joined(separator: " ") + " ***"))
        } else if inAuthentication {
            events.append(.command("***"))
        } else {
            events.append(.command(line))
        }
    }

    func received(_ text: String) {
        partial += text
        while let newline = partial.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
            let line = String(partial[..<newline]).trimmingCharacters(in: ["\r"])
            partial = String(partial[partial.index(after: newline)...])
            receivedLine(line)
        }
    }

    private func receivedLine(_ line: String) {
        let digits = line.prefix(3)
        guard digits.count == 3, let code = Int(digits) else { return }
        let separator = line.dropFirst(3).first
        pendingCode = code
        pendingLines.append(String(line.dropFirst(4)))
        if separator != "-" {
            events.append(.reply(MailError.Reply(code: pendingCode, text: pendingLines.joined(separator: "\n"))))
            if code != 334 { inAuthentication = false }
            pendingLines = []
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var text = Substring(self)
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

private let readCallback: curl_read_callback = { buffer, size, count, userData in
    guard let buffer, let userData else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(userData).takeUnretainedValue()
    let room = size * count
    let remaining = source.bytes.count - source.offset
    if remaining == 0 {
        source.finished = true
        return 0
    }
    let length = min(room, remaining)
    source.bytes.withUnsafeBufferPointer { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
    }
    source.offset += length
    return length
}

private let debugCallback: curl_debug_callback = { _, kind, data, size, userData in
    guard let data, let userData else { return 0 }
    let transcript = Unmanaged<Transcript>.fromOpaque(userData).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    switch kind {
    case CURLINFO_HEADER_OUT: transcript.sent(text)
    case CURLINFO_HEADER_IN: transcript.received(text)
    default: break
    }
    return 0
}
