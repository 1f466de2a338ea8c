import Testing
import TroveJSON

/// Generated ids are what FORMAT promises: 20 Crockford base32 characters, unique across
/// generators, and ordered by the millisecond they were made in.
@Suite struct IDGeneratorTests {
    static let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")

    @Test func idsAreUniqueBase32AndTwentyLong() {
        let a = IDGenerator(), b = IDGenerator()
        var seen = Set<String>()
        for i in 0..<50_000 {
            let id = (i.isMultiple(of: 2) ? a : b).next()
            #expect(id.count == 20 && id.allSatisfy(Self.alphabet.contains), "\(id)")
            #expect(seen.insert(id).inserted, "\(id) repeated")
        }
    }

    /// The first ten characters are the time: an id made a few milliseconds later sorts
    /// after one made before, whichever generator made it.
    @Test func laterIdsSortAfter() throws {
        let early = IDGenerator().next()
        let clock = ContinuousClock(), start = clock.now
        while clock.now - start < .milliseconds(3) {}
        let late = IDGenerator().next()
        #expect(early.prefix(10) < late.prefix(10), "\(early) \(late)")
    }
}
