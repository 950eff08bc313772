import Git

/// Compares two versions of a patch series as `git range-diff` does: pairs each commit of
/// the old series with the commit of the new series it became (or with none), and prints the
/// pairs, with the diff of the two patches for those that changed, byte for byte as
/// `git range-diff --no-color <old-range> <new-range>` prints them (git 2.39).
///
/// Everything is read through libgit2; nothing runs git.
public struct RangeDiff {
    public let repository: Repository

    /// `--creation-factor`'s default: a patch with no counterpart costs 60% of its size.
    public static let defaultCreationFactor = 60

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The text `git range-diff --no-color` prints for the two series, each given as its
    /// commits in order, oldest first (merge commits are skipped, as git's `--no-merges`).
    public func compare(
        old: [ObjectID], new: [ObjectID], creationFactor: Int = RangeDiff.defaultCreationFactor
    ) throws(GitError) -> [UInt8] {
        try report(old: old, new: new, creationFactor: creationFactor).text
    }

    /// Which patch of the old series became which of the new, in range-diff's output order.
    public func pairs(
        old: [ObjectID], new: [ObjectID], creationFactor: Int = RangeDiff.defaultCreationFactor
    ) throws(GitError) -> [PatchPair] {
        try report(old: old, new: new, creationFactor: creationFactor, withText: false).pairs
    }

    /// The pairing and the printed text together.
    public func report(
        old: [ObjectID], new: [ObjectID], creationFactor: Int = RangeDiff.defaultCreationFactor
    ) throws(GitError) -> RangeDiffReport {
        try report(old: old, new: new, creationFactor: creationFactor, withText: true)
    }

    /// The commits of `base..tip` in the order range-diff reads them (`git log --no-merges
    /// --reverse --date-order base..tip`).
    public func commits(from base: ObjectID, to tip: ObjectID) throws(GitError) -> [ObjectID] {
        let selection = try repository.walkRevisions(including: [tip], excluding: [base])
        let merges = Set(selection.merges)
        return try dateOrder(selection.walkOrder).filter { !merges.contains($0) }.reversed()
    }

    // MARK: The steps of show_range_diff

    private func report(
        old: [ObjectID], new: [ObjectID], creationFactor: Int, withText: Bool
    ) throws(GitError) -> RangeDiffReport {
        let reader = NormalisedPatchReader(
            repository: repository, notes: try NotesReader(repository: repository),
            mailmap: AuthorMailmap(repository: repository))
        let a = try readPatches(old, reader)
        let b = try readPatches(new, reader)
        var matching = Matching(a: a.count, b: b.count)
        findExactMatches(a, b, &matching)
        try findCorrespondences(a, b, creationFactor: creationFactor, &matching)
        return try output(a, b, matching, withText: withText)
    }

    private func readPatches(_ ids: [ObjectID], _ reader: NormalisedPatchReader) throws(GitError) -> [NormalisedPatch] {
        var patches: [NormalisedPatch] = []
        for (index, id) in ids.enumerated() {
            guard try repository.commit(id).parentIDs.count <= 1 else { continue }
            patches.append(try reader.patch(id, inputIndex: index, position: patches.count))
        }
        return patches
    }

    /// For each patch, the index of its counterpart in the other series, -1 for none.
    private struct Matching {
        var aToB: [Int]
        var bToA: [Int]

        init(a: Int, b: Int) {
            aToB = [Int](repeating: -1, count: a)
            bToA = [Int](repeating: -1, count: b)
        }
    }

    /// `find_exact_matches`: patches whose file sections are byte-identical pair at once.
    private func findExactMatches(_ a: [NormalisedPatch], _ b: [NormalisedPatch], _ matching: inout Matching) {
        var map = ExactMatchMap()
        for (index, patch) in a.enumerated() { map.add(patch.diff, index) }
        for (index, patch) in b.enumerated() {
            guard let other = map.remove(patch.diff) else { continue }
            matching.aToB[other] = index
            matching.bToA[index] = other
        }
    }

    /// `get_correspondences`: the cheapest assignment, where pairing two patches costs the
    /// size of the diff between them and leaving one unpaired costs `creationFactor`% of its
    /// own size.
    private func findCorrespondences(
        _ a: [NormalisedPatch], _ b: [NormalisedPatch], creationFactor: Int, _ matching: inout Matching
    ) throws(GitError) {
        let n = a.count + b.count
        guard n > 0 else { return }
        let maximum = LinearAssignment.maximumCost
        let sizer = TextDiff(indentHeuristic: false)
        var cost = [Int](repeating: 0, count: n * n)
        for i in 0..<a.count {
            for j in 0..<b.count {
                let c: Int
                if matching.aToB[i] == j {
                    c = 0
                } else if matching.aToB[i] < 0 && matching.bToA[j] < 0 {
                    c = try sizer.size(a[i].diff, b[j].diff)
                } else {
                    c = maximum
                }
                cost[i + n * j] = c
            }
            let c = matching.aToB[i] < 0 ? a[i].diffSize * creationFactor / 100 : maximum
            for j in b.count..<n { cost[i + n * j] = c }
        }
        for j in 0..<b.count {
            let c = matching.bToA[j] < 0 ? b[j].diffSize * creationFactor / 100 : maximum
            for i in a.count..<n { cost[i + n * j] = c }
        }
        // The dummy-to-dummy block stays 0.
        let (aToB, _) = LinearAssignment.solve(columnCount: n, rowCount: n, cost: cost)
        for i in 0..<a.count where aToB[i] >= 0 && aToB[i] < b.count {
            matching.aToB[i] = aToB[i]
            matching.bToA[aToB[i]] = i
        }
    }

    /// `output`: pairs in the order of the new series, each unpaired old patch placed once
    /// all the old patches before it are shown.
    private func output(
        _ a: [NormalisedPatch], _ b: [NormalisedPatch], _ matching: Matching, withText: Bool
    ) throws(GitError) -> RangeDiffReport {
        var header = PairHeaderWriter(repository: repository, count: max(a.count, b.count))
        let patchWriter = PatchDiffWriter()
        var text: [UInt8] = []
        var pairs: [PatchPair] = []
        var shown = [Bool](repeating: false, count: a.count)

        func emit(_ old: NormalisedPatch?, _ new: NormalisedPatch?) throws(GitError) {
            let relation: PatchPair.Relation
            if let old, let new {
                relation = old.text == new.text ? .identical : .changed
            } else {
                relation = old == nil ? .added : .removed
            }
            pairs.append(PatchPair(old: old?.inputIndex, new: new?.inputIndex, relation: relation))
            guard withText else { return }
            text += try header.line(old, new, relation: relation)
            if let old, let new, relation == .changed {
                text += try patchWriter.render(old: old.text, new: new.text)
            }
        }

        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            while i < a.count && shown[i] { i += 1 }
            if i < a.count && matching.aToB[i] < 0 {
                try emit(a[i], nil)
                i += 1
                continue
            }
            while j < b.count && matching.bToA[j] < 0 {
                try emit(nil, b[j])
                j += 1
            }
            if j < b.count {
                let counterpart = matching.bToA[j]
                try emit(a[counterpart], b[j])
                shown[counterpart] = true
                j += 1
            }
        }
        return RangeDiffReport(pairs: pairs, text: text)
    }

    /// `sort_in_topological_order` by commit date: no parent before its children, the newest
    /// ready commit first, ties in list order.
    private func dateOrder(_ list: [ObjectID]) throws(GitError) -> [ObjectID] {
        var indegree: [ObjectID: Int] = [:]
        var parents: [ObjectID: [ObjectID]] = [:]
        var time: [ObjectID: Int64] = [:]
        for id in list {
            indegree[id] = 1
            let commit = try repository.commit(id)
            parents[id] = commit.parentIDs
            time[id] = commit.committerTime
        }
        for id in list {
            for parent in parents[id] ?? [] where (indegree[parent] ?? 0) > 0 { indegree[parent]! += 1 }
        }
        var queue: [(id: ObjectID, order: Int)] = []
        var counter = 0
        func put(_ id: ObjectID) {
            queue.append((id, counter))
            counter += 1
        }
        for id in list where indegree[id] == 1 { put(id) }
        var result: [ObjectID] = []
        while !queue.isEmpty {
            var best = 0
            for index in queue.indices.dropFirst() {
                let candidate = queue[index], current = queue[best]
                let (t1, t2) = (time[candidate.id]!, time[current.id]!)
                if t1 > t2 || (t1 == t2 && candidate.order < current.order) { best = index }
            }
            let id = queue.remove(at: best).id
            for parent in parents[id] ?? [] {
                guard let degree = indegree[parent], degree > 0 else { continue }
                indegree[parent] = degree - 1
                if degree - 1 == 1 { put(parent) }
            }
            indegree[id] = 0
            result.append(id)
        }
        return result
    }
}

/// Which of several old patches with the same file sections an exact match takes, as git's
/// `hashmap` decides: equal entries share a bucket chain, new entries go to its head, the
/// first equal entry from the head is taken, and every resize (64 buckets, ×4 above 80% load,
/// ÷4 below a fifth of that) reverses the chain.
private struct ExactMatchMap {
    private var chains: [ArraySlice<UInt8>: [Int]] = [:]
    private var tableSize = 64
    private var count = 0

    private var growAt: Int { tableSize * 80 / 100 }
    private var shrinkAt: Int { tableSize <= 64 ? 0 : growAt / 5 }

    mutating func add(_ key: ArraySlice<UInt8>, _ index: Int) {
        chains[key, default: []].insert(index, at: 0)
        count += 1
        if count > growAt { resize(tableSize << 2) }
    }

    mutating func remove(_ key: ArraySlice<UInt8>) -> Int? {
        guard let first = chains[key]?.first else { return nil }
        chains[key]!.removeFirst()
        count -= 1
        if count < shrinkAt { resize(tableSize >> 2) }
        return first
    }

    private mutating func resize(_ size: Int) {
        tableSize = size
        for key in chains.keys { chains[key]!.reverse() }
    }
}

/// `1:  abcdef0 ! 1:  1234567 subject`: one line per pair (`output_pair_header`).
private struct PairHeaderWriter {
    let repository: Repository
    /// `decimal_width(1 + max(old count, new count))`.
    let numberWidth: Int
    private var dashes: String?
    private var abbreviationLength: Int?

    init(repository: Repository, count: Int) {
        self.repository = repository
        numberWidth = String(1 + count).count
    }

    mutating func line(_ old: NormalisedPatch?, _ new: NormalisedPatch?, relation: PatchPair.Relation) throws(GitError) -> [UInt8] {
        guard let shown = old ?? new else { return [] }
        if dashes == nil { dashes = String(repeating: "-", count: try abbreviate(shown.id).count) }
        let status: String
        switch relation {
        case .identical: status = "="
        case .changed: status = "!"
        case .removed: status = "<"
        case .added: status = ">"
        }
        var line = ""
        if let old {
            line += pad(String(old.position + 1)) + ":  " + (try abbreviate(old.id)) + " "
        } else {
            line += pad("-") + ":  " + dashes! + " "
        }
        line += status
        if let new {
            line += " " + pad(String(new.position + 1)) + ":  " + (try abbreviate(new.id))
        } else {
            line += " " + pad("-") + ":  " + dashes!
        }
        return Array(line.utf8) + [UInt8(ascii: " ")] + shown.subject + [0x0A]
    }

    private func pad(_ text: String) -> String {
        String(repeating: " ", count: max(0, numberWidth - text.count)) + text
    }

    private mutating func abbreviate(_ id: ObjectID) throws(GitError) -> String {
        if abbreviationLength == nil { abbreviationLength = try repository.defaultAbbreviationLength() }
        return try repository.uniqueAbbreviation(of: id, minimumLength: abbreviationLength!)
    }
}
