/// What a signed-in person may see and do at the collector (issue 13 point 6), from the groups they
/// belong to on the collector host:
/// - a unit's IT officer (Điều 10) sees and acts on that unit only;
/// - the supervisor, the Văn phòng thống kê xã (Điều 13), sees and acts on every unit;
/// - an inspector, an inspection team or the commune police (Điều 13 khoản 2 điểm đ, khoản 7;
///   Điều 14), sees every unit and changes nothing.
/// Someone in several groups gets the union.
public struct OfficerAccess: Sendable, Hashable, Codable {
    public var supervisor: Bool
    public var inspector: Bool
    /// Units this person is the IT officer of.
    public var units: Set<String>

    public init(supervisor: Bool = false, inspector: Bool = false, units: Set<String> = []) {
        self.supervisor = supervisor
        self.inspector = inspector
        self.units = units
    }

    /// Nobody: not in any of the collector's groups.
    public var isEmpty: Bool { !supervisor && !inspector && units.isEmpty }
    /// Sees every unit (the commune view).
    public var readsAll: Bool { supervisor || inspector }

    public func canRead(unit: String) -> Bool { readsAll || units.contains(unit) }
    public func canAct(unit: String) -> Bool { supervisor || units.contains(unit) }

    /// The role named in the audit log and on the pages.
    public var roleName: String {
        var names: [String] = []
        if supervisor { names.append("supervisor") }
        if !units.isEmpty { names.append("unit-officer") }
        if inspector { names.append("inspector") }
        return names.isEmpty ? "none" : names.joined(separator: "+")
    }
}
