/// The Snowball English ("Porter2") stemmer, written here from the algorithm's
/// description at snowballstem.org (algorithms/english), matching what Snowball
/// 3.1.1's `english` stemmer produces (checked against `fixtures/stemmer/english.tsv`,
/// made with the `snowballstemmer` 3.1.1 Python package by
/// `scripts/make-stemmer-fixture.py`).
///
/// Input is one already-lowercased token. The stemmer works on ASCII bytes: a word
/// with any byte ≥ 0x80 (any non-ASCII letter) is returned unchanged. (Snowball
/// itself would treat non-ASCII letters as non-vowels and might strip an ASCII
/// suffix from such a word; Trove leaves those words whole, which only matters for
/// mixed-script tokens such as "cafés".)
///
/// The Snowball 3.x revision of the algorithm, which this follows:
/// - words of one or two characters are left as they are;
/// - exceptional whole words: skis→ski, skies→sky, idly→idl, gently→gentl,
///   ugly→ugli, early→earli, only→onli, singly→singl; sky, news, howe, atlas,
///   cosmos, bias, andes are left unchanged;
/// - one initial apostrophe is removed; an initial `y`, and a `y` after a vowel,
///   become `Y` (a consonant) until the end;
/// - R1 starts after the first non-vowel that follows a vowel, or right after the
///   prefix gener, commun, arsen, emerg, inter, later, organ, past or univers;
///   R2 is the same rule applied again inside R1;
/// - a "short syllable" is non-vowel + vowel + non-vowel other than w, x, Y, or a
///   vowel + non-vowel at the start of the word, or `past`;
/// - step 1a also removes the suffixes `'`, `'s`, `'s'` (the old step 0);
/// - step 1b keeps succeed/proceed/exceed(ing…) whole, turns consonant + `ying`
///   into `ie` (dying→die, lying→lie, tying→tie), leaves inning, outing, canning,
///   herring, earring and evening whole, and does not undouble after a single
///   initial a, e or o (add, egg, off);
/// - step 2 has `ogist`→`og`, `ogi`→`og` after `l`, `fulli`, `lessli`, `li`;
/// - steps 3, 4, 5 as in Porter2 (`ative` only in R2, `e`/`ll` in step 5).
public enum EnglishStemmer {
    /// The Porter2 stem of `word` (an already-lowercased token).
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(ascii: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Stems an ASCII word in place (the same algorithm as `stem(_:)`, for callers
    /// that already hold the token's bytes). A buffer containing any byte ≥ 0x80 is
    /// left unchanged.
    public static func stem(ascii word: inout [UInt8]) {
        if word.count <= 2 { return }
        for byte in word where byte >= 0x80 { return }
        var state = Porter2Word(word)
        word = []
        _ = state.run()
        word = state.b
    }
}

// MARK: - The algorithm

/// Byte values the algorithm treats specially.
enum Ch {
    static let a: UInt8 = 0x61
    static let e: UInt8 = 0x65
    static let i: UInt8 = 0x69
    static let l: UInt8 = 0x6C
    static let o: UInt8 = 0x6F
    static let s: UInt8 = 0x73
    static let t: UInt8 = 0x74
    static let y: UInt8 = 0x79
    /// `y` marked as a consonant.
    static let Y: UInt8 = 0x59
    static let apostrophe: UInt8 = 0x27
}

/// Vowels are a e i o u y (a marked `Y` is not a vowel).
@inline(__always)
func isVowel(_ c: UInt8) -> Bool {
    switch c {
    case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true // a e i o u y
    default: return false
    }
}

/// Vowels plus w, x and Y: what may not end a short syllable.
@inline(__always)
func isVowelWXY(_ c: UInt8) -> Bool {
    switch c {
    case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, 0x77, 0x78, 0x59: return true // a e i o u y w x Y
    default: return false
    }
}

/// Letters that may precede a removable `li`: c d e g h k m n r t.
@inline(__always)
func isValidLI(_ c: UInt8) -> Bool {
    switch c {
    case 0x63, 0x64, 0x65, 0x67, 0x68, 0x6B, 0x6D, 0x6E, 0x72, 0x74: return true
    default: return false
    }
}

/// A word being stemmed: its bytes and the starts of regions R1 and R2 (indices
/// into `b`; every change happens at the end of the word, so they stay valid,
/// and they may lie past the end once a suffix is removed).
struct Porter2Word {
    var b: [UInt8]
    var p1 = 0
    var p2 = 0
    var yFound = false

    init(_ bytes: [UInt8]) { b = bytes }

    /// Runs the whole algorithm on a word of three or more ASCII bytes. Returns
    /// false when the word was left exactly as it came (an invariant exception).
    mutating func run() -> Bool {
        if let changed = exception1() { return changed }
        prelude()
        markRegions()
        step1a()
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        if yFound { postlude() }
        return true
    }

    // MARK: Helpers

    /// Whether `b[..<end]` ends with `s`.
    @inline(__always)
    func has(_ s: StaticString, endingAt end: Int) -> Bool {
        s.withUTF8Buffer { (sb: UnsafeBufferPointer<UInt8>) -> Bool in
            let n = sb.count
            if n > end { return false }
            let base = end - n
            var k = 0
            while k < n {
                if b[base + k] != sb[k] { return false }
                k += 1
            }
            return true
        }
    }

    /// Whether the word ends with `s`.
    @inline(__always)
    func ends(_ s: StaticString) -> Bool { has(s, endingAt: b.count) }

    /// Whether `b[..<end]` is exactly `s`.
    @inline(__always)
    func isExactly(_ s: StaticString, upTo end: Int) -> Bool {
        s.utf8CodeUnitCount == end && has(s, endingAt: end)
    }

    /// Replaces `b[start...]` with `s`.
    @inline(__always)
    mutating func replace(from start: Int, with s: StaticString) {
        b.removeLast(b.count - start)
        s.withUTF8Buffer { b.append(contentsOf: $0) }
    }

    /// Deletes `b[start...]`.
    @inline(__always)
    mutating func delete(from start: Int) {
        b.removeLast(b.count - start)
    }

    /// Whether any vowel lies in `b[..<end]`.
    @inline(__always)
    func hasVowel(before end: Int) -> Bool {
        var k = end - 1
        while k >= 0 {
            if isVowel(b[k]) { return true }
            k -= 1
        }
        return false
    }

    /// Whether `b[..<end]` ends in a short syllable: non-vowel, vowel, non-vowel
    /// other than w/x/Y; or vowel + non-vowel making up the whole of `b[..<end]`;
    /// or `past`.
    func endsInShortSyllable(at end: Int) -> Bool {
        if end >= 3, !isVowelWXY(b[end - 1]), isVowel(b[end - 2]), !isVowel(b[end - 3]) {
            return true
        }
        if end == 2, !isVowel(b[1]), isVowel(b[0]) { return true }
        return has("past", endingAt: end)
    }

    // MARK: Exceptional words, prelude, regions, postlude

    /// Whole-word exceptions. Returns nil when the word is not one, otherwise
    /// whether it was changed.
    mutating func exception1() -> Bool? {
        switch b.count {
        case 3:
            if isExactly("sky", upTo: 3) { return false }
        case 4:
            if isExactly("skis", upTo: 4) { replace(from: 0, with: "ski"); return true }
            if isExactly("idly", upTo: 4) { replace(from: 0, with: "idl"); return true }
            if isExactly("ugly", upTo: 4) { replace(from: 0, with: "ugli"); return true }
            if isExactly("only", upTo: 4) { replace(from: 0, with: "onli"); return true }
            if isExactly("news", upTo: 4) || isExactly("howe", upTo: 4) || isExactly("bias", upTo: 4) {
                return false
            }
        case 5:
            if isExactly("skies", upTo: 5) { replace(from: 0, with: "sky"); return true }
            if isExactly("early", upTo: 5) { replace(from: 0, with: "earli"); return true }
            if isExactly("atlas", upTo: 5) || isExactly("andes", upTo: 5) { return false }
        case 6:
            if isExactly("gently", upTo: 6) { replace(from: 0, with: "gentl"); return true }
            if isExactly("singly", upTo: 6) { replace(from: 0, with: "singl"); return true }
            if isExactly("cosmos", upTo: 6) { return false }
        default:
            break
        }
        return nil
    }

    /// Removes one initial apostrophe; marks an initial `y`, and every `y` after a
    /// vowel, as the consonant `Y`.
    mutating func prelude() {
        if b[0] == Ch.apostrophe { b.removeFirst() }
        let n = b.count
        if n == 0 { return }
        if b[0] == Ch.y {
            b[0] = Ch.Y
            yFound = true
        }
        var k = 1
        while k < n {
            if b[k] == Ch.y, isVowel(b[k - 1]) {
                b[k] = Ch.Y
                yFound = true
            }
            k += 1
        }
    }

    /// Index just past the first non-vowel that follows a vowel at or after
    /// `from`, or nil if there is none.
    func regionStart(from: Int) -> Int? {
        let n = b.count
        var k = from
        while k < n, !isVowel(b[k]) { k += 1 }
        if k >= n { return nil }
        k += 1
        while k < n, isVowel(b[k]) { k += 1 }
        if k >= n { return nil }
        return k + 1
    }

    mutating func markRegions() {
        let n = b.count
        p1 = n
        p2 = n
        let start: Int
        if let prefix = specialPrefixLength() {
            start = prefix
        } else if let r = regionStart(from: 0) {
            start = r
        } else {
            return
        }
        p1 = start
        if let r = regionStart(from: start) { p2 = r }
    }

    /// The length of a prefix after which R1 starts, for the words that begin
    /// gener, commun, arsen, emerg, inter, later, organ, past, univers.
    func specialPrefixLength() -> Int? {
        let n = b.count
        guard n >= 4 else { return nil }
        switch b[0] {
        case 0x61: // a
            if n >= 5, has("arsen", endingAt: 5) { return 5 }
        case 0x63: // c
            if n >= 6, has("commun", endingAt: 6) { return 6 }
        case 0x65: // e
            if n >= 5, has("emerg", endingAt: 5) { return 5 }
        case 0x67: // g
            if n >= 5, has("gener", endingAt: 5) { return 5 }
        case 0x69: // i
            if n >= 5, has("inter", endingAt: 5) { return 5 }
        case 0x6C: // l
            if n >= 5, has("later", endingAt: 5) { return 5 }
        case 0x6F: // o
            if n >= 5, has("organ", endingAt: 5) { return 5 }
        case 0x70: // p
            if has("past", endingAt: 4) { return 4 }
        case 0x75: // u
            if n >= 7, has("univers", endingAt: 7) { return 7 }
        default:
            break
        }
        return nil
    }

    /// Turns every `Y` back into `y`.
    mutating func postlude() {
        for k in b.indices where b[k] == Ch.Y { b[k] = Ch.y }
    }
}
