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
        let utf8 = word.utf8
        if utf8.count <= 2 { return word }
        var buffer = [UInt8]()
        buffer.reserveCapacity(utf8.count)
        for byte in utf8 {
            if byte >= 0x80 { return word }
            buffer.append(byte)
        }
        var state = Porter2Word(buffer)
        buffer = []
        guard state.run() else { return word }
        return String(decoding: state.b, as: UTF8.self)
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
private enum Ch {
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
private func isVowel(_ c: UInt8) -> Bool {
    switch c {
    case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true // a e i o u y
    default: return false
    }
}

/// Vowels plus w, x and Y: what may not end a short syllable.
@inline(__always)
private func isVowelWXY(_ c: UInt8) -> Bool {
    switch c {
    case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, 0x77, 0x78, 0x59: return true // a e i o u y w x Y
    default: return false
    }
}

/// Letters that may precede a removable `li`: c d e g h k m n r t.
@inline(__always)
private func isValidLI(_ c: UInt8) -> Bool {
    switch c {
    case 0x63, 0x64, 0x65, 0x67, 0x68, 0x6B, 0x6D, 0x6E, 0x72, 0x74: return true
    default: return false
    }
}

/// A word being stemmed: its bytes and the starts of regions R1 and R2 (indices
/// into `b`; every change happens at the end of the word, so they stay valid,
/// and they may lie past the end once a suffix is removed).
private struct Porter2Word {
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

    // MARK: Steps

    /// Step 1a: the possessive suffixes `'s'`, `'s`, `'` (longest), then plurals:
    /// sses→ss; ied/ies→i (or ie when preceded by one letter only); us, ss kept;
    /// s deleted when a vowel comes before the letter just before it.
    mutating func step1a() {
        if ends("'s'") {
            delete(from: b.count - 3)
        } else if ends("'s") {
            delete(from: b.count - 2)
        } else if ends("'") {
            delete(from: b.count - 1)
        }
        let n = b.count
        if ends("ied") {
            replaceIE(from: n - 3)
            return
        }
        guard n >= 1, b[n - 1] == Ch.s else { return }
        if ends("sses") {
            replace(from: n - 4, with: "ss")
        } else if ends("ies") {
            replaceIE(from: n - 3)
        } else if ends("ss") || ends("us") {
            return
        } else {
            // "s": delete if a vowel occurs before the letter preceding the s
            // (gaps → gap, kiwis → kiwi; gas, this keep it).
            let start = n - 1
            if start >= 2, hasVowel(before: start - 1) { delete(from: start) }
        }
    }

    /// ied/ies at `start`: i when preceded by more than one letter, else ie
    /// (cries → cri, ties → tie).
    mutating func replaceIE(from start: Int) {
        if start >= 2 {
            replace(from: start, with: "i")
        } else {
            replace(from: start, with: "ie")
        }
    }

    /// Step 1b: eed/eedly, ed/edly, ing/ingly.
    mutating func step1b() {
        let n = b.count
        enum Kind { case eed, ing, other }
        let kind: Kind
        let length: Int
        if ends("eedly") {
            kind = .eed; length = 5
        } else if ends("ingly") {
            kind = .other; length = 5
        } else if ends("edly") {
            kind = .other; length = 4
        } else if ends("eed") {
            kind = .eed; length = 3
        } else if ends("ing") {
            kind = .ing; length = 3
        } else if ends("ed") {
            kind = .other; length = 2
        } else {
            return
        }
        let start = n - length

        switch kind {
        case .eed:
            // Replace by ee if in R1, except in succeed, proceed, exceed.
            if start >= p1,
               !(isExactly("succ", upTo: start) || isExactly("proc", upTo: start)
                   || isExactly("exc", upTo: start)) {
                replace(from: start, with: "ee")
            }
            return
        case .ing:
            // dying→die, lying→lie, tying→tie, vying→vie: exactly a non-vowel + y.
            if start == 2, b[1] == Ch.y, !isVowel(b[0]) {
                replace(from: 1, with: "ie")
                return
            }
            // inning, outing, canning, herring, earring, evening stay whole.
            if isExactly("inn", upTo: start) || isExactly("out", upTo: start)
                || isExactly("cann", upTo: start) || isExactly("herr", upTo: start)
                || isExactly("earr", upTo: start) || isExactly("even", upTo: start) {
                return
            }
        case .other:
            break
        }

        // Delete the suffix if the part before it contains a vowel, then tidy up.
        guard hasVowel(before: start) else { return }
        delete(from: start)
        let m = start
        if ends("at") || ends("bl") || ends("iz") {
            b.append(Ch.e)
            return
        }
        if m >= 2, b[m - 1] == b[m - 2] {
            switch b[m - 1] {
            case 0x62, 0x64, 0x66, 0x67, 0x6D, 0x6E, 0x70, 0x72, 0x74: // b d f g m n p r t
                // A double; keep it after exactly one initial a, e or o (add, egg, off).
                if m == 3 {
                    let first = b[0]
                    if first == Ch.a || first == Ch.e || first == Ch.o { return }
                }
                b.removeLast()
                return
            default:
                break
            }
        }
        // A short word (R1 empty, ends in a short syllable) gets an e: hop→hope.
        if m == p1, endsInShortSyllable(at: m) {
            b.append(Ch.e)
        }
    }

    /// Step 1c: final y or Y → i after a non-vowel that is not the first letter.
    mutating func step1c() {
        let n = b.count
        guard n >= 3 else { return }
        let last = b[n - 1]
        guard last == Ch.y || last == Ch.Y else { return }
        if !isVowel(b[n - 2]) { b[n - 1] = Ch.i }
    }

    /// Step 2: the longest of its suffixes, acted on when it lies in R1.
    mutating func step2() {
        let n = b.count
        guard n >= 2 else { return }
        switch b[n - 1] {
        case 0x6C: // l
            if ends("ational") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ate") }
            } else if ends("tional") {
                if n - 6 >= p1 { replace(from: n - 6, with: "tion") }
            }
        case 0x69: // i
            step2EndingInI(n)
        case 0x6E: // n
            if ends("ization") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ize") }
            } else if ends("ation") {
                if n - 5 >= p1 { replace(from: n - 5, with: "ate") }
            }
        case 0x72: // r
            if ends("izer") {
                if n - 4 >= p1 { replace(from: n - 4, with: "ize") }
            } else if ends("ator") {
                if n - 4 >= p1 { replace(from: n - 4, with: "ate") }
            }
        case 0x6D: // m
            if ends("alism") {
                if n - 5 >= p1 { replace(from: n - 5, with: "al") }
            }
        case 0x73: // s
            if ends("fulness") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ful") }
            } else if ends("ousness") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ous") }
            } else if ends("iveness") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ive") }
            }
        case 0x74: // t
            if ends("ogist") {
                if n - 5 >= p1 { replace(from: n - 5, with: "og") }
            }
        default:
            break
        }
    }

    /// Step 2 for words ending in `i`, longest suffix first.
    mutating func step2EndingInI(_ n: Int) {
        if ends("biliti") {
            if n - 6 >= p1 { replace(from: n - 6, with: "ble") }
        } else if ends("lessli") {
            if n - 6 >= p1 { replace(from: n - 6, with: "less") }
        } else if ends("aliti") {
            if n - 5 >= p1 { replace(from: n - 5, with: "al") }
        } else if ends("iviti") {
            if n - 5 >= p1 { replace(from: n - 5, with: "ive") }
        } else if ends("fulli") {
            if n - 5 >= p1 { replace(from: n - 5, with: "ful") }
        } else if ends("ousli") {
            if n - 5 >= p1 { replace(from: n - 5, with: "ous") }
        } else if ends("entli") {
            if n - 5 >= p1 { replace(from: n - 5, with: "ent") }
        } else if ends("abli") {
            if n - 4 >= p1 { replace(from: n - 4, with: "able") }
        } else if ends("alli") {
            if n - 4 >= p1 { replace(from: n - 4, with: "al") }
        } else if ends("anci") {
            if n - 4 >= p1 { replace(from: n - 4, with: "ance") }
        } else if ends("enci") {
            if n - 4 >= p1 { replace(from: n - 4, with: "ence") }
        } else if ends("bli") {
            if n - 3 >= p1 { replace(from: n - 3, with: "ble") }
        } else if ends("ogi") {
            let start = n - 3
            if start >= p1, start >= 1, b[start - 1] == Ch.l { replace(from: start, with: "og") }
        } else if ends("li") {
            let start = n - 2
            if start >= p1, start >= 1, isValidLI(b[start - 1]) { delete(from: start) }
        }
    }

    /// Step 3: the longest of its suffixes, acted on when it lies in R1
    /// (`ative` only in R2).
    mutating func step3() {
        let n = b.count
        guard n >= 3 else { return }
        switch b[n - 1] {
        case 0x6C: // l
            if ends("ational") {
                if n - 7 >= p1 { replace(from: n - 7, with: "ate") }
            } else if ends("tional") {
                if n - 6 >= p1 { replace(from: n - 6, with: "tion") }
            } else if ends("ical") {
                if n - 4 >= p1 { replace(from: n - 4, with: "ic") }
            } else if ends("ful") {
                if n - 3 >= p1 { delete(from: n - 3) }
            }
        case 0x65: // e
            if ends("icate") {
                if n - 5 >= p1 { replace(from: n - 5, with: "ic") }
            } else if ends("ative") {
                if n - 5 >= p1, n - 5 >= p2 { delete(from: n - 5) }
            } else if ends("alize") {
                if n - 5 >= p1 { replace(from: n - 5, with: "al") }
            }
        case 0x69: // i
            if ends("iciti") {
                if n - 5 >= p1 { replace(from: n - 5, with: "ic") }
            }
        case 0x73: // s
            if ends("ness") {
                if n - 4 >= p1 { delete(from: n - 4) }
            }
        default:
            break
        }
    }

    /// Step 4: the longest of its suffixes, deleted when it lies in R2 (`ion` only
    /// after s or t).
    mutating func step4() {
        let n = b.count
        guard n >= 2 else { return }
        let length: Int
        switch b[n - 1] {
        case 0x6C: // l
            guard ends("al") else { return }
            length = 2
        case 0x65: // e
            if ends("ance") || ends("ence") || ends("able") || ends("ible") {
                length = 4
            } else if ends("ate") || ends("ive") || ends("ize") {
                length = 3
            } else {
                return
            }
        case 0x72: // r
            guard ends("er") else { return }
            length = 2
        case 0x63: // c
            guard ends("ic") else { return }
            length = 2
        case 0x74: // t
            if ends("ement") {
                length = 5
            } else if ends("ment") {
                length = 4
            } else if ends("ant") || ends("ent") {
                length = 3
            } else {
                return
            }
        case 0x6D: // m
            guard ends("ism") else { return }
            length = 3
        case 0x69: // i
            guard ends("iti") else { return }
            length = 3
        case 0x73: // s
            guard ends("ous") else { return }
            length = 3
        case 0x6E: // n
            guard ends("ion") else { return }
            let start = n - 3
            if start >= p2, start >= 1, b[start - 1] == Ch.s || b[start - 1] == Ch.t {
                delete(from: start)
            }
            return
        default:
            return
        }
        let start = n - length
        if start >= p2 { delete(from: start) }
    }

    /// Step 5: final e deleted in R2, or in R1 when not after a short syllable;
    /// final l deleted in R2 after another l.
    mutating func step5() {
        let n = b.count
        guard n >= 1 else { return }
        let start = n - 1
        switch b[start] {
        case Ch.e:
            if start >= p2 || (start >= p1 && !endsInShortSyllable(at: start)) {
                delete(from: start)
            }
        case Ch.l:
            if start >= p2, start >= 1, b[start - 1] == Ch.l { delete(from: start) }
        default:
            break
        }
    }
}
