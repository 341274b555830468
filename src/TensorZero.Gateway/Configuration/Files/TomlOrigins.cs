using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration.Files;

/// <summary>
/// Which config file each value of a merged config came from, so a path written in a file (a template, a schema)
/// resolves against that file's folder. Values of a single-file config all come from that file.
/// </summary>
public sealed class TomlOrigins
{
    private readonly Dictionary<(TomlTable Table, string Key), string> _values = new(KeyComparer.Instance);
    private readonly Dictionary<TomlTable, string> _tables = new(ReferenceEqualityComparer.Instance);

    public TomlOrigins(string defaultFile)
    {
        DefaultFile = defaultFile;
    }

    /// <summary>The file of values no file was recorded for (the only file, or the first of a glob).</summary>
    public string DefaultFile { get; }

    /// <summary>The file that set <paramref name="key"/> in <paramref name="table"/>.</summary>
    public string FileOf(TomlTable table, string key) =>
        _values.TryGetValue((table, key), out var file) || _tables.TryGetValue(table, out file) ? file : DefaultFile;

    /// <summary>The folder relative paths under <paramref name="key"/> of <paramref name="table"/> resolve against.</summary>
    public string DirectoryOf(TomlTable table, string key) => Path.GetDirectoryName(FileOf(table, key))!;

    internal void RecordValue(TomlTable table, string key, string file)
    {
        _values[(table, key)] = file;
        RecordNested(table[key], file);
    }

    // Tables inside a value (an inline table, an array of tables) came whole from the same file.
    private void RecordNested(object? value, string file)
    {
        switch (value)
        {
            case TomlTable table:
                _tables[table] = file;
                foreach (var child in table.Values)
                {
                    RecordNested(child, file);
                }
                break;
            case TomlTableArray tables:
                foreach (var table in tables)
                {
                    RecordNested(table, file);
                }
                break;
            case TomlArray array:
                foreach (var item in array)
                {
                    RecordNested(item, file);
                }
                break;
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(TomlTable Table, string Key)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((TomlTable Table, string Key) x, (TomlTable Table, string Key) y) =>
            ReferenceEquals(x.Table, y.Table) && string.Equals(x.Key, y.Key, StringComparison.Ordinal);

        public int GetHashCode((TomlTable Table, string Key) key) =>
            HashCode.Combine(ReferenceEqualityComparer.Instance.GetHashCode(key.Table), StringComparer.Ordinal.GetHashCode(key.Key));
    }
}
