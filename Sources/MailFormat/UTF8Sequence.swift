/// One UTF-8 sequence read as git's `utf8.c` reads it (`pick_one_utf8_char`): overlong forms,
/// surrogates, U+FFFE/U+FFFF and code points past U+10FFFF are invalid.
public enum UTF8Sequence {
    /// The code point at `index` and its length in bytes; nil for an invalid or cut sequence.
    /// `end` bounds the read (default: the whole array).
    public static func decode(_ bytes: [UInt8], at index: Int, end: Int? = nil) -> (scalar: UInt32, length: Int)? {
        let remainder = (end ?? bytes.count) - index
        guard remainder >= 1 else { return nil }
        let s0 = bytes[index]
        func continuation(_ offset: Int) -> Bool { bytes[index + offset] & 0xC0 == 0x80 }
        if s0 < 0x80 {
            return (UInt32(s0), 1)
        } else if s0 & 0xE0 == 0xC0 {
            guard remainder >= 2, continuation(1), s0 & 0xFE != 0xC0 else { return nil }
            return (UInt32(s0 & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
        } else if s0 & 0xF0 == 0xE0 {
            guard remainder >= 3, continuation(1), continuation(2) else { return nil }
            let s1 = bytes[index + 1], s2 = bytes[index + 2]
            if s0 == 0xE0 && s1 & 0xE0 == 0x80 { return nil }
            if s0 == 0xED && s1 & 0xE0 == 0xA0 { return nil }
            if s0 == 0xEF && s1 == 0xBF && s2 & 0xFE == 0xBE { return nil }
            return (UInt32(s0 & 0x0F) << 12 | UInt32(s1 & 0x3F) << 6 | UInt32(s2 & 0x3F), 3)
        } else if s0 & 0xF8 == 0xF0 {
            guard remainder >= 4, continuation(1), continuation(2), continuation(3) else { return nil }
            let s1 = bytes[index + 1]
            if s0 == 0xF0 && s1 & 0xF0 == 0x80 { return nil }
            if (s0 == 0xF4 && s1 > 0x8F) || s0 > 0xF4 { return nil }
            let value = UInt32(s0 & 0x07) << 18 | UInt32(s1 & 0x3F) << 12
                | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
            return (value, 4)
        }
        return nil
    }
}
