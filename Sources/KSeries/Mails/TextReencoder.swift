import Foundation
import Git

/// Converts text between encodings with iconv, as git's `reencode_string` does.
enum TextReencoder {
    static func isUTF8(_ encoding: String) -> Bool {
        let lowered = encoding.lowercased()
        return lowered == "utf-8" || lowered == "utf8"
    }

    static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        String(validating: Array(bytes), as: UTF8.self) != nil
    }

    /// Every text converted from `encoding` to UTF-8, or nil when iconv does not know the
    /// encoding or any text does not convert (git then keeps the commit's bytes as they are).
    static func toUTF8(_ texts: [[UInt8]], from encoding: String) -> [[UInt8]]? {
        var converter = iconv_open("UTF-8", encoding)
        if converter == iconv_t(bitPattern: -1) {
            // git's `fallback_encoding`.
            let fallback = encoding.lowercased() == "latin-1" ? "ISO-8859-1" : encoding
            converter = iconv_open("UTF-8", fallback)
        }
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var results: [[UInt8]] = []
        for text in texts {
            guard let converted = convert(text, with: converter) else { return nil }
            results.append(converted)
        }
        return results
    }

    private static func convert(_ text: [UInt8], with converter: iconv_t?) -> [UInt8]? {
        if text.isEmpty { return [] }
        var input = text.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: text.count * 4 + 16)
        let outputCount = output.count
        let result: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                iconv(converter, nil, nil, nil, nil)
                let status = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard status != -1, inLeft == 0 else { return -1 }
                _ = iconv(converter, nil, nil, &outPointer, &outLeft)
                return outputCount - outLeft
            }
        }
        guard result >= 0 else { return nil }
        return output.prefix(result).map { UInt8(bitPattern: $0) }
    }
}
