using TensorZero.Gateway.Configuration.Files;
using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Reads one TOML table with its dotted path, recording every problem instead of throwing, so a config with
/// several mistakes is reported whole.
/// </summary>
internal sealed class TomlSection(TomlTable table, string path, List<string> errors, List<string> warnings, TomlOrigins origins)
{
    public string Path { get; } = path;

    public TomlTable Table { get; } = table;

    // A key that might be a pasted secret is shown by its position (see ConfigText), in every message under it too.
    public string Child(string key)
    {
        var shown = ConfigText.KeyName(key, Table.Keys);
        return Path.Length == 0 ? shown : $"{Path}.{shown}";
    }

    /// <summary>
    /// The full path of a file named by <paramref name="key"/>: relative paths resolve against the folder of the config
    /// file that set the key (with several config files, each value keeps its own file).
    /// </summary>
    public string FilePath(string key, string file) => System.IO.Path.GetFullPath(file, origins.DirectoryOf(Table, key));

    /// <summary>The config file that set <paramref name="key"/>.</summary>
    public string SourceFile(string key) => origins.FileOf(Table, key);

    public void Error(string key, string message) => errors.Add($"`{Child(key)}`: {message}");

    public void Error(string message) => errors.Add($"`{Path}`: {message}");

    public bool Has(string key) => Table.ContainsKey(key);

    /// <summary>Reports every key that is not in <paramref name="known"/>.</summary>
    public void RejectUnknown(IEnumerable<string> known)
    {
        var allowed = known as IReadOnlySet<string> ?? known.ToHashSet(StringComparer.Ordinal);
        foreach (var key in Table.Keys)
        {
            if (!allowed.Contains(key))
            {
                Error(key, $"unknown key (valid keys here: {string.Join(", ", allowed.Order(StringComparer.Ordinal))})");
            }
        }
    }

    /// <summary>A problem that does not stop the gateway, e.g. a deprecated spelling.</summary>
    public void Warn(string key, string message) => warnings.Add($"`{Child(key)}` {message}");

    /// <summary>Keys TensorZero accepts that this gateway reads but does not act on yet: load, and say so.</summary>
    public void WarnIgnored(params string[] keys)
    {
        foreach (var key in keys)
        {
            if (Has(key))
            {
                warnings.Add($"`{Child(key)}` is accepted but not supported by this gateway yet; it has no effect");
            }
        }
    }

    public string? String(string key, bool required = false)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            if (required)
            {
                Error(key, "is required");
            }
            return null;
        }
        if (value is string text)
        {
            return text;
        }
        Error(key, $"must be a string, found {Describe(value)}");
        return null;
    }

    public bool? Bool(string key)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            return null;
        }
        if (value is bool flag)
        {
            return flag;
        }
        Error(key, $"must be a boolean, found {Describe(value)}");
        return null;
    }

    public long? Integer(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            return null;
        }
        if (value is long number)
        {
            if (number < min)
            {
                Error(key, $"must be at least {min}");
                return null;
            }
            if (number > max)
            {
                Error(key, $"must be at most {max}");
                return null;
            }
            return number;
        }
        Error(key, $"must be an integer, found {Describe(value)}");
        return null;
    }

    public double? Number(string key)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            return null;
        }
        switch (value)
        {
            case long integer:
                return integer;
            case double number when double.IsFinite(number):
                return number;
            default:
                Error(key, $"must be a number, found {Describe(value)}");
                return null;
        }
    }

    public TomlSection? Section(string key, bool required = false)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            if (required)
            {
                Error(key, "is required");
            }
            return null;
        }
        if (value is TomlTable child)
        {
            return new TomlSection(child, Child(key), errors, warnings, origins);
        }
        Error(key, $"must be a table, found {Describe(value)}");
        return null;
    }

    /// <summary>The sub-tables of this table, e.g. each <c>[models.X]</c> under <c>[models]</c>.</summary>
    public IEnumerable<(string Name, TomlSection Section)> Sections()
    {
        foreach (var (key, value) in Table)
        {
            if (value is TomlTable child)
            {
                yield return (key, new TomlSection(child, Child(key), errors, warnings, origins));
            }
            else
            {
                Error(key, $"must be a table, found {Describe(value)}");
            }
        }
    }

    public IReadOnlyList<string>? StringList(string key, bool required = false)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            if (required)
            {
                Error(key, "is required");
            }
            return null;
        }
        if (value is not TomlArray array)
        {
            Error(key, $"must be an array of strings, found {Describe(value)}");
            return null;
        }
        var items = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is string text)
            {
                items.Add(text);
            }
            else
            {
                Error($"{key}[{i}]", $"must be a string, found {Describe(array[i])}");
            }
        }
        return items;
    }

    /// <summary>An array of tables, e.g. <c>extra_body = [{ pointer = "/x", value = 1 }]</c>.</summary>
    public IEnumerable<TomlSection> SectionList(string key)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            yield break;
        }
        var items = value switch
        {
            TomlTableArray tables => tables.Cast<object?>().ToList(),
            TomlArray array => array.ToList(),
            _ => null,
        };
        if (items is null)
        {
            Error(key, $"must be an array of tables, found {Describe(value)}");
            yield break;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is TomlTable table)
            {
                yield return new TomlSection(table, $"{Child(key)}[{i}]", errors, warnings, origins);
            }
            else
            {
                Error($"{key}[{i}]", $"must be a table, found {Describe(items[i])}");
            }
        }
    }

    /// <summary>A credential location: a string, or a <c>{ default, fallback }</c> table.</summary>
    public CredentialSpec? Credential(string key)
    {
        if (!Table.TryGetValue(key, out var value))
        {
            return null;
        }
        if (value is string text)
        {
            return ParseLocation(key, text) is { } location ? new CredentialSpec(location) : null;
        }
        if (value is TomlTable table)
        {
            var section = new TomlSection(table, Child(key), errors, warnings, origins);
            section.RejectUnknown(["default", "fallback"]);
            var primary = section.String("default", required: true);
            var fallback = section.String("fallback", required: true);
            var primaryLocation = primary is null ? null : section.ParseLocation("default", primary);
            var fallbackLocation = fallback is null ? null : section.ParseLocation("fallback", fallback);
            return primaryLocation is null || fallbackLocation is null ? null : new CredentialSpec(primaryLocation, fallbackLocation);
        }
        Error(key, $"must be a credential location string or a `{{ default = \"...\", fallback = \"...\" }}` table, found {Describe(value)}");
        return null;
    }

    private CredentialLocation? ParseLocation(string key, string text)
    {
        if (CredentialLocation.TryParse(text, out var location, out var problem))
        {
            return location;
        }
        Error(key, problem!);
        return null;
    }

    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        string => "a string",
        bool => "a boolean",
        long => "an integer",
        double => "a float",
        TomlTable => "a table",
        TomlArray or TomlTableArray => "an array",
        _ => "a date or time",
    };
}
