import Foundation

/// Where a setting comes from, strongest first: its command-line flag, its environment
/// variable, its key in the settings file (`trove.toml` or `trove.json`), its default.
/// A value of the wrong type in the environment or the file is an error naming it, not
/// a silent fallback to the default. This is the only place settings are resolved: the
/// libraries take plain values and read no environment.
struct SettingSources {
    let environment: [String: String]
    let file: ConfigFile?

    /// The sources of a command that opens `dataFolder` (nil: none). The file is `flag`,
    /// else `$TROVE_CONFIG` (either must exist), else the first found of
    /// `<data>/trove.toml`, `<data>/trove.json`, `./trove.toml`, `./trove.json`.
    static func locate(configFlag flag: String?, dataFolder: String?,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SettingSources {
        var candidates: [String] = []
        if let explicit = flag ?? environment["TROVE_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard FileManager.default.fileExists(atPath: explicit) else { throw ConfigFile.Failure.unreadable(path: explicit) }
            candidates = [explicit]
        } else {
            if let d = dataFolder { candidates += [d + "/trove.toml", d + "/trove.json"] }
            candidates += ["trove.toml", "trove.json"]
        }
        let file = try candidates.first { FileManager.default.fileExists(atPath: $0) }.map(ConfigFile.load)
        return SettingSources(environment: environment, file: file)
    }

    func string(_ flag: String?, _ variable: String, _ key: String, default fallback: String) throws -> String {
        try optionalString(flag, variable, key) ?? fallback
    }

    /// A string setting with no default (nil when no source gives it).
    func optionalString(_ flag: String?, _ variable: String, _ key: String) throws -> String? {
        try lookup(flag, variable, key, "a string", parse: { $0 }, read: { try $0.string(key) })
    }

    func int(_ flag: Int?, _ variable: String, _ key: String, default fallback: Int) throws -> Int {
        try lookup(flag, variable, key, "an integer", parse: { Int($0) }, read: { try $0.int(key) }) ?? fallback
    }

    func double(_ flag: Double?, _ variable: String, _ key: String, default fallback: Double) throws -> Double {
        try lookup(flag, variable, key, "a number", parse: { Double($0) }, read: { try $0.double(key) }) ?? fallback
    }

    /// A list: repeated flags, or a comma-separated string in the environment or file
    /// (the settings file's TOML has no arrays).
    func list(_ flag: [String], _ variable: String, _ key: String) throws -> [String] {
        guard flag.isEmpty else { return flag }
        let split = { (s: String) in s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return try lookup(nil, variable, key, "a comma-separated string", parse: split, read: { try $0.string(key).map(split) }) ?? []
    }

    private func lookup<T>(_ flag: T?, _ variable: String, _ key: String, _ what: String,
                           parse: (String) -> T?, read: (ConfigFile) throws -> T?) throws -> T? {
        if let flag { return flag }
        if let text = environment[variable], !text.isEmpty {
            guard let v = parse(text) else { throw CLIError("\(variable)=\(text): expected \(what)") }
            return v
        }
        return try file.flatMap(read)
    }
}
