import Testing
import TihuaCompute
@testable import TihuaModels

/// Random damage to the tiny model file (fixed seed, 300 rounds): loading
/// either succeeds or throws ModelError — never a crash, a trap or another
/// error type. A file that loads is also bound to the config and run once.
/// Each kind of damage has a known outcome, checked with its reason.
@Suite struct SafeTensorsFuzzTests {
    enum Damage: Int, CaseIterable { case headerBytes, truncation, lengthPrefix, jsonCharacter, headerSlice, data }

    @Test func randomMutationsNeverCrash() throws {
        let original = Fixtures.bytes("clip-tiny/model.safetensors")
        let config = try CLIPConfig(contentsOf: Fixtures.path("clip-tiny/config.json"))
        let tokenizer = try BertTokenizer(contentsOf: Fixtures.path("vocab.txt"))
        let headerEnd = 8 + 9000
        var random = SeededRandom(seed: 20_241_126)
        var loaded: [Damage: Int] = [:]
        var refused: [Damage: [ModelError]] = [:]
        for round in 0..<300 {
            var bytes = original
            let damage = Damage(rawValue: Int(random.next() % 6))!
            switch damage {
            case .headerBytes:  // flip a few header bytes
                for _ in 0..<(1 + Int(random.next() % 8)) {
                    bytes[Int(random.next() % UInt64(headerEnd))] = UInt8(truncatingIfNeeded: random.next())
                }
            case .truncation:
                bytes.removeSubrange(Int(random.next() % UInt64(bytes.count))...)
            case .lengthPrefix:  // a random length prefix (never the real one)
                var length = random.next() >> (random.next() % 64)
                if length == 9000 { length += 1 }
                for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(k))) }
            case .jsonCharacter:  // change one digit or character inside the JSON
                let at = 8 + Int(random.next() % 9000)
                bytes[at] = Array("0123456789[]{}\",:-.e ".utf8)[Int(random.next() % 21)]
            case .headerSlice:  // delete a slice of the header
                let at = 8 + Int(random.next() % 9000)
                bytes.removeSubrange(at..<min(at + 1 + Int(random.next() % 64), bytes.count))
            case .data:  // damage the data (loads; the numbers are garbage)
                for _ in 0..<64 {
                    bytes[headerEnd + Int(random.next() % UInt64(bytes.count - headerEnd))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do {
                let file = try SafeTensors(bytes: bytes, source: "fuzz-\(round).safetensors")
                let model = try CLIPModel(config: config, weights: file, tokenizer: tokenizer, identity: "fuzz")
                _ = try model.encodeTexts(["明月"], normalize: false)
                loaded[damage, default: 0] += 1
            } catch let error as ModelError {
                #expect(error.message.hasPrefix("fuzz-\(round).safetensors: ") && !error.message.contains("\n"),
                        "round \(round): \(error.message)")
                refused[damage, default: []].append(error)
            }
        }
        // Damaged numbers still load; every other kind of damage that changes
        // the header's meaning is refused, for the reason it implies.
        #expect(refused[.data] == nil && (loaded[.data] ?? 0) > 0)
        for e in refused[.truncation] ?? [] {
            #expect(e.kind == .format && (e.message.contains("exceed") || e.message.contains("too short") || e.message.contains("JSON")), "\(e)")
        }
        #expect(loaded[.truncation] == nil && (refused[.truncation]?.count ?? 0) > 0)
        for e in refused[.lengthPrefix] ?? [] {
            #expect(e.kind == .format && (e.message.contains("header length") || e.message.contains("header at byte 8") || e.message.contains("JSON")), "\(e)")
        }
        #expect(loaded[.lengthPrefix] == nil && (refused[.lengthPrefix]?.count ?? 0) > 0)
        // Edits inside the JSON are refused as bad JSON, a bad entry, a shape
        // the config does not imply or a missing tensor — or load when they
        // change nothing that matters (a digit of a padding space, say).
        for damage in [Damage.headerBytes, .jsonCharacter, .headerSlice] {
            for e in refused[damage] ?? [] {
                #expect([ModelError.Kind.format, .shape, .notFound, .unsupported].contains(e.kind), "\(damage): \(e)")
            }
            #expect((refused[damage]?.count ?? 0) > 0, "\(damage) never refused")
        }
    }

    /// Random bytes fed straight to the JSON parser.
    @Test func randomJSONNeverCrashes() {
        var random = SeededRandom(seed: 7)
        let alphabet = Array("{}[]\":,0123456789.eE+-truefalsnl \\u\t\n".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        for _ in 0..<2000 {
            let n = Int(random.next() % 40)
            let bytes = (0..<n).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            _ = try? JSONParser.parse(bytes, source: "fuzz.json")
        }
        // Deep nesting is refused, not a stack overflow.
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: ModelError.self) { try JSONParser.parse(deep, source: "deep.json") }
    }
}
