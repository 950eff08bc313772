import Series

/// Edits a finished mail at the places git adds to it.
struct MailEdit {
    private(set) var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Where the blank line after the headers is.
    private var headerEnd: Int {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A && bytes[index + 1] == 0x0A { return index + 1 }
            index += 1
        }
        return bytes.count
    }

    /// Whether the header block already has git's MIME headers.
    var hasEightBitHeaders: Bool {
        let marker = Array("\nMIME-Version: 1.0\n".utf8)
        let headers = bytes[..<headerEnd]
        guard headers.count >= marker.count else { return false }
        for start in headers.startIndex...(headers.endIndex - marker.count)
        where headers[start..<start + marker.count].elementsEqual(marker) {
            return true
        }
        return false
    }

    /// Adds header lines after the last header.
    mutating func insertHeaders(_ headers: [UInt8]) {
        guard !headers.isEmpty else { return }
        bytes.insert(contentsOf: headers, at: headerEnd)
    }

    /// Drops the whitespace at the end of the header block (`strbuf_rtrim` on a mail
    /// without text).
    mutating func trimHeaderEnd() {
        let blank = headerEnd
        guard blank < bytes.count else { return }
        var end = blank
        while end > 0 && (bytes[end - 1] == 0x20 || (bytes[end - 1] >= 0x09 && bytes[end - 1] <= 0x0D)) { end -= 1 }
        bytes.replaceSubrange(end..<blank, with: [0x0A])
    }

    /// Adds text after the body, whose length the caller knows.
    mutating func appendToBody(_ text: [UInt8], bodyLength: Int) {
        guard !text.isEmpty else { return }
        bytes.insert(contentsOf: text, at: min(headerEnd + 1 + bodyLength, bytes.count))
    }

    /// Adds text before the `-- \n<signature>\n\n` that ends the mail.
    mutating func insertBeforeSignature(_ text: [UInt8], signature: String?) {
        let block = MailSignature.rendered(signature)
        let position = bytes.count >= block.count && bytes.suffix(block.count).elementsEqual(block)
            ? bytes.count - block.count : bytes.count
        bytes.insert(contentsOf: text, at: position)
    }
}
