/// Re-exported while the modules above still reach JSON through `import TroveStorage`
/// (issue 19 moves each of them to `import TroveJSON`, then this goes).
@_exported import TroveJSON
