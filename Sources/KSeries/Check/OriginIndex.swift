import Apply
import Foundation
import Git
import KernelBuild
import Policy

/// Line → patch lookups for the touched files at each boundary, computed on demand.
final class OriginIndex {
    let versions: [String: [[UInt8]?]]
    private var cache: [String: [Int?]] = [:]

    init(versions: [String: [[UInt8]?]]) {
        self.versions = versions
    }

    /// The patch that wrote `line` of `file` as it is after patch `boundary`, nil when the
    /// line is the base's or the file is not touched.
    func patch(_ file: String, line: Int, boundary: Int) -> Int? {
        guard let list = versions[file], boundary < list.count else { return nil }
        let key = "\(boundary)\u{0}\(file)"
        let origins = cache[key] ?? LineOrigins.origins(of: Array(list[...boundary]))
        cache[key] = origins
        return line >= 1 && line <= origins.count ? origins[line - 1] : nil
    }
}
