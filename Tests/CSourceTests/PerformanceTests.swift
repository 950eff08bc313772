import CSource
import Testing

@Suite("Performance")
struct PerformanceTests {
    /// Lexing kernel/rcu/tree.c (190 KB, 20k tokens) and finding `rcu_pending` takes about
    /// 1 ms in a release build; a debug build is several times slower. The bound here only
    /// catches a gross regression (an accidental quadratic pass), in either build.
    @Test("lex kernel/rcu/tree.c and find rcu_pending in well under a second")
    func lexAndFind() throws {
        let bytes = try KernelTree.file("kernel/rcu/tree.c", at: "v6.12-deb")
        let clock = ContinuousClock()
        var best = Duration.seconds(3600)
        for _ in 0..<5 {
            let elapsed = clock.measure {
                let definitions = ScopeFinder(CLexer.lex(bytes)).definitions(of: .function("rcu_pending"))
                #expect(definitions.map(\.line) == [4436])
            }
            best = min(best, elapsed)
        }
        print("CSource: lex + find rcu_pending in kernel/rcu/tree.c (\(bytes.count) bytes): \(best)")
        #expect(best < .milliseconds(250))
    }
}
