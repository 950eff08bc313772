import Git

/// Who wrote or sent something, and when: the `name <email> seconds ±hhmm` of a git
/// author or committer line.
public struct PatchIdentity: Sendable, Equatable {
    /// The name bytes, as stored in the commit (usually UTF-8).
    public var name: [UInt8]
    /// The email address bytes, without angle brackets.
    public var email: [UInt8]
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// Offset from UTC in minutes, e.g. 60 for `+0100`, -330 for `-0530`.
    public var timezoneOffsetMinutes: Int

    public init(name: [UInt8], email: [UInt8], time: Int64, timezoneOffsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.timezoneOffsetMinutes = timezoneOffsetMinutes
    }

    public init(name: String, email: String, time: Int64, timezoneOffsetMinutes: Int) {
        self.init(name: Array(name.utf8), email: Array(email.utf8), time: time,
                  timezoneOffsetMinutes: timezoneOffsetMinutes)
    }
}
