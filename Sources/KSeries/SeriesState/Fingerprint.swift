/// Short, stable digests of text for the state (FNV-1a, 64 bits, as 16 hex digits): equal
/// inputs give equal fingerprints on every machine. Not for security.
enum Fingerprint {
    static func hex(_ parts: [String]) -> String {
        hex(bytes: parts.flatMap { Array($0.utf8) + [0] })
    }

    static func hex(bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
