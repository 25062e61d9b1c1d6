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
}
