import Foundation
import Git

/// Where configuration values come from: `Git.Configuration`, or a dictionary in tests.
public protocol ConfigurationValues {
    /// The value of `key`, nil when unset (the last one when the key has several).
    func string(_ key: String) -> String?
    /// Every value of a multi-valued key (`sendemail.to`, `sendemail.cc`), in order.
    func allValues(_ key: String) -> [String]
}

extension Configuration: ConfigurationValues {
    public func allValues(_ key: String) -> [String] {
        strings(key)
    }
}

/// git send-email's configuration, read from the same keys so that a developer's existing
/// setup works unchanged: `sendemail.smtpServer`, `smtpServerPort`, `smtpEncryption`,
/// `smtpUser`, `smtpPass`, `smtpDomain`, `smtpSSLCertPath`, `sendmailCmd`, `from`, `to`,
/// `cc`, `bcc`, `envelopeSender`, `thread`, `chainReplyTo`, each also per identity
/// (`sendemail.<identity>.<key>`, the identity from `sendemail.identity` or the caller).
///
/// Values are kept as read; command-line options override them by assignment.
public struct SendEmailConfiguration: Sendable, Equatable {
    /// The environment variable holding the SMTP password when `sendemail.smtpPass` is unset
    /// (it wins over the configuration). kseries never prompts.
    public static let passwordVariable = "KSERIES_SMTP_PASSWORD"

    public var smtpServer: String?
    public var smtpServerPort: Int?
    public var smtpEncryption: SMTPServer.Encryption
    public var smtpUser: String?
    public var smtpPassword: String?
    public var smtpDomain: String?
    public var certificateVerification: SMTPServer.CertificateVerification
    /// `sendemail.sendmailCmd` (or `--sendmail-cmd`): a shell command, run as git does.
    public var sendmailCommand: String?
    public var from: String?
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var envelopeSender: EnvelopeSender
    public var threading: Threading

    public init(
        smtpServer: String? = nil, smtpServerPort: Int? = nil, smtpEncryption: SMTPServer.Encryption = .none,
        smtpUser: String? = nil, smtpPassword: String? = nil, smtpDomain: String? = nil,
        certificateVerification: SMTPServer.CertificateVerification = .system, sendmailCommand: String? = nil,
        from: String? = nil, to: [String] = [], cc: [String] = [], bcc: [String] = [],
        envelopeSender: EnvelopeSender = .fromHeader, threading: Threading = .shallow
    ) {
        self.smtpServer = smtpServer
        self.smtpServerPort = smtpServerPort
        self.smtpEncryption = smtpEncryption
        self.smtpUser = smtpUser
        self.smtpPassword = smtpPassword
        self.smtpDomain = smtpDomain
        self.certificateVerification = certificateVerification
        self.sendmailCommand = sendmailCommand
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.envelopeSender = envelopeSender
        self.threading = threading
    }

    /// Reads the `sendemail.*` keys. `identity` overrides `sendemail.identity`;
    /// `environment` supplies `KSERIES_SMTP_PASSWORD`.
    public init(
        _ values: some ConfigurationValues, identity: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(MailError) {
        let identity = identity ?? values.string("sendemail.identity")
        func value(_ key: String) -> String? {
            if let identity, let specific = values.string("sendemail.\(identity).\(key)") { return specific }
            return values.string("sendemail.\(key)")
        }
        func list(_ key: String) -> [String] {
            if let identity {
                let specific = values.allValues("sendemail.\(identity).\(key)")
                if !specific.isEmpty { return specific.flatMap(MailAddress.splitList) }
            }
            return values.allValues("sendemail.\(key)").flatMap(MailAddress.splitList)
        }
        func bool(_ key: String, default fallback: Bool) throws(MailError) -> Bool {
            guard let text = value(key) else { return fallback }
            switch text.lowercased() {
            case "", "false", "no", "off", "0": return false
            case "true", "yes", "on", "1": return true
            default: throw MailError(.configuration, "sendemail.\(key) = '\(text)' is not a boolean")
            }
        }

        self.init()
        smtpServer = value("smtpServer").flatMap { $0.isEmpty ? nil : $0 }
        if let port = value("smtpServerPort") {
            guard let number = Self.port(port) else {
                throw MailError(.configuration, "sendemail.smtpServerPort = '\(port)' is not a port number")
            }
            smtpServerPort = number
        }
        if let encryption = value("smtpEncryption") {
            smtpEncryption = try SMTPServer.Encryption(gitValue: encryption, setting: "sendemail.smtpEncryption")
        }
        smtpUser = value("smtpUser").flatMap { $0.isEmpty ? nil : $0 }
        smtpPassword = environment[Self.passwordVariable] ?? value("smtpPass")
        smtpDomain = value("smtpDomain").flatMap { $0.isEmpty ? nil : $0 }
        if let path = value("smtpSSLCertPath") {
            certificateVerification = try Self.verification(path)
        }
        sendmailCommand = value("sendmailCmd").flatMap { $0.isEmpty ? nil : $0 }
        from = value("from").flatMap { $0.isEmpty ? nil : $0 }
        to = list("to")
        cc = list("cc")
        bcc = list("bcc")
        switch value("envelopeSender") {
        case nil, "": envelopeSender = .fromHeader
        case let text? where text.lowercased() == "auto": envelopeSender = .auto
        case let text?: envelopeSender = .address(text)
        }
        let thread = try bool("thread", default: true)
        threading = !thread ? .none : (try bool("chainReplyTo", default: false)) ? .chained : .shallow
    }

    /// Applies what the command line sets over the configuration, as git send-email's options
    /// of the same names do.
    public mutating func apply(_ overrides: SendEmailOverrides) throws(MailError) {
        if let value = overrides.from { from = value }
        if let value = overrides.sendmailCommand { sendmailCommand = value }
        if let value = overrides.smtpServer { smtpServer = value }
        if let value = overrides.smtpServerPort { smtpServerPort = value }
        if let value = overrides.smtpUser { smtpUser = value }
        if let value = overrides.smtpSSLCertPath { certificateVerification = try Self.verification(value) }
        if let value = overrides.smtpEncryption {
            smtpEncryption = try SMTPServer.Encryption(gitValue: value, setting: "--smtp-encryption")
        }
    }

    /// `sendemail.smtpSSLCertPath` as git reads it: empty turns verification off, a folder or
    /// a file is where the trusted certificates are.
    public static func verification(_ path: String) throws(MailError) -> SMTPServer.CertificateVerification {
        if path.isEmpty { return .none }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MailError(.configuration, "sendemail.smtpSSLCertPath: CA path \"\(path)\" does not exist")
        }
        return isDirectory.boolValue ? .caDirectory(path) : .caFile(path)
    }

    static func port(_ text: String) -> Int? {
        switch text.lowercased() {
        case "smtp": return 25
        case "submission": return 587
        case "smtps", "submissions": return 465
        default:
            guard let number = Int(text), (1...65535).contains(number) else { return nil }
            return number
        }
    }

    /// How to deliver, chosen as git send-email does: a sendmail command if one is set; a
    /// sendmail program if `smtpServer` is an absolute path; else the SMTP server; with
    /// neither set, the first `sendmail` in /usr/sbin, /usr/lib and `PATH`, else `localhost`.
    public func delivery(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
    ) -> Delivery {
        if let sendmailCommand { return .sendmail(SendmailCommand(.shell(sendmailCommand))) }
        if let smtpServer, smtpServer.hasPrefix("/") { return .sendmail(SendmailCommand(.program(smtpServer))) }
        var host = smtpServer
        if host == nil {
            let path = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/sendmail" }
            if let program = (["/usr/sbin/sendmail", "/usr/lib/sendmail"] + path).first(where: isExecutable) {
                return .sendmail(SendmailCommand(.program(program)))
            }
            host = "localhost"
        }
        return .smtp(
            SMTPServer(
                host: host ?? "localhost",
                port: smtpServerPort ?? (smtpEncryption == .implicitTLS ? 465 : 25),
                encryption: smtpEncryption, certificateVerification: certificateVerification, heloDomain: smtpDomain,
                user: smtpUser, password: smtpPassword))
    }

    /// `sendemail.to`, `cc` and `bcc`, for the caller to merge with its own recipients.
    public var recipients: MessageRecipients { MessageRecipients(to: to, cc: cc, bcc: bcc) }

    /// The preparation options these settings imply (sender, envelope sender, threading).
    public var preparationOptions: PreparationOptions {
        PreparationOptions(sender: from, envelopeSender: envelopeSender, threading: threading)
    }
}

/// How messages leave: an SMTP server, or a sendmail-like command.
public enum Delivery: Sendable, Equatable {
    case smtp(SMTPServer)
    case sendmail(SendmailCommand)

    /// A transport ready to send; for SMTP, fails when a user is set without a password.
    public func makeTransport() throws(MailError) -> any MessageTransport {
        switch self {
        case .smtp(let server): return try SMTPTransport(server)
        case .sendmail(let command): return SendmailTransport(command)
        }
    }

    /// One line saying where messages go, for the dry run and reports.
    public var summary: String {
        switch self {
        case .smtp(let server): return "Server: \(server)"
        case .sendmail(let command): return "Sendmail: \(command)"
        }
    }

    /// The envelope as this delivery would hand it over: `MAIL FROM:<…>` and one `RCPT TO:<…>`
    /// per recipient, or the sendmail command line.
    public func envelopeLines(_ message: PreparedMessage) -> [String] {
        switch self {
        case .smtp:
            return ["MAIL FROM:<\(message.envelope.sender)>"] + message.envelope.recipients.map { "RCPT TO:<\($0)>" }
        case .sendmail(let command):
            return ["Sendmail: " + command.commandLine(for: message.envelope)]
        }
    }
}

/// What the command line sets over git send-email's configuration; nil leaves the configured
/// value. Strings are as the user typed them (`smtpEncryption`: `tls`, `ssl`, `none`).
public struct SendEmailOverrides: Sendable, Equatable {
    public var from: String?
    public var sendmailCommand: String?
    public var smtpServer: String?
    public var smtpServerPort: Int?
    public var smtpEncryption: String?
    public var smtpUser: String?
    /// Empty accepts any certificate (a self-signed server), as git's `smtpSSLCertPath`.
    public var smtpSSLCertPath: String?

    public init(
        from: String? = nil, sendmailCommand: String? = nil, smtpServer: String? = nil, smtpServerPort: Int? = nil,
        smtpEncryption: String? = nil, smtpUser: String? = nil, smtpSSLCertPath: String? = nil
    ) {
        self.from = from
        self.sendmailCommand = sendmailCommand
        self.smtpServer = smtpServer
        self.smtpServerPort = smtpServerPort
        self.smtpEncryption = smtpEncryption
        self.smtpUser = smtpUser
        self.smtpSSLCertPath = smtpSSLCertPath
    }
}

/// An SMTP server and how to talk to it.
public struct SMTPServer: Sendable, Equatable, CustomStringConvertible {
    /// git's `sendemail.smtpEncryption`.
    public enum Encryption: Sendable, Equatable {
        /// Plain SMTP.
        case none
        /// `tls`: plain connection, then `STARTTLS`, required.
        case startTLS
        /// `ssl`: SMTPS, TLS from the first byte (port 465).
        case implicitTLS

        /// Reads git's spelling (`tls`, `ssl`, `none` or empty, any case); `setting` names
        /// where the value came from, for the error.
        public init(gitValue: String, setting: String) throws(MailError) {
            switch gitValue.lowercased() {
            case "", "none": self = .none
            case "tls": self = .startTLS
            case "ssl": self = .implicitTLS
            default:
                throw MailError(
                    .configuration,
                    "\(setting) = '\(gitValue)': use 'tls' (STARTTLS) or 'ssl' (SMTPS, TLS from the start)")
            }
        }
    }

    /// Which certificates the server's must chain to (`sendemail.smtpSSLCertPath`).
    public enum CertificateVerification: Sendable, Equatable {
        /// The system's trusted authorities (the path unset).
        case system
        /// No verification at all: the user opted in (the path set to "").
        case none
        /// Authorities from this PEM file (a self-signed server's own certificate works).
        case caFile(String)
        /// Authorities from this OpenSSL hashed folder.
        case caDirectory(String)
    }

    public var host: String
    public var port: Int
    public var encryption: Encryption
    public var certificateVerification: CertificateVerification
    /// The name given in `EHLO` (`sendemail.smtpDomain`); nil lets libcurl choose.
    public var heloDomain: String?
    public var user: String?
    public var password: String?
    /// Seconds to wait for the connection (and the TLS handshake).
    public var connectTimeout: Int
    /// Seconds without progress after which a stalled transfer counts as dropped.
    public var stallTimeout: Int

    public init(
        host: String, port: Int, encryption: Encryption = .none, certificateVerification: CertificateVerification = .system,
        heloDomain: String? = nil, user: String? = nil, password: String? = nil, connectTimeout: Int = 30,
        stallTimeout: Int = 120
    ) {
        self.host = host
        self.port = port
        self.encryption = encryption
        self.certificateVerification = certificateVerification
        self.heloDomain = heloDomain
        self.user = user
        self.password = password
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
    }

    /// The libcurl URL: `smtp://host:port/heloDomain` or `smtps://…`.
    public var url: String {
        let scheme = encryption == .implicitTLS ? "smtps" : "smtp"
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)/\(heloDomain ?? "")"
    }

    /// `host:port`, the encryption and the user; never the password.
    public var description: String {
        var text = "\(host):\(port)"
        switch encryption {
        case .none: break
        case .startTLS: text += " (STARTTLS)"
        case .implicitTLS: text += " (SMTPS)"
        }
        if certificateVerification == .none { text += " (certificate not verified)" }
        if let user { text += " as \(user)" }
        return text
    }
}
