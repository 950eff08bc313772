import CSource
import Git
import Policy
import RangeDiff
import Series

/// Trailer lines in commit messages and mails.
enum TrailerText {
    /// `Token: value` with a token of letters, digits and dashes, as git's trailer rules see one.
    static func isTrailer(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return false }
        let token = line[..<colon]
        return token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && line[line.index(after: colon)...].first == " "
    }

    /// A reviewer's trailer (`Reviewed-by: Jane Doe <jane@example.org>`) in a line of a reply,
    /// normalised to the canonical token spelling; nil for other lines.
    static func reviewTrailer(in line: String) -> String? {
        let trimmed = line.trimmingWhitespace()
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let token = trimmed[..<colon].lowercased()
        guard let canonical = PatchRecords.reviewTrailers.first(where: { $0.lowercased() == token }) else { return nil }
        let value = trimmed[trimmed.index(after: colon)...].trimmingWhitespace()
        // A person: a name and an address in angle brackets, as b4 requires.
        guard let open = value.firstIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close,
            value[open..<close].contains("@")
        else { return nil }
        return "\(canonical): \(value[...close])"
    }

    /// `message` with `trailers` appended to its trailer block (or in a new one), skipping
    /// those it already has.
    static func appending(_ trailers: [String], to message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingWhitespace().isEmpty { lines.removeLast() }
        let existing = Set(lines.map { $0.trimmingWhitespace().lowercased() })
        let missing = trailers.filter { !existing.contains($0.lowercased()) }
        guard !missing.isEmpty else { return message }
        if let last = lines.last, !isTrailer(last) || lines.count == 1 { lines.append("") }
        return (lines + missing).joined(separator: "\n") + "\n"
    }
}
