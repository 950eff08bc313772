/// `--signoff`: what git's `append_signoff` (with `APPEND_SIGNOFF_DEDUP`) adds to a mail's
/// body, `Signed-off-by: Name <email>`, with git's trailer-block rules (`trailer.c`).
///
/// git runs it on the formatted mail, whose first paragraph is the header block, so the
/// body's own first paragraph can already be a trailer block.
struct SignoffTrailer {
    /// `Signed-off-by: Name <email>\n`.
    let line: [UInt8]

    init(name: [UInt8], email: [UInt8]) {
        line = Array("Signed-off-by: ".utf8) + name + Array(" <".utf8) + email + Array(">\n".utf8)
    }

    /// The bytes to append after `body` (as `CommitMessage.body` gives it: empty, or lines
    /// ending in `\n` with no trailing blank line).
    func addition(toBody body: [UInt8]) -> [UInt8] {
        // The mail as git sees it: a header paragraph, a blank line, the body.
        let header = Array("Subject: x\n\n".utf8)
        let buffer = header + body
        switch footerState(buffer) {
        case .none:
            // `append_signoff`: a blank line unless the buffer already ends with one.
            let endsWithBlankLine = buffer.count >= 2 && buffer[buffer.count - 2] == 0x0A
            return (endsWithBlankLine ? [] : [0x0A]) + line
        case .trailers: return line
        case .hasSignoff, .endsWithSignoff: return []
        }
    }

    enum FooterState { case none, trailers, hasSignoff, endsWithSignoff }

    /// `has_conforming_footer`.
    func footerState(_ buffer: [UInt8]) -> FooterState {
        let end = buffer.count - TrailerRules.ignoredTail(buffer)
        let start = TrailerRules.trailerStart(buffer, length: end)
        guard start < end else { return .none }
        var trailers: [[UInt8]] = []
        var lastIsSeparated = false
        for lineBytes in TrailerRules.lines(buffer[start..<end]) {
            if lastIsSeparated, let first = lineBytes.first, TrailerRules.isSpace(first) {
                trailers[trailers.count - 1] += lineBytes
                continue
            }
            trailers.append(Array(lineBytes))
            lastIsSeparated = TrailerRules.separatorPosition(Array(lineBytes)) ?? 0 >= 1
        }
        var found = false
        var foundLast = false
        for (index, trailer) in trailers.enumerated() where trailer.starts(with: line) {
            found = true
            if index == trailers.count - 1 { foundLast = true }
        }
        return foundLast ? .endsWithSignoff : found ? .hasSignoff : .trailers
    }
}
