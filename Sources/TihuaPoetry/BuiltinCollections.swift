/// The collections Tihua itself fills.
public enum BuiltinCollection {
    public static let poems = "poems"
    public static let keywords = "keywords"
    public static let images = "images"
}
