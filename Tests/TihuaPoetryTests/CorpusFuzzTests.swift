import Foundation
import Testing
@testable import TihuaPoetry

/// Random mutations of real corpus files through the readers: every outcome
/// is a poem within the bounds or an invalid record with a reason, never a
/// trap. `TIHUA_FUZZ_ITERATIONS` runs it longer (the CI default is short).
@Suite struct CorpusFuzzTests {
    let dir = Scratch()

    /// xorshift64*: a small seeded generator, so that a failure replays.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static var iterations: Int {
        ProcessInfo.processInfo.environment["TIHUA_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 600
    }

    /// Real bytes to start from: CCPC lines and chinese-poetry records.
    static let seeds: [[UInt8]] = {
        let ccpc = (try? String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)) ?? ""
        let tang = (try? String(contentsOfFile: Samples.root + "/chinese-poetry/poet.tang.0.json", encoding: .utf8)) ?? ""
        let tangRecords = tang.components(separatedBy: "\n    },\n")
        return [
            Array(ccpc.split(separator: "\n").prefix(12).joined(separator: "\n").utf8),
            Array((tangRecords.prefix(4).joined(separator: "\n    },\n") + "\n    }\n]").utf8),
            Array(#"[{"author": "柳永", "paragraphs": ["寒蟬淒切，對長亭晚。"], "rhythmic": "雨霖鈴", "id": "u", "tags": [{"a": [1, 2.5e3, null, true]}]}]"#.utf8),
        ]
    }()

    static let fragments: [[UInt8]] = [
        Array("\"".utf8), Array("\\".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("\\udc00\\ud800".utf8),
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array(",".utf8), Array(":".utf8),
        Array("|".utf8), Array("，".utf8), Array("。".utf8), Array("null".utf8), Array("-0.e".utf8), Array("1e999".utf8),
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x00], [0x0A], [0x0D],
        [0xEF, 0xBB, 0xBF], Array(String(repeating: "[", count: 700).utf8), Array("\"paragraphs\":".utf8),
        Array("\"content\":".utf8), Array(String(repeating: "|", count: 2_100).utf8),
    ]

    static func mutate(_ seed: [UInt8], _ rng: inout Generator) -> [UInt8] {
        var bytes = seed
        for _ in 0...rng.below(6) {
            let at = rng.below(bytes.count + 1)
            switch rng.below(7) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << rng.below(8))
            case 1:
                bytes.insert(contentsOf: fragments[rng.below(fragments.count)], at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + rng.below(40))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where !bytes.isEmpty:
                let start = rng.below(bytes.count)
                let end = min(bytes.count, start + 1 + rng.below(200))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            case 4:
                bytes = Array(bytes.prefix(at))
            case 5:
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            default:
                if let q = bytes.indices.filter({ bytes[$0] == UInt8(ascii: "\"") }).randomElement(using: &rng) {
                    bytes[q] = [UInt8(ascii: "'"), UInt8(ascii: "{"), 0x5C, 0x20][rng.below(4)]
                }
            }
        }
        return bytes
    }

    @Test func mutatedCorporaAreReadOrRefusedNeverTrapped() throws {
        var rng = Generator(state: 0x7469_6875_615F_6675)
        var poems = 0, invalid = 0
        let formats: [CorpusFormat] = [.auto, .ccpc, .chinesePoetry]
        let normalizer = PoemNormalizer(converter: try ScriptConverter.shared(profile: "t2s"))
        for iteration in 0..<Self.iterations {
            let bytes = Self.mutate(Self.seeds[iteration % Self.seeds.count], &rng)
            let path = dir.path + "/poet.tang.\(iteration % 7).json"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            for record in try CorpusFiles.read(path, format: formats[rng.below(formats.count)]) {
                switch record {
                case .poem(let read):
                    poems += 1
                    #expect(!read.poem.lines.isEmpty && read.poem.lines.allSatisfy { !$0.isEmpty })
                    #expect(CorpusLimits.problem(lines: read.poem.lines) == nil)
                    let poem = try normalizer.normalize(read)
                    #expect(poem.normalizedLines.count == poem.lines.count && poem.form != nil)
                    _ = Gram.codes(of: poem)
                    _ = PoemText.duplicateKey(poem.normalizedLines)
                case .invalid(let location, let reason):
                    invalid += 1
                    #expect(!location.isEmpty && !reason.isEmpty && !reason.contains("\n"))
                }
            }
        }
        #expect(poems > 0 && invalid > 0)
    }
}

extension CorpusFuzzTests.Generator: RandomNumberGenerator {}
