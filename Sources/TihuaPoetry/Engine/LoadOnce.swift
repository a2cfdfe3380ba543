import Synchronization

/// A value built at most once, on first use, by whichever thread asks first;
/// threads asking meanwhile wait for it. A failed build is not kept: the next
/// call tries again (a model folder may be fixed while a server runs).
final class LoadOnce<Value: Sendable>: Sendable {
    private let state = Mutex<Value?>(nil)
    private let build: @Sendable () throws(PoetryError) -> Value

    init(_ build: @escaping @Sendable () throws(PoetryError) -> Value) {
        self.build = build
    }

    func get() throws(PoetryError) -> Value {
        try state.withLock { (value: inout Value?) throws(PoetryError) -> Value in
            if let value { return value }
            let built = try build()
            value = built
            return built
        }
    }

    /// The value if it was built already.
    var loaded: Value? { state.withLock { $0 } }
}
