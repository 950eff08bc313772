import FuzzSupport
import Mail
import MailFormat

/// libFuzzer target: mail files as `kseries send` reads them (headers, RFC 2047 words,
/// quoted-printable, base64, multipart parameters) and the address lists of recipients.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMail(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let mail = try? MailFile(fileName: "0001-fuzz.patch", bytes: bytes) {
        for field in mail.fields { _ = RFC2047.decode(field.name) }
    }
    _ = RFC2047.decode(bytes)
    _ = TransferEncoding.decodeQuotedPrintable(bytes)
    _ = TransferEncoding.decodeBase64(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = TransferEncoding.parameter("boundary", in: text)
    _ = MailAddress.splitList(text)
    _ = RFC2822Date.parse(text)
    var encoded: [UInt8] = []
    RFC2047.appendEncodedWords(bytes, to: &encoded, context: .address)
    _ = TransferEncoding.unflow(bytes, deleteSpace: true)
    return 0
}

@_cdecl("FuzzMail_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMail)
}
