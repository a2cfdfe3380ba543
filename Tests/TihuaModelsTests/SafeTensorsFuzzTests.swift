import Testing
import TihuaCompute
@testable import TihuaModels

/// Random damage to the tiny model file (fixed seed, 300 rounds): loading
/// either succeeds or throws ModelError — never a crash, a trap or another
/// error type. A file that loads is also bound to the config and run once.
@Suite struct SafeTensorsFuzzTests {
    @Test func randomMutationsNeverCrash() throws {
        let original = Fixtures.bytes("clip-tiny/model.safetensors")
        let config = try CLIPConfig(contentsOf: Fixtures.path("clip-tiny/config.json"))
        let tokenizer = try BertTokenizer(contentsOf: Fixtures.path("vocab.txt"))
        let headerEnd = 8 + 9000
        var random = SeededRandom(seed: 20_241_126)
        var loaded = 0, refused = 0
        for round in 0..<300 {
            var bytes = original
            switch random.next() % 6 {
            case 0:  // flip a few header bytes
                for _ in 0..<(1 + Int(random.next() % 8)) {
                    bytes[Int(random.next() % UInt64(headerEnd))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:  // truncate
                bytes.removeSubrange(Int(random.next() % UInt64(bytes.count))...)
            case 2:  // a random length prefix
                let length = random.next() >> (random.next() % 64)
                for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(k))) }
            case 3:  // change one digit or character inside the JSON
                let at = 8 + Int(random.next() % 9000)
                bytes[at] = Array("0123456789[]{}\",:-.e ".utf8)[Int(random.next() % 21)]
            case 4:  // delete a slice of the header
                let at = 8 + Int(random.next() % 9000)
                bytes.removeSubrange(at..<min(at + 1 + Int(random.next() % 64), bytes.count))
            default:  // damage the data (loads; the numbers are garbage)
                for _ in 0..<64 {
                    bytes[headerEnd + Int(random.next() % UInt64(bytes.count - headerEnd))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do {
                let file = try SafeTensors(bytes: bytes, source: "fuzz-\(round).safetensors")
                let model = try CLIPModel(config: config, weights: file, tokenizer: tokenizer, identity: "fuzz")
                _ = try model.encodeTexts(["明月"], normalize: false)
                loaded += 1
            } catch let error as ModelError {
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "round \(round): \(error.message)")
                refused += 1
            }
        }
        #expect(loaded + refused == 300)
        #expect(loaded > 0 && refused > 0, "loaded \(loaded), refused \(refused)")
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
