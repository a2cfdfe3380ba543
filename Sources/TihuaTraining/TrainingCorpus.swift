import Foundation
import TihuaModels
import TihuaPoetry

/// A regular poem prepared for training: 4 or 8 lines of 5 or 7 CJK
/// characters, in simplified script, with its keywords.
public struct TrainingPoem: Sendable, Equatable {
    public var id: String
    public var lines: [String]
    public var keywords: [String]

    public init(id: String, lines: [String], keywords: [String]) {
        self.id = id
        self.lines = lines
        self.keywords = keywords
    }

    /// Lines joined by `|`: the poem's identity for de-duplication and the split.
    public var text: String { lines.joined(separator: PoemPrompt.lineSeparator) }

    /// The training layout as text: `[CLS]关键词：k1 k2 [EOS]line|line|…[SEP]`.
    public var layout: String {
        "[CLS]" + PoemPrompt.keywordLabel + keywords.joined(separator: " ") + " [EOS]" + text + "[SEP]"
    }

    /// Whether `lines` is a regular poem: 4 or 8 lines, one length, 5 or 7, CJK only.
    public static func isRegular(_ lines: [String]) -> Bool {
        guard lines.count == 4 || lines.count == 8, let n = lines.first?.unicodeScalars.count, n == 5 || n == 7 else { return false }
        return lines.allSatisfy { $0.unicodeScalars.count == n && $0.unicodeScalars.allSatisfy { GeneratedPoem.isCJK($0) } }
    }
}

/// The training data: regular poems from corpus files (CCPC with its
/// keywords, chinese-poetry with keywords found in the poem), converted to
/// simplified script, de-duplicated by text (the first copy wins, so list
/// CCPC first to keep its keywords), split into training and validation by
/// a seeded hash of each poem's text.
public struct TrainingCorpus: Sendable {
    public var training: [TrainingPoem]
    public var validation: [TrainingPoem]
    /// Records read, regular poems kept, duplicates dropped.
    public var read = 0, regular = 0, duplicates = 0

    /// Whether a poem (by its text) belongs to the validation split: a
    /// seeded FNV-1a hash, so any corpus file can be split the same way later.
    public static func isValidation(_ text: String, seed: UInt64, fraction: Double) -> Bool {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33
        return Double(h % 1_000_000) < fraction * 1_000_000
    }

    /// Reads and prepares `paths` (files or folders).
    public static func load(paths: [String], keywords: KeywordMatcher, seed: UInt64, validationFraction: Double) throws -> TrainingCorpus {
        let poems: [Poem]
        do {
            poems = try PoemImport(paths: paths, skipInvalid: true).readPoems().poems
        } catch {
            throw TrainingError(.badInput, "\(error)")
        }
        let converter: ScriptConverter
        do { converter = try ScriptConverter(profile: "t2s") } catch { throw TrainingError(.badInput, "\(error)") }
        var corpus = TrainingCorpus(training: [], validation: [])
        corpus.read = poems.count
        var seen = Set<String>()
        for poem in poems where TrainingPoem.isRegular(poem.lines) {
            corpus.regular += 1
            let simplified = (try? converter.convert(poem.lines.joined(separator: "|")))
                .map { $0.split(separator: "|").map(String.init) } ?? poem.lines
            guard TrainingPoem.isRegular(simplified) else { continue }
            var prepared = TrainingPoem(id: poem.id, lines: simplified, keywords: poem.keywords)
            if prepared.keywords.isEmpty { prepared.keywords = keywords.keywords(in: simplified) }
            guard seen.insert(prepared.text).inserted else { corpus.duplicates += 1; continue }
            if isValidation(prepared.text, seed: seed, fraction: validationFraction) {
                corpus.validation.append(prepared)
            } else {
                corpus.training.append(prepared)
            }
        }
        return corpus
    }

    /// The characters of `poems` (layout template, keywords and lines)
    /// occurring at least `minimumCount` times, most frequent first (ties
    /// by code point), after the special tokens: a vocab.txt for BertTokenizer.
    public static func vocabulary(of poems: [TrainingPoem], minimumCount: Int) -> [String] {
        var counts: [Unicode.Scalar: Int] = [:]
        let template = PoemPrompt.keywordLabel + PoemPrompt.lineSeparator
        for poem in poems {
            for s in template.unicodeScalars { counts[s, default: 0] += 1 }
            for k in poem.keywords { for s in k.unicodeScalars { counts[s, default: 0] += 1 } }
            for line in poem.lines { for s in line.unicodeScalars { counts[s, default: 0] += 1 } }
        }
        let kept = counts.filter { $0.value >= minimumCount && !$0.key.properties.isWhitespace }
            .sorted { ($0.value, $1.key.value) > ($1.value, $0.key.value) }
            .map { String($0.key) }
        return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", PoemPrompt.endOfKeywords] + kept
    }
}

/// A poem as token ids in the training layout, and where its lines start
/// (the loss counts the tokens from there on: lines, separators, `[SEP]`).
public struct EncodedPoem: Sendable {
    public var ids: [Int32]
    public var poemStart: Int

    /// Tokens the loss counts.
    public var predicted: Int { ids.count - poemStart }

    public init(_ poem: TrainingPoem, tokenizer: BertTokenizer) {
        let prompt = PoemPrompt.keywordIDs(poem.keywords, tokenizer: tokenizer)
        var ids = prompt
        let separator = tokenizer.vocabulary.id(PoemPrompt.lineSeparator) ?? tokenizer.sepID
        for (i, line) in poem.lines.enumerated() {
            if i > 0 { ids.append(separator) }
            ids += tokenizer.tokenIDs(line)
        }
        ids.append(tokenizer.sepID)
        self.ids = ids.map { Int32($0) }
        poemStart = prompt.count
    }
}

/// Finds keywords of a vocabulary (Image2Poem's 6,808) in a poem.
public struct KeywordMatcher: Sendable {
    private let words: Set<String>
    private let longest: Int

    public init(words: [String]) {
        self.words = Set(words.filter { !$0.isEmpty })
        longest = self.words.map(\.count).max() ?? 0
    }

    /// One keyword a line, trimmed, blank lines ignored.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TrainingError(.notFound, "\(path): cannot read the keyword vocabulary")
        }
        self.init(words: text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
    }

    public var count: Int { words.count }

    /// Up to four keywords of the poem in poem order: within each line the
    /// longest keyword starting at each character, matches never
    /// overlapping; repeats dropped; when more than four are found, four
    /// spread evenly over them (the first and the last included).
    public func keywords(in lines: [String]) -> [String] {
        var found: [String] = []
        for line in lines {
            let chars = Array(line)
            var i = 0
            while i < chars.count {
                var matched = 0
                for n in stride(from: min(longest, chars.count - i), through: 1, by: -1) where words.contains(String(chars[i..<(i + n)])) {
                    matched = n
                    break
                }
                if matched > 0 {
                    let word = String(chars[i..<(i + matched)])
                    if !found.contains(word) { found.append(word) }
                    i += matched
                } else {
                    i += 1
                }
            }
        }
        guard found.count > 4 else { return found }
        return (0..<4).map { found[($0 * (found.count - 1) + 1) / 3] }
    }
}
