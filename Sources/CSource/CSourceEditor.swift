/// Applies `SourceEdit`s to the bytes of one C file.
///
/// Each edit is resolved against the file as it is after the previous ones (the file is
/// lexed again), and either applies completely or throws and leaves the bytes unchanged.
///
///     var editor = CSourceEditor(bytes: blob, path: "virt/kvm/kvm_main.c")
///     try editor.apply(SourceEdit(scope: .function("vcpu_load"),
///                                 action: .insertAfter(anchor: "int cpu = get_cpu();", code: "foo();")))
///     let edited = editor.bytes
public struct CSourceEditor: Sendable {
    /// The path shown in errors (usually the path in the kernel tree).
    public let path: String
    /// The file's current bytes.
    public private(set) var bytes: [UInt8]
    /// The scopes of `bytes` when the caller had them already (they are lexed otherwise).
    private var finder: ScopeFinder?
    /// The lexing of `bytes` when it is known without lexing them all: after an edit of
    /// whole lines, the previous lexing with only the new lines lexed (`LexedSource.replacing`,
    /// done in place).
    private var lexed: LexedSource?
    /// The bracket tables of the lexing before the last edit, which the next finder reuses.
    private var spareBrackets: BracketStructure?

    /// Starts editing `bytes`, shown in errors as `path`.
    public init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Starts editing the file `finder` was made from (its lexing is reused for the first edit).
    public init(finder: ScopeFinder, path: String) {
        self.bytes = finder.source.bytes
        self.path = path
        self.finder = finder
    }

    /// Applies one edit.
    ///
    /// - Returns: what changed, in terms of the bytes before the edit.
    /// - Throws: `AnchorError` if the scope or anchor cannot be resolved uniquely or the edit
    ///   cannot be placed; the bytes are then unchanged.
    @discardableResult
    public mutating func apply(_ edit: SourceEdit) throws(AnchorError) -> SourceChange {
        let finder = takeFinder()
        let change: SourceChange
        do {
            change = try plan(edit, finder: finder)
        } catch {
            self.finder = finder
            throw error
        }
        let (lexing, brackets) = (consume finder).takeApart()
        spareBrackets = consume brackets
        var source = consume lexing
        bytes.replaceSubrange(change.range, with: change.replacement)
        if source.replace(change.range, with: change.replacement, giving: bytes) {
            assert(Self.sameLexing(source, CLexer.lex(bytes)), "\(path): lexing only the edited lines differs")
            lexed = source
        }
        return change
    }

    /// Works out the change an edit would make, without making it.
    public func plan(_ edit: SourceEdit) throws(AnchorError) -> SourceChange {
        try plan(edit, finder: currentFinder())
    }

    private func currentFinder() -> ScopeFinder {
        finder ?? ScopeFinder(lexed ?? CLexer.lex(bytes))
    }

    /// The finder of `bytes`, which the editor no longer holds: the caller is the only one
    /// changing its tables (when nothing outside holds them either).
    private mutating func takeFinder() -> ScopeFinder {
        if let finder {
            self.finder = nil
            return finder
        }
        let source = lexed ?? CLexer.lex(bytes)
        lexed = nil
        let spare = spareBrackets
        spareBrackets = nil
        return ScopeFinder(consume source, reusing: consume spare)
    }

    static func sameLexing(_ a: LexedSource, _ b: LexedSource) -> Bool {
        a.bytes == b.bytes && a.tokens == b.tokens && a.comments == b.comments && a.lineStarts == b.lineStarts
    }

    private func plan(_ edit: SourceEdit, finder: ScopeFinder) throws(AnchorError) -> SourceChange {
        let definition = try finder.resolve(
            edit.scope, occurrence: edit.occurrence, condition: edit.condition, path: path)
        let planner = EditPlanner(finder: finder, definition: definition, edit: edit, path: path)
        return try planner.change()
    }
}
