import TihuaStore

extension TihuaEngine {
    /// Which of `ids` are records of collection `name` (false for every id
    /// when the collection does not exist), read in one read transaction.
    /// What a server needs to serve only files that the index registered.
    public func contains(_ ids: [String], in name: String) throws(PoetryError) -> [Bool] {
        let index = try index()
        return try wrappingErrors {
            try Collection.validate(name: name)
            guard let c = try index.collection(name) else { return ids.map { _ in false } }
            return try index.read { txn in
                let snapshot = try txn.snapshot(c)
                return try ids.map { id in
                    guard RecordID.problem(with: id) == nil else { return false }
                    return try snapshot.record(id) != nil
                }
            }
        }
    }
}
