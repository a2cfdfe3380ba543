import ArgumentParser

/// `--seed N`: any 64-bit integer. A negative seed stands for its two's
/// complement bit pattern (as `torch.manual_seed` takes it): -1 is 2⁶⁴ − 1.
struct Seed: ExpressibleByArgument, Equatable {
    let value: UInt64

    init(_ value: UInt64) { self.value = value }

    init?(argument: String) {
        if let v = UInt64(argument) {
            value = v
        } else if let v = Int64(argument) {
            value = UInt64(bitPattern: v)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { String(value) }
}
