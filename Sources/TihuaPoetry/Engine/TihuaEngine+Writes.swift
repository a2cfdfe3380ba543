import TihuaFormats
import TihuaModels
import TihuaSearch
import TihuaStore

extension TihuaEngine {
    /// Imports poem corpora into `poems`, all or nothing for readers.
    /// `progress(bytesDone, bytesTotal)` after each written batch.
    public func importPoems(_ request: PoemImportRequest,
                            progress: (Int, Int) -> Void = { _, _ in }) throws(PoetryError) -> ImportSummary {
        if let b = request.batchSize { try EngineLimits.check("batch size", b, 1...EngineLimits.maxPoemBatch) }
        let index = try writableIndex()
        var importer = PoemImport(paths: request.paths, format: request.format, skipInvalid: request.skipInvalid)
        if let b = request.batchSize { importer.batchSize = b }
        importer.keepDuplicates = request.keepDuplicates
        importer.scriptProfile = request.scriptProfile
        return try wrappingErrors { try importer.run(into: index, progress: progress) }
    }

    /// Brings poems imported before script normalisation (poem format 1)
    /// forward in place (see `PoemFormatUpgrade`); zeros when there was
    /// nothing to do. Resumable after an interruption.
    public func upgradePoems(scriptProfile: String = "t2s",
                             keepDuplicates: Bool = false) throws(PoetryError) -> PoemFormatUpgrade.Summary {
        let index = try writableIndex()
        return try wrappingErrors { try PoemFormatUpgrade.run(index, profile: scriptProfile, keepDuplicates: keepDuplicates) }
    }

    /// Imports a keyword vocabulary (one keyword a line) into `keywords`.
    public func importKeywords(file: String) throws(PoetryError) -> KeywordImportSummary {
        let index = try writableIndex()
        let summary = try wrappingErrors { try KeywordImport(path: file).run(into: index) }
        return KeywordImportSummary(imported: summary.imported, duplicates: summary.duplicates)
    }

    /// Imports a `.npy` matrix and its ids into a collection, all or nothing.
    /// `progress(rowsDone, rowsTotal)` after each committed batch.
    public func importVectors(_ request: VectorImportRequest,
                              progress: (Int, Int) -> Void = { _, _ in }) throws(PoetryError) -> VectorImportSummary {
        if let b = request.batchRows { try EngineLimits.check("batch rows", b, 1...EngineLimits.maxVectorBatch) }
        let index = try writableIndex()
        let count = try wrappingErrors {
            try Collection.validate(name: request.collection)
            return try VectorImport(vectorsPath: request.vectorsFile, idsPath: request.idsFile, batchRows: request.batchRows,
                                    dtype: request.dtype, keepFloat32: request.keepFloat32)
                .run(into: index, collection: request.collection, progress: progress)
        }
        return VectorImportSummary(imported: count)
    }

    /// Embeds every keyword and poem that has no vector yet, each batch
    /// committed on its own (an interrupted run continues where it stopped).
    /// `progress(collection, done, total)` after each batch.
    /// `dtype` sets how a collection without vectors yet stores them; a
    /// collection that stores another dtype is an error.
    public func embed(batchSize: Int? = nil, dtype: VectorDType? = nil,
                      progress: (String, Int, Int) -> Void = { _, _, _ in }) throws(PoetryError) -> EmbedSummary {
        if let b = batchSize { try EngineLimits.check("batch size", b, 1...EngineLimits.maxEmbedBatch) }
        let index = try writableIndex()
        let clip = try clip.get()
        var job = EmbedJob(index: index, model: clip.model, modelFolder: clip.folder)
        if let b = batchSize { job.batchSize = b }
        job.dtype = dtype
        return try wrappingErrors { try job.run(progress: progress) }
    }

    /// Decodes and embeds JPEG files (folders recursively) into `images`;
    /// unreadable files are reported in the summary and skipped.
    /// `progress(filesDone, filesTotal)` after each batch.
    public func addImages(paths: [String],
                          progress: (Int, Int) -> Void = { _, _ in }) throws(PoetryError) -> ImageLibrary.Summary {
        let index = try writableIndex()
        let clip = try clip.get()
        let input = try clip.input()
        let library = ImageLibrary(index: index, model: clip.model, modelFolder: clip.folder, input: input)
        return try wrappingErrors { try library.add(paths, progress: progress) }
    }

    /// Rewrites a collection's vectors in another dtype in one transaction
    /// (IVF lists and ids kept); int8 ranges are trained on its vectors.
    /// `keepFloat32` keeps (true) or drops (false) float32 copies; nil: as before.
    public func convert(collection name: String, to dtype: VectorDType,
                        keepFloat32: Bool? = nil) throws(PoetryError) -> ConvertSummary {
        try wrappingErrors { try Collection.validate(name: name) }
        let index = try writableIndex()
        return try wrappingErrors {
            guard let c = try index.collection(name) else { throw StoreError.noCollection(name, in: index.path) }
            return try index.write(c) { writer in
                let from = writer.info.dtype
                try writer.convert(to: dtype, keepFloat32: keepFloat32)
                return ConvertSummary(collection: name, from: from.rawValue, to: dtype.rawValue,
                                      vectors: writer.info.vectorCount, bytesPerVector: writer.info.bytesPerVector)
            }
        }
    }

    /// Deletes records and their vectors (IVF entries too) in one transaction.
    public func delete(_ request: DeleteRequest) throws(PoetryError) -> DeleteSummary {
        try wrappingErrors { try Collection.validate(name: request.collection) }
        for id in request.ids {
            if let problem = RecordID.problem(with: id) {
                throw PoetryError(.badInput, "cannot delete \(quoted(id)) from collection '\(request.collection)': \(problem)")
            }
        }
        let index = try writableIndex()
        let deleted = try wrappingErrors {
            guard let c = try index.collection(request.collection) else {
                throw StoreError.noCollection(request.collection, in: index.path)
            }
            return try index.write(c) { writer in try writer.delete(ids: request.ids) }
        }
        return DeleteSummary(deleted: deleted, missing: request.ids.count - deleted)
    }

    /// Builds (or rebuilds) the IVF index of a collection.
    public func buildIVF(_ request: IVFBuildRequest,
                         progress: (IVFBuildPhase) -> Void = { _ in }) throws(PoetryError) -> IVFBuildSummary {
        try request.validate()
        let index = try writableIndex()
        var options = IVFBuildOptions(lists: request.lists, trainSize: request.trainSize)
        options.iterations = request.iterations
        let report = try wrappingErrors {
            try Collection.validate(name: request.collection)
            return try IVFBuilder.build(index: index, collection: request.collection, options: options) { progress($0) }
        }
        let sorted = report.listSizes.sorted()
        let sizes = IVFBuildSummary.Sizes(
            min: sorted.first ?? 0, median: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
            mean: Double(report.vectors) / Double(max(1, report.lists)), max: sorted.last ?? 0,
            empty: sorted.prefix { $0 == 0 }.count)
        let ms = { (seconds: Double) in (seconds * 1000).rounded() / 1000 }
        return IVFBuildSummary(collection: request.collection, lists: report.lists, vectors: report.vectors,
                               trainedOn: report.trainedOn, iterations: report.iterations, seconds: ms(report.seconds),
                               trainingSeconds: ms(report.trainingSeconds), writingSeconds: ms(report.writingSeconds),
                               listSizes: sizes)
    }
}
