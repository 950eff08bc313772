import Testing

@testable import MailFormat

@Suite("RFC 2822 dates as git writes and reads them")
struct RFC2822DateTests {
    @Test("format-patch writes the day without a leading zero, send-email on two digits")
    func twoStyles() {
        #expect(RFC2822Date.formatPatchStyle(seconds: 0, offsetMinutes: 0) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(RFC2822Date.sendEmailStyle(seconds: 0, offsetSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 +0000")
        // 2024-02-29 23:59:59 UTC seen from UTC-05:30 and from UTC+14:00.
        #expect(RFC2822Date.formatPatchStyle(seconds: 1_709_251_199, offsetMinutes: -330) == "Thu, 29 Feb 2024 18:29:59 -0530")
        #expect(RFC2822Date.formatPatchStyle(seconds: 1_709_251_199, offsetMinutes: 840) == "Fri, 1 Mar 2024 13:59:59 +1400")
        #expect(RFC2822Date.formatPatchStyle(seconds: -1, offsetMinutes: 0) == "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    @Test("what either style writes reads back as the same instant and zone")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator)
            let minutes = Int.random(in: -720...840, using: &generator)
            for text in [
                RFC2822Date.formatPatchStyle(seconds: seconds, offsetMinutes: minutes),
                RFC2822Date.sendEmailStyle(seconds: seconds, offsetSeconds: Int64(minutes) * 60),
            ] {
                let parsed = RFC2822Date.parse(text)
                #expect(parsed?.seconds == seconds, "\(text)")
                #expect(parsed.map { Int($0.offsetMinutes) } == minutes, "\(text)")
            }
        }
    }

    @Test("a date without weekday, seconds or zone still reads; a date without a month does not")
    func lenientReading() {
        #expect(RFC2822Date.parse("24 Nov 2025 16:00")?.seconds == 1_764_000_000)
        #expect(RFC2822Date.parse("Mon, 24 Nov 2025 17:00:00 +0100")?.seconds == 1_764_000_000)
        #expect(RFC2822Date.parse("Mon, 24 2025 17:00:00 +0100") == nil)
    }
}

@Suite("RFC 2047 encoded words")
struct RFC2047Tests {
    @Test("text that needs encoding: non-ASCII, ESC, a newline, or something that reads as a word")
    func needsEncoding() {
        #expect(RFC2047.needsEncoding(Array("Jörg".utf8)))
        #expect(RFC2047.needsEncoding([0x1B, 0x24]))
        #expect(RFC2047.needsEncoding(Array("a\nb".utf8)))
        #expect(RFC2047.needsEncoding(Array("=?x".utf8)))
        #expect(!RFC2047.needsEncoding(Array("Plain Name, tab\there".utf8)))
    }

    @Test("format-patch's words fold before 76 columns, never inside a character, and decode back")
    func foldedWordsDecodeBack() {
        let samples = ["Jörg Rödel", "ÆØÅ æøå " + String(repeating: "日本語のテキスト", count: 6), "a_b=c?d", "tab\tand space"]
        for sample in samples {
            for context in [RFC2047.Context.subject, .address] {
                var out = Array("Subject: ".utf8)
                RFC2047.appendEncodedWords(Array(sample.utf8), to: &out, context: context)
                let lines = out.split(separator: UInt8(ascii: "\n"))
                #expect(lines.allSatisfy { $0.count <= 76 }, "\(sample)")
                let value = Array(out.dropFirst("Subject: ".count)).filter { $0 != UInt8(ascii: "\n") }
                #expect(RFC2047.decode(value) == sample)
            }
        }
    }

    @Test("send-email's word keeps only letters, digits and -!*+/ plain, and decodes back")
    func sendEmailWord() {
        #expect(RFC2047.sendEmailWord("Jörg R.") == "=?UTF-8?q?J=C3=B6rg=20R=2E?=")
        #expect(RFC2047.decode(RFC2047.sendEmailWord("Jörg R.")) == "Jörg R.")
    }

    @Test("b words, ISO-8859-1, and the blank between two words dropped")
    func decoding() {
        #expect(RFC2047.decode("=?utf-8?b?SsO2cmc=?= =?ISO-8859-1?q?R=F6del?=") == "JörgRödel")
        #expect(RFC2047.decode("plain =?x?z?nope?= text") == "plain =?x?z?nope?= text")
    }
}

@Suite("transfer encodings and format=flowed")
struct TransferEncodingTests {
    @Test("quoted-printable: escapes, soft breaks (LF and CRLF), a malformed escape kept")
    func quotedPrintable() {
        #expect(TransferEncoding.decodeQuotedPrintable(Array("J=C3=B6rg=\nRest=\r\nEnd =ZZ".utf8)) == Array("JörgRestEnd =ZZ".utf8))
    }

    @Test("base64 skips line breaks and bytes outside the alphabet")
    func base64() {
        #expect(TransferEncoding.decodeBase64(Array("SsO2\ncmc=\n".utf8)) == Array("Jörg".utf8))
    }

    @Test("flowed lines join, space-stuffing goes, the signature separator stays")
    func flowed() {
        let body = Array("one \ntwo\n three\n-- \nsig\n".utf8)
        #expect(TransferEncoding.unflow(body, deleteSpace: false) == Array("one two\nthree\n-- \nsig\n".utf8))
        #expect(TransferEncoding.unflow(body, deleteSpace: true) == Array("onetwo\nthree\n-- \nsig\n".utf8))
        #expect(TransferEncoding.decodePart(body, contentType: "text/plain; format=flowed; delsp=yes", encoding: "7bit")
            == Array("onetwo\nthree\n-- \nsig\n".utf8))
    }

    @Test("Content-Type parameters: case-insensitive names, quotes removed")
    func parameters() {
        #expect(TransferEncoding.parameter("boundary", in: #"multipart/mixed; Boundary="=-x y""#) == "=-x y")
        #expect(TransferEncoding.parameter("format", in: "text/plain") == nil)
    }
}

@Suite("the header section, read by git mailinfo's rule and by RFC 5322's")
struct HeaderSectionTests {
    func lines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == UInt8(ascii: "\n") {
                lines.append(current)
                current = []
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    @Test("a folded value unfolds with its continuation's blank kept; the body starts after the blank line")
    func unfolding() throws {
        let mail = lines("Subject: [PATCH 1/2] a long\n\t subject  \nFrom: A <a@b>\n\nbody\n")
        let (fields, end) = HeaderSection.scan(mail, rule: .mailinfo)
        try #require(fields.count == 2)
        #expect(String(decoding: HeaderSection.unfoldedValue(fields[0]), as: UTF8.self) == "[PATCH 1/2] a long\t subject")
        #expect(fields[1].name == "From")
        #expect(end == .blankLine(3))
        #expect(HeaderSection.bodyStart(after: end, endIndex: mail.count) == 4)
    }

    @Test("mailinfo: a line of blanks ends the header, a line without a colon starts the body")
    func mailinfoEnds() {
        #expect(HeaderSection.scan(lines("A: 1\n  \t\nbody\n"), rule: .mailinfo).end == .blankLine(1))
        #expect(HeaderSection.scan(lines("A: 1\nno colon here\n"), rule: .mailinfo).end == .otherLine(1))
        #expect(HeaderSection.scan(lines("Odd name: 1\n\n"), rule: .mailinfo).fields.first?.name == "Odd name")
    }

    @Test("strict: only an empty line ends the header; a stray line or a leading continuation is reported")
    func strictEnds() {
        #expect(HeaderSection.scan(lines("A: 1\r\n\r\nbody"), rule: .strict).end == .blankLine(1))
        #expect(HeaderSection.scan(lines("A: 1\n  \nB: 2\n"), rule: .strict).fields.count == 2)
        #expect(HeaderSection.scan(lines("Odd name: 1\n"), rule: .strict).end == .otherLine(0))
        #expect(HeaderSection.scan(lines(" folded\nA: 1\n"), rule: .strict).end == .orphanContinuation(0))
        #expect(HeaderSection.scan(lines("A: 1\nB: 2"), rule: .strict).end == .endOfInput)
    }
}
