import Foundation

/// A sendmail-like command, called as git send-email calls it: with `-i` and the envelope
/// recipients as arguments (`-f <sender>` first when the envelope sender is explicit), and
/// the message, `\n` line ends, on its standard input.
public struct SendmailCommand: Sendable, Equatable, CustomStringConvertible {
    public enum Form: Sendable, Equatable {
        /// `--sendmail-cmd`/`sendemail.sendmailCmd`: shell text, run as
        /// `sh -c '<text> "$@"' - <arguments>`, so it may hold options, pipes and `~`.
        case shell(String)
        /// An absolute `sendemail.smtpServer`, or a sendmail found on the system: run as is.
        case program(String)
    }

    public var form: Form

    public init(_ form: Form) { self.form = form }

    /// The arguments after the command: `[-f sender] -i recipient…`.
    public func parameters(for envelope: Envelope) -> [String] {
        (envelope.senderIsExplicit ? ["-f", envelope.sender] : []) + ["-i"] + envelope.recipients
    }

    /// What is executed, `argv[0]` first.
    public func arguments(for envelope: Envelope) -> [String] {
        switch form {
        case .shell(let text): return ["/bin/sh", "-c", "\(text) \"$@\"", "-"] + parameters(for: envelope)
        case .program(let path): return [path] + parameters(for: envelope)
        }
    }

    /// As git send-email prints it: the command, then its parameters.
    public func commandLine(for envelope: Envelope) -> String {
        ([description] + parameters(for: envelope)).joined(separator: " ")
    }

    public var description: String {
        switch form {
        case .shell(let text): return text
        case .program(let path): return path
        }
    }
}

/// Delivers each message by running the sendmail command once per message.
public final class SendmailTransport: MessageTransport {
    public let command: SendmailCommand

    public init(_ command: SendmailCommand) {
        self.command = command
        MailRuntime.ignoreBrokenPipes()
    }

    /// Runs the command; a non-zero exit, or a signal, is `sendmailFailed` with its stderr.
    public func deliver(_ message: PreparedMessage) throws(MailError) -> String? {
        let arguments = command.arguments(for: message.envelope)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw MailError(.sendmailFailed, "cannot run \(arguments[0]): \(error.localizedDescription)").about(message)
        }
        let group = DispatchGroup()
        let bytes = message.bytes
        group.enter()
        DispatchQueue.global().async {
            // A command that exits without reading everything must not take us down: EPIPE
            // is ignored here and the exit status tells.
            try? input.fileHandleForWriting.write(contentsOf: bytes)
            try? input.fileHandleForWriting.close()
            group.leave()
        }
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let said = (String(decoding: errorData, as: UTF8.self) + String(decoding: outputData, as: UTF8.self))
            .trimmingSpaces()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            throw MailError(
                .sendmailFailed, "\(command.commandLine(for: message.envelope)) \(how)" + (said.isEmpty ? "" : ": \(said)")
            ).about(message)
        }
        return said.isEmpty ? nil : said
    }
}
