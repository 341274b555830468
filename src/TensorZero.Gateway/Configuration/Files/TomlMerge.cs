using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration.Files;

/// <summary>
/// Merges the parsed files of a glob into one table, as TensorZero does: tables merge key by key at every depth (a
/// function in one file, its variants in another), and a value set in two files is an error naming both. Each file is
/// parsed on its own, so a file's top-level keys never land under another file's last table.
/// </summary>
public static class TomlMerge
{
    public static (TomlTable Root, TomlOrigins Origins) Merge(IReadOnlyList<(string File, TomlTable Table)> files, List<string> errors)
    {
        var origins = new TomlOrigins(files.Count > 0 ? files[0].File : string.Empty);
        var root = new TomlTable();
        var tableFiles = new Dictionary<TomlTable, string>(ReferenceEqualityComparer.Instance);
        foreach (var (file, table) in files)
        {
            MergeInto(root, table, file, string.Empty, origins, tableFiles, errors);
        }
        return (root, origins);
    }

    private static void MergeInto(
        TomlTable target,
        TomlTable source,
        string file,
        string path,
        TomlOrigins origins,
        Dictionary<TomlTable, string> tableFiles,
        List<string> errors)
    {
        foreach (var (key, value) in source)
        {
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!target.TryGetValue(key, out var existing))
            {
                if (value is TomlTable sourceTable)
                {
                    // A fresh table, filled key by key so each value records its file and later files can merge into it.
                    var fresh = new TomlTable();
                    target[key] = fresh;
                    tableFiles[fresh] = file;
                    MergeInto(fresh, sourceTable, file, keyPath, origins, tableFiles, errors);
                }
                else
                {
                    target[key] = value;
                    origins.RecordValue(target, key, file);
                }
                continue;
            }
            var existingFile = existing is TomlTable existingTable ? tableFiles.GetValueOrDefault(existingTable, origins.FileOf(target, key)) : origins.FileOf(target, key);
            switch (existing, value)
            {
                case (TomlTable into, TomlTable from):
                    MergeInto(into, from, file, keyPath, origins, tableFiles, errors);
                    break;
                case (TomlTable, _):
                    errors.Add($"`{keyPath}`: can't merge {TomlSection.Describe(value)} from `{file}` into a table from `{existingFile}`");
                    break;
                case (_, TomlTable):
                    errors.Add($"`{keyPath}`: can't merge a table from `{file}` into {TomlSection.Describe(existing)} from `{existingFile}`");
                    break;
                default:
                    errors.Add($"`{keyPath}`: set in two config files, `{existingFile}` and `{file}`; a value may be set in one file only");
                    break;
            }
        }
    }
}
