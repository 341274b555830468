using System.Text.Json.Nodes;
using Tomlyn;
using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Parses <c>tensorzero.toml</c> into <see cref="GatewayConfig"/>. Runs every rule and throws one
/// <see cref="ConfigException"/> listing every problem. Reads no environment variable and no credential.
/// </summary>
public sealed partial class ConfigLoader(IProviderTypeCatalog providers)
{
    private static readonly string[] TopLevelKeys =
    [
        "gateway", "models", "functions", "provider_types", "embedding_models", "metrics", "tools", "evaluations",
        "clickhouse", "postgres", "rate_limiting", "object_storage", "optimizers", "autopilot",
    ];

    private static readonly string[] GatewayKeys =
    [
        "bind_address", "debug", "global_outbound_http_timeout_ms", "base_path", "observability", "export",
        "template_filesystem_access", "fetch_and_encode_input_files_before_inference", "auth", "relay", "metrics", "cache",
        "disable_pseudonymous_usage_analytics", "unstable_error_json", "unstable_disable_feedback_target_validation",
        "allowed_dynamic_hosts", "outbound_connect_timeout_ms", "max_request_body_bytes", "cors", "client_write_timeout_ms",
    ];

    private static readonly string[] SharedProviderKeys =
        ["type", "extra_body", "extra_headers", "timeouts", "discard_unknown_chunks", "cost", "batch_cost"];

    private static readonly string[] FunctionKeys =
    [
        "type", "variants", "system_schema", "user_schema", "assistant_schema", "output_schema", "schemas", "description",
        "experimentation", "evaluators", "tools", "tool_choice", "parallel_tool_calls",
    ];

    private static readonly string[] ChatCompletionKeys =
    [
        "type", "model", "weight", "temperature", "max_tokens", "top_p", "seed", "presence_penalty", "frequency_penalty",
        "stop_sequences", "json_mode", "retries", "timeouts", "extra_body", "extra_headers", "system_template", "user_template",
        "assistant_template", "templates", "reasoning_effort", "thinking_budget_tokens", "service_tier", "verbosity", "namespace",
        "input_wrappers", "system_instructions",
    ];

    private static readonly string[] OtherVariantTypes =
    [
        "experimental_best_of_n_sampling", "experimental_mixture_of_n", "experimental_dynamic_in_context_learning",
        "experimental_chain_of_thought",
    ];

    private static readonly string[] JsonModes = ["off", "on", "strict", "tool", "implicit_tool"];

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

        var gateway = ParseGateway(top.Section("gateway"));
        var typeDefaults = ParseProviderTypes(top.Section("provider_types"));
        var models = new Dictionary<string, ModelConfig>(StringComparer.Ordinal);
        if (top.Section("models") is { } modelsSection)
        {
            foreach (var (name, section) in modelsSection.Sections())
            {
                if (ParseModel(name, section) is { } model)
                {
                    models[name] = model;
                }
            }
        }
        var embeddingModels = ParseEmbeddingModels(top.Section("embedding_models"));
        var tools = new Dictionary<string, ToolConfig>(StringComparer.Ordinal);
        if (top.Section("tools") is { } toolsSection)
        {
            foreach (var (name, section) in toolsSection.Sections())
            {
                if (ParseTool(name, section, baseDirectory) is { } tool)
                {
                    tools[name] = tool;
                }
            }
        }
        var functions = new Dictionary<string, FunctionConfig>(StringComparer.Ordinal);
        if (top.Section("functions") is { } functionsSection)
        {
            foreach (var (name, section) in functionsSection.Sections())
            {
                if (ParseFunction(name, section, models, tools, baseDirectory) is { } function)
                {
                    functions[name] = function;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return new GatewayConfig(gateway, models, functions, typeDefaults, tools, baseDirectory, warnings)
        {
            EmbeddingModels = embeddingModels,
        };
    }

    private static GatewaySection ParseGateway(TomlSection? section)
    {
        if (section is null)
        {
            return GatewaySection.Default;
        }
        section.RejectUnknown(GatewayKeys);
        section.WarnIgnored("observability", "export", "template_filesystem_access", "auth", "relay", "cache", "metrics");
        var basePath = section.String("base_path");
        if (basePath is "" or "/")
        {
            basePath = null;
        }
        else if (basePath is not null && (!basePath.StartsWith('/') || basePath.EndsWith('/') || basePath.Contains("//", StringComparison.Ordinal) ||
                 basePath.Any(c => char.IsWhiteSpace(c) || c is '?' or '#')))
        {
            section.Error("base_path", "must be a path such as `/llm`: starting with `/`, without a trailing `/`, query or fragment");
            basePath = null;
        }
        var cors = section.Section("cors");
        cors?.RejectUnknown(["allowed_origins"]);
        var allowedDynamicHosts = section.StringList("allowed_dynamic_hosts") ?? [];
        foreach (var (index, problem) in Networking.DynamicHostAllowList.Validate(allowedDynamicHosts))
        {
            section.Error($"allowed_dynamic_hosts[{index}]", problem);
        }
        return new GatewaySection(
            section.String("bind_address"),
            section.Bool("debug") ?? false,
            section.Integer("global_outbound_http_timeout_ms", min: 1) ?? GatewaySection.DefaultGlobalOutboundHttpTimeoutMs,
            basePath)
        {
            AllowedDynamicHosts = allowedDynamicHosts,
            OutboundConnectTimeoutMs = section.Integer("outbound_connect_timeout_ms", min: 1) ?? GatewaySection.DefaultOutboundConnectTimeoutMs,
            MaxRequestBodyBytes = ParseMaxRequestBodyBytes(section),
            CorsAllowedOrigins = ParseCorsOrigins(cors),
            ClientWriteTimeoutMs = section.Integer("client_write_timeout_ms", min: 1) ?? GatewaySection.DefaultClientWriteTimeoutMs,
        };
    }

    private Dictionary<string, CredentialSpec> ParseProviderTypes(TomlSection? section)
    {
        var defaults = new Dictionary<string, CredentialSpec>(StringComparer.Ordinal);
        if (section is null)
        {
            return defaults;
        }
        foreach (var (type, typeSection) in section.Sections())
        {
            var table = providers.FindTable(type);
            if (table is null || !table.HasDefaultsTable)
            {
                section.Error(type, $"`[provider_types.{type}]` is not supported (valid: {string.Join(", ", providers.Types.Where(t => providers.FindTable(t)!.HasDefaultsTable))})");
                continue;
            }
            var field = table.CredentialField;
            typeSection.RejectUnknown(["defaults", "sft", "batch"]);
            typeSection.WarnIgnored("sft", "batch");
            if (typeSection.Section("defaults") is { } defaultsSection)
            {
                defaultsSection.RejectUnknown([field]);
                if (!defaultsSection.Has(field))
                {
                    defaultsSection.Error(field, "is required");
                }
                else if (defaultsSection.Credential(field) is { } spec)
                {
                    defaults[type] = spec;
                }
            }
        }
        return defaults;
    }

    private ModelConfig? ParseModel(string name, TomlSection section)
    {
        CheckReservedName(name, section, "Model");
        section.RejectUnknown(["routing", "providers", "timeouts", "skip_relay", "namespace"]);
        section.WarnIgnored("namespace");
        var routing = section.StringList("routing", required: true) ?? [];
        var timeouts = ParseTimeouts(section.Section("timeouts"));
        var providerConfigs = new Dictionary<string, ProviderConfig>(StringComparer.Ordinal);
        if (section.Section("providers", required: true) is { } providersSection)
        {
            foreach (var (providerName, providerSection) in providersSection.Sections())
            {
                if (ParseProvider(providerName, providerSection) is { } provider)
                {
                    providerConfigs[providerName] = provider;
                }
            }
            if (providersSection.Table.Count == 0)
            {
                section.Error("providers", "must define at least one provider");
            }
        }

        CheckRouting(section, routing);
        return new ModelConfig(name, routing, providerConfigs, timeouts);
    }

    /// <summary>A model's <c>routing</c> and <c>providers</c> agree: each routed provider exists, once, and each provider is routed.</summary>
    private static void CheckRouting(TomlSection section, IReadOnlyList<string> routing)
    {
        if (section.Has("routing") && routing.Count == 0)
        {
            section.Error("routing", "must list at least one provider");
        }
        foreach (var duplicate in routing.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            section.Error("routing", $"lists provider `{ConfigText.Name(duplicate.Key)}` more than once");
        }
        var providersTable = section.Section("providers")?.Table;
        foreach (var entry in routing.Where(r => providersTable is not null && !providersTable.ContainsKey(r)))
        {
            section.Error("routing", $"names provider `{ConfigText.Name(entry)}`, which is not defined under `{section.Child("providers")}`");
        }
        foreach (var provider in providersTable?.Keys.Where(p => !routing.Contains(p)) ?? [])
        {
            section.Error($"providers.{ConfigText.KeyName(provider, providersTable!.Keys)}", "is not listed in `routing`");
        }
    }

    private ProviderConfig? ParseProvider(string name, TomlSection section)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        var factory = providers.FindTable(type);
        if (factory is null)
        {
            section.Error("type", $"unknown provider type `{type}` (valid: {string.Join(", ", providers.Types)})");
            return null;
        }
        var credentialField = factory.CredentialField;
        section.RejectUnknown(SharedProviderKeys.Concat(factory.SettingKeys).Append(credentialField));
        section.WarnIgnored("cost", "batch_cost", "discard_unknown_chunks");

        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in factory.SettingKeys.Where(section.Has))
        {
            settings[key] = section.Table[key];
        }
        return new ProviderConfig(
            name,
            type,
            section.Path,
            factory.SettingKeys.Contains("model_name") ? section.String("model_name") : null,
            factory.SettingKeys.Contains("api_base") ? section.String("api_base") : null,
            section.Credential(credentialField),
            ParseExtraBody(section),
            ParseExtraHeaders(section),
            ParseTimeouts(section.Section("timeouts")),
            settings);
    }

    private void CheckReservedName(string name, TomlSection section, string what)
    {
        if (name.StartsWith("tensorzero::", StringComparison.Ordinal) ||
            providers.Types.Any(type => name.StartsWith(type + "::", StringComparison.Ordinal)))
        {
            section.Error($"{what} name '{ConfigText.Name(name)}' contains a reserved prefix");
        }
    }
}

/// <summary>Converts TOML values to JSON values (for <c>extra_body</c>).</summary>
internal static class TomlJson
{
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long integer => JsonValue.Create(integer),
        double number => JsonValue.Create(number),
        TomlTable table => new JsonObject(table.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        TomlArray array => new JsonArray(array.Select(ToJson).ToArray()),
        TomlTableArray tables => new JsonArray(tables.Select(t => ToJson(t)).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
