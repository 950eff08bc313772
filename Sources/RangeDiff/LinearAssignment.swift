/// git's solver for the linear assignment problem (`linear-assignment.c`, after Jonker and
/// Volgenant, 1987), ported step for step: among assignments of equal cost git's choice
/// depends on the order of its scans, and `git range-diff` prints that choice.
enum LinearAssignment {
    /// The largest cost git puts in the matrix (`COST_MAX`), to keep sums from overflowing.
    static let maximumCost = 1 << 16

    /// Assigns columns to rows at least total cost. `cost[column + columnCount * row]` is the
    /// cost of giving `column` to `row`. Returns, for each column, its row (-1 for none), and
    /// for each row, its column.
    static func solve(columnCount: Int, rowCount: Int, cost: [Int]) -> (columnToRow: [Int], rowToColumn: [Int]) {
        func costAt(_ column: Int, _ row: Int) -> Int { cost[column + columnCount * row] }
        if columnCount < 2 {
            return ([Int](repeating: 0, count: columnCount), [Int](repeating: 0, count: rowCount))
        }
        var columnToRow = [Int](repeating: -1, count: columnCount)
        var rowToColumn = [Int](repeating: -1, count: rowCount)
        var v = [Int](repeating: 0, count: columnCount)

        // Column reduction.
        for j in stride(from: columnCount - 1, through: 0, by: -1) {
            var i1 = 0
            for i in 1..<max(rowCount, 1) where costAt(j, i1) > costAt(j, i) { i1 = i }
            v[j] = costAt(j, i1)
            if rowToColumn[i1] == -1 {
                rowToColumn[i1] = j
                columnToRow[j] = i1
            } else {
                if rowToColumn[i1] >= 0 { rowToColumn[i1] = -2 - rowToColumn[i1] }
                columnToRow[j] = -1
            }
        }

        // Reduction transfer.
        var freeRows = [Int](repeating: 0, count: rowCount)
        var freeCount = 0
        for i in 0..<rowCount {
            let j1 = rowToColumn[i]
            if j1 == -1 {
                freeRows[freeCount] = i
                freeCount += 1
            } else if j1 < -1 {
                rowToColumn[i] = -2 - j1
            } else {
                let other = j1 == 0 ? 1 : 0
                var minimum = costAt(other, i) - v[other]
                for j in 1..<columnCount where j != j1 && minimum > costAt(j, i) - v[j] {
                    minimum = costAt(j, i) - v[j]
                }
                v[j1] -= minimum
            }
        }
        if freeCount == (columnCount < rowCount ? rowCount - columnCount : 0) {
            return (columnToRow, rowToColumn)
        }

        // Augmenting row reduction, twice.
        for _ in 0..<2 {
            var k = 0
            let savedFreeCount = freeCount
            freeCount = 0
            while k < savedFreeCount {
                let i = freeRows[k]
                k += 1
                var j1 = 0
                var u1 = costAt(j1, i) - v[j1]
                var j2 = -1
                var u2 = Int(Int32.max)
                for j in 1..<columnCount {
                    let c = costAt(j, i) - v[j]
                    if u2 > c {
                        if u1 < c {
                            u2 = c
                            j2 = j
                        } else {
                            u2 = u1
                            u1 = c
                            j2 = j1
                            j1 = j
                        }
                    }
                }
                if j2 < 0 {
                    j2 = j1
                    u2 = u1
                }
                var i0 = columnToRow[j1]
                if u1 < u2 {
                    v[j1] -= u2 - u1
                } else if i0 >= 0 {
                    j1 = j2
                    i0 = columnToRow[j1]
                }
                if i0 >= 0 {
                    if u1 < u2 {
                        k -= 1
                        freeRows[k] = i0
                    } else {
                        freeRows[freeCount] = i0
                        freeCount += 1
                    }
                }
                rowToColumn[i] = j1
                columnToRow[j1] = i
            }
        }

        // Augmentation.
        let savedFreeCount = freeCount
        var d = [Int](repeating: 0, count: columnCount)
        var pred = [Int](repeating: 0, count: columnCount)
        var col = [Int](repeating: 0, count: columnCount)
        for freeIndex in 0..<savedFreeCount {
            let i1 = freeRows[freeIndex]
            var low = 0
            var up = 0
            var last = 0
            var minimum = 0
            for j in 0..<columnCount {
                d[j] = costAt(j, i1) - v[j]
                pred[j] = i1
                col[j] = j
            }
            var j = -1
            search: repeat {
                last = low
                minimum = d[col[up]]
                up += 1
                for k in up..<max(columnCount, up) {
                    j = col[k]
                    let c = d[j]
                    if c <= minimum {
                        if c < minimum {
                            up = low
                            minimum = c
                        }
                        col[k] = col[up]
                        col[up] = j
                        up += 1
                    }
                }
                // git jumps to the update here without setting `j` to the free column: the
                // path is then traced from the last column scanned above, as git does.
                for k in low..<max(up, low) where columnToRow[col[k]] == -1 { break search }
                // Scan a row.
                repeat {
                    let j1 = col[low]
                    low += 1
                    let i = columnToRow[j1]
                    let u1 = costAt(j1, i) - v[j1] - minimum
                    for k in up..<max(columnCount, up) {
                        j = col[k]
                        let c = costAt(j, i) - v[j] - u1
                        if c < d[j] {
                            d[j] = c
                            pred[j] = i
                            if c == minimum {
                                if columnToRow[j] == -1 { break search }
                                col[k] = col[up]
                                col[up] = j
                                up += 1
                            }
                        }
                    }
                } while low != up
            } while low == up

            // Update the column prices.
            for k in 0..<last {
                let j1 = col[k]
                v[j1] += d[j1] - minimum
            }
            // Augment along the path.
            var i: Int
            repeat {
                precondition(j >= 0, "linear assignment: negative column")
                i = pred[j]
                columnToRow[j] = i
                swap(&j, &rowToColumn[i])
            } while i1 != i
        }
        return (columnToRow, rowToColumn)
    }
}
