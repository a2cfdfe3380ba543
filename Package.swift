// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tihua",
    products: [
        .executable(name: "tihua", targets: ["tihua"]),
        .library(name: "TihuaPoetry", targets: ["TihuaPoetry"]),
        .library(name: "TihuaStore", targets: ["TihuaStore"]),
        .library(name: "TihuaSearch", targets: ["TihuaSearch"]),
        .library(name: "TihuaModels", targets: ["TihuaModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System C libraries (apt: liblmdb-dev, libopenblas-dev, libjpeg-dev).
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // libjpeg-turbo behind a small C shim that turns its fatal errors into return codes.
        .target(name: "CTihuaJPEG", linkerSettings: [.linkedLibrary("jpeg")]),

        // BLAS, parallel loops and vector helpers shared by search and models.
        .target(name: "TihuaCompute", dependencies: ["COpenBLAS"]),
        .target(name: "TihuaStore", dependencies: ["CLMDB", "TihuaCompute"]),
        .target(name: "TihuaSearch", dependencies: ["TihuaStore", "TihuaCompute"]),
        .target(name: "TihuaModels", dependencies: ["TihuaCompute", "CTihuaJPEG"]),
        .target(name: "TihuaPoetry", dependencies: ["TihuaStore", "TihuaSearch", "TihuaModels"]),
        .executableTarget(name: "tihua", dependencies: [
            "TihuaPoetry", "TihuaStore", "TihuaSearch", "TihuaModels",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TihuaStoreTests", dependencies: ["TihuaStore", "TihuaCompute"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaSearchTests", dependencies: ["TihuaSearch", "TihuaCompute"]),
        .testTarget(name: "TihuaModelsTests", dependencies: ["TihuaModels", "TihuaCompute"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaPoetryTests", dependencies: ["TihuaPoetry"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaCLITests", dependencies: ["tihua", "TihuaStore"], resources: [.copy("Fixtures")]),
    ]
)
