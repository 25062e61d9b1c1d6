public import FoundationEssentials

/// Everything besides the facts that decides a result: profile, role, time and tailored values.
public struct EvaluationContext: Sendable {
    public var profile: Profile
    public var role: Role
    /// "Now" for age checks; an input so that evaluation stays pure and repeatable.
    public var now: Date
    /// Tailored parameter values: policy-wide by name, per control by `CONTROL-ID.name`.
    public var tailoring: [String: FactValue]

    public init(profile: Profile, role: Role, now: Date, tailoring: [String: FactValue] = [:]) {
        self.profile = profile
        self.role = role
        self.now = now
        self.tailoring = tailoring
    }
}

/// A tailored value that is weaker than the regulation allows.
public struct FloorViolation: Sendable, Hashable {
    public var key: String
    public var value: FactValue
    public var floor: FactValue
    public var stricter: Parameter.Strictness
}

extension Policy {
    /// The parameter a tailoring key names: `name` (policy-wide) or `CONTROL-ID.name`.
    public func parameter(forTailoringKey key: String) -> Parameter? {
        if let dot = key.lastIndex(of: "."), let control = control(String(key[..<dot])) {
            let name = String(key[key.index(after: dot)...])
            return control.parameters.first { $0.name == name }
        }
        return parameters.first { $0.name == key }
    }

    /// Checks tailored values: each must name a parameter and be no weaker than the regulation's floor.
    public func floorViolations(in tailoring: [String: FactValue]) -> [FloorViolation] {
        tailoring.keys.sorted().compactMap { key in
            guard let parameter = parameter(forTailoringKey: key), let value = tailoring[key] else { return nil }
            if parameter.meetsFloor(value) { return nil }
            return FloorViolation(key: key, value: value, floor: parameter.regulation, stricter: parameter.stricter)
        }
    }
}
