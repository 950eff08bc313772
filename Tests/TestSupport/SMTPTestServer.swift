import Foundation

/// A real SMTP server on loopback for one test: Debian's aiosmtpd, driven by a small handler
/// written to a scratch folder at run time. It listens on a port the kernel picks (written to
/// a file once it listens), saves each accepted message's envelope and exact DATA bytes, and
/// can refuse a recipient, die at the Nth `MAIL FROM` or in the Nth `DATA`, speak STARTTLS or
/// SMTPS with a given certificate, and require a login. It stops when released, and by
/// itself after five minutes.
public final class SMTPTestServer: @unchecked Sendable {
    public struct Options {
        /// Recipients answered with `550 5.1.1 … no such user`.
        public var refuse: [String] = []
        /// Exit abruptly when the Nth `MAIL FROM` of this server arrives (the N-1 before it
        /// were confirmed): a server that goes away between messages.
        public var exitOnMail: Int?
        /// Exit abruptly after receiving the Nth message, before confirming it.
        public var exitInData: Int?
        public var starttls: TestCertificate?
        public var smtps: TestCertificate?
        /// A login the server requires (after TLS).
        public var login: (user: String, password: String)?
        /// Seconds after which the server closes an idle connection.
        public var idleTimeout: Double?

        public init(
            refuse: [String] = [], exitOnMail: Int? = nil, exitInData: Int? = nil, starttls: TestCertificate? = nil,
            smtps: TestCertificate? = nil, login: (user: String, password: String)? = nil, idleTimeout: Double? = nil
        ) {
            self.refuse = refuse
            self.exitOnMail = exitOnMail
            self.exitInData = exitInData
            self.starttls = starttls
            self.smtps = smtps
            self.login = login
            self.idleTimeout = idleTimeout
        }
    }

    /// One message as the server stored it.
    public struct Received: Equatable {
        public var mailFrom: String
        public var recipients: [String]
        /// The DATA as received, dot-stuffing removed: CRLF line ends.
        public var data: [UInt8]
    }

    public let scratch: ScratchDirectory
    public let port: Int
    /// Where messages are saved; a second server may share it (a retry after a drop).
    public let inbox: String
    private let process: Process

    public init(_ options: Options = Options(), inbox: String? = nil) throws {
        scratch = try ScratchDirectory("kseries-smtp")
        self.inbox = inbox ?? "\(scratch.path)/inbox"
        try FileManager.default.createDirectory(atPath: self.inbox, withIntermediateDirectories: true)
        try scratch.write("server.py", Self.script)
        var arguments = ["\(scratch.path)/server.py", "--inbox", self.inbox, "--port-file", "\(scratch.path)/port"]
        for address in options.refuse { arguments += ["--refuse", address] }
        if let exitOnMail = options.exitOnMail { arguments += ["--exit-on-mail", "\(exitOnMail)"] }
        if let exitInData = options.exitInData { arguments += ["--exit-in-data", "\(exitInData)"] }
        if let certificate = options.starttls { arguments += ["--starttls", certificate.certificate, certificate.key] }
        if let certificate = options.smtps { arguments += ["--smtps", certificate.certificate, certificate.key] }
        if let login = options.login { arguments += ["--login", login.user, login.password] }
        if let idleTimeout = options.idleTimeout { arguments += ["--idle-timeout", "\(idleTimeout)"] }

        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: "\(scratch.path)/server.log", contents: nil)
        let log = FileHandle(forWritingAtPath: "\(scratch.path)/server.log")
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // The handler writes the port file (atomically) once the socket listens.
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: "\(scratch.path)/port"),
                let number = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            {
                port = number
                break
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw ServerFailure(log: (try? String(contentsOfFile: "\(scratch.path)/server.log", encoding: .utf8)) ?? "")
        }
        self.port = port
    }

    deinit { stop() }

    /// Stops the server (if it has not died on purpose) and waits for it.
    public func stop() {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits for a server told to die to have died.
    public func waitForExit() { process.waitUntilExit() }

    /// The messages saved in the inbox, in arrival order.
    public func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let base = "\(inbox)/\(name.dropLast(5))"
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(base).json")))
                as? [String: Any] ?? [:]
            return Received(
                mailFrom: envelope["mail_from"] as? String ?? "", recipients: envelope["rcpt_tos"] as? [String] ?? [],
                data: Array(try Data(contentsOf: URL(fileURLWithPath: "\(base).eml"))))
        }
    }

    /// How many connections the server accepted.
    public func connections() -> Int {
        let text = (try? String(contentsOfFile: "\(inbox)/connections", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    public struct ServerFailure: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "the test SMTP server did not start:\n\(log)" }
    }

    /// Debian's python3, which has python3-aiosmtpd (a pyenv `python3` on PATH may not).
    public static let python: String = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            let output = try? ProcessRunner.run([candidate, "-c", "import aiosmtpd"])
            if output?.status == 0 { return candidate }
        }
        return "/usr/bin/python3"
    }()

    public static let script = #"""
        import argparse, asyncio, json, os, signal, ssl, sys
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        parser = argparse.ArgumentParser()
        parser.add_argument("--inbox", required=True)
        parser.add_argument("--port-file", required=True)
        parser.add_argument("--refuse", action="append", default=[])
        parser.add_argument("--exit-on-mail", type=int)
        parser.add_argument("--exit-in-data", type=int)
        parser.add_argument("--starttls", nargs=2)
        parser.add_argument("--smtps", nargs=2)
        parser.add_argument("--login", nargs=2)
        parser.add_argument("--idle-timeout", type=float, default=300)
        options = parser.parse_args()
        # The test runner's thread blocks most signals and exec keeps that mask: unblock them
        # so that SIGTERM stops us and the alarm below fires.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.alarm(300)  # never outlive a test run

        def context(pair):
            if not pair:
                return None
            result = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            result.load_cert_chain(pair[0], pair[1])
            return result

        class Handler:
            def __init__(self):
                self.mails = 0
                self.datas = 0

            async def handle_MAIL(self, server, session, envelope, address, mail_options):
                self.mails += 1
                if options.exit_on_mail == self.mails:
                    os._exit(0)
                envelope.mail_from = address
                envelope.mail_options.extend(mail_options)
                return "250 2.1.0 Ok"

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in options.refuse:
                    return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 Ok"

            async def handle_DATA(self, server, session, envelope):
                self.datas += 1
                if options.exit_in_data == self.datas:
                    os._exit(0)
                number = len([n for n in os.listdir(options.inbox) if n.endswith(".json")]) + 1
                base = os.path.join(options.inbox, "%03d" % number)
                with open(base + ".eml", "wb") as f:
                    f.write(envelope.original_content)
                with open(base + ".json.tmp", "w") as f:
                    json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
                os.rename(base + ".json.tmp", base + ".json")
                return "250 2.0.0 Ok: queued as KS%04d" % number

        def authenticator(server, session, envelope, mechanism, data):
            good = isinstance(data, LoginPassword) and options.login and \
                data.login.decode() == options.login[0] and data.password.decode() == options.login[1]
            return AuthResult(success=bool(good), handled=False)

        handler = Handler()
        starttls = context(options.starttls)

        def factory():
            with open(os.path.join(options.inbox, "connections"), "a") as f:
                f.write("connection\n")
            arguments = dict(hostname="kseries-test", tls_context=starttls, require_starttls=starttls is not None,
                             timeout=options.idle_timeout)
            if options.login:
                # With SMTPS the whole connection is TLS, which aiosmtpd does not see.
                arguments.update(authenticator=authenticator, auth_required=True,
                                 auth_require_tls=bool(options.starttls))
            return SMTP(handler, **arguments)

        loop = asyncio.new_event_loop()
        server = loop.run_until_complete(
            loop.create_server(factory, host="127.0.0.1", port=0, ssl=context(options.smtps)))
        port = server.sockets[0].getsockname()[1]
        with open(options.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(options.port_file + ".tmp", options.port_file)
        loop.run_forever()
        """#
}

/// A self-signed certificate for `localhost` and 127.0.0.1, made with openssl for one test.
public final class TestCertificate: @unchecked Sendable {
    public let scratch: ScratchDirectory
    public let certificate: String
    public let key: String

    public init() throws {
        scratch = try ScratchDirectory("kseries-cert")
        certificate = "\(scratch.path)/cert.pem"
        key = "\(scratch.path)/key.pem"
        try ProcessRunner.checked([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-subj", "/CN=localhost", "-days", "1",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
    }
}
