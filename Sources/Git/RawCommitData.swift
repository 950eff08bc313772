import CGit2
import Foundation

/// An author or committer exactly as a commit stores it: bytes, not text, because git keeps
/// whatever it was given (UTF-8 usually, Latin-1 or anything else sometimes).
public struct RawIdentity: Sendable, Equatable {
    public var name: [UInt8]
    public var email: [UInt8]
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int

    public init(name: [UInt8], email: [UInt8], time: Int64, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: UnsafePointer<git_signature>) {
        let raw = signature.pointee
        name = raw.name.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        email = raw.email.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        time = raw.when.time
        offsetMinutes = Int(raw.when.offset)
    }
}

extension Commit {
    /// The author's name and email as stored, without decoding.
    public var rawAuthor: RawIdentity { RawIdentity(git_commit_author(handle)) }

    /// The committer's name and email as stored, without decoding.
    public var rawCommitter: RawIdentity { RawIdentity(git_commit_committer(handle)) }

    /// The `encoding` header (`i18n.commitEncoding` when the commit was made), nil when absent
    /// (the message is then UTF-8 by convention).
    public var messageEncoding: String? { git_commit_message_encoding(handle).map { String(cString: $0) } }

    /// The header lines (tree, parents, author, committer, encoding, …) as stored.
    public var rawHeader: [UInt8] {
        guard let raw = git_commit_raw_header(handle) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
    }
}
