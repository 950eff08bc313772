/// Path quoting as git does it with the default `core.quotePath=true` (`quote_c_style`):
/// a path with a control character, `"`, `\`, DEL or any byte above 0x7F is written in
/// double quotes with C escapes (`\t`, `\n`, `\"`, `\\`) and octal for the rest (`\303\274`).
public enum GitPathQuoting {
    /// The path as git prints it in diffstat, summary and header lines.
    public static func quoted(_ path: [UInt8]) -> [UInt8] {
        guard needsQuoting(path) else { return path }
        return [UInt8(ascii: "\"")] + escaped(path) + [UInt8(ascii: "\"")]
    }

    /// A prefix and a path quoted together, as in `diff --git "a/sp ace/\303\274"` (`quote_two`).
    public static func quoted(prefix: [UInt8], path: [UInt8]) -> [UInt8] {
        guard needsQuoting(prefix) || needsQuoting(path) else { return prefix + path }
        return [UInt8(ascii: "\"")] + escaped(prefix) + escaped(path) + [UInt8(ascii: "\"")]
    }

    static func needsQuoting(_ path: [UInt8]) -> Bool { path.contains(where: mustQuote) }

    private static func mustQuote(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte >= 0x7F
    }

    private static func escaped(_ path: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(path.count + 8)
        for byte in path {
            guard mustQuote(byte) else {
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x07: out.append(UInt8(ascii: "a"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0B: out.append(UInt8(ascii: "v"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            default:
                out.append(UInt8(ascii: "0") + (byte >> 6) & 0x03)
                out.append(UInt8(ascii: "0") + (byte >> 3) & 0x07)
                out.append(UInt8(ascii: "0") + byte & 0x07)
            }
        }
        return out
    }
}
