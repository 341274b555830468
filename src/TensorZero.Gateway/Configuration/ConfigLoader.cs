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

    public GatewayConfig LoadFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"config file `{path}` can't be read: {e.Message}"]);
        }
        return Parse(text, Path.GetDirectoryName(fullPath)!);
    }

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

        var errors = new List<string>();
        var warnings = new List<string>();
        var top = new TomlSection(root, string.Empty, errors, warnings);
        top.RejectUnknown(TopLevelKeys);
        top.WarnIgnored("metrics", "evaluations", "clickhouse", "rate_limiting", "object_storage", "optimizers", "autopilot");

        var references = new ConfigReferences(errors);
        var gateway = GatewaySectionReader.Read(top.Section("gateway"));
        var typeDefaults = new ProviderTypesReader(providers).Read(top.Section("provider_types"));
        var models = new ModelsReader(providers, references).Read(top.Section("models"));
        var embeddingModels = new EmbeddingModelsReader(providers, references).Read(top.Section("embedding_models"));
        var tools = new ToolsReader(providers, baseDirectory).Read(top.Section("tools"));
        var functions = new FunctionsReader(providers, references, baseDirectory).Read(top.Section("functions"));
        CrossTableRules.Check(references, errors, models, tools, providers);

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return new GatewayConfig(gateway, models, functions, typeDefaults, tools, baseDirectory, warnings)
        {
            EmbeddingModels = embeddingModels,
        };
    }
}
