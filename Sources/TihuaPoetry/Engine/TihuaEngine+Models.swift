import TihuaModels

extension TihuaEngine {
    /// What a model folder holds and whether it can be used (no index is
    /// opened): `tihua model inspect`.
    public static func inspectModel(folder: String) -> ModelInspection {
        ModelInspection(folder: folder)
    }
}
