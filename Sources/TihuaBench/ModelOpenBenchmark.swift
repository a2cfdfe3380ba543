import Foundation
import TihuaModels

/// Opening model folders as the commands do, timed and with the process's
/// memory split into anonymous (copies, converted or fused weights) and
/// file-backed (mapped weight pages touched) resident memory, read from
/// /proc/self/status. Folders are measured interleaved, `repeats` times
/// each, so that a busy machine affects them alike.
package enum ModelOpenBenchmark {
    package struct Report: Sendable, Codable, Equatable {
        package var folder: String
        package var architecture: String
        package var format: String
        package var weightMegabytes: Double
        /// Headers, pickle and zip directory only (`ModelFolder.openWeights`): median ms.
        package var readWeightsMilliseconds: Double
        /// The whole model (every tensor bound and checked against the config), the
        /// identity from a warm cache: median ms.
        package var openMilliseconds: Double
        /// The same, in CPU time of the process (all threads): what the open
        /// costs on an idle machine, whatever else runs beside it now.
        package var openCPUMilliseconds: Double
        /// The first open of these files: every weight hashed for the identity.
        package var firstOpenMilliseconds: Double
        /// Resident memory added by one open, while the model is alive (MiB).
        package var anonymousMegabytes: Double
        package var fileMegabytes: Double
        package var identity: String
    }

    /// (RssAnon, RssFile) in MiB.
    package static func residentMemory() -> (anonymous: Double, file: Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
        }
        return (field("RssAnon"), field("RssFile"))
    }

    package static func run(folders: [String], repeats: Int, progress: (String) -> Void = { _ in }) throws -> [Report] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tihua-open-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cache = ModelIdentityCache(file: scratch + "/model-identities")
        var reports: [Report] = []
        // First opens: a cold identity cache, so every weight is hashed.
        for folder in folders {
            let model = try ModelFolder(path: folder)
            let (source, format) = try model.openWeights()
            let bytes = source.backingFiles.reduce(0) { $0 + $1.size }
            let isCLIP = (try? CLIPConfig(contentsOf: model.configPath)) != nil
            var identity = ""
            let first = try time { identity = try open(folder, clip: isCLIP, cache: cache) }
            progress("\(folder): first open \(String(format: "%.0f", first * 1000)) ms")
            reports.append(Report(folder: folder, architecture: isCLIP ? "chinese-clip" : "gpt2", format: format.rawValue,
                                  weightMegabytes: Double(bytes) / 1e6, readWeightsMilliseconds: 0, openMilliseconds: 0, openCPUMilliseconds: 0,
                                  firstOpenMilliseconds: first * 1000, anonymousMegabytes: 0, fileMegabytes: 0, identity: identity))
        }
        var reads = [[Double]](repeating: [], count: folders.count)
        var opens = [[Double]](repeating: [], count: folders.count)
        var cpu = [[Double]](repeating: [], count: folders.count)
        for round in 0..<repeats {
            for (i, folder) in folders.enumerated() {
                reads[i].append(try time { _ = try ModelFolder(path: folder).openWeights() })
                let before = residentMemory()
                var held: AnyObject?
                let cpuBefore = cpuSeconds()
                opens[i].append(try time { held = try openModel(folder, clip: reports[i].architecture == "chinese-clip", cache: cache) })
                cpu[i].append(cpuSeconds() - cpuBefore)
                if round == 0 {
                    let after = residentMemory()
                    reports[i].anonymousMegabytes = after.anonymous - before.anonymous
                    reports[i].fileMegabytes = after.file - before.file
                }
                withExtendedLifetime(held) {}
            }
        }
        for i in folders.indices {
            reports[i].readWeightsMilliseconds = median(reads[i]) * 1000
            reports[i].openMilliseconds = median(opens[i]) * 1000
            reports[i].openCPUMilliseconds = median(cpu[i]) * 1000
        }
        return reports
    }

    private static func openModel(_ folder: String, clip: Bool, cache: ModelIdentityCache) throws -> AnyObject {
        clip ? try CLIPModel(folder: folder, identityCache: cache) : try GPT2Model(folder: folder, identityCache: cache)
    }

    private static func open(_ folder: String, clip: Bool, cache: ModelIdentityCache) throws -> String {
        clip ? try CLIPModel(folder: folder, identityCache: cache).identity : try GPT2Model(folder: folder, identityCache: cache).identity
    }

    /// CPU time of the whole process (every thread), in seconds.
    private static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    private static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
