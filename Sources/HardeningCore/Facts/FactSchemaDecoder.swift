/// Derives a ``FactSchema`` by letting a fact type decode itself from nothing.
///
/// Every key a type asks for is recorded; each optional is taken as present and each list as
/// holding one item, so every field that can ever appear in the tree is visited once. Text reads as
/// an ISO 8601 time so that ``Timestamp`` accepts it; enums of facts are `CaseIterable` and take
/// their first case. The `$error`/`$unavailable` markers of ``Probed`` are never present: they are
/// not facts a policy may name.
enum FactSchemaDecoder {
    static func schema<T: Decodable>(of type: T.Type) throws -> FactSchema {
        let root = SchemaNode()
        _ = try root.decode(T.self, codingPath: [])
        return root.schema
    }
}

/// The shape of one place in the tree, filled in as a type decodes itself there.
final class SchemaNode {
    enum Kind { case unset, scalar, anything, object, list }
    var kind = Kind.unset
    var members: [String: SchemaNode] = [:]
    var item: SchemaNode?

    /// The key `Dictionary` decoding is offered: its values become a ``FactSchema/map(_:)``.
    static let anyKey = "*"

    var schema: FactSchema {
        switch kind {
        case .unset: return .object([:])
        case .scalar: return .scalar
        case .anything: return .anything
        case .list: return .list(item?.schema ?? .anything)
        case .object:
            if members.count == 1, let value = members[Self.anyKey] { return .map(value.schema) }
            return .object(members.mapValues(\.schema))
        }
    }

    func child(_ key: String) -> SchemaNode {
        kind = .object
        if let existing = members[key] { return existing }
        let node = SchemaNode()
        members[key] = node
        return node
    }

    func listItem() -> SchemaNode {
        kind = .list
        if let item { return item }
        let node = SchemaNode()
        item = node
        return node
    }

    func decode<T: Decodable>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
        if T.self == FactValue.self {
            kind = .anything
            return FactValue.null as! T
        }
        if let cases = T.self as? any CaseIterable.Type, let first = Self.firstCase(cases) as? T {
            kind = .scalar
            return first
        }
        return try T(from: SchemaDecoderImpl(node: self, codingPath: codingPath))
    }

    static func firstCase<C: CaseIterable>(_ type: C.Type) -> Any? { C.allCases.first }

    /// A scalar read at this place: a value every fact type's own parsing accepts.
    func scalar<T>(_ value: T) -> T {
        kind = .scalar
        return value
    }

    static let text = "1970-01-01T00:00:00Z"
}

struct SchemaDecoderImpl: Decoder {
    let node: SchemaNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if node.kind != .object { node.kind = .object }
        return KeyedDecodingContainer(SchemaKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        SchemaUnkeyedContainer(item: node.listItem(), codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SchemaSingleContainer(node: node, codingPath: codingPath)
    }
}

struct SchemaKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SchemaNode
    var codingPath: [any CodingKey]

    /// Only `Dictionary` asks for its keys; a type's own coding keys refuse the `*` name.
    var allKeys: [Key] { [Key(stringValue: SchemaNode.anyKey)].compactMap { $0 } }
    func contains(_ key: Key) -> Bool { !key.stringValue.hasPrefix("$") }
    func decodeNil(forKey key: Key) -> Bool { !contains(key) }

    func decode(_ type: Bool.Type, forKey key: Key) -> Bool { node.child(key.stringValue).scalar(false) }
    func decode(_ type: String.Type, forKey key: Key) -> String { node.child(key.stringValue).scalar(SchemaNode.text) }
    func decode(_ type: Double.Type, forKey key: Key) -> Double { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Float.Type, forKey key: Key) -> Float { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Int.Type, forKey key: Key) -> Int { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Int8.Type, forKey key: Key) -> Int8 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Int16.Type, forKey key: Key) -> Int16 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Int32.Type, forKey key: Key) -> Int32 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: Int64.Type, forKey key: Key) -> Int64 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: UInt.Type, forKey key: Key) -> UInt { node.child(key.stringValue).scalar(0) }
    func decode(_ type: UInt8.Type, forKey key: Key) -> UInt8 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: UInt16.Type, forKey key: Key) -> UInt16 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: UInt32.Type, forKey key: Key) -> UInt32 { node.child(key.stringValue).scalar(0) }
    func decode(_ type: UInt64.Type, forKey key: Key) -> UInt64 { node.child(key.stringValue).scalar(0) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try node.child(key.stringValue).decode(T.self, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedDecodingContainer<NestedKey> {
        let child = node.child(key.stringValue)
        child.kind = .object
        return KeyedDecodingContainer(SchemaKeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer {
        SchemaUnkeyedContainer(item: node.child(key.stringValue).listItem(), codingPath: codingPath + [key])
    }
    func superDecoder() -> any Decoder { SchemaDecoderImpl(node: node.child("super"), codingPath: codingPath) }
    func superDecoder(forKey key: Key) -> any Decoder { SchemaDecoderImpl(node: node.child(key.stringValue), codingPath: codingPath + [key]) }
}

/// A list of exactly one item: the shape every item shares.
struct SchemaUnkeyedContainer: UnkeyedDecodingContainer {
    let item: SchemaNode
    var codingPath: [any CodingKey]
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(item: SchemaNode, codingPath: [any CodingKey]) {
        self.item = item
        self.codingPath = codingPath
    }

    mutating func next<T>(_ value: T) -> T {
        currentIndex += 1
        return item.scalar(value)
    }

    mutating func decodeNil() -> Bool { false }
    mutating func decode(_ type: Bool.Type) -> Bool { next(false) }
    mutating func decode(_ type: String.Type) -> String { next(SchemaNode.text) }
    mutating func decode(_ type: Double.Type) -> Double { next(0) }
    mutating func decode(_ type: Float.Type) -> Float { next(0) }
    mutating func decode(_ type: Int.Type) -> Int { next(0) }
    mutating func decode(_ type: Int8.Type) -> Int8 { next(0) }
    mutating func decode(_ type: Int16.Type) -> Int16 { next(0) }
    mutating func decode(_ type: Int32.Type) -> Int32 { next(0) }
    mutating func decode(_ type: Int64.Type) -> Int64 { next(0) }
    mutating func decode(_ type: UInt.Type) -> UInt { next(0) }
    mutating func decode(_ type: UInt8.Type) -> UInt8 { next(0) }
    mutating func decode(_ type: UInt16.Type) -> UInt16 { next(0) }
    mutating func decode(_ type: UInt32.Type) -> UInt32 { next(0) }
    mutating func decode(_ type: UInt64.Type) -> UInt64 { next(0) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try item.decode(T.self, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedDecodingContainer<NestedKey> {
        currentIndex += 1
        item.kind = .object
        return KeyedDecodingContainer(SchemaKeyedContainer<NestedKey>(node: item, codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer {
        currentIndex += 1
        return SchemaUnkeyedContainer(item: item.listItem(), codingPath: codingPath)
    }
    mutating func superDecoder() -> any Decoder {
        currentIndex += 1
        return SchemaDecoderImpl(node: item, codingPath: codingPath)
    }
}

struct SchemaSingleContainer: SingleValueDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) -> Bool { node.scalar(false) }
    func decode(_ type: String.Type) -> String { node.scalar(SchemaNode.text) }
    func decode(_ type: Double.Type) -> Double { node.scalar(0) }
    func decode(_ type: Float.Type) -> Float { node.scalar(0) }
    func decode(_ type: Int.Type) -> Int { node.scalar(0) }
    func decode(_ type: Int8.Type) -> Int8 { node.scalar(0) }
    func decode(_ type: Int16.Type) -> Int16 { node.scalar(0) }
    func decode(_ type: Int32.Type) -> Int32 { node.scalar(0) }
    func decode(_ type: Int64.Type) -> Int64 { node.scalar(0) }
    func decode(_ type: UInt.Type) -> UInt { node.scalar(0) }
    func decode(_ type: UInt8.Type) -> UInt8 { node.scalar(0) }
    func decode(_ type: UInt16.Type) -> UInt16 { node.scalar(0) }
    func decode(_ type: UInt32.Type) -> UInt32 { node.scalar(0) }
    func decode(_ type: UInt64.Type) -> UInt64 { node.scalar(0) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try node.decode(T.self, codingPath: codingPath) }
}
