using System.Buffers;
using Microsoft.Extensions.FileSystemGlobbing;

namespace TensorZero.Gateway.Configuration.Files;

/// <summary>
/// The files a <c>--config-file</c> value names: one path, or a glob such as <c>config/**/*.toml</c>. As in TensorZero,
/// <c>*</c> stays within one folder and <c>**</c> crosses folders; matches are sorted by path so merge errors are stable.
/// </summary>
public static class ConfigFileGlob
{
    private static readonly SearchValues<char> Metacharacters = SearchValues.Create("*?[]{}");

    /// <summary>Every file the pattern matches, as full paths in ordinal order.</summary>
    /// <exception cref="ConfigException">The pattern matches no file.</exception>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (pattern.AsSpan().IndexOfAny(Metacharacters) < 0)
        {
            return [Path.GetFullPath(pattern)];
        }
        var (basePath, rest) = Split(pattern);
        var files = Directory.Exists(basePath) ? Match(basePath, rest) : [];
        if (files.Count == 0)
        {
            throw new ConfigException([$"`--config-file {pattern}`: no file matches the glob; check that the folder exists and holds at least one file"]);
        }
        return files;
    }

    /// <summary>The folder a glob starts from (its leading components without a metacharacter); for a plain path, its folder.</summary>
    public static string BaseDirectory(string pattern) =>
        pattern.AsSpan().IndexOfAny(Metacharacters) < 0 ? Path.GetDirectoryName(Path.GetFullPath(pattern))! : Split(pattern).BasePath;

    // The longest run of leading path components without a metacharacter, and the pattern below it.
    private static (string BasePath, string Below) Split(string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        var parts = normalized.Split('/');
        var literal = parts.TakeWhile(p => p.AsSpan().IndexOfAny(Metacharacters) < 0).Count();
        var basePath = string.Join('/', parts.Take(literal));
        if (basePath.Length == 0)
        {
            basePath = normalized.StartsWith('/') ? "/" : ".";
        }
        return (Path.GetFullPath(basePath), string.Join('/', parts.Skip(literal)));
    }

    private static List<string> Match(string basePath, string rest)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(rest);
        return matcher.GetResultsInFullPath(basePath)
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
