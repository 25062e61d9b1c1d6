import HardeningCore

/// A resolved stack of one type for one service: includes inlined, substacks nested.
indirect enum PamEntry: Hashable {
    case rule(PamRule, PamControl)
    case substack(PamRule, [PamEntry])

    /// Every rule, substacks flattened, in order.
    var rules: [PamRule] {
        switch self {
        case .rule(let r, _): return [r]
        case .substack(_, let inner): return inner.flatMap(\.rules)
        }
    }
}

/// Follows `@include`, `include` and `substack` from a service file, as Linux-PAM builds its chains.
struct PamStackResolver {
    /// Reads a file from `/etc/pam.d` (or an absolute path); `nil` when it does not exist.
    var readFile: (String) throws -> String?
    var directory = "/etc/pam.d"
    var problems: [String] = []
    private var cache: [String: [PamLine]] = [:]
    /// Rules expanded so far: includes can multiply (a file that includes another twice, sixteen
    /// levels deep), so expansion stops at a bound no real configuration comes near.
    private var expanded = 0
    static let maxRules = 4096

    init(directory: String = "/etc/pam.d", readFile: @escaping (String) throws -> String?) {
        self.directory = directory
        self.readFile = readFile
    }

    func path(of name: String) -> String {
        name.hasPrefix("/") ? name : "\(directory)/\(name)"
    }

    mutating func lines(of name: String) throws -> [PamLine]? {
        let p = path(of: name)
        if let cached = cache[p] { return cached }
        guard let text = try readFile(p) else { return nil }
        let parsed = PamConfigParser.parse(text)
        for problem in parsed.problems { problems.append("\(p):\(problem.line): \(problem.message)") }
        cache[p] = parsed.lines
        return parsed.lines
    }

    /// The stack of `type` for `service`. A missing service file falls back to `other`, as PAM does.
    mutating func stack(service: String, type: String) throws -> [PamEntry] {
        if try lines(of: service) != nil { return try expand(file: service, type: type, depth: 0) }
        return try expand(file: "other", type: type, depth: 0)
    }

    mutating func expand(file: String, type: String, depth: Int) throws -> [PamEntry] {
        // Linux-PAM refuses deep include chains; so do we, which also stops include loops.
        guard depth < 16 else {
            problems.append("\(path(of: file)): includes nested too deeply (a loop?)")
            return []
        }
        guard let lines = try lines(of: file) else {
            problems.append("\(path(of: file)): included file not found")
            return []
        }
        var entries: [PamEntry] = []
        let source = path(of: file)
        for line in lines {
            guard expanded < Self.maxRules else {
                problems.append("\(source): the stack grows past \(Self.maxRules) rules through includes; the rest is ignored")
                break
            }
            switch line.kind {
            case .includeAll(let other):
                entries += try expand(file: other, type: type, depth: depth + 1)
            case .include(let t, let other, let substack) where t == type:
                let inner = try expand(file: other, type: type, depth: depth + 1)
                if substack {
                    let marker = PamRule(type: type, control: "substack", module: other, arguments: [], source: SourceLocation(path: source, line: line.line))
                    entries.append(.substack(marker, inner))
                } else {
                    entries += inner
                }
            case .rule(let t, let control, let module, let arguments, _) where t == type:
                let rule = PamRule(type: t, control: line.controlText, module: module, arguments: arguments, source: SourceLocation(path: source, line: line.line))
                entries.append(.rule(rule, control))
                expanded += 1
            default:
                continue
            }
        }
        return entries
    }
}

/// Runs a PAM stack on paper: given what each module returns, which modules run and does the
/// whole stack succeed? This is Linux-PAM's `_pam_dispatch_aux` without the modules.
enum PamSimulator {
    struct Outcome {
        var succeeded: Bool
        /// The rules that ran, in order.
        var executed: [PamRule]
    }

    private enum Impression { case undecided, positive, negative }

    static func run(_ stack: [PamEntry], returns: (PamRule) -> String) -> Outcome {
        var impression = Impression.undecided
        var status = "fail"
        var executed: [PamRule] = []
        _ = runLevel(stack, returns: returns, impression: &impression, status: &status, executed: &executed)
        return Outcome(succeeded: impression == .positive && status == "success", executed: executed)
    }

    /// Returns true when the whole chain must stop (a `die` or `done` at the top level).
    private static func runLevel(_ entries: [PamEntry], returns: (PamRule) -> String, impression: inout Impression, status: inout String, executed: inout [PamRule]) -> Bool {
        var index = 0
        while index < entries.count {
            let entry = entries[index]
            index += 1
            switch entry {
            case .substack(_, let inner):
                // A `die` or `done` inside a substack ends only the substack.
                _ = runLevel(inner, returns: returns, impression: &impression, status: &status, executed: &executed)
            case .rule(let rule, let control):
                executed.append(rule)
                let value = returns(rule)
                switch control.action(for: value) {
                case .ignore:
                    break
                case .reset:
                    impression = .undecided
                    status = "fail"
                case .ok, .done:
                    if impression == .undecided || (impression == .positive && status == "success") {
                        if value != "ignore" {
                            impression = .positive
                            status = value
                        }
                    }
                    if impression != .negative, control.action(for: value) == .done { return true }
                case .bad, .die:
                    if impression != .negative {
                        impression = .negative
                        status = value
                    }
                    if control.action(for: value) == .die { return true }
                case .jump(let n):
                    index += n
                }
            }
        }
        return false
    }
}

extension PamRule {
    /// `pam_unix.so` for `/lib/x86_64-linux-gnu/security/pam_unix.so` too.
    var moduleName: String {
        String(module.split(separator: "/").last ?? Substring(module))
    }

    func has(_ argument: String) -> Bool { arguments.contains(argument) }

    /// `key=value` arguments.
    var keyedArguments: [(String, String?)] {
        arguments.map { arg in
            if let eq = arg.firstIndex(of: "=") { return (String(arg[..<eq]), String(arg[arg.index(after: eq)...])) }
            return (arg, nil)
        }
    }
}
