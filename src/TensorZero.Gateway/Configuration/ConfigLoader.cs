using System.Text.Json.Nodes;
using Tomlyn;
using Tomlyn.Model;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Parses <c>tensorzero.toml</c> into <see cref="GatewayConfig"/>. Runs every rule and throws one
/// <see cref="ConfigException"/> listing every problem. Reads no environment variable and no credential.
/// </summary>
public sealed partial class ConfigLoader(ProviderRegistry providers)
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
        section.WarnIgnored("base_path", "observability", "export", "template_filesystem_access", "auth", "relay", "cache", "metrics");
        return new GatewaySection(
            section.String("bind_address"),
            section.Bool("debug") ?? false,
            section.Integer("global_outbound_http_timeout_ms", min: 1) ?? GatewaySection.DefaultGlobalOutboundHttpTimeoutMs);
    }

    private static Dictionary<string, CredentialSpec> ParseProviderTypes(TomlSection? section)
    {
        var defaults = new Dictionary<string, CredentialSpec>(StringComparer.Ordinal);
        if (section is null)
        {
            return defaults;
        }
        foreach (var (type, typeSection) in section.Sections())
        {
            var info = ProviderTypes.Find(type);
            if (info is null || !info.HasDefaultsTable)
            {
                section.Error(type, $"`[provider_types.{type}]` is not supported (valid: {string.Join(", ", ProviderTypes.All.Where(t => t.HasDefaultsTable).Select(t => t.Type))})");
                continue;
            }
            typeSection.RejectUnknown(["defaults", "sft", "batch"]);
            typeSection.WarnIgnored("sft", "batch");
            if (typeSection.Section("defaults") is { } defaultsSection)
            {
                defaultsSection.RejectUnknown([info.CredentialField]);
                if (!defaultsSection.Has(info.CredentialField))
                {
                    defaultsSection.Error(info.CredentialField, "is required");
                }
                else if (defaultsSection.Credential(info.CredentialField) is { } spec)
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
            section.Error("routing", $"lists provider `{duplicate.Key}` more than once");
        }
        var providersTable = section.Section("providers")?.Table;
        foreach (var entry in routing.Where(r => providersTable is not null && !providersTable.ContainsKey(r)))
        {
            section.Error("routing", $"names provider `{entry}`, which is not defined under `{section.Child("providers")}`");
        }
        foreach (var provider in providersTable?.Keys.Where(p => !routing.Contains(p)) ?? [])
        {
            section.Error($"providers.{provider}", "is not listed in `routing`");
        }
    }

    private ProviderConfig? ParseProvider(string name, TomlSection section)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        var info = ProviderTypes.Find(type);
        var factory = providers.Find(type);
        if (info is null)
        {
            section.Error("type", $"unknown provider type `{type}` (valid: {string.Join(", ", ProviderTypes.All.Select(t => t.Type))})");
            return null;
        }
        if (factory is null)
        {
            section.Error("type", $"provider type `{type}` is not supported by this gateway yet (supported: {string.Join(", ", providers.Types)})");
            return null;
        }
        section.RejectUnknown(SharedProviderKeys.Concat(factory.SettingKeys).Append(info.CredentialField));
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
            section.Credential(info.CredentialField),
            ParseExtraBody(section),
            ParseExtraHeaders(section),
            ParseTimeouts(section.Section("timeouts")),
            settings);
    }

    private static ToolConfig? ParseTool(string key, TomlSection section, string baseDirectory)
    {
        CheckReservedName(key, section, "Tool");
        section.RejectUnknown(["description", "parameters", "strict", "name"]);
        var description = section.String("description", required: true);
        if (!section.Has("parameters"))
        {
            section.Error("parameters", "is required (the path of a JSON Schema file)");
        }
        var parameters = JsonSchemaDocument.Load(section, "parameters", baseDirectory);
        var strict = section.Bool("strict") ?? false;
        var name = section.String("name") ?? key;
        return description is null || parameters is null ? null : new ToolConfig(key, name, description, parameters, strict);
    }

    private static Inference.ToolChoice? ParseToolChoice(TomlSection section, IReadOnlyCollection<string> functionTools)
    {
        if (!section.Table.TryGetValue("tool_choice", out var value))
        {
            return null;
        }
        switch (value)
        {
            case "none":
                return new Inference.ToolChoice(Inference.ToolChoiceMode.None);
            case "auto":
                return Inference.ToolChoice.Auto;
            case "required":
                return new Inference.ToolChoice(Inference.ToolChoiceMode.Required);
            case TomlTable table when table.Count == 1 && table.TryGetValue("specific", out var specific) && specific is string tool:
                if (!functionTools.Contains(tool))
                {
                    section.Error("tool_choice", $"names tool `{tool}`, which is not in this function's `tools`");
                }
                return new Inference.ToolChoice(Inference.ToolChoiceMode.Specific, tool);
            default:
                section.Error("tool_choice", "must be \"none\", \"auto\", \"required\" or { specific = \"tool_name\" }");
                return null;
        }
    }

    private static FunctionConfig? ParseFunction(
        string name,
        TomlSection section,
        Dictionary<string, ModelConfig> models,
        Dictionary<string, ToolConfig> tools,
        string baseDirectory)
    {
        CheckReservedName(name, section, "Function");
        section.RejectUnknown(FunctionKeys);
        section.WarnIgnored("evaluators");
        var typeText = section.String("type", required: true);
        FunctionType? type = typeText switch
        {
            "chat" => FunctionType.Chat,
            "json" => FunctionType.Json,
            null => null,
            _ => null,
        };
        if (typeText is not null && type is null)
        {
            section.Error("type", $"unknown function type `{typeText}` (valid: chat, json)");
        }

        var variants = new Dictionary<string, VariantConfig>(StringComparer.Ordinal);
        if (section.Section("variants", required: true) is { } variantsSection)
        {
            foreach (var (variantName, variantSection) in variantsSection.Sections())
            {
                if (ParseVariant(variantName, variantSection, type, models, baseDirectory) is { } variant)
                {
                    variants[variantName] = variant;
                }
            }
        }
        var functionTools = section.StringList("tools") ?? [];
        foreach (var tool in functionTools.Where(t => !tools.ContainsKey(t)))
        {
            section.Error("tools", $"names tool `{tool}`, which is not defined under `[tools]`");
        }
        var toolChoice = ParseToolChoice(section, functionTools);
        var parallel = section.Bool("parallel_tool_calls");
        JsonSchemaDocument? outputSchema = null;
        if (type == FunctionType.Json)
        {
            outputSchema = JsonSchemaDocument.Load(section, "output_schema", baseDirectory);
            foreach (var key in new[] { "tools", "tool_choice", "parallel_tool_calls" }.Where(section.Has))
            {
                section.Error(key, "is only valid for chat functions");
            }
        }
        else if (section.Has("output_schema"))
        {
            section.Error("output_schema", "is only valid for JSON functions");
        }
        var experimentation = ParseExperimentation(section.Section("experimentation"), variants);
        var schemas = ParseSchemas(section, baseDirectory);
        foreach (var (role, variant) in schemas.Keys.SelectMany(role => variants.Values.Select(v => (role, v)))
                     .Where(pair => pair.v.Type == "chat_completion" && !pair.v.Templates.ContainsKey(pair.role)))
        {
            var key = role is "system" or "user" or "assistant" ? $"{role}_template" : $"templates.{role}.path";
            section.Error($"variants.{variant.Name}.{key}", $"is required, since the function has a `{role}` schema");
        }
        return type is null ? null : new FunctionConfig(name, type.Value, variants, functionTools, toolChoice, parallel, outputSchema, experimentation)
        {
            Schemas = schemas,
        };
    }

    private static Dictionary<string, JsonSchemaDocument> ParseSchemas(TomlSection section, string baseDirectory)
    {
        var schemas = new Dictionary<string, JsonSchemaDocument>(StringComparer.Ordinal);
        foreach (var role in new[] { "system", "user", "assistant" })
        {
            if (JsonSchemaDocument.Load(section, $"{role}_schema", baseDirectory) is { } schema)
            {
                schemas[role] = schema;
            }
        }
        if (section.Section("schemas") is { } named)
        {
            foreach (var (name, schemaSection) in named.Sections())
            {
                schemaSection.RejectUnknown(["path"]);
                if (JsonSchemaDocument.Load(schemaSection, "path", baseDirectory) is { } schema)
                {
                    schemas[name] = schema;
                }
            }
        }
        return schemas;
    }

    private static Dictionary<string, Templates.Template> ParseTemplates(TomlSection section, string baseDirectory)
    {
        var templates = new Dictionary<string, Templates.Template>(StringComparer.Ordinal);
        foreach (var role in new[] { "system", "user", "assistant" })
        {
            if (LoadTemplate(section, $"{role}_template", role, baseDirectory) is { } template)
            {
                templates[role] = template;
            }
        }
        if (section.Section("templates") is { } named)
        {
            foreach (var (name, templateSection) in named.Sections())
            {
                templateSection.RejectUnknown(["path"]);
                if (LoadTemplate(templateSection, "path", name, baseDirectory) is { } template)
                {
                    templates[name] = template;
                }
            }
        }
        return templates;
    }

    // Templates render in strict mode, as TensorZero's do: an undefined variable is an error, not an empty string.
    private static Templates.Template? LoadTemplate(TomlSection section, string key, string name, string baseDirectory)
    {
        var file = section.String(key);
        if (file is null)
        {
            return null;
        }
        try
        {
            return Templates.Template.Parse(File.ReadAllText(Path.GetFullPath(file, baseDirectory)), name, Templates.UndefinedBehavior.Strict);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            section.Error(key, $"the template file `{file}` can't be read");
        }
        catch (Templates.TemplateException e)
        {
            section.Error(key, $"the template `{file}` has an error: {e.Message}");
        }
        return null;
    }

    private static ExperimentationConfig? ParseExperimentation(TomlSection? section, Dictionary<string, VariantConfig> variants)
    {
        if (section is null)
        {
            return null;
        }
        var type = section.String("type", required: true);
        if (type is not ("static" or "static_weights" or "uniform"))
        {
            if (type is not null)
            {
                section.Error("type", $"experimentation type `{type}` is not supported by this gateway yet (supported: static, uniform)");
            }
            return null;
        }
        section.RejectUnknown(["type", "candidate_variants", "fallback_variants"]);
        var candidates = new Dictionary<string, double>(StringComparer.Ordinal);
        switch (section.Table.TryGetValue("candidate_variants", out var value) ? value : null)
        {
            case null when type == "uniform":
                foreach (var name in variants.Keys)
                {
                    candidates[name] = 1;
                }
                break;
            case TomlArray:
                foreach (var name in section.StringList("candidate_variants") ?? [])
                {
                    candidates[name] = 1;
                }
                break;
            case TomlTable:
                var weights = section.Section("candidate_variants")!;
                foreach (var name in weights.Table.Keys)
                {
                    var weight = weights.Number(name);
                    if (weight < 0)
                    {
                        weights.Error(name, "must not be negative");
                    }
                    candidates[name] = weight ?? 0;
                }
                break;
            default:
                section.Error("candidate_variants", "must be a list of variant names or a table of variant weights");
                break;
        }
        var fallbacks = section.StringList("fallback_variants") ?? [];
        foreach (var name in candidates.Keys.Concat(fallbacks).Where(n => !variants.ContainsKey(n)).Distinct())
        {
            section.Error($"names variant `{name}`, which this function does not define");
        }
        foreach (var variant in variants.Values.Where(v => v.Weight is not null))
        {
            section.Error($"can't be combined with the `weight` of variant `{variant.Name}`; give weights in `candidate_variants`");
        }
        return new ExperimentationConfig(candidates, fallbacks);
    }

    private static VariantConfig? ParseVariant(string name, TomlSection section, FunctionType? functionType, Dictionary<string, ModelConfig> models, string baseDirectory)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        if (OtherVariantTypes.Contains(type))
        {
            // Parsed so TensorZero configs load; an inference that samples it gets a clear "not supported" error.
            return new VariantConfig(name, type, null, section.Number("weight"), InferenceParams.Empty, null, RetryConfig.None, null, [], []);
        }
        if (type != "chat_completion")
        {
            section.Error("type", $"unknown variant type `{type}` (valid: chat_completion, {string.Join(", ", OtherVariantTypes)})");
            return null;
        }
        section.RejectUnknown(ChatCompletionKeys);
        section.WarnIgnored("reasoning_effort",
            "thinking_budget_tokens", "service_tier", "verbosity", "namespace", "input_wrappers", "system_instructions");

        var model = section.String("model", required: true);
        if (model is not null && !models.ContainsKey(model) && !ShorthandModel.IsValid(model))
        {
            section.Error("model", $"model `{model}` is not defined under `[models]` and is not a shorthand such as `openai::gpt-4o-mini`");
        }
        var jsonMode = section.String("json_mode");
        if (jsonMode is not null && !JsonModes.Contains(jsonMode))
        {
            section.Error("json_mode", $"unknown json_mode `{jsonMode}` (valid: off, on, strict, tool)");
        }
        if (functionType == FunctionType.Json && jsonMode is null)
        {
            section.Error("json_mode", "is required, since the parent function is a JSON function");
        }
        if (functionType == FunctionType.Chat && jsonMode is not null)
        {
            section.Error("json_mode", "is not supported here, since the parent function is a chat function");
        }
        var weight = section.Number("weight");
        if (weight < 0)
        {
            section.Error("weight", "must not be negative");
        }
        return new VariantConfig(
            name,
            type,
            model,
            weight,
            ParseParams(section),
            jsonMode,
            ParseRetries(section.Section("retries")),
            ParseTimeouts(section.Section("timeouts")),
            ParseExtraBody(section),
            ParseExtraHeaders(section))
        {
            Templates = ParseTemplates(section, baseDirectory),
        };
    }

    private static InferenceParams ParseParams(TomlSection section) => new(
        section.Number("temperature"),
        (int?)section.Integer("max_tokens", min: 1),
        section.Number("top_p"),
        (int?)section.Integer("seed"),
        section.Number("presence_penalty"),
        section.Number("frequency_penalty"),
        section.StringList("stop_sequences"));

    private static RetryConfig ParseRetries(TomlSection? section)
    {
        if (section is null)
        {
            return RetryConfig.None;
        }
        section.RejectUnknown(["num_retries", "max_delay_s"]);
        return new RetryConfig(
            (int)(section.Integer("num_retries", min: 0) ?? 0),
            section.Number("max_delay_s") ?? RetryConfig.None.MaxDelaySeconds);
    }

    private static TimeoutsConfig? ParseTimeouts(TomlSection? section)
    {
        if (section is null)
        {
            return null;
        }
        section.RejectUnknown(["non_streaming", "streaming"]);
        var nonStreaming = section.Section("non_streaming");
        nonStreaming?.RejectUnknown(["total_ms"]);
        var streaming = section.Section("streaming");
        streaming?.RejectUnknown(["ttft_ms", "total_ms"]);
        return new TimeoutsConfig(
            nonStreaming?.Integer("total_ms", min: 1),
            streaming?.Integer("ttft_ms", min: 1),
            streaming?.Integer("total_ms", min: 1));
    }

    private static List<ExtraBodyItem> ParseExtraBody(TomlSection section)
    {
        var items = new List<ExtraBodyItem>();
        foreach (var item in section.SectionList("extra_body"))
        {
            item.RejectUnknown(["pointer", "value", "delete"]);
            var pointer = item.String("pointer", required: true);
            var delete = item.Bool("delete") ?? false;
            if (pointer is not null && !pointer.StartsWith('/'))
            {
                item.Error("pointer", "must be a JSON pointer starting with `/`");
                continue;
            }
            if (delete == item.Has("value"))
            {
                item.Error("needs exactly one of `value` or `delete = true`");
                continue;
            }
            if (pointer is not null)
            {
                items.Add(new ExtraBodyItem(pointer, delete ? null : TomlJson.ToJson(item.Table["value"]), delete));
            }
        }
        return items;
    }

    private static List<ExtraHeaderItem> ParseExtraHeaders(TomlSection section)
    {
        var items = new List<ExtraHeaderItem>();
        foreach (var item in section.SectionList("extra_headers"))
        {
            item.RejectUnknown(["name", "value", "delete"]);
            var name = item.String("name", required: true);
            var value = item.String("value");
            var delete = item.Bool("delete") ?? false;
            if (delete == (value is not null))
            {
                item.Error("needs exactly one of `value` or `delete = true`");
                continue;
            }
            if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                item.Error("value", "must not contain line breaks");
                continue;
            }
            if (name is not null)
            {
                items.Add(new ExtraHeaderItem(name, value, delete));
            }
        }
        return items;
    }

    private static void CheckReservedName(string name, TomlSection section, string what)
    {
        if (name.StartsWith("tensorzero::", StringComparison.Ordinal) ||
            ProviderTypes.All.Any(t => name.StartsWith(t.Type + "::", StringComparison.Ordinal)))
        {
            section.Error($"{what} name '{name}' contains a reserved prefix");
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
