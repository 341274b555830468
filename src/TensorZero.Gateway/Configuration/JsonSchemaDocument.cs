using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace TensorZero.Gateway.Configuration;

/// <summary>A JSON Schema as the config or a request gave it: the raw object (sent to providers) and its compiled validator.</summary>
public sealed class JsonSchemaDocument
{
    private readonly JsonSchema _schema;

    private JsonSchemaDocument(JsonObject node, JsonSchema schema)
    {
        Node = node;
        _schema = schema;
    }

    public JsonObject Node { get; }

    public static readonly JsonSchemaDocument Any = Parse(new JsonObject());

    /// <summary>Compiles <paramref name="node"/>; a schema that doesn't compile throws <see cref="InvalidJsonSchemaException"/>.</summary>
    public static JsonSchemaDocument Parse(JsonObject node)
    {
        try
        {
            return new(node, JsonSchema.FromText(node.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));
        }
        catch (Exception e) when (e is JsonSchemaException or ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
        {
            // The library's reasons name keywords and values of the schema itself, never anything else.
            throw new InvalidJsonSchemaException(e.Message, e);
        }
    }

    /// <summary>
    /// Whether <paramref name="instance"/> matches. A schema that can't be evaluated (an unresolvable <c>$ref</c>, a
    /// <c>pattern</c> that runs past the process's regex match timeout) matches nothing.
    /// </summary>
    public bool IsValid(JsonElement instance)
    {
        try
        {
            return _schema.Evaluate(instance).IsValid;
        }
        catch (Exception e) when (e is JsonSchemaException or RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static readonly EvaluationOptions ListErrors = new() { OutputFormat = OutputFormat.List };

    /// <summary>Null when valid; otherwise one line per failed keyword (<c>/path: message</c>), at most ten.</summary>
    public string? Validate(JsonElement instance)
    {
        EvaluationResults results;
        try
        {
            results = _schema.Evaluate(instance, ListErrors);
        }
        catch (JsonSchemaException e)
        {
            return $"/: the schema can't be evaluated ({e.Message})";
        }
        catch (RegexMatchTimeoutException)
        {
            return "/: a `pattern` of the schema took too long to match";
        }
        if (results.IsValid)
        {
            return null;
        }
        var lines = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct()
            .Take(10)
            .ToList();
        return lines.Count == 0 ? "the value does not match the schema" : string.Join("\n", lines);
    }

    /// <summary>Reads and compiles a schema file (relative to the folder of the config file that names it); problems are reported as errors of that key.</summary>
    internal static JsonSchemaDocument? Load(TomlSection section, string key)
    {
        var file = section.String(key);
        if (file is null)
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(section.FilePath(key, file))) as JsonObject;
            if (node is null)
            {
                section.Error(key, $"the schema `{file}` is not a JSON object");
                return null;
            }
            return Parse(node);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            section.Error(key, $"the schema file `{file}` can't be read");
        }
        catch (JsonException)
        {
            section.Error(key, $"the schema file `{file}` is not valid JSON");
        }
        catch (InvalidJsonSchemaException e)
        {
            section.Error(key, $"the schema file `{file}` is not a valid JSON Schema: {e.Message}");
        }
        return null;
    }
}

/// <summary>A schema JsonSchema.Net can't compile; the message is the library's reason.</summary>
public sealed class InvalidJsonSchemaException(string message, Exception inner) : ArgumentException(message, inner);

/// <summary><c>[tools.T]</c>: a tool functions can offer the model.</summary>
/// <param name="Key">The table key, used by <c>functions.F.tools</c> and <c>allowed_tools</c>.</param>
/// <param name="Name">The name sent to the model (<c>name</c>, default the key).</param>
public sealed record ToolConfig(string Key, string Name, string Description, JsonSchemaDocument Parameters, bool Strict);
