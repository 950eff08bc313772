/// The data of a `GIT binary patch` for one binary file, as `git diff --binary` writes it:
/// a forward hunk (old → new) and a reverse hunk (new → old), each zlib-deflated and written
/// in base85 lines.
///
/// `init(oldContent:newContent:)` computes it as git does (zlib level 1, git's delta
/// encoder, the smaller of literal and delta); the memberwise initializer takes payloads
/// made elsewhere (they apply with `git am` but are then not byte-identical to git's mail).
public struct BinaryFilePatch: Sendable, Equatable {
    /// How one side is encoded.
    public enum Method: Sendable, Equatable {
        /// The whole target blob (`literal <size>`).
        case literal
        /// A git delta against the source blob (`delta <size>`).
        case delta
    }

    /// One `literal`/`delta` block.
    public struct Hunk: Sendable, Equatable {
        public var method: Method
        /// Size of the data before deflating: the blob size for a literal, the delta size for a delta.
        public var inflatedSize: Int
        /// The zlib stream (header, deflate data, Adler-32).
        public var deflated: [UInt8]

        public init(method: Method, inflatedSize: Int, deflated: [UInt8]) {
            self.method = method
            self.inflatedSize = inflatedSize
            self.deflated = deflated
        }
    }

    /// Size of the old blob in bytes (0 when added): the diffstat prints `Bin old -> new bytes`.
    public var oldSize: Int
    /// Size of the new blob in bytes (0 when deleted).
    public var newSize: Int
    public var forward: Hunk
    public var reverse: Hunk

    public init(oldSize: Int, newSize: Int, forward: Hunk, reverse: Hunk) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.forward = forward
        self.reverse = reverse
    }

    /// The patch git writes for a binary file whose blobs are `oldContent` (empty when the
    /// file is added) and `newContent` (empty when deleted): `emit_binary_diff`.
    public init(oldContent: [UInt8], newContent: [UInt8]) {
        self.init(
            oldSize: oldContent.count, newSize: newContent.count,
            forward: BinaryFilePatch.hunk(from: oldContent, to: newContent),
            reverse: BinaryFilePatch.hunk(from: newContent, to: oldContent))
    }

    /// `emit_binary_diff_body`: a delta when its deflated form is smaller than the deflated
    /// literal, otherwise the literal.
    private static func hunk(from source: [UInt8], to target: [UInt8]) -> Hunk {
        let literal = ZlibDeflater.compress(target)
        if let delta = GitDeltaEncoder.delta(from: source, to: target, maxSize: literal.count) {
            let deflatedDelta = ZlibDeflater.compress(delta)
            if deflatedDelta.count < literal.count {
                return Hunk(method: .delta, inflatedSize: delta.count, deflated: deflatedDelta)
            }
        }
        return Hunk(method: .literal, inflatedSize: target.count, deflated: literal)
    }

    /// `GIT binary patch` and both hunks, each followed by a blank line.
    public var rendered: [UInt8] {
        Array("GIT binary patch\n".utf8) + BinaryFilePatch.render(forward) + BinaryFilePatch.render(reverse)
    }

    private static func render(_ hunk: Hunk) -> [UInt8] {
        let keyword = hunk.method == .literal ? "literal" : "delta"
        var out = Array("\(keyword) \(hunk.inflatedSize)\n".utf8)
        var offset = 0
        let data = hunk.deflated
        while offset < data.count {
            let count = min(52, data.count - offset)
            // Line length: A–Z for 1–26 bytes, a–z for 27–52.
            out.append(count <= 26 ? UInt8(count) + UInt8(ascii: "A") - 1 : UInt8(count - 26) + UInt8(ascii: "a") - 1)
            out += Base85.encode(data[offset..<offset + count])
            out.append(ByteText.newline)
            offset += count
        }
        out.append(ByteText.newline)
        return out
    }
}

/// git's base85 alphabet and encoding (`encode_85`): each group of up to four bytes, padded
/// with zeros, becomes five characters.
enum Base85 {
    static let alphabet = Array(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~".utf8)

    static func encode(_ data: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = data.startIndex
        while index < data.endIndex {
            var accumulator: UInt32 = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let byte = index < data.endIndex ? data[index] : 0
                accumulator |= UInt32(byte) << UInt32(shift)
                index += 1
            }
            var group = [UInt8](repeating: 0, count: 5)
            for position in stride(from: 4, through: 0, by: -1) {
                group[position] = alphabet[Int(accumulator % 85)]
                accumulator /= 85
            }
            out += group
        }
        return out
    }
}

