import Foundation

/// Refuses YAML nested deeper than a policy ever needs, before Yams composes it: Yams builds
/// its node tree recursively, so two thousand `{` (or `[`, or `- ` on one line, or an
/// indentation staircase) overflow the stack and kill the process (found by `FuzzPolicy`).
/// The bound is conservative: it over-counts, never under-counts, the nesting of YAML
/// collections, and it skips the content of block scalars (`|`, `>`), where inserted C code
/// has braces of its own.
enum NestingLimit {
    /// Flow collections (`{`, `[`) open at once, and `- `/`? ` indicators starting one line.
    static let flowDepth = 64
    /// Columns of indentation of a line outside block scalars.
    static let indentation = 512

    static func check(_ text: String, path: String) throws(PolicyError) {
        func tooDeep(line: Int) -> PolicyError {
            PolicyError(path: path, line: line, message: "nests collections more than \(flowDepth) deep, deeper than a policy ever does")
        }
        var flow = 0
        var blockScalarIndent: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            if let scalarIndent = blockScalarIndent {
                if isBlank || indent > scalarIndent { continue }
                blockScalarIndent = nil
            }
            if indent > indentation {
                throw PolicyError(path: path, line: index + 1, message: "indented \(indent) columns: deeper than a policy nests (at most \(indentation))")
            }
            var at = indent
            var indicators = 0
            while at + 1 < bytes.count, bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "?"),
                bytes[at + 1] == UInt8(ascii: " ")
            {
                indicators += 1
                at += 2
                while at < bytes.count, bytes[at] == UInt8(ascii: " ") { at += 1 }
            }
            var quote: UInt8?
            var last: UInt8 = UInt8(ascii: " ")
            var valueStart = true
            while at < bytes.count {
                let byte = bytes[at]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    quote = byte
                } else if byte == UInt8(ascii: "#"), last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                    break
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    // A flow collection opens where a value starts, or anywhere inside one;
                    // elsewhere (`after: if (x) {`) it is a character of a plain scalar.
                    if flow > 0 || valueStart { flow += 1 }
                    if flow + indicators > flowDepth { throw tooDeep(line: index + 1) }
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    flow = max(0, flow - 1)
                }
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                    valueStart = byte == UInt8(ascii: ":") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "{")
                        || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "?")
                }
                last = byte
                at += 1
            }
            if flow + indicators > flowDepth { throw tooDeep(line: index + 1) }
            if flow == 0, Self.startsBlockScalar(bytes) { blockScalarIndent = indent }
        }
    }

    /// A line whose value is a block scalar header (`key: |`, `- >-`, `insert: |+2 # comment`).
    static func startsBlockScalar(_ bytes: [UInt8]) -> Bool {
        // Most lines have neither indicator: no need to decode them.
        guard bytes.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: ">") }) else { return false }
        return bytes.allSatisfy({ $0 < 0x80 }) ? asciiStartsBlockScalar(bytes) : decodedStartsBlockScalar(bytes)
    }

    /// `startsBlockScalar` on the line as text (any line; the only way for one that is not ASCII).
    static func decodedStartsBlockScalar(_ bytes: [UInt8]) -> Bool {
        var text = String(decoding: bytes, as: UTF8.self)
        if let comment = text.range(of: " #") { text = String(text[..<comment.lowerBound]) }
        text = text.trimmingCharacters(in: .whitespaces)
        guard let last = text.split(separator: " ").last, let first = last.first, first == "|" || first == ">" else { return false }
        return last.dropFirst().allSatisfy { "+-0123456789".contains($0) }
    }

    /// `startsBlockScalar` for an ASCII line, on its bytes: the last space-separated word
    /// before any ` #` comment, spaces and tabs trimmed, is `|` or `>` and indicators.
    static func asciiStartsBlockScalar(_ bytes: [UInt8]) -> Bool {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var end = bytes.count
        if bytes.count >= 2, let comment = (0..<(bytes.count - 1)).first(where: { bytes[$0] == UInt8(ascii: " ") && bytes[$0 + 1] == UInt8(ascii: "#") }) {
            end = comment
        }
        while end > 0, isBlank(bytes[end - 1]) { end -= 1 }
        var lead = 0
        while lead < end, isBlank(bytes[lead]) { lead += 1 }
        var start = end
        while start > lead, bytes[start - 1] != UInt8(ascii: " ") { start -= 1 }
        guard start < end, bytes[start] == UInt8(ascii: "|") || bytes[start] == UInt8(ascii: ">") else { return false }
        return bytes[(start + 1)..<end].allSatisfy {
            $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}
