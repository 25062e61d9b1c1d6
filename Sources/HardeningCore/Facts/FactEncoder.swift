/// Encodes any `Encodable` straight into a ``FactValue`` tree, with the same shape JSONEncoder gives
/// (absent optionals are left out). Going through JSON text and back cost half of a scan's time.
public enum FactEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> FactValue {
        let root = FactNode()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        return root.value
    }
}

/// A tree under construction: containers write into it by reference, in place.
final class FactNode {
    enum Kind { case unset, scalar, object, array }
    var kind = Kind.unset
    var scalar = FactValue.null
    var members: [String: FactNode] = [:]
    var items: [FactNode] = []

    var value: FactValue {
        switch kind {
        case .unset: return .object([:])
        case .scalar: return scalar
        case .object: return .object(members.mapValues(\.value))
        case .array: return .array(items.map(\.value))
        }
    }

    func set(_ value: FactValue) {
        kind = .scalar
        scalar = value
    }

    func child(_ key: String) -> FactNode {
        kind = .object
        if let existing = members[key] { return existing }
        let node = FactNode()
        members[key] = node
        return node
    }

    func makeObject() { if kind != .object { kind = .object } }

    func append() -> FactNode {
        kind = .array
        let node = FactNode()
        items.append(node)
        return node
    }

    func makeArray() { if kind != .array { kind = .array } }
}

struct NodeEncoder: Encoder {
    let node: FactNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// Stores primitives directly; anything else encodes itself into a child node.
private func store<T: Encodable>(_ value: T, in node: FactNode, codingPath: [any CodingKey]) throws {
    switch value {
    case let v as String: node.set(.string(v))
    case let v as Bool: node.set(.bool(v))
    case let v as Int: node.set(.int(v))
    case let v as Double: node.set(.double(v))
    case let v as FactValue: node.set(v)
    default: try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: FactNode
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).set(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try store(value, in: node.child(key.stringValue), codingPath: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(key.stringValue)
        child.makeArray()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]) }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: FactNode
    var codingPath: [any CodingKey]
    var count: Int { node.items.count }

    mutating func encodeNil() throws { node.append().set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try store(value, in: node.append(), codingPath: codingPath) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.append()
        child.makeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.append()
        child.makeArray()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append(), codingPath: codingPath) }
}

struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: FactNode
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try store(value, in: node, codingPath: codingPath) }
}
