// The numbered steps of the Porter2 algorithm (see EnglishStemmer.swift for the word
// buffer, the regions and the exceptional forms they work on).

extension Porter2Word {
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
