import Foundation
import TroveChat
import TroveJSON

/// Where a setting comes from, strongest first: its command-line flag, its environment
/// variable, its key in the settings file (`trove.toml` or `trove.json`), its default.
/// A value of the wrong type in the environment or the file is an error naming it, not
/// a silent fallback to the default.
struct SettingSources {
    let environment: [String: String]
    let file: ConfigFile?

    func string(_ flag: String?, _ variable: String, _ key: String, default fallback: String) throws -> String {
        try resolve(flag, variable, key, fallback, "a string", parse: { $0 }, read: { $0.stringValue })
    }

    func int(_ flag: Int?, _ variable: String, _ key: String, default fallback: Int) throws -> Int {
        try resolve(flag, variable, key, fallback, "an integer", parse: { Int($0) }, read: { $0.intValue })
    }

    func double(_ flag: Double?, _ variable: String, _ key: String, default fallback: Double) throws -> Double {
        try resolve(flag, variable, key, fallback, "a number", parse: { Double($0) }, read: { $0.doubleValue })
    }

    /// A list: repeated flags, or a comma-separated string in the environment or file
    /// (the settings file's TOML has no arrays).
    func list(_ flag: [String], _ variable: String, _ key: String) throws -> [String] {
        guard flag.isEmpty else { return flag }
        let split = { (s: String) in s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return try resolve(nil, variable, key, [], "a comma-separated string", parse: split, read: { $0.stringValue.map(split) })
    }

    private func resolve<T>(_ flag: T?, _ variable: String, _ key: String, _ fallback: T, _ what: String,
                            parse: (String) -> T?, read: (JSONValue) -> T?) throws -> T {
        if let flag { return flag }
        if let text = environment[variable], !text.isEmpty {
            guard let v = parse(text) else { throw CLIError("\(variable)=\(text): expected \(what)") }
            return v
        }
        if let file, let value = file.values[key] {
            guard let v = read(value) else { throw CLIError("\(file.path): \(key): expected \(what)") }
            return v
        }
        return fallback
    }
}
