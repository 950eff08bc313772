/// Byte constants and classes used while scanning C source.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let verticalTab: UInt8 = 0x0B
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let doubleQuote: UInt8 = 0x22  // "
    static let hash: UInt8 = 0x23  // #
    static let singleQuote: UInt8 = 0x27  // '
    static let star: UInt8 = 0x2A  // *
    static let plus: UInt8 = 0x2B  // +
    static let minus: UInt8 = 0x2D  // -
    static let dot: UInt8 = 0x2E  // .
    static let slash: UInt8 = 0x2F  // /
    static let backslash: UInt8 = 0x5C  // \
    static let underscore: UInt8 = 0x5F  // _
    static let dollar: UInt8 = 0x24  // $

    /// Blanks that separate tokens on a line (the newline is handled on its own).
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == formFeed || byte == verticalTab
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == newline
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// Bytes that may start an identifier: letters, `_`, `$` (a GCC extension) and
    /// any non-ASCII byte, so that UTF-8 sequences stay inside one token.
    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        isLetter(byte) || byte == underscore || byte == dollar || byte >= 0x80
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    /// Class bits of `classes`.
    static let blankClass: UInt8 = 1
    static let identifierStartClass: UInt8 = 2
    static let identifierContinueClass: UInt8 = 2 | 4

    /// For every byte, its class bits: `blankClass`, `identifierStartClass`, and 4 for digits;
    /// a table look-up is much cheaper than the predicates in debug builds.
    static let classes: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        return (isBlank(byte) ? blankClass : 0) | (isIdentifierStart(byte) ? identifierStartClass : 0)
            | (isDigit(byte) ? 4 : 0)
    }
}
