/// What happened to one message of a send.
public enum SendOutcome: Sendable, Equatable {
    /// Delivered now; the server's final reply when it gave one (`250 … queued as …`).
    case sent(reply: String?)
    /// Delivered by an earlier run, according to the send log: skipped.
    case alreadySent
    /// Not delivered: refused, or the connection failed or dropped (see the error, and its
    /// `mayHaveBeenDelivered`).
    case failed(MailError)
    /// Not tried, because an earlier message failed.
    case notAttempted
}

/// One message and its outcome.
public struct MessageResult: Sendable {
    public var message: PreparedMessage
    public var outcome: SendOutcome
}

/// The outcome of every message of a send, in order.
public struct SendReport: Sendable, CustomStringConvertible {
    public var results: [MessageResult]
    /// The send log could not be written after a delivered message: the send stopped there.
    public var logFailure: MailError?

    /// True when every message is delivered, now or before.
    public var isComplete: Bool {
        logFailure == nil
            && results.allSatisfy {
                switch $0.outcome {
                case .sent, .alreadySent: return true
                case .failed, .notAttempted: return false
                }
            }
    }

    /// One line per message: `sent`, `already sent`, `FAILED` (with why) or `not sent`.
    public var description: String {
        var lines: [String] = []
        for result in results {
            let name = "\(result.message.fileName) \"\(result.message.subject)\""
            switch result.outcome {
            case .sent(let reply): lines.append("sent          \(name)" + (reply.map { " (\($0))" } ?? ""))
            case .alreadySent: lines.append("already sent  \(name)")
            case .failed(let error):
                lines.append("FAILED        \(name): \(error.message)" + (error.reply.map { ": \($0)" } ?? ""))
            case .notAttempted: lines.append("not sent      \(name)")
            }
        }
        if let logFailure { lines.append("send log: \(logFailure.message)") }
        return lines.joined(separator: "\n")
    }
}

/// Sends a series in order through one transport, skipping what the send log says went out
/// already and recording each delivered message there at once. It stops at the first failure
/// (as git send-email does), so a thread never arrives with a hole in it; the report then says
/// which messages went and which did not, and a retry with the same log sends only the rest.
public enum SeriesSender {
    public static func send(
        _ messages: [PreparedMessage], through transport: any MessageTransport, log: SendLog? = nil,
        progress: (MessageResult) -> Void = { _ in }
    ) -> SendReport {
        var results: [MessageResult] = []
        var stopped = false
        var logFailure: MailError?
        for message in messages {
            let outcome: SendOutcome
            if stopped {
                outcome = .notAttempted
            } else if log?.contains(message.messageID) == true {
                outcome = .alreadySent
            } else {
                do {
                    let reply = try transport.deliver(message)
                    outcome = .sent(reply: reply)
                    do {
                        try log?.record(message, reply: reply)
                    } catch {
                        logFailure = error.about(message)
                        stopped = true
                    }
                } catch {
                    outcome = .failed(error)
                    stopped = true
                }
            }
            let result = MessageResult(message: message, outcome: outcome)
            results.append(result)
            progress(result)
        }
        return SendReport(results: results, logFailure: logFailure)
    }
}
