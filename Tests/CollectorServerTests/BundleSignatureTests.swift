import Enrollment
import Foundation
import Testing

/// The bundle key (docs/design/catalogue-bundles.md §4): a PC reads a bundle's bytes only once a key it
/// trusts signed exactly those bytes, and comes to trust a new key only through one it already trusts.
@Suite struct BundleSignatureTests {
    let bundle = Data(#"{"schema":"attt.bundle.v1","unit":"UBND xã Tứ Dân","version":3}"#.utf8)

    @Test func aSignedBundleVerifiesWithTheKeyAndNothingElse() throws {
        let key = BundleSigningKey.generate()
        let signed = try key.sign(bundle)
        #expect(try signed.verified(trusting: [key.publicKey]) == bundle)
        #expect(signed.keyId == key.publicKey.id && signed.keyId.count == 16)
        // The envelope as JSON and back, as the PC keeps it.
        let kept = try JSONDecoder().decode(SignedBundle.self, from: try JSONEncoder().encode(signed))
        #expect(try kept.verified(trusting: [key.publicKey]) == bundle)

        // One byte changed on the way.
        var tampered = signed
        tampered.bundle[tampered.bundle.startIndex + 20] ^= 0x01
        #expect(throws: BundleSignatureError.badSignature(key.publicKey.id)) { try tampered.verified(trusting: [key.publicKey]) }
        // Signed by another key, or claiming to be.
        let stranger = BundleSigningKey.generate()
        #expect(throws: BundleSignatureError.unknownKey(stranger.publicKey.id)) { try stranger.sign(bundle).verified(trusting: [key.publicKey]) }
        var claimed = try stranger.sign(bundle)
        claimed.keyId = key.publicKey.id
        #expect(throws: BundleSignatureError.badSignature(key.publicKey.id)) { try claimed.verified(trusting: [key.publicKey]) }
        // Too large to read at all.
        let huge = try key.sign(Data(count: SignedBundle.maxBytes + 1))
        #expect(throws: BundleSignatureError.tooLarge(SignedBundle.maxBytes + 1)) { try huge.verified(trusting: [key.publicKey]) }
    }

    @Test func theKeyIsKeptAsItsRawBytes() throws {
        let key = BundleSigningKey.generate()
        let again = try BundleSigningKey(raw: key.raw)
        #expect(again.publicKey == key.publicKey && key.raw.count == 32)
        #expect(throws: BundleSignatureError.self) { try BundleSigningKey(raw: Data(count: 31)) }
    }

    /// Rotation: A is trusted; A endorses B, B endorses C. Whatever order they arrive in, the PC trusts
    /// all three, and nothing an untrusted key signed, nor an endorsement whose signature is forged.
    @Test func aNewKeyIsTrustedOnlyThroughATrustedOne() throws {
        let a = BundleSigningKey.generate(), b = BundleSigningKey.generate(), c = BundleSigningKey.generate(), d = BundleSigningKey.generate()
        let ab = try a.endorse(b.publicKey), bc = try b.endorse(c.publicKey)
        #expect(KeyEndorsement.trusted([a.publicKey], after: [bc, ab]).map(\.id) == [a, b, c].map(\.publicKey.id))
        #expect(KeyEndorsement.trusted([a.publicKey], after: [try d.endorse(c.publicKey)]) == [a.publicKey])
        var forged = ab
        forged.key = d.publicKey
        #expect(KeyEndorsement.trusted([a.publicKey], after: [forged]) == [a.publicKey])
        #expect(try c.sign(bundle).verified(trusting: KeyEndorsement.trusted([a.publicKey], after: [ab, bc])) == bundle)
    }

    /// Rotation as a PC sees it: first use trusts what is served; then a new key only through an
    /// endorsement by one already trusted, and a retired key is dropped once no longer served.
    @Test func aRingAddsTrustOnlyThroughATrustedKeyAndDropsARetiredOne() throws {
        let (k1, k2, k3) = (BundleSigningKey.generate(), BundleSigningKey.generate(), BundleSigningKey.generate())
        let (p1, p2, p3) = (k1.publicKey, k2.publicKey, k3.publicKey)
        let rotated = BundleKeyRing(keys: [p1, p2], endorsements: [try k1.endorse(p2)])
        #expect(BundleKeyRing(keys: [p1]).learned(by: []) == [p1])
        #expect(rotated.learned(by: [p1]) == [p1, p2])
        // Retired: p1 no longer served, p2 stays.
        #expect(BundleKeyRing(keys: [p2], endorsements: rotated.endorsements).learned(by: [p1, p2]) == [p2])
        // A key nobody trusted endorsed, or endorsed by itself, adds nothing.
        #expect(BundleKeyRing(keys: [p1, p3], endorsements: [try k3.endorse(p3)]).learned(by: [p1]) == [p1])
        #expect(BundleKeyRing(keys: [p1, p3], endorsements: [try k2.endorse(p3)]).learned(by: [p1]) == [p1])
        // A chain: p1 → p2 → p3, in whatever order the endorsements come.
        #expect(BundleKeyRing(keys: [p3], endorsements: [try k2.endorse(p3), try k1.endorse(p2)]).learned(by: [p1]) == [p3])
        // A ring that would leave the PC with no key changes nothing.
        #expect(BundleKeyRing(keys: [p3]).learned(by: [p1]) == [p1])
    }
}
