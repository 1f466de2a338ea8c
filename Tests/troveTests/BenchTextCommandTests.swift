import Foundation
import Testing
import TroveJSON
import TroveStorage

@Suite struct BenchTextCommandTests {
    @Test func indexesQueriesAndScoresKnownItems() throws {
        let dir = TempDirectory()
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]
        var rng = SplitMix64(state: 5)
        var corpus = "", queries = ""
        for i in 0..<500 {
            let text = (0..<30).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") + " unique\(i)term"
            corpus += #"{"id":"p\#(i)","text":"\#(text)","ts":\#(1000 + i)}"# + "\n"
        }
        for i in stride(from: 0, to: 500, by: 25) {
            queries += #"{"qid":"q\#(i)","text":"unique\#(i)term bravo","relevant":["p\#(i)"]}"# + "\n"
            queries += #"{"qid":"r\#(i)","text":"unique\#(i)term","relevant":["p\#(i)"],"from":\#(1000 + i),"to":\#(1001 + i)}"# + "\n"
        }
        try corpus.write(toFile: dir.sub("c.jsonl"), atomically: true, encoding: .utf8)
        try queries.write(toFile: dir.sub("q.jsonl"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["bench", "text", "--corpus", dir.sub("c.jsonl"), "--queries", dir.sub("q.jsonl"), "--out", dir.sub("out.jsonl"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try JSONParser.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(s["docs"] == .int(500) && s["queries"] == .int(40))
        #expect(s["mrr10"] == .double(1) && s["recall10"] == .double(1))
        let lines = try String(contentsOfFile: dir.sub("out.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40)
        let first = try JSONParser.parse(String(lines[0]))
        guard case let .array(ids)? = first["ids"] else { Issue.record("no ids"); return }
        #expect(ids.first == .string("p0"))
        let bad = try CLI.run(["bench", "text", "--corpus", dir.sub("c.jsonl"), "--queries", dir.sub("q.jsonl"), "--analyzer", "klingon"])
        #expect(bad.status != 0)
    }
}
