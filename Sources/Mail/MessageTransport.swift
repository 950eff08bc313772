import CCurl
import Foundation

/// Something that hands one prepared message to a mail system.
public protocol MessageTransport: AnyObject {
    /// Delivers `message` (its envelope and bytes, nothing else); returns what the mail system
    /// said on success (an SMTP server's final reply, such as `250 2.0.0 Ok: queued as 4Xyz`).
    /// Throws a `MailError` naming the message.
    func deliver(_ message: PreparedMessage) throws(MailError) -> String?
}

/// Process-wide set-up the transports need, done once.
enum MailRuntime {
    private static let curlInitialized: Bool = {
        kseries_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    private static let brokenPipesIgnored: Bool = {
        // A server or command that goes away mid-write must give us EPIPE, not kill us.
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    static func initializeCurl() -> Bool {
        _ = brokenPipesIgnored
        return curlInitialized
    }

    static func ignoreBrokenPipes() { _ = brokenPipesIgnored }
}
