@testable import Maintainers

/// How kseries' lines compare with get_maintainer.pl's for one invocation.
///
/// get_maintainer.pl lists sections whose patterns are equally deep in Perl's hash order
/// (`sort { $hash{$b} <=> $hash{$a} } keys %hash`), which is random from run to run;
/// kseries keeps them in MAINTAINERS order. An output that kseries gives for another order
/// of equally deep sections counts as equal up to that order.
enum OracleVerdict: Hashable, CustomStringConvertible {
    case identical, tieOrder, different

    var description: String {
        switch self {
        case .identical: "identical"
        case .tieOrder: "tie-order"
        case .different: "different"
        }
    }

    static func compare(_ lookup: MaintainerLookup, _ inputs: [MaintainersInput], _ perl: [String]) throws -> OracleVerdict {
        if try lookup.addressLines(for: inputs) == perl { return .identical }
        let analysis = try lookup.analyse(inputs)
        let perFile = analysis.files.map { file in tieOrders(lookup.sectionMatches(for: file)) }
        let total = perFile.reduce(1) { $0 * $1.count }
        guard total > 1, total <= 5000 else { return .different }
        for combination in 0..<total {
            var rest = combination
            var choice: [String: [Int]] = [:]
            for (file, orders) in zip(analysis.files, perFile) {
                choice[file] = orders[rest % orders.count]
                rest /= orders.count
            }
            let lines = lookup.recipients(for: analysis) { file, _ in choice[file]! }.map(\.address)
            if lines == perl { return .tieOrder }
        }
        return .different
    }

    /// Every order the script can print `matches` in: deepest first, any order within a depth.
    static func tieOrders(_ matches: [MaintainerLookup.SectionMatch]) -> [[Int]] {
        var orders: [[Int]] = [[]]
        for depth in Set(matches.map(\.depth)).sorted(by: >) {
            let group = matches.filter { $0.depth == depth }.map(\.anchor)
            orders = orders.flatMap { prefix in permutations(group).map { prefix + $0 } }
        }
        return orders
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }
}
