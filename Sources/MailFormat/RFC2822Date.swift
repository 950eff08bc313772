/// `Date:` values of mails, written the two ways git's tools write them and read back: what
/// `git format-patch` writes (`show_date` with `DATE_RFC2822`), what `git send-email` writes
/// (`format_2822_time`), and what a saved thread carries.
public enum RFC2822Date {
    /// git format-patch's form, `Thu, 6 Nov 2025 05:03:07 +0100` (the day without a leading
    /// zero), of `seconds` since the epoch shown in a zone `offsetMinutes` east of UTC.
    public static func formatPatchStyle(seconds: Int64, offsetMinutes: Int) -> String {
        format(seconds: seconds, offsetSeconds: Int64(offsetMinutes) * 60, twoDigitDay: false)
    }

    /// git send-email's form, `Thu, 06 Nov 2025 05:03:07 +0100` (the day on two digits).
    public static func sendEmailStyle(seconds: Int64, offsetSeconds: Int64) -> String {
        format(seconds: seconds, offsetSeconds: offsetSeconds, twoDigitDay: true)
    }

    /// Reads `Mon, 24 Nov 2025 16:00:00 +0000` (the weekday optional, seconds optional, a
    /// missing or unreadable zone taken as UTC): seconds since the epoch and the zone's offset
    /// in minutes east of UTC; nil when the day, month, year or time cannot be read.
    public static func parse(_ text: String) -> (seconds: Int64, offsetMinutes: Int32)? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let first = words.first, Int(first) == nil { words.removeFirst() }
        guard words.count >= 4, let day = Int(words[0]), let year = Int(words[2]) else { return nil }
        let monthNames = CivilDate.months.map { $0.lowercased() }
        guard let month = monthNames.firstIndex(of: String(words[1].lowercased().prefix(3))) else { return nil }
        let clock = words[3].split(separator: ":").compactMap { Int($0) }
        guard clock.count >= 2 else { return nil }
        var offset: Int32 = 0
        if words.count >= 5, let zone = Int(words[4]), words[4].count == 5 {
            let magnitude = Int32(abs(zone) / 100 * 60 + abs(zone) % 100)
            offset = zone < 0 || words[4].hasPrefix("-") ? -magnitude : magnitude
        }
        let days = CivilDate.daysSinceEpoch(year: year, month: month + 1, day: day)
        let seconds = days * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0))
        return (seconds - Int64(offset) * 60, offset)
    }

    private static func format(seconds: Int64, offsetSeconds: Int64, twoDigitDay: Bool) -> String {
        let local = seconds + offsetSeconds
        var days = local / 86_400
        var second = local % 86_400
        if second < 0 {
            second += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.date(daysSinceEpoch: days)
        let minutes = abs(offsetSeconds) / 60
        let zone = (offsetSeconds < 0 ? "-" : "+") + two(minutes / 60) + two(minutes % 60)
        let dayText = twoDigitDay ? two(Int64(day)) : "\(day)"
        return "\(CivilDate.weekdays[CivilDate.weekday(daysSinceEpoch: days)]), \(dayText) \(CivilDate.months[month - 1]) \(year) "
            + "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) \(zone)"
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
