import Foundation

extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when the text starts and ends
    /// (spaces and tabs aside) in ASCII, as commit messages and trailers almost always do:
    /// Foundation's trimming bridges every line through `NSString`. Any other space it
    /// trims (U+00A0, U+3000, …) is not ASCII, so those lines still go to Foundation.
    func trimmingWhitespace() -> String {
        let text = Substring(self)
        let bytes = text.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isBlank($0) })!
        guard bytes[first] < 0x80, bytes[last] < 0x80 else { return trimmingCharacters(in: .whitespaces) }
        return String(text[first...last])
    }
}
