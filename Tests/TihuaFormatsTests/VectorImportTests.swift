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

    /// Expects `body` to fail with a FormatError of `kind` whose message names
    /// `place` (file, row or line) and says `what` (the exact wording is the
    /// CLI tests' concern).
    func expectRefused(_ body: () throws -> Void, _ kind: FormatError.Kind = .invalidInput, place: String, what: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("accepted; expected \(what)", sourceLocation: sourceLocation)
        } catch let error as FormatError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(place) && error.message.contains(what), "\(error)", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            // Vectors are checked by the store (VectorCheck) on their way in.
            #expect(kind == .invalidInput && error.kind == .invalidInput, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(place) && error.message.contains(what), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("threw \(error)", sourceLocation: sourceLocation)
        }
    }

    func failed(_ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch { return true }
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
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }, place: "\(v) row 13 (id 'b13')", what: "component 2 is NaN")
        good[13 * 4 + 2] = -.infinity
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }, place: "\(v) row 13 (id 'b13')", what: "component 2 is infinite")
        good[13 * 4 + 2] = 1
        var zero = good
        for j in 0..<4 { zero[17 * 4 + j] = 0 }
        expectRefused({ _ = try run(zero, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, into: index) }, place: "\(v) row 17 (id 'b17')", what: "zero vector (it has no direction to compare)")
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" }, into: index) }, place: "\(ids)", what: "has 19 ids but \(v) has 20 rows")
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" } + ["b3"], into: index) }, place: "\(ids) line 20", what: "id 'b3' repeats line 4")
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<19).map { "b\($0)" } + ["a7"], into: index) }, place: "\(ids) line 20", what: "collection 'v' already has id 'a7'")
        expectRefused({ _ = try run([Float](repeating: 1, count: 15), rows: 3, dim: 5, ids: ["c1", "c2", "c3"], into: index) }, place: "\(v)", what: "has dimension 5 but collection 'v' holds 4-dimensional vectors")
        expectRefused({ _ = try run(good, rows: 20, dim: 4, ids: (0..<10).map { "b\($0)" } + [""] + (11..<20).map { "b\($0)" }, into: index) }, place: "\(ids) line 11", what: "empty id")
        #expect(try index.info(of: "v") == before)

        // A first import that fails leaves no collection behind.
        #expect(failed { _ = try run(zero, rows: 20, dim: 4, ids: (0..<20).map { "b\($0)" }, collection: "fresh", into: index) })
        #expect(try index.info(of: "fresh") == nil)
    }
}
