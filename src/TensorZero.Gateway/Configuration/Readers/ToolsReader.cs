namespace TensorZero.Gateway.Configuration;

/// <summary><c>[tools]</c>: tools that functions offer, each with a description and a JSON Schema file for its parameters.</summary>
internal sealed class ToolsReader(IProviderTypeCatalog providers)
{
    public Dictionary<string, ToolConfig> Read(TomlSection? section)
    {
        var tools = new Dictionary<string, ToolConfig>(StringComparer.Ordinal);
        foreach (var (key, toolSection) in section?.Sections() ?? [])
        {
            if (ReadTool(key, toolSection) is { } tool)
            {
                tools[key] = tool;
            }
        }
        return tools;
    }

    private ToolConfig? ReadTool(string key, TomlSection section)
    {
        ReservedNames.Check(providers, key, section, "Tool");
        section.RejectUnknown(["description", "parameters", "strict", "name"]);
        var description = section.String("description", required: true);
        if (!section.Has("parameters"))
        {
            section.Error("parameters", "is required (the path of a JSON Schema file)");
        }
        var parameters = JsonSchemaDocument.Load(section, "parameters");
        var strict = section.Bool("strict") ?? false;
        var name = section.String("name") ?? key;
        return description is null || parameters is null ? null : new ToolConfig(key, name, description, parameters, strict);
    }
}
