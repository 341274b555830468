using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary>Parsing of <c>[functions]</c>, their variants, tools, schemas, templates and experimentation.</summary>
public sealed partial class ConfigLoader
{
    private ToolConfig? ParseTool(string key, TomlSection section, string baseDirectory)
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

    private static ToolChoice? ParseToolChoice(TomlSection section, IReadOnlyCollection<string> functionTools)
    {
        if (!section.Table.TryGetValue("tool_choice", out var value))
        {
            return null;
        }
        switch (value)
        {
            case "none":
                return new ToolChoice(ToolChoiceMode.None);
            case "auto":
                return ToolChoice.Auto;
            case "required":
                return new ToolChoice(ToolChoiceMode.Required);
            case TomlTable table when table.Count == 1 && table.TryGetValue("specific", out var specific) && specific is string tool:
                if (!functionTools.Contains(tool))
                {
                    section.Error("tool_choice", $"names tool `{tool}`, which is not in this function's `tools`");
                }
                return new ToolChoice(ToolChoiceMode.Specific, tool);
            default:
                section.Error("tool_choice", "must be \"none\", \"auto\", \"required\" or { specific = \"tool_name\" }");
                return null;
        }
    }

    private FunctionConfig? ParseFunction(
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
            section.Error($"names variant `{ConfigText.Name(name)}`, which this function does not define");
        }
        foreach (var variant in variants.Values.Where(v => v.Weight is not null))
        {
            section.Error($"can't be combined with the `weight` of variant `{variant.Name}`; give weights in `candidate_variants`");
        }
        return new ExperimentationConfig(candidates, fallbacks);
    }

    private VariantConfig? ParseVariant(string name, TomlSection section, FunctionType? functionType, Dictionary<string, ModelConfig> models, string baseDirectory)
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
        if (model is not null && !models.ContainsKey(model) && !providers.IsShorthand(model))
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
}
