import Foundation
import Testing
import TihuaCompute
@testable import TihuaModels

/// Random damage to torch checkpoints (fixed seeds): the zip reader, the
/// pickle machine and the legacy reader either load the file or throw one
/// ModelError naming it — never a signal, a trap or another error type.
/// Damage whose outcome is known is checked with its reason.
@Suite struct TorchFuzzTests {
    enum Damage: Int, CaseIterable { case pickleBytes, directoryBytes, truncation, data, anywhere }

    /// Opens `bytes` as a zip checkpoint and reads every weight tensor.
    static func load(_ bytes: [UInt8], source: String, legacy: Bool = false) throws -> Int {
        let source: TensorSource = legacy ? try LegacyTorchCheckpoint(bytes: bytes, source: source)
                                          : try TorchCheckpoint(bytes: bytes, source: source)
        var values = 0
        for name in source.tensorNames where source.describe(name)!.dtype.isWeightType {
            values += try source.floats(name).count
        }
        return values
    }

    @Test(arguments: ["gpt2-micro/tied-buffers.bin", "gpt2-micro/noncontiguous.bin", "gpt2-micro/zip64.bin"])
    func zipCheckpointMutations(_ file: String) throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: TorchFixtures.path(file))))
        let zip = try original.withUnsafeBytes { try ZipArchive(bytes: $0, source: file) }
        let pickle = zip.entries.first { $0.name.hasSuffix("/data.pkl") }!
        let pickleRange = pickle.dataOffset..<(pickle.dataOffset + pickle.uncompressedSize)
        let directoryStart = zip.entries.map { $0.dataOffset + $0.uncompressedSize }.max()!
        let dataRanges = zip.entries.filter { $0.name.contains("/data/") }.map { $0.dataOffset..<($0.dataOffset + $0.uncompressedSize) }
        var random = SeededRandom(seed: 8_008)
        var loaded: [Damage: Int] = [:]
        var refused: [Damage: [ModelError]] = [:]
        for round in 0..<600 {
            var bytes = original
            let damage = Damage(rawValue: round % Damage.allCases.count)!
            func at(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
            switch damage {
            case .pickleBytes:
                for _ in 0..<(1 + Int(random.next() % 4)) { bytes[at(pickleRange)] = UInt8(truncatingIfNeeded: random.next()) }
            case .directoryBytes:
                for _ in 0..<(1 + Int(random.next() % 4)) { bytes[at(directoryStart..<bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            case .truncation:
                bytes.removeSubrange(at(0..<bytes.count)...)
            case .data:
                let r = dataRanges[Int(random.next() % UInt64(dataRanges.count))]
                if !r.isEmpty { bytes[at(r)] = UInt8(truncatingIfNeeded: random.next()) }
            case .anywhere:
                for _ in 0..<16 { bytes[at(0..<bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            }
            do {
                _ = try Self.load(bytes, source: "fuzz-\(round).bin")
                loaded[damage, default: 0] += 1
            } catch let error as ModelError {
                #expect(error.message.hasPrefix("fuzz-\(round).bin") && !error.message.contains("\n"), "\(error.message)")
                refused[damage, default: []].append(error)
            }
        }
        // Damaged numbers load; a truncated archive never does, and says where it ends.
        #expect(refused[.data] == nil && (loaded[.data] ?? 0) > 0)
        #expect(loaded[.truncation] == nil)
        for e in refused[.truncation] ?? [] {
            #expect(e.kind == .format && (e.message.contains("truncated") || e.message.contains("too short")), "\(e)")
        }
        #expect((refused[.pickleBytes]?.count ?? 0) > 0 && (refused[.directoryBytes]?.count ?? 0) > 0)
    }

    @Test func legacyCheckpointMutations() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: TorchFixtures.path("gpt2-micro/legacy.bin"))))
        var random = SeededRandom(seed: 1_001)
        var loaded = 0
        var refused: [ModelError] = []
        for round in 0..<400 {
            var bytes = original
            if round % 2 == 0 {
                // the pickles (the first 3 KB)
                for _ in 0..<(1 + Int(random.next() % 4)) { bytes[Int(random.next() % 3000)] = UInt8(truncatingIfNeeded: random.next()) }
            } else {
                bytes.removeSubrange(Int(random.next() % UInt64(bytes.count))...)
            }
            do {
                _ = try Self.load(bytes, source: "legacy-\(round).bin", legacy: true)
                loaded += 1
                #expect(round % 2 == 0, "a truncated legacy file loaded")
            } catch let error as ModelError {
                #expect(error.message.hasPrefix("legacy-\(round).bin") && !error.message.contains("\n"), "\(error.message)")
                refused.append(error)
            }
        }
        #expect(refused.count > 200)
    }

    /// Random opcode soup straight into the pickle machine: it ends in a
    /// value or a ModelError, and globals outside the allow-list are always named.
    @Test func randomPicklesNeverCrash() throws {
        var random = SeededRandom(seed: 2)
        let opcodes: [UInt8] = Array("(.012JKMGXUTB)tl]ae}dsucRbQqrhj".utf8) + [0x80, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x93, 0x94, 0x95]
        let globals = ["cos\nsystem\n", "ctorch._utils\n_rebuild_tensor_v2\n", "ctorch\nFloatStorage\n", "ccollections\nOrderedDict\n"]
        var refusedGlobals = 0
        for round in 0..<5000 {
            var bytes: [UInt8] = [0x80, 0x02]
            for _ in 0..<Int(random.next() % 40) {
                if random.next() % 8 == 0 {
                    bytes += Array(globals[Int(random.next() % 4)].utf8)
                } else {
                    bytes.append(opcodes[Int(random.next() % UInt64(opcodes.count))])
                    for _ in 0..<Int(random.next() % 3) { bytes.append(UInt8(truncatingIfNeeded: random.next() % 4)) }
                }
            }
            bytes.append(0x2E)
            do {
                _ = try bytes.withUnsafeBytes {
                    try PickleMachine.run($0, source: "p\(round)", objects: TorchObjects(legacy: false))
                }
            } catch let error as ModelError {
                #expect(error.message.hasPrefix("p\(round): pickle at byte "), "\(error.message)")
                if error.message.contains("'os.system'") { refusedGlobals += 1 }
            }
        }
        #expect(refusedGlobals > 0)
    }
}
