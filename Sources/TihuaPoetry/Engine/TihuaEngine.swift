import Foundation
import TihuaModels
import TihuaStore

/// Everything a user can do with Tihua, in one place: the façade that the
/// `tihua` command line and the HTTP server both call, so that each is a thin
/// shell that parses, calls and prints or serialises.
///
/// An engine owns an index handle (opened once, for reading, writing or
/// creating) and the models it needs: the Chinese-CLIP model with its
/// preprocessor config, and optionally a GPT-2 poem model. Each model is
/// opened once, on first use or by `loadModels()`, never again for later
/// calls. Requests and results are Codable values shaped like the CLI's
/// `--json` output, so a server can decode and serialise them unchanged.
///
/// Every method throws only `PoetryError`; its `kind` says what went wrong
/// for a shell to map (an exit code and hint, an HTTP status), and its
/// message never names a shell's command or flag.
///
/// ## Thread safety
/// An engine is `Sendable` and every method may be called from many threads
/// at once:
/// - Reads (queries, stats, searches, documents) each run in their own LMDB
///   read transaction: they proceed in parallel, see one consistent snapshot
///   each, and never wait for a writer. The store's own contract is written
///   on `TihuaIndex`.
/// - Writes (imports, embed, images add, delete, IVF builds) are serialised
///   by the index's writer lock, across threads and processes; readers keep
///   seeing the last published state until a write publishes.
/// - A model is built at most once (`LoadOnce`): threads that need it while
///   it loads wait for that one load. Its weights are only read afterwards.
/// - Model forward passes run within TihuaCompute's `ComputeBudget`: at most
///   `concurrentPasses` at once (one by default; a server configures it once
///   at start), each on its share of the cores. Long passes do not hold a read
///   transaction: a query is embedded first, then searched.
/// - Progress closures run on the calling thread.
public final class TihuaEngine: Sendable {
    /// What the engine may do to its index.
    public enum IndexAccess: Sendable, Equatable {
        /// Queries only; writes are refused (`PoetryError.Kind.readOnly`).
        case readOnly
        /// Queries and writes to an index that exists.
        case readWrite
        /// As `readWrite`, creating the index folder when it is missing.
        case create
    }

    public struct Configuration: Sendable, Equatable {
        /// The index folder; nil for an engine that only encodes.
        public var index: String?
        public var access: IndexAccess
        /// The Chinese-CLIP folder; nil for the one recorded in the index.
        public var model: String?
        /// The GPT-2 poem model folder for `GenerateRequest.Generator.gpt2`.
        public var generator: String?

        public init(index: String? = nil, access: IndexAccess = .readOnly, model: String? = nil, generator: String? = nil) {
            self.index = index
            self.access = access
            self.model = model
            self.generator = generator
        }
    }

    public let configuration: Configuration
    let store: TihuaIndex?
    let clip: LoadOnce<LoadedCLIP>
    let gpt2: LoadOnce<GPT2Model>

    /// Opens the index (creating it with `.create`); models open later.
    public init(_ configuration: Configuration) throws(PoetryError) {
        self.configuration = configuration
        let store = try configuration.index.map { path throws(PoetryError) in
            try Self.openIndex(path, access: configuration.access)
        }
        self.store = store
        clip = LoadOnce { () throws(PoetryError) in
            try LoadedCLIP(folder: try Self.modelFolder(configuration.model, store: store))
        }
        gpt2 = LoadOnce { () throws(PoetryError) in
            guard let folder = configuration.generator else {
                throw PoetryError(.notReady, "the gpt2 generator needs a GPT-2 poem model folder; none was given")
            }
            return try wrappingErrors { try GPT2Model(folder: folder) }
        }
    }

    /// Opens the CLIP model now (and the GPT-2 model when one is
    /// configured), as a server does at start so that no request pays for it.
    public func loadModels() throws(PoetryError) {
        _ = try clip.get()
        if configuration.generator != nil { _ = try gpt2.get() }
    }

    /// The identity of the CLIP model, opening it if needed.
    public func modelIdentity() throws(PoetryError) -> String { try clip.get().identity }

    /// The index folder as given.
    public var indexPath: String? { configuration.index }

    // MARK: Opening

    static func openIndex(_ path: String, access: IndexAccess) throws(PoetryError) -> TihuaIndex {
        try checkFolderPath(path)
        // Read-only: the store never begins a write transaction (and refuses
        // writes); an index this process cannot write opens that way too.
        return try wrappingErrors { try TihuaIndex(path: path, create: access == .create, readOnly: access == .readOnly) }
    }

    /// A folder that does not exist yet: if a file stands where one of its
    /// ancestors should be, say so (FileManager would give a Cocoa error code).
    static func checkFolderPath(_ path: String) throws(PoetryError) {
        guard !path.isEmpty else { throw PoetryError(.badInput, "the index folder name is empty") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return }
        var ancestor = absolutePath(path)
        while ancestor != "/" {
            ancestor = (ancestor as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
                if !isDirectory.boolValue {
                    throw PoetryError(.badInput, "no index folder can be at \(path): \(ancestor) is a file, not a folder")
                }
                return
            }
        }
    }

    static func modelFolder(_ given: String?, store: TihuaIndex?) throws(PoetryError) -> String {
        if let given { return given }
        guard let store else { throw PoetryError(.badInput, "no model folder was given") }
        guard let recorded = try wrappingErrors({ try ModelBinding.recordedFolder(in: store) }) else {
            throw PoetryError(.notReady, "index \(store.path) records no model", remedy: .chooseModel)
        }
        return recorded
    }

    // MARK: Helpers for the operations

    /// The index, or an error for an engine opened without one.
    func index() throws(PoetryError) -> TihuaIndex {
        guard let store else { throw PoetryError(.badInput, "this engine was opened without an index") }
        return store
    }

    /// The index, refusing writes to a read-only one.
    func writableIndex() throws(PoetryError) -> TihuaIndex {
        let index = try index()
        guard configuration.access != .readOnly else {
            throw PoetryError(.readOnly, "index \(index.path) is open for reading only")
        }
        return index
    }

    func poetry() throws(PoetryError) -> PoetryIndex { PoetryIndex(index: try index()) }

    /// The vector of a query and the model whose space it is in (nil for a
    /// raw vector, whose model cannot be known); `embedding` when the caller
    /// embedded the query already.
    func vector(for query: Query, embedding: QueryEmbedding? = nil) throws(PoetryError) -> (vector: [Float], model: String?) {
        if let embedding { return (embedding.vector, embedding.model) }
        switch query {
        case .vector(let vector):
            return (vector, nil)
        case .poem(let id):
            let poetry = try poetry()
            let (vector, model) = try wrappingErrors { try poetry.poemVector(id) }
            return (vector, model)
        case .text, .imageFile, .jpeg:
            let embedding = try embed([query])[0].get()
            return (embedding.vector, embedding.model)
        }
    }

    /// Query texts as the index's poems were normalised (OpenCC, the
    /// profile recorded at import; `t2s` for an index without poems), so
    /// that a traditional query meets simplified embeddings and the other
    /// way round. Without an index, texts are embedded as given.
    func normalizedQuery(_ texts: [String]) throws(PoetryError) -> [String] {
        guard store != nil else { return texts }
        let poetry = try poetry()
        return try wrappingErrors { try texts.map(poetry.normalizedQuery) }
    }
}
