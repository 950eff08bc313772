/// A commit message split as git splits it for a mail: the title is the first paragraph
/// joined into one line, the body is the rest with trailing whitespace stripped from each
/// line and leading and trailing blank lines dropped (`format_subject`, `pp_remainder`).
public struct CommitMessage: Sendable, Equatable {
    /// The first paragraph on one line, lines joined with a space.
    public var title: [UInt8]
    /// The body, every line ending in `\n`; empty when the message has only a title.
    public var body: [UInt8]
    /// The first line of the title only, which git sanitizes into the file name (`%f`).
    public var firstLine: [UInt8]

    public init(_ raw: [UInt8]) {
        // git reads the message as a C string.
        let text = Array(raw.prefix { $0 != 0 })
        let lines = ByteText.lines(text)
        var index = 0
        while index < lines.count, ByteText.trimmingTrailingSpace(lines[index]).isEmpty { index += 1 }
        firstLine = index < lines.count ? Array(lines[index].prefix { $0 != ByteText.newline }) : []

        var title: [UInt8] = []
        var first = true
        while index < lines.count {
            let line = ByteText.trimmingTrailingSpace(lines[index])
            index += 1
            if line.isEmpty { break }
            if !first { title.append(ByteText.space) }
            title += line
            first = false
        }
        self.title = title

        var body: [UInt8] = []
        var seenText = false
        while index < lines.count {
            let line = ByteText.trimmingTrailingSpace(lines[index])
            index += 1
            if line.isEmpty && !seenText { continue }
            seenText = true
            body += line
            body.append(ByteText.newline)
        }
        // strbuf_rtrim then one newline: trailing blank lines go.
        while let last = body.last, ByteText.isSpace(last) { body.removeLast() }
        if !body.isEmpty { body.append(ByteText.newline) }
        self.body = body
    }
}
