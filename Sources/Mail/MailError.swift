/// A failure while reading the send configuration, preparing a message or delivering it, with
/// what the user needs to fix it: which message (file and Subject), which recipient, the
/// server's reply, or the stage of the SMTP dialogue where the connection went away.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for callers that react to specific cases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A `sendemail.*` value is invalid or a needed one is missing.
        public static let configuration = Code("configuration")
        /// A mail file cannot be read or is not a mail (no header, no Subject, a line too long).
        public static let malformedMessage = Code("malformed message")
        /// A message would go to nobody.
        public static let noRecipients = Code("no recipients")
        /// No connection could be made (refused, unresolvable, timed out).
        public static let connectionFailed = Code("connection failed")
        /// The connection went away in the middle of the dialogue.
        public static let connectionDropped = Code("connection dropped")
        /// TLS could not be set up: certificate not trusted, no STARTTLS, handshake failure.
        public static let tls = Code("tls")
        /// The server refused the credentials.
        public static let authentication = Code("authentication")
        /// The server refused `MAIL FROM`.
        public static let senderRefused = Code("sender refused")
        /// The server refused one `RCPT TO`.
        public static let recipientRefused = Code("recipient refused")
        /// The server refused the message at `DATA` or after its end.
        public static let messageRefused = Code("message refused")
        /// The sendmail command could not run or exited non-zero.
        public static let sendmailFailed = Code("sendmail failed")
        /// The send log cannot be read or written.
        public static let sendLog = Code("send log")
        /// Anything else libcurl reports.
        public static let transport = Code("transport")

        public var description: String { rawValue }
    }

    /// A server reply: `550 5.1.1 <x@example.org>: Recipient address rejected`.
    public struct Reply: Hashable, Sendable, CustomStringConvertible {
        public var code: Int
        /// The reply text, lines of a multi-line reply joined by newlines, without the codes.
        public var text: String
        public init(code: Int, text: String) {
            self.code = code
            self.text = text
        }
        public var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
    }

    public var code: Code
    /// What happened, in words.
    public var message: String
    /// The mail file concerned, when there is one (`0002-KVM-….patch`).
    public var fileName: String?
    /// The Subject of that message.
    public var subject: String?
    /// The refused recipient (or sender, for `senderRefused`).
    public var address: String?
    /// The server's reply that caused the failure.
    public var reply: Reply?
    /// True when the server may have accepted the message although it did not confirm it (the
    /// connection dropped after the whole message was sent, before the final reply).
    public var mayHaveBeenDelivered: Bool

    public init(
        _ code: Code, _ message: String, fileName: String? = nil, subject: String? = nil, address: String? = nil,
        reply: Reply? = nil, mayHaveBeenDelivered: Bool = false
    ) {
        self.code = code
        self.message = message
        self.fileName = fileName
        self.subject = subject
        self.address = address
        self.reply = reply
        self.mayHaveBeenDelivered = mayHaveBeenDelivered
    }

    public var description: String {
        var text = ""
        if let fileName {
            text += fileName
            if let subject { text += " (\"\(subject)\")" }
            text += ": "
        }
        text += message
        if let reply, !message.contains(reply.description) { text += ": \(reply)" }
        return text
    }

    /// The same error, naming the message it concerns.
    func about(_ message: PreparedMessage) -> MailError {
        var copy = self
        copy.fileName = message.fileName
        copy.subject = message.subject
        return copy
    }
}
