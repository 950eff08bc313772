import CGit2
import Foundation

/// git's rename detection rules for libgit2's `git_diff_find_similar`: renames only, git's
/// limit, and git's similarity score (`estimate_similarity`, `diffcore_count_changes`) in
/// place of libgit2's sampled hash signature, so `similarity index` lines and the choice of
/// renames at the 50% threshold are git's.
///
/// libgit2 still pairs sources with targets itself; with several candidates of equal score
/// its choice can differ from git's (which sorts all pairs by score, then prefers the same
/// basename). libgit2 never renames a symbolic link, which git does when it is unchanged.
enum GitRenameRules {
    /// Sets up find options as git's `diff -M` with `diff.renames` at its default, for `diff`.
    ///
    /// git's `diff.renameLimit` (1000) bounds the whole matrix: with more added × deleted
    /// files than 1000², git looks for exact renames only (and warns). libgit2's `rename_limit`
    /// only caps the sources tried per target, so a release-to-release commit (12,000 files
    /// added and as many deleted) compared 12 million pairs, minutes of work, to a result git
    /// does not give. (git counts after pairing exact renames; near the limit the two can
    /// still differ.)
    static func configure(_ options: inout git_diff_find_options, for diff: OpaquePointer) {
        options.flags = GIT_DIFF_FIND_RENAMES.rawValue
        options.rename_threshold = 50
        options.rename_limit = renameLimit
        options.metric = metric
        var added = 0
        var deleted = 0
        for index in 0..<git_diff_num_deltas(diff) {
            switch git_diff_get_delta(diff, index)?.pointee.status {
            case GIT_DELTA_ADDED: added += 1
            case GIT_DELTA_DELETED: deleted += 1
            default: break
            }
        }
        if added * deleted > renameLimit * renameLimit {
            options.flags |= GIT_DIFF_FIND_EXACT_MATCH_ONLY.rawValue
        }
    }

    /// git's default `diff.renameLimit`.
    static let renameLimit = 1000

    /// git's `MAX_SCORE` and the default minimum score (`-M50%`).
    static let maxScore = 60_000
    static let minimumScore = 30_000

    /// libgit2 keeps the pointer for the whole `git_diff_find_similar` call.
    nonisolated(unsafe) static let metric: UnsafeMutablePointer<git_diff_similarity_metric> = {
        let pointer = UnsafeMutablePointer<git_diff_similarity_metric>.allocate(capacity: 1)
        pointer.initialize(to: git_diff_similarity_metric(
            file_signature: { out, file, path, _ in
                guard let out, let file, let path,
                    let data = FileManager.default.contents(atPath: String(cString: path))
                else { return -1 }
                let bytes = [UInt8](data)
                out.pointee = bytes.withUnsafeBufferPointer {
                    GitRenameRules.retainedSignature($0, mode: file.pointee.mode)
                }
                return 0
            },
            buffer_signature: { out, file, buffer, length, _ in
                guard let out, let file else { return -1 }
                let bytes = UnsafeBufferPointer(
                    start: UnsafeRawPointer(buffer)?.assumingMemoryBound(to: UInt8.self), count: buffer == nil ? 0 : length)
                out.pointee = GitRenameRules.retainedSignature(bytes, mode: file.pointee.mode)
                return 0
            },
            free_signature: { signature, _ in
                guard let signature else { return }
                Unmanaged<SpanSignature>.fromOpaque(signature).release()
            },
            similarity: { score, a, b, _ in
                guard let score, let a, let b else { return -1 }
                score.pointee = Int32(GitRenameRules.similarity(
                    source: Unmanaged<SpanSignature>.fromOpaque(a).takeUnretainedValue(),
                    destination: Unmanaged<SpanSignature>.fromOpaque(b).takeUnretainedValue()))
                return 0
            },
            payload: nil))
        return pointer
    }()

    private static func retainedSignature(_ bytes: UnsafeBufferPointer<UInt8>, mode: UInt16) -> UnsafeMutableRawPointer {
        let isRegular = UInt32(mode) & 0o170000 == 0o100000
        return Unmanaged.passRetained(SpanSignature(bytes, isRegular: isRegular)).toOpaque()
    }

    /// `estimate_similarity` as a percentage (`similarity_index`): 0 below git's size check.
    static func similarity(source: SpanSignature, destination: SpanSignature) -> Int {
        guard source.isRegular, destination.isRegular else { return 0 }
        let maxSize = max(source.size, destination.size)
        let deltaSize = maxSize - min(source.size, destination.size)
        if maxSize * (maxScore - minimumScore) < deltaSize * maxScore { return 0 }
        guard destination.size > 0 else { return 0 }
        var copied = 0
        for (hash, count) in source.counts {
            copied += min(count, destination.counts[hash] ?? 0)
        }
        let score = copied * maxScore / maxSize
        return score * 100 / maxScore
    }
}

/// A file cut as git's `hash_chars` cuts it: chunks ending at a newline or after 64 bytes,
/// each hashed, with the bytes per hash counted (a final chunk without newline is dropped,
/// as git drops it; a CR before LF is skipped in text).
final class SpanSignature {
    let size: Int
    let isRegular: Bool
    let counts: [UInt32: Int]

    init(_ bytes: UnsafeBufferPointer<UInt8>, isRegular: Bool) {
        size = bytes.count
        self.isRegular = isRegular
        // `diff_filespec_is_binary`: a NUL in the first 8000 bytes.
        let isText = !bytes.prefix(8000).contains(0)
        var counts: [UInt32: Int] = [:]
        var accumulator1: UInt32 = 0
        var accumulator2: UInt32 = 0
        var length = 0
        var index = 0
        while index < bytes.count {
            let byte = UInt32(bytes[index])
            index += 1
            let old1 = accumulator1
            if isText && byte == 0x0D && index < bytes.count && bytes[index] == 0x0A { continue }
            accumulator1 = (accumulator1 << 7) ^ (accumulator2 >> 25)
            accumulator2 = (accumulator2 << 7) ^ (old1 >> 25)
            accumulator1 = accumulator1 &+ byte
            length += 1
            if length < 64 && byte != 0x0A { continue }
            let hash = (accumulator1 &+ accumulator2 &* 0x61) % 107_927
            counts[hash, default: 0] += length
            length = 0
            accumulator1 = 0
            accumulator2 = 0
        }
        self.counts = counts
    }
}
