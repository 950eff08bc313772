import Foundation

/// What the tests that run the `kseries` binary may fix through the environment. Compiled into
/// debug builds only (what `swift test` runs): a release build reads none of it.
enum TestEnvironment {
    /// `KSERIES_SEND_DATE=<unix seconds>`: the first message's `Date:` in `send`, so a dry run
    /// and the real send match byte for byte.
    static var sendDate: Date? {
        #if DEBUG
        ProcessInfo.processInfo.environment["KSERIES_SEND_DATE"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        #else
        nil
        #endif
    }
}
