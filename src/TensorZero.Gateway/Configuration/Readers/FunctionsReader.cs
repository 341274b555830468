using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary><c>[functions]</c>: each function's type, variants, schemas, tools and experimentation.</summary>
internal sealed class FunctionsReader(IProviderTypeCatalog providers, ConfigReferences references)
{
    private static readonly string[] FunctionKeys =
    [
        "type", "variants", "system_schema", "user_schema", "assistant_schema", "output_schema", "schemas", "description",
        "experimentation", "evaluators", "tools", "tool_choice", "parallel_tool_calls",
    ];

    private readonly VariantReader _variants = new(references);

    public Dictionary<string, FunctionConfig> Read(TomlSection? section)
    {
        var functions = new Dictionary<string, FunctionConfig>(StringComparer.Ordinal);
        foreach (var (name, functionSection) in section?.Sections() ?? [])
        {
            if (ReadFunction(name, functionSection) is { } function)
            {
                functions[name] = function;
            }
        }
        return functions;
    }

    private FunctionConfig? ReadFunction(string name, TomlSection section)
    {
        ReservedNames.Check(providers, name, section, "Function");
        section.RejectUnknown(FunctionKeys);
        section.WarnIgnored("evaluators");
        var typeText = section.String("type", required: true);
        FunctionType? type = typeText switch
        {
            "chat" => FunctionType.Chat,
            "json" => FunctionType.Json,
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
                if (_variants.Read(variantName, variantSection, type) is { } variant)
                {
                    variants[variantName] = variant;
                }
            }
            CandidateRules.Apply(variantsSection, variants);
        }
        var functionTools = section.StringList("tools") ?? [];
        references.FunctionTools(section, functionTools);
        var toolChoice = ReadToolChoice(section);
        var parallel = section.Bool("parallel_tool_calls");
        JsonSchemaDocument? outputSchema = null;
        if (type == FunctionType.Json)
        {
            outputSchema = JsonSchemaDocument.Load(section, "output_schema");
            foreach (var key in new[] { "tools", "tool_choice", "parallel_tool_calls" }.Where(section.Has))
            {
                section.Error(key, "is only valid for chat functions");
            }
        }
        else if (section.Has("output_schema"))
        {
            section.Error("output_schema", "is only valid for JSON functions");
        }
        var experimentation = ExperimentationReader.Read(section.Section("experimentation"), variants);
        var schemas = ReadSchemas(section);
        foreach (var (variant, wrapper) in variants.Values.SelectMany(v => v.PromptTables())
                     .SelectMany(v => v.Templates.Values.Where(t => t.InputWrapper && schemas.ContainsKey(t.Name)).Select(t => (v, t))))
        {
            section.Error($"variants.{variant.Name}.input_wrappers.{wrapper.Name}",
                $"Cannot provide both `input_wrappers.{wrapper.Name}` and `{wrapper.Name}_schema`");
        }
        foreach (var (role, variant) in schemas.Keys.SelectMany(role => variants.Values.SelectMany(v => v.PromptTables()).Select(v => (role, v)))
                     .Where(pair => !pair.v.Templates.ContainsKey(pair.role)))
        {
            var key = role is "system" or "user" or "assistant" ? $"{role}_template" : $"templates.{role}.path";
            section.Error($"variants.{variant.Name}.{key}", $"is required, since the function has a `{role}` schema");
        }
        return type is null ? null : new FunctionConfig(name, type.Value, variants, functionTools, toolChoice, parallel, outputSchema, experimentation)
        {
            Schemas = schemas,
        };
    }

    private static ToolChoice? ReadToolChoice(TomlSection section)
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
            // The tool may arrive with the request (`additional_tools`), so whether it is offered is checked per request.
            case TomlTable table when table.Count == 1 && table.TryGetValue("specific", out var specific) && specific is string tool:
                return new ToolChoice(ToolChoiceMode.Specific, tool);
            default:
                section.Error("tool_choice", "must be \"none\", \"auto\", \"required\" or { specific = \"tool_name\" }");
                return null;
        }
    }

    private static Dictionary<string, JsonSchemaDocument> ReadSchemas(TomlSection section)
    {
        var schemas = new Dictionary<string, JsonSchemaDocument>(StringComparer.Ordinal);
        foreach (var role in new[] { "system", "user", "assistant" })
        {
            if (JsonSchemaDocument.Load(section, $"{role}_schema") is { } schema)
            {
                schemas[role] = schema;
            }
        }
        if (section.Section("schemas") is { } named)
        {
            foreach (var (name, schemaSection) in named.Sections())
            {
                schemaSection.RejectUnknown(["path"]);
                if (JsonSchemaDocument.Load(schemaSection, "path") is { } schema)
                {
                    schemas[name] = schema;
                }
            }
        }
        return schemas;
    }
}
