import Foundation
import TihuaFormats
import TihuaModels
import TihuaSearch
import TihuaStore

extension PoetryError {
    /// `error` as a PoetryError: the message kept word for word, the kind
    /// mapped from the lower layers' own kinds. The façade throws nothing else.
    public init(wrapping error: any Error) {
        switch error {
        case let e as PoetryError:
            self = e
        case let e as StoreError:
            self.init(Self.kind(of: e.kind), e.message)
        case let e as SearchError:
            self.init(Self.kind(of: e.kind), e.message)
        case let e as FormatError:
            self.init(Self.kind(of: e.kind), e.message)
        case let e as ModelError:
            self.init(Self.kind(of: e.kind), e.message)
        case let e as DecodingError:
            self.init(.corrupt, "unreadable stored document: \(e.summary)")
        default:
            self.init(.io, (error as? LocalizedError)?.errorDescription ?? String(describing: error))
        }
    }

    static func kind(of kind: StoreError.Kind) -> Kind {
        switch kind {
        case .notFound: return .notFound
        case .invalidInput: return .badInput
        case .schema: return .unsupported
        case .corrupt: return .corrupt
        case .notAnIndex: return .badInput
        case .readOnly: return .readOnly
        case .noSpace, .outOfMemory, .io: return .io
        case .lmdb(let code):
            switch code {
            // MDB_PAGE_NOTFOUND, MDB_CORRUPTED, MDB_PANIC, MDB_VERSION_MISMATCH, MDB_INVALID
            case -30797, -30796, -30795, -30794, -30793: return .corrupt
            case -30781: return .badInput  // MDB_BAD_VALSIZE: a key LMDB cannot hold
            default: return .io
            }
        }
    }

    static func kind(of kind: FormatError.Kind) -> Kind {
        switch kind {
        case .notFound: return .notFound
        case .invalidInput: return .badInput
        case .io: return .io
        }
    }

    static func kind(of kind: SearchError.Kind) -> Kind {
        switch kind {
        case .invalidArgument, .dimensionMismatch, .invalidQuery: return .badInput
        case .noIVF: return .notReady
        }
    }

    static func kind(of kind: ModelError.Kind) -> Kind {
        switch kind {
        case .io, .outOfMemory: return .io
        case .notFound: return .notFound
        case .format, .shape, .invalidInput: return .badInput
        case .numerical: return .corrupt  // NaN or zero embeddings: damaged weights
        case .unsupported: return .unsupported
        }
    }
}

/// Runs `body`, turning whatever it throws into a PoetryError.
@inline(__always)
func wrappingErrors<R>(_ body: () throws -> R) throws(PoetryError) -> R {
    do {
        return try body()
    } catch {
        throw PoetryError(wrapping: error)
    }
}
