using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// OpenAI custom tools on the wire. Chat Completions nests the tool under <c>custom</c> and its grammar under
/// <c>format.grammar</c>; the Responses API has both flat.
/// </summary>
public static class CustomToolWire
{
    /// <summary><c>{"type": "custom", "custom": {"name", "description"?, "format"?}}</c>.</summary>
    public static JsonObject ChatTool(CustomToolDefinition tool)
    {
        var custom = new JsonObject { ["name"] = tool.Name };
        if (tool.Description is not null)
        {
            custom["description"] = tool.Description;
        }
        if (tool.Format is { } format)
        {
            custom["format"] = format switch
            {
                CustomToolGrammarFormat grammar => new JsonObject
                {
                    ["type"] = "grammar",
                    ["grammar"] = new JsonObject { ["syntax"] = grammar.Syntax, ["definition"] = grammar.Definition },
                },
                _ => new JsonObject { ["type"] = "text" },
            };
        }
        return new JsonObject { ["type"] = "custom", ["custom"] = custom };
    }

    /// <summary><c>{"type": "custom", "name", "description"?, "format"?}</c>, the grammar's fields inside <c>format</c>.</summary>
    public static JsonObject ResponsesTool(CustomToolDefinition tool)
    {
        var custom = new JsonObject { ["type"] = "custom", ["name"] = tool.Name };
        if (tool.Description is not null)
        {
            custom["description"] = tool.Description;
        }
        if (tool.Format is { } format)
        {
            custom["format"] = format switch
            {
                CustomToolGrammarFormat grammar => new JsonObject
                {
                    ["type"] = "grammar",
                    ["syntax"] = grammar.Syntax,
                    ["definition"] = grammar.Definition,
                },
                _ => new JsonObject { ["type"] = "text" },
            };
        }
        return custom;
    }

    /// <summary>Whether <paramref name="name"/> is one of the request's custom tools.</summary>
    public static bool IsCustom(ModelRequest request, string? name) =>
        name is not null && request.CustomTools?.Any(t => t.Name == name) == true;
}
