/// git's binary delta encoder (`diff_delta` in diff-delta.c): a Rabin-fingerprint index of
/// the source in 16-byte blocks, then copy and insert opcodes for the target. It is
/// reproduced step by step because `git diff --binary` writes its exact output.
enum GitDeltaEncoder {
    private static let hashLimit = 64
    private static let rabinShift: UInt32 = 23
    private static let rabinWindow = 16
    private static let maxOperationSize = 5 + 5 + 1 + rabinWindow + 7

    /// The Rabin polynomial of diff-delta.c (degree 31).
    private static let polynomial: UInt64 = 0xAB59_B4D1

    private static func polynomialModulo(_ value: UInt64) -> UInt64 {
        var remainder = value
        var bit = 63
        while bit >= 31 {
            if remainder >> UInt64(bit) & 1 == 1 { remainder ^= polynomial << UInt64(bit - 31) }
            bit -= 1
        }
        return remainder
    }

    /// T[i]: shifting byte i out of the top of the fingerprint.
    private static let pushTable: [UInt32] = (0..<256).map { index in
        let shifted = UInt64(index) << 31
        return UInt32(truncatingIfNeeded: polynomialModulo(shifted) ^ (shifted & 0xFFFF_FFFF))
    }

    /// U[i]: removing byte i when it leaves the 16-byte window.
    private static let popTable: [UInt32] = (0..<256).map { index in
        // index · x^(8·15) mod P, one byte shift at a time to stay within 64 bits.
        var value = UInt64(index)
        for _ in 0..<(rabinWindow - 1) { value = polynomialModulo(value << 8) }
        return UInt32(truncatingIfNeeded: value)
    }

    private static func push(_ value: UInt32, _ byte: UInt8) -> UInt32 {
        ((value << 8) | UInt32(byte)) ^ pushTable[Int(value >> rabinShift)]
    }

    private struct Index {
        var hashMask: Int
        /// Bucket i holds entries[bucketStart[i]..<bucketStart[i + 1]].
        var bucketStart: [Int]
        var entries: [(position: Int, value: UInt32)]
    }

    /// The delta turning `source` into `target`, or nil when either is empty or the delta
    /// would be larger than `maxSize` (0 for no limit).
    static func delta(from source: [UInt8], to target: [UInt8], maxSize: Int) -> [UInt8]? {
        guard !source.isEmpty, !target.isEmpty else { return nil }
        return createDelta(index: createIndex(source), source: source, target: target, maxSize: maxSize)
    }

    private static func createIndex(_ buffer: [UInt8]) -> Index {
        var entryCount = (buffer.count - 1) / rabinWindow
        var hashSize = entryCount / 4
        var shift = 4
        while (1 << shift) < hashSize { shift += 1 }
        hashSize = 1 << shift
        let hashMask = hashSize - 1

        // Linked lists as arrays: head per bucket, next per entry.
        var heads = [Int](repeating: -1, count: hashSize)
        var next: [Int] = []
        var entries: [(position: Int, value: UInt32)] = []
        var counts = [Int](repeating: 0, count: hashSize)
        var previousValue = UInt32.max
        var data = entryCount * rabinWindow - rabinWindow
        while data >= 0 {
            var value: UInt32 = 0
            for offset in 1...rabinWindow { value = push(value, buffer[data + offset]) }
            if value == previousValue {
                // Keep the lowest of consecutive identical blocks.
                entries[entries.count - 1].position = data + rabinWindow
                entryCount -= 1
            } else {
                previousValue = value
                let bucket = Int(value) & hashMask
                entries.append((data + rabinWindow, value))
                next.append(heads[bucket])
                heads[bucket] = entries.count - 1
                counts[bucket] += 1
            }
            data -= rabinWindow
        }

        // Cull overfull buckets uniformly down to hashLimit entries.
        for bucket in 0..<hashSize where counts[bucket] > hashLimit {
            var entry = heads[bucket]
            var accumulator = 0
            repeat {
                accumulator += counts[bucket] - hashLimit
                if accumulator > 0 {
                    let keep = entry
                    repeat {
                        entry = next[entry]
                        accumulator -= hashLimit
                    } while accumulator > 0
                    next[keep] = next[entry]
                }
                entry = next[entry]
            } while entry != -1
        }

        var packed: [(position: Int, value: UInt32)] = []
        var bucketStart = [Int](repeating: 0, count: hashSize + 1)
        for bucket in 0..<hashSize {
            bucketStart[bucket] = packed.count
            var entry = heads[bucket]
            while entry != -1 {
                packed.append(entries[entry])
                entry = next[entry]
            }
        }
        bucketStart[hashSize] = packed.count
        return Index(hashMask: hashMask, bucketStart: bucketStart, entries: packed)
    }

    private static func createDelta(index: Index, source: [UInt8], target: [UInt8], maxSize: Int) -> [UInt8]? {
        var outputSize = 8192
        if maxSize != 0 && outputSize >= maxSize { outputSize = maxSize + maxOperationSize + 1 }
        var out: [UInt8] = []
        out.reserveCapacity(outputSize)
        // `out` grows like git's buffer; `position` is git's outpos (a slot may be reserved
        // before it is written).
        func set(_ at: Int, _ byte: UInt8) {
            while out.count <= at { out.append(0) }
            out[at] = byte
        }
        var position = 0
        for size in [source.count, target.count] {
            var rest = size
            while rest >= 0x80 {
                set(position, UInt8(truncatingIfNeeded: rest) | 0x80)
                position += 1
                rest >>= 7
            }
            set(position, UInt8(rest))
            position += 1
        }

        var data = 0
        let top = target.count
        position += 1
        var value: UInt32 = 0
        var insertCount = 0
        while insertCount < rabinWindow && data < top {
            set(position, target[data])
            position += 1
            value = push(value, target[data])
            insertCount += 1
            data += 1
        }

        var matchOffset = 0
        var matchSize = 0
        while data < top {
            if matchSize < 4096 {
                value ^= popTable[Int(target[data - rabinWindow])]
                value = push(value, target[data])
                let bucket = Int(value) & index.hashMask
                var entryIndex = index.bucketStart[bucket]
                while entryIndex < index.bucketStart[bucket + 1] {
                    let entry = index.entries[entryIndex]
                    entryIndex += 1
                    if entry.value != value { continue }
                    var referenceSize = source.count - entry.position
                    if referenceSize > top - data { referenceSize = top - data }
                    if referenceSize <= matchSize { break }
                    var reference = entry.position
                    var scan = data
                    while referenceSize > 0 {
                        referenceSize -= 1
                        let equal = target[scan] == source[reference]
                        scan += 1
                        if !equal { break }
                        reference += 1
                    }
                    if matchSize < reference - entry.position {
                        matchSize = reference - entry.position
                        matchOffset = entry.position
                        if matchSize >= 4096 { break }
                    }
                }
            }

            if matchSize < 4 {
                if insertCount == 0 { position += 1 }
                set(position, target[data])
                position += 1
                data += 1
                insertCount += 1
                if insertCount == 0x7F {
                    set(position - insertCount - 1, UInt8(insertCount))
                    insertCount = 0
                }
                matchSize = 0
            } else {
                if insertCount != 0 {
                    while matchOffset != 0 && source[matchOffset - 1] == target[data - 1] {
                        // Match one byte back.
                        matchSize += 1
                        matchOffset -= 1
                        data -= 1
                        position -= 1
                        insertCount -= 1
                        if insertCount != 0 { continue }
                        position -= 1  // remove the count slot
                        insertCount -= 1  // make it -1
                        break
                    }
                    set(position - insertCount - 1, UInt8(truncatingIfNeeded: insertCount))
                    insertCount = 0
                }

                // A copy is limited to 64 KiB.
                let left = matchSize < 0x10000 ? 0 : matchSize - 0x10000
                matchSize -= left
                let operation = position
                position += 1
                var code: UInt8 = 0x80
                for (byteIndex, flag) in [(0, UInt8(0x01)), (1, 0x02), (2, 0x04), (3, 0x08)]
                where (matchOffset >> (8 * byteIndex)) & 0xFF != 0 {
                    set(position, UInt8((matchOffset >> (8 * byteIndex)) & 0xFF))
                    position += 1
                    code |= flag
                }
                for (byteIndex, flag) in [(0, UInt8(0x10)), (1, 0x20)] where (matchSize >> (8 * byteIndex)) & 0xFF != 0 {
                    set(position, UInt8((matchSize >> (8 * byteIndex)) & 0xFF))
                    position += 1
                    code |= flag
                }
                set(operation, code)

                data += matchSize
                matchOffset += matchSize
                matchSize = left
                if matchOffset > 0xFFFF_FFFF { matchSize = 0 }
                if matchSize < 4096 {
                    value = 0
                    for offset in -rabinWindow..<0 { value = push(value, target[data + offset]) }
                }
            }

            if position >= outputSize - maxOperationSize {
                outputSize = outputSize * 3 / 2
                if maxSize != 0 && outputSize >= maxSize { outputSize = maxSize + maxOperationSize + 1 }
                if maxSize != 0 && position > maxSize { break }
            }
        }
        if insertCount != 0 { set(position - insertCount - 1, UInt8(insertCount)) }
        if maxSize != 0 && position > maxSize { return nil }
        while out.count < position { out.append(0) }
        return Array(out.prefix(position))
    }
}
