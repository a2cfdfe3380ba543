// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tihua",
    products: [
        .executable(name: "tihua", targets: ["tihua"]),
        .library(name: "TihuaPoetry", targets: ["TihuaPoetry"]),
        .library(name: "TihuaStore", targets: ["TihuaStore"]),
        .library(name: "TihuaSearch", targets: ["TihuaSearch"]),
        .library(name: "TihuaFormats", targets: ["TihuaFormats"]),
        .library(name: "TihuaModels", targets: ["TihuaModels"]),
        .library(name: "TihuaServer", targets: ["TihuaServer"]),
        .library(name: "TihuaTraining", targets: ["TihuaTraining"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The HTTP server (`tihua serve`).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // System C libraries (apt: liblmdb-dev, libopenblas-dev, libjpeg-dev, libopencc-dev, libxxhash-dev).
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // xxHash (XXH3-128): model identities hash every weight at memory speed.
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libjpeg-turbo behind a small C shim that turns its fatal errors into return codes.
        .target(name: "CTihuaJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // SIMD kernels (float32/float16/SQ8 dot products, codecs) with runtime
        // CPU dispatch and bit-identical portable code.
        .target(name: "CTihuaKernels", linkerSettings: [.linkedLibrary("m")]),
        // OpenCC's C++ API behind a small C interface (its C API cannot list
        // the characters its dictionaries convert; see ScriptConverter).
        .target(name: "CTihuaOpenCC", linkerSettings: [.linkedLibrary("opencc")]),

        // BLAS, parallel loops and vector helpers shared by search and models.
        .target(name: "TihuaCompute", dependencies: ["COpenBLAS", "CTihuaKernels"]),
        .target(name: "TihuaStore", dependencies: ["CLMDB", "TihuaCompute"]),
        .target(name: "TihuaSearch", dependencies: ["TihuaStore", "TihuaCompute"]),
        // Input file formats (.npy matrices, ids files) and their import into an index.
        .target(name: "TihuaFormats", dependencies: ["TihuaStore", "TihuaCompute"]),
        .target(name: "TihuaModels", dependencies: ["TihuaCompute", "CTihuaJPEG", "CXXHash"]),
        .target(name: "TihuaPoetry", dependencies: ["TihuaStore", "TihuaSearch", "TihuaFormats", "TihuaModels", "TihuaCompute", "CTihuaOpenCC"]),
        // The GPT-2 trainer (forward and backward on OpenBLAS, AdamW,
        // checkpoints) and the training data built from the corpora.
        .target(name: "TihuaTraining", dependencies: ["TihuaModels", "TihuaCompute", "TihuaPoetry", "CZlib"]),
        // Benchmarks and their random weights and synthetic data: used by
        // `tihua bench` and the tests, never by the product's own paths.
        .target(name: "TihuaBench", dependencies: ["TihuaPoetry", "TihuaTraining", "TihuaStore", "TihuaSearch", "TihuaFormats", "TihuaModels", "TihuaCompute"]),
        // The HTTP API, clip-retrieval's routes and the web page over the façade.
        .target(name: "TihuaServer", dependencies: [
            "TihuaPoetry", "TihuaModels", "TihuaCompute",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "tihua", dependencies: [
            "TihuaPoetry", "TihuaStore", "TihuaSearch", "TihuaFormats", "TihuaModels", "TihuaCompute", "TihuaBench", "TihuaTraining", "TihuaServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The fuzzing harness of the store's and formats' parsers (Tools/fuzz/README.md):
        // replays inputs when built normally, runs libFuzzer when built with
        // -sanitize=fuzzer -DFUZZING. Not part of `swift test`.
        .executableTarget(name: "tihua-fuzz", dependencies: ["TihuaStore", "TihuaFormats"], path: "Tools/fuzz",
                          exclude: ["README.md", "corpus"]),

        // Helpers shared by the test targets (temporary folders, random vectors, .npy files).
        .target(name: "TihuaTestSupport", dependencies: ["TihuaCompute"], path: "Tests/TihuaTestSupport"),
        .testTarget(name: "TihuaComputeTests", dependencies: ["TihuaCompute"]),
        .testTarget(name: "TihuaStoreTests", dependencies: ["TihuaStore", "TihuaCompute", "TihuaTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaFormatsTests", dependencies: ["TihuaFormats", "TihuaStore", "TihuaCompute", "TihuaTestSupport"]),
        .testTarget(name: "TihuaSearchTests", dependencies: ["TihuaSearch", "TihuaCompute", "TihuaTestSupport"]),
        .testTarget(name: "TihuaKernelsTests", dependencies: ["TihuaSearch", "TihuaCompute", "CTihuaKernels", "TihuaBench", "TihuaFormats", "TihuaStore", "TihuaTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaModelsTests", dependencies: ["TihuaModels", "TihuaCompute", "TihuaBench", "TihuaTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaPoetryTests", dependencies: ["TihuaPoetry", "TihuaTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaServerTests", dependencies: [
            "TihuaServer", "TihuaPoetry", "TihuaModels", "TihuaTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "TihuaTrainingTests", dependencies: ["TihuaTraining", "TihuaModels", "TihuaPoetry", "TihuaTestSupport", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TihuaCLITests", dependencies: ["tihua", "TihuaStore", "TihuaTestSupport"], resources: [.copy("Fixtures")]),
    ],
    cxxLanguageStandard: .cxx17
)
