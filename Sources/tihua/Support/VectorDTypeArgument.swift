import ArgumentParser
import TihuaStore

// `--dtype float32|float16|int8` (ArgumentParser lists the cases in errors and help).
extension VectorDType: ExpressibleByArgument {}
