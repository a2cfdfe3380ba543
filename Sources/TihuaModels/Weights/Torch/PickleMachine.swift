/// Interprets a pickle (protocols 0–5 as far as torch.save uses them: it
/// writes protocol 2) without executing anything. Globals are resolved
/// against `TorchGlobal`'s allow-list when the GLOBAL opcode is read; calls
/// (REDUCE), persistent ids and BUILD go to `TorchObjects`, which knows what
/// each allowed global means. Every length is checked against the bytes left
/// and the stack, memo and nesting are bounded, so hostile input ends in one
/// `ModelError` naming the file and byte offset.
struct PickleMachine {
    /// Values on the stack and in the memo together (a real checkpoint's
    /// pickle stays below a few hundred thousand).
    static let maxValues = 1 << 22

    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private let baseOffset: Int
    private var objects: TorchObjects
    private var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var opcodeStart = 0

    /// Runs the pickle starting at `start` in `bytes` up to its STOP opcode:
    /// the value and the offset just past STOP. `baseOffset` is added to the
    /// offsets in messages (the pickle's position in its file).
    static func run(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, source: String, baseOffset: Int = 0,
                    objects: TorchObjects) throws -> (value: PickleValue, end: Int) {
        var machine = PickleMachine(bytes: bytes, source: source, baseOffset: baseOffset, objects: objects, position: start)
        let value = try machine.run()
        return (value, machine.position)
    }

    private init(bytes: UnsafeRawBufferPointer, source: String, baseOffset: Int, objects: TorchObjects, position: Int) {
        self.bytes = bytes
        self.source = source
        self.baseOffset = baseOffset
        self.objects = objects
        self.position = position
    }

    private func fail(_ what: String) -> ModelError {
        ModelError(.format, "\(source): pickle at byte \(baseOffset + opcodeStart): \(what)")
    }

    // MARK: - Reading

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - position else {
            throw fail("needs \(n) more bytes but \(bytes.count - position) remain (truncated?)")
        }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    private mutating func u8() throws -> Int { Int(try take(1)[0]) }

    private mutating func uint(_ n: Int) throws -> UInt64 {
        let b = try take(n)
        var v: UInt64 = 0
        for k in (0..<n).reversed() { v = v << 8 | UInt64(b[k]) }
        return v
    }

    /// A length field, bounded by the bytes that remain.
    private mutating func length(_ n: Int) throws -> Int {
        let v = try uint(n)
        guard v <= UInt64(bytes.count - position) else {
            throw fail("length \(v) exceeds the \(bytes.count - position) bytes that remain (truncated?)")
        }
        return Int(v)
    }

    /// A line ending in \n (the text opcodes GLOBAL and PERSID), at most 256 bytes.
    private mutating func line() throws -> String {
        var end = position
        while end < bytes.count, bytes[end] != 0x0A {
            end += 1
            if end - position > 256 { throw fail("text argument longer than 256 bytes") }
        }
        guard end < bytes.count else { throw fail("unterminated text argument (truncated?)") }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
        position = end + 1
        guard let text = String(validating: raw, as: UTF8.self) else { throw fail("text argument is not UTF-8") }
        return text
    }

    private mutating func text(_ n: Int) throws -> String {
        let raw = try take(n)
        guard let s = String(validating: raw, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    // MARK: - Stack

    private mutating func push(_ v: PickleValue) throws {
        guard stack.count + memo.count < Self.maxValues else {
            throw fail("more than \(Self.maxValues) values on the stack and in the memo")
        }
        stack.append(v)
    }

    private mutating func pop() throws -> PickleValue {
        guard let v = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw fail("stack underflow") }
        return v
    }

    private func top() throws -> PickleValue {
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw fail("stack underflow") }
        return v
    }

    /// The values above the topmost mark, removing them and the mark.
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail("no MARK for this opcode") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func put(_ index: Int) throws {
        guard memo.count < Self.maxValues else { throw fail("memo over \(Self.maxValues) entries") }
        memo[index] = try top()
    }

    private mutating func get(_ index: Int) throws {
        guard let v = memo[index] else { throw fail("memo has no entry \(index)") }
        try push(v)
    }

    // MARK: - Opcodes

    private mutating func run() throws -> PickleValue {
        while true {
            opcodeStart = position
            let op = try u8()
            switch op {
            case 0x80: // PROTO
                let version = try u8()
                guard version <= 5 else { throw fail("pickle protocol \(version) (at most 5)") }
            case 0x95: // FRAME (protocol 4): an 8-byte length, frames are not needed for reading
                _ = try take(8)
            case 0x2E: // STOP
                let v = try pop()
                guard marks.isEmpty else { throw fail("MARK left open at STOP") }
                return v
            case 0x28: // MARK
                marks.append(stack.count)
            case 0x30: // POP
                _ = try pop()
            case 0x31: // POP_MARK
                _ = try popMark()
            case 0x32: // DUP
                try push(try top())
            case 0x4E: // NONE
                try push(.none)
            case 0x88: try push(.bool(true))   // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4A: // BININT: signed 4 bytes
                try push(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))
            case 0x4B: // BININT1
                try push(.int(try u8()))
            case 0x4D: // BININT2
                try push(.int(Int(try uint(2))))
            case 0x8A: // LONG1
                try push(try long(try length(1)))
            case 0x8B: // LONG4
                try push(try long(try length(4)))
            case 0x47: // BINFLOAT: big-endian float64
                let b = try take(8)
                var bits: UInt64 = 0
                for k in 0..<8 { bits = bits << 8 | UInt64(b[k]) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58: // BINUNICODE
                try push(.string(try text(try length(4))))
            case 0x8C: // SHORT_BINUNICODE
                try push(.string(try text(try length(1))))
            case 0x8D: // BINUNICODE8
                try push(.string(try text(try length(8))))
            case 0x54: // BINSTRING (Python 2 str)
                try push(.string(try text(try length(4))))
            case 0x55: // SHORT_BINSTRING
                try push(.string(try text(try length(1))))
            case 0x42: // BINBYTES
                try push(.bytes(Array(try take(try length(4)))))
            case 0x43: // SHORT_BINBYTES
                try push(.bytes(Array(try take(try length(1)))))
            case 0x29: // EMPTY_TUPLE
                try push(.tuple([]))
            case 0x74: // TUPLE
                try push(.tuple(try popMark()))
            case 0x85: // TUPLE1
                let a = try pop()
                try push(.tuple([a]))
            case 0x86: // TUPLE2
                let b = try pop(), a = try pop()
                try push(.tuple([a, b]))
            case 0x87: // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                try push(.tuple([a, b, c]))
            case 0x5D: // EMPTY_LIST
                try push(.list(PickleList()))
            case 0x6C: // LIST
                try push(.list(PickleList(try popMark())))
            case 0x61: // APPEND
                let v = try pop()
                try list(try top()).items.append(v)
            case 0x65: // APPENDS
                let items = try popMark()
                try list(try top()).items.append(contentsOf: items)
            case 0x7D: // EMPTY_DICT
                try push(.dict(PickleDict()))
            case 0x64: // DICT
                let items = try popMark()
                let d = PickleDict()
                try setItems(d, items)
                try push(.dict(d))
            case 0x73: // SETITEM
                let value = try pop(), key = try pop()
                try setItems(try dict(try top()), [key, value])
            case 0x75: // SETITEMS
                let items = try popMark()
                try setItems(try dict(try top()), items)
            case 0x63: // GLOBAL module\nname\n
                let module = try line(), name = try line()
                try push(.global(try resolve(module, name)))
            case 0x93: // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let m = module.stringValue, let n = name.stringValue else { throw fail("STACK_GLOBAL needs two strings") }
                try push(.global(try resolve(m, n)))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                guard case .tuple(let arguments) = args else { throw fail("REDUCE arguments are \(args.kindName), not a tuple") }
                try push(try wrap { try objects.call(callable, arguments) })
            case 0x62: // BUILD
                let state = try pop(), object = try pop()
                try push(try wrap { try objects.build(object, state: state) })
            case 0x51: // BINPERSID
                let id = try pop()
                try push(try wrap { try objects.persistentLoad(id) })
            case 0x50: // PERSID (text)
                let id = try line()
                try push(try wrap { try objects.persistentLoad(.string(id)) })
            case 0x71: try put(try u8())          // BINPUT
            case 0x72: try put(Int(try uint(4)))  // LONG_BINPUT
            case 0x94: try put(memo.count)        // MEMOIZE
            case 0x68: try get(try u8())          // BINGET
            case 0x6A: try get(Int(try uint(4)))  // LONG_BINGET
            case 0x81, 0x92: // NEWOBJ, NEWOBJ_EX: instantiating a class is never needed by a checkpoint
                throw fail("object creation (opcode 0x\(String(op, radix: 16))) is not allowed in a checkpoint")
            case 0x69, 0x6F: // INST, OBJ
                throw fail("object creation (opcode '\(Character(Unicode.Scalar(UInt8(op))))') is not allowed in a checkpoint")
            default:
                throw fail("unsupported pickle opcode 0x\(String(op, radix: 16))")
            }
        }
    }

    /// A little-endian two's-complement integer of `n` bytes.
    private mutating func long(_ n: Int) throws -> PickleValue {
        guard n <= 1024 else { throw fail("integer of \(n) bytes") }
        let b = try take(n)
        if n == 0 { return .int(0) }
        if n <= 8 {
            var v: UInt64 = 0
            for k in (0..<n).reversed() { v = v << 8 | UInt64(b[k]) }
            if n < 8, b[n - 1] & 0x80 != 0 { v |= ~UInt64(0) << UInt64(8 * n) }  // sign-extend
            return .int(Int(Int64(bitPattern: v)))
        }
        return .bigInt(Array(b))
    }

    private func list(_ v: PickleValue) throws -> PickleList {
        guard case .list(let l) = v else { throw fail("APPEND to \(v.kindName), not a list") }
        return l
    }

    private func dict(_ v: PickleValue) throws -> PickleDict {
        guard case .dict(let d) = v else { throw fail("SETITEM on \(v.kindName), not a dict") }
        return d
    }

    private func setItems(_ d: PickleDict, _ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw fail("odd number of items for a dict") }
        for i in stride(from: 0, to: items.count, by: 2) {
            try wrap { try d.set(items[i], items[i + 1]) }
        }
    }

    private func resolve(_ module: String, _ name: String) throws -> TorchGlobal {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw ModelError(.format, "\(source): pickle at byte \(baseOffset + opcodeStart) names the global '\(module).\(name)', which a checkpoint may not use (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2/_rebuild_parameter/_rebuild_parameter_with_state, torch._tensor._rebuild_from_type_v2, torch.*Storage, torch.storage.UntypedStorage)")
        }
        return global
    }

    /// Runs `body`, giving a ModelError without a place this opcode's offset.
    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ModelError where !error.message.hasPrefix(source) {
            throw ModelError(error.kind, "\(source): pickle at byte \(baseOffset + opcodeStart): \(error.message)")
        }
    }
}
