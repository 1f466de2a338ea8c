#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 rendering of microsecond timestamps, always in UTC.
public enum Timestamp {
    /// The instants RFC 3339 can write: 0001-01-01T00:00:00Z through
    /// 9999-12-31T23:59:59.999999Z. Schemas refuse timestamps outside it.
    public static let range: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// The RFC 3339 form of `microseconds`; a value outside `range` (which no schema
    /// accepts, but which a file may hold) is written as its decimal number instead, so
    /// no stored value can make a read fail.
    public static func rfc3339(microseconds: Int64) -> String {
        guard range.contains(microseconds) else { return String(microseconds) }
        // Floor division: the remainder is the non-negative fraction of the second.
        let (q, r) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let seconds = r < 0 ? q - 1 : q
        let micros = r < 0 ? r + 1_000_000 : r
        var t = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return String(microseconds) }
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let micro = String(micros)
        let frac = micros == 0 ? "" : "." + String(repeating: "0", count: 6 - micro.count) + micro
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))\(frac)Z"
    }

    /// Microseconds since 1970 of an RFC 3339 date-time ("2026-11-21T08:30:00Z",
    /// fractions and offsets allowed) or a plain date ("2026-11-21", midnight UTC); nil
    /// for anything else.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[at..<(at + n)] {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = digits(0, 4), b.count >= 10, b[4] == 0x2D, let mo = digits(5, 2), b[7] == 0x2D, let d = digits(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        let days = daysFromCivil(y, mo, d)
        if b.count == 10 { return days * 86_400_000_000 }
        guard b.count >= 20, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20, let h = digits(11, 2), b[13] == 0x3A, let mi = digits(14, 2),
              b[16] == 0x3A, let sec = digits(17, 2), h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19, micros: Int64 = 0
        if b[i] == 0x2E {
            i += 1
            var scale: Int64 = 100_000
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                micros += Int64(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        var offset: Int64 = 0
        if i < b.count, b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if i + 6 == b.count, b[i] == 0x2B || b[i] == 0x2D, let oh = digits(i + 1, 2), b[i + 3] == 0x3A, let om = digits(i + 4, 2) {
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else { return nil }
        guard i == b.count else { return nil }
        return ((days * 24 + h) * 60 + mi) * 60_000_000 + (sec - offset) * 1_000_000 + micros
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
