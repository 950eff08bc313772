import Apply
import Foundation
import Git
import Policy
import Series

/// RFC 2822 dates as mails carry them: `Mon, 24 Nov 2025 16:00:00 +0000`.
enum MailDate {
    static func parse(_ text: String) -> (Int64, Int32)? {
        var words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if let first = words.first, Int(first) == nil { words.removeFirst() }
        guard words.count >= 4, let day = Int(words[0]), let year = Int(words[2]) else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let month = months.firstIndex(of: String(words[1].lowercased().prefix(3))) else { return nil }
        let clock = words[3].split(separator: ":").compactMap { Int($0) }
        guard clock.count >= 2 else { return nil }
        var offset: Int32 = 0
        if words.count >= 5, let zone = Int(words[4]), words[4].count == 5 {
            let magnitude = Int32(abs(zone) / 100 * 60 + abs(zone) % 100)
            offset = zone < 0 || words[4].hasPrefix("-") ? -magnitude : magnitude
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month + 1 <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = month + 1
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = Int64(days) * 86400 + Int64(clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0))
        return (seconds - Int64(offset) * 60, offset)
    }
}
