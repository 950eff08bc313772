import CGit2
import Foundation

/// A name, an email and a moment, as git records authors and committers.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// Offset from UTC in minutes (e.g. 60 for +0100).
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ raw: git_signature) {
        name = raw.name.map { String(cString: $0) } ?? ""
        email = raw.email.map { String(cString: $0) } ?? ""
        time = raw.when.time
        offsetMinutes = raw.when.offset
    }

    func makeHandle() throws(GitError) -> UnsafeMutablePointer<git_signature> {
        var out: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(&out, name, email, time, offsetMinutes),
            "making the signature \(name) <\(email)>")
        return out!
    }
}

/// Which identity git would use: the author of a change or its committer.
public enum IdentityRole: String, Sendable {
    case author, committer

    var environmentPrefix: String { "GIT_\(rawValue.uppercased())" }
}

extension Repository {
    /// The identity git would record for `role`, following git's precedence:
    /// `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`/`GIT_AUTHOR_DATE` (or the `COMMITTER` ones) from
    /// the environment, then `user.name`/`user.email` from the repository's configuration,
    /// and the current time. Throws `.identityUnset` when no name or email is configured.
    public func identity(
        for role: IdentityRole, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) throws(GitError) -> Signature {
        let config = try configurationSnapshot()
        let prefix = role.environmentPrefix
        let name = environment["\(prefix)_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? config.string("user.name")
        let email = environment["\(prefix)_EMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? config.string("user.email")
        guard let name, !name.isEmpty, let email, !email.isEmpty else {
            let missing = [name?.isEmpty == false ? nil : "user.name", email?.isEmpty == false ? nil : "user.email"]
                .compactMap { $0 }.joined(separator: " and ")
            throw GitError(
                code: .identityUnset,
                message: "\(missing) not set; run: git config --global user.name \"Your Name\" && git config --global user.email you@example.org",
                operation: "finding the \(role.rawValue) identity for \(displayPath)")
        }
        if let date = environment["\(prefix)_DATE"], !date.isEmpty {
            guard let parsed = GitDate(parsing: date) else {
                throw GitError(
                    code: .generic, message: "cannot parse \(prefix)_DATE '\(date)' (use '<unix seconds> <+hhmm>' or ISO 8601)",
                    operation: "finding the \(role.rawValue) identity")
            }
            return Signature(name: name, email: email, time: parsed.seconds, offsetMinutes: parsed.offsetMinutes)
        }
        let time = Int64(now.timeIntervalSince1970)
        return Signature(name: name, email: email, time: time, offsetMinutes: Self.localOffsetMinutes(at: time))
    }

    /// The local time zone's offset from UTC at `time`, in minutes, from the C library (`TZ`,
    /// else `/etc/localtime`), as git's `local_tzoffset` takes it. Foundation's
    /// `TimeZone.current` gives the same number after loading ICU's zone data, about a
    /// quarter of a millisecond and half a MiB of pages per run.
    static func localOffsetMinutes(at time: Int64) -> Int32 {
        var seconds = time_t(time)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else {
            return Int32(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time))) / 60)
        }
        return Int32(parts.tm_gmtoff / 60)
    }
}

/// The date formats kseries accepts where git accepts a date: `@1700000000 +0100`,
/// `1700000000 +0100`, and ISO 8601 (`2024-04-05T12:00:00+02:00`, `2024-04-05 12:00:00 +0200`).
struct GitDate {
    var seconds: Int64
    var offsetMinutes: Int32

    init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ")
        if let first = parts.first {
            let digits = first.hasPrefix("@") ? first.dropFirst() : first[...]
            if let seconds = Int64(digits) {
                self.seconds = seconds
                if parts.count >= 2 {
                    guard let offset = GitDate.offset(String(parts[1])) else { return nil }
                    self.offsetMinutes = offset
                } else {
                    self.offsetMinutes = 0
                }
                return
            }
        }
        let iso = ISO8601DateFormatter()
        var normalised = trimmed
        if parts.count == 3, let offset = GitDate.offset(String(parts[2])) {
            normalised = "\(parts[0])T\(parts[1])"
            iso.timeZone = TimeZone(secondsFromGMT: Int(offset) * 60)
            iso.formatOptions = [.withFullDate, .withFullTime, .withTimeZone]
            iso.formatOptions.remove(.withTimeZone)
            guard let date = iso.date(from: normalised) else { return nil }
            self.seconds = Int64(date.timeIntervalSince1970)
            self.offsetMinutes = offset
            return
        }
        guard let date = iso.date(from: normalised) else { return nil }
        self.seconds = Int64(date.timeIntervalSince1970)
        if let signIndex = normalised.lastIndex(where: { $0 == "+" || $0 == "-" }),
            normalised.distance(from: signIndex, to: normalised.endIndex) == 6,
            let offset = GitDate.offset(normalised[signIndex...].replacingOccurrences(of: ":", with: ""))
        {
            self.offsetMinutes = offset
        } else {
            self.offsetMinutes = 0
        }
    }

    /// `+0130` → 90, `-0800` → -480.
    static func offset(_ text: String) -> Int32? {
        let chars = Array(text)
        guard chars.count == 5, chars[0] == "+" || chars[0] == "-",
            let hours = Int32(String(chars[1...2])), let minutes = Int32(String(chars[3...4]))
        else { return nil }
        let value = hours * 60 + minutes
        return chars[0] == "-" ? -value : value
    }
}
