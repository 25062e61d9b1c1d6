public import Foundation

/// A small deterministic random source (SplitMix64), so a failing fuzz case can be replayed from its seed.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutations of real input files: the kinds of damage a config file meets (truncation, stray bytes,
/// duplicated or shuffled lines, syntax characters in the wrong place).
public enum Mutator {
    static let interesting: [UInt8] = Array("[]=:#;\\\"'@-*(),.%$!\n\r\t \0/".utf8) + [0xFF, 0xC3, 0x80]

    public static func mutate(_ input: Data, _ rng: inout SeededRandom, rounds: Int = 4) -> Data {
        var bytes = [UInt8](input)
        for _ in 0..<Int.random(in: 1...rounds, using: &rng) {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                let at = Int.random(in: 0...bytes.count, using: &rng)
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in interesting.randomElement(using: &rng)! }, at: at)
            case 2 where !bytes.isEmpty:
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...64, using: &rng)))
            case 3:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                if !lines.isEmpty {
                    let i = Int.random(in: 0..<lines.count, using: &rng)
                    lines.insert(lines[i], at: Int.random(in: 0...lines.count, using: &rng))
                    lines.shuffle(using: &rng)
                }
                bytes = Array(lines.joined(separator: [0x0A]))
            case 4:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 5:
                bytes += (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default:
                bytes += Array(String(repeating: "\\", count: Int.random(in: 1...3, using: &rng)).utf8)
            }
        }
        return Data(bytes)
    }

    public static func mutate(_ text: String, _ rng: inout SeededRandom) -> String {
        String(decoding: mutate(Data(text.utf8), &rng), as: UTF8.self)
    }
}
