import Testing
@testable import TroveText

@Suite struct AnalyzerTests {
    @Test func standardSplitsLowercasesAndFolds() {
        #expect(Analyzer.standard.terms("Hello, World! It's café-time: naïve Über 42x") == ["hello", "world", "it's", "cafe", "time", "naive", "uber", "42x"])
        #expect(Analyzer.standard.tokens("a  b").map(\.position) == [0, 1])
        #expect(Analyzer.standard.terms("日本語テキスト") == ["日", "本", "語", "テ", "キ", "ス", "ト"])
        #expect(Analyzer.standard.terms("") == [])
        #expect(Analyzer.standard.terms("don’t stop") == ["don't", "stop"])
    }

    @Test func englishDropsStopwordsKeepsPositionsAndStems() {
        let tokens = Analyzer.english.tokens("The running dogs are jumping over the fences")
        #expect(tokens.map(\.term) == ["run", "dog", "jump", "over", "fenc"])
        #expect(tokens.map(\.position) == [1, 2, 4, 5, 7])
    }

    @Test func keywordKeepsTheWholeValue() {
        #expect(Analyzer.keyword.terms("User-42 ABC") == ["User-42 ABC"])
        #expect(Analyzer.keyword.terms("") == [])
    }
}

@Suite struct QueryParserTests {
    @Test func parsesEveryForm() throws {
        let q = try QueryParser.parse(#"alpha +beta -gamma "new york" title:delta pre* boost^2.5 title:"exact phrase""#)
        guard case let .boolean(must, should, mustNot) = q else { Issue.record("not boolean"); return }
        #expect(must == [.term("beta", field: nil, boost: 1)])
        #expect(mustNot == [.term("gamma", field: nil, boost: 1)])
        #expect(should == [
            .term("alpha", field: nil, boost: 1), .phrase(["new", "york"], field: nil, boost: 1), .term("delta", field: "title", boost: 1),
            .prefix("pre", field: nil, boost: 1), .term("boost", field: nil, boost: 2.5), .phrase(["exact", "phrase"], field: "title", boost: 1),
        ])
    }

    @Test(arguments: [
        ("", 0), ("   ", 0), ("-only", 0), (#""unterminated"#, 0), ("+", 0), ("a^", 2), ("a^-1", 2), ("*", 0), ("a*b", 0), (#""""#, 0), ("title:", 6),
    ])
    func badSyntaxNamesThePosition(_ text: String, _ position: Int) {
        do {
            _ = try QueryParser.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.position == position, "\(text): \(error)")
        }
    }
}
