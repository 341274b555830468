using TensorZero.Gateway.Configuration.Files;
using Tomlyn;
using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Parses <c>tensorzero.toml</c> into <see cref="GatewayConfig"/>: one reader per top-level table (in
/// <c>Readers/</c>), then the rules that span tables (<see cref="CrossTableRules"/>). Runs every rule and throws one
/// <see cref="ConfigException"/> listing every problem. Reads no environment variable and no credential.
/// </summary>
public sealed class ConfigLoader(IProviderTypeCatalog providers)
{
    private static readonly string[] TopLevelKeys =
    [
        "gateway", "models", "functions", "provider_types", "embedding_models", "metrics", "tools", "evaluations",
        "clickhouse", "postgres", "rate_limiting", "object_storage", "optimizers", "autopilot",
    ];

    /// <summary>Loads one config file, or every file a glob (<c>config/**/*.toml</c>) matches, merged table by table.</summary>
    public GatewayConfig LoadFile(string pathOrGlob)
    {
        var files = ConfigFileGlob.Expand(pathOrGlob);
        var errors = new List<string>();
        var parsed = new List<(string File, TomlTable Table)>();
        foreach (var file in files)
        {
            if (ReadFile(file, errors) is { } table)
            {
                parsed.Add((file, table));
            }
        }
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        var (root, origins) = TomlMerge.Merge(parsed, errors);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        var baseDirectory = files.Count == 1 ? Path.GetDirectoryName(files[0])! : ConfigFileGlob.BaseDirectory(pathOrGlob);
        return Build(root, origins, baseDirectory);
    }

    /// <summary>Parses config text as if it were the file <c>tensorzero.toml</c> in <paramref name="baseDirectory"/>.</summary>
    public GatewayConfig Parse(string toml, string baseDirectory)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new ConfigException([$"the config is not valid TOML: {e.Message}"]);
        }
        return Build(root, new TomlOrigins(Path.Combine(baseDirectory, "tensorzero.toml")), baseDirectory);
    }

    private static TomlTable? ReadFile(string file, List<string> errors)
    {
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(file)) ?? new TomlTable();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"config file `{file}` can't be read: {e.Message}");
        }
        catch (TomlException e)
        {
            errors.Add($"the config file `{file}` is not valid TOML: {e.Message}");
        }
        return null;
    }

    private GatewayConfig Build(TomlTable root, TomlOrigins origins, string baseDirectory)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var top = new TomlSection(root, string.Empty, errors, warnings, origins);
        top.RejectUnknown(TopLevelKeys);
        top.WarnIgnored("evaluations", "clickhouse", "rate_limiting", "object_storage", "optimizers", "autopilot");

        var references = new ConfigReferences(errors);
        var gateway = GatewaySectionReader.Read(top.Section("gateway"), baseDirectory);
        var typeDefaults = new ProviderTypesReader(providers).Read(top.Section("provider_types"));
        var models = new ModelsReader(providers, references).Read(top.Section("models"));
        var embeddingModels = new EmbeddingModelsReader(providers, references).Read(top.Section("embedding_models"));
        var tools = new ToolsReader(providers).Read(top.Section("tools"));
        var functions = new FunctionsReader(providers, references).Read(top.Section("functions"));
        var metrics = MetricsReader.Read(top.Section("metrics"));
        CrossTableRules.Check(references, errors, models, tools, providers);

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return new GatewayConfig(gateway, models, functions, typeDefaults, tools, baseDirectory, warnings)
        {
            EmbeddingModels = embeddingModels,
            Metrics = metrics,
        };
    }
}
