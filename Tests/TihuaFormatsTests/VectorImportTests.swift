import Foundation
import TihuaCompute
import Testing
@testable import TihuaFormats
import TihuaStore

@Suite struct VectorImportTests {
    let dir = TemporaryFolder()

    func run(_ values: [Float], rows: Int, dim: Int, ids: [String], collection: String = "v",
             into index: TihuaIndex) throws -> Int {
        let v = dir.file("v.npy"), i = dir.file("ids.txt")
        writeNPY(v, rows: rows, columns: dim, values: values)
        writeLines(i, ids)
        return try VectorImport(vectorsPath: v, idsPath: i, batchRows: 7).run(into: index, collection: collection)
    }

    func failure(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? FormatError)?.message ?? (error as? StoreError)?.message ?? "\(error)" }
    }

    @Test func importsInBatchesAndNormalises() throws {
        let index = try TihuaIndex(path: dir.file("idx"), create: true)
        var rng = SeededRandom(seed: 5)
        let values = rng.vectors(50, 6)
        #expect(try run(values, rows: 50, dim: 6, ids: (0..<50).map { "id-\($0)" }, into: index) == 50)
        try index.read { txn in
            let s = try txn.snapshot(try #require(try index.collection("v")))
            #expect(s.vectorCount == 50)
            let row = Array(try s.vector(row: 49))
            let expected = normalized(values[(49 * 6)..<(50 * 6)])
            for j in 0..<6 { #expect(abs(row[j] - expected[j]) < 1e-6) }
        }
    }

    @Test func badInputIsRefusedWithItsPlaceAndChangesNothing() throws {
        let index = try TihuaIndex(path: dir.file("idx"), create: true)
        let v = dir.file("v.npy"), ids = dir.file("ids.txt")
        var good = [Float](repeating: 1, count: 20 * 4)
        _ = try run(good, rows: 20, dim: 4, ids: (0..<20).map { "a\($0)" }, into: index)
        let before = try index.info(of: "v")

        good[13 * 4 + 2] = .nan
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }
                == "\(v) row 13 (id 'b13'): component 2 is NaN")
        good[13 * 4 + 2] = -.infinity
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }
                == "\(v) row 13 (id 'b13'): component 2 is infinite")
        good[13 * 4 + 2] = 1
        var zero = good
        for j in 0..<4 { zero[17 * 4 + j] = 0 }
        #expect(failure { _ = try run(zero, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }
                == "\(v) row 17 (id 'b17'): zero vector (it has no direction to compare)")
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" }, into: index) }
                == "\(ids) has 19 ids but \(v) has 20 rows")
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" } + ["b3"], into: index) }
                == "\(ids) line 20: id 'b3' repeats line 4")
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" } + ["a7"], into: index) }
                == "\(ids) line 20: collection 'v' already has id 'a7'")
        #expect(failure { _ = try run([Float](repeating: 1, count: 15), rows: 3, dim: 5, ids: ["c1", "c2", "c3"], into: index) }
                == "\(v) has dimension 5 but collection 'v' holds 4-dimensional vectors")
        #expect(failure { _ = try run(good, rows: 20, dim: 4, ids: (0..<10).map { "b\($0)" } + [""] + (11..<20).map { "b\($0)" }, into: index) }
                == "\(ids) line 11: empty id")
        #expect(try index.info(of: "v") == before)

        // A first import that fails leaves no collection behind.
        #expect(failure { _ = try run(zero, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, collection: "fresh", into: index) } != nil)
        #expect(try index.info(of: "fresh") == nil)
    }
}
