using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Validates a <c>POST /inference</c> body. Every rejection is a 400 whose message names the field; values of
/// <c>credentials</c> never appear in a message.
/// </summary>
public static partial class InferenceRequestParser
{
    private static readonly HashSet<string> Supported =
    [
        "function_name", "model_name", "episode_id", "input", "stream", "params", "variant_name", "dryrun", "tags", "internal",
        "credentials", "include_original_response", "include_raw_response", "include_raw_usage", "cache_options",
        "allowed_tools", "additional_tools", "tool_choice", "parallel_tool_calls", "output_schema", "extra_body", "extra_headers",
    ];

    // Accepted by TensorZero; rejected here with a clear message until this gateway implements them.
    private static readonly HashSet<string> NotYetSupported =
    [
        "namespace", "provider_tools", "include_aggregated_response", "internal_dynamic_variant_config",
    ];

    private static readonly HashSet<string> ParamKeys =
    [
        "temperature", "max_tokens", "seed", "top_p", "presence_penalty", "frequency_penalty", "json_mode", "stop_sequences",
        "reasoning_effort", "service_tier", "thinking_budget_tokens", "verbosity",
    ];

    /// <param name="protectedHeaders">Headers <c>extra_headers</c> can't set.</param>
    public static InferenceRequest Parse(JsonElement root, TimeProvider time, ProtectedHeaders protectedHeaders)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the request body must be a JSON object");
        }
        foreach (var property in root.EnumerateObject())
        {
            if (NotYetSupported.Contains(property.Name))
            {
                if (property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False) && !IsEmpty(property.Value))
                {
                    throw Invalid($"`{property.Name}`: is not supported by this gateway yet");
                }
            }
            else if (!Supported.Contains(property.Name))
            {
                throw Invalid($"`{property.Name}`: unknown field");
            }
        }

        var episodeText = OptionalString(root, "episode_id");
        var internalRequest = OptionalBool(root, "internal");
        return new InferenceRequest(
            OptionalString(root, "function_name"),
            OptionalString(root, "model_name"),
            episodeText is null ? null : EpisodeIds.Validate(episodeText, time),
            ParseInput(root),
            OptionalString(root, "variant_name"),
            ParseParams(root),
            ParseTags(root, internalRequest),
            ParseCredentials(root, "credentials"),
            OptionalBool(root, "dryrun"),
            OptionalBool(root, "include_original_response"),
            OptionalBool(root, "stream"))
        {
            AllowedTools = OptionalStringList(root, "allowed_tools"),
            AdditionalTools = ParseAdditionalTools(root),
            ToolChoice = ParseToolChoice(root),
            ParallelToolCalls = root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind != JsonValueKind.Null
                ? OptionalBool(root, "parallel_tool_calls")
                : null,
            OutputSchema = ParseOutputSchema(root),
            JsonMode = ParseJsonMode(root),
            ExtraBody = RequestExtras.ParseBody(root),
            ExtraHeaders = RequestExtras.ParseHeaders(root, protectedHeaders),
        };
    }

    /// <summary>
    /// The longest credential value accepted, in characters. Real keys and tokens are far shorter (a GCP service-account
    /// JSON is about 2.5 KB); a longer value is a mistake or an attempt to make the gateway forward huge headers.
    /// </summary>
    public const int MaxCredentialChars = 8 * 1024;

    /// <summary>The <c>credentials</c> map: string values only, each at most <see cref="MaxCredentialChars"/> characters.</summary>
    public static RequestCredentials ParseCredentials(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return RequestCredentials.Empty;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{field}`: must be an object mapping credential names to strings");
        }
        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"`{field}.{entry.Name}`: must be a string");
            }
            var text = entry.Value.GetString()!;
            if (text.Length > MaxCredentialChars)
            {
                throw Invalid($"`{field}.{entry.Name}`: is longer than {MaxCredentialChars} characters, the limit for a credential value");
            }
            if (text.Any(char.IsControl))
            {
                throw Invalid($"`{field}.{entry.Name}`: must not contain control characters");
            }
            secrets[entry.Name] = new Secret(text);
        }
        return secrets.Count == 0 ? RequestCredentials.Empty : new RequestCredentials(secrets);
    }

    private static InferenceInput ParseInput(JsonElement root)
    {
        if (!root.TryGetProperty("input", out var input))
        {
            throw Invalid(JsonFields.MissingField(null, "input"));
        }
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`input`: must be an object");
        }
        string? system = null;
        System.Text.Json.Nodes.JsonObject? systemArguments = null;
        var messages = new List<RequestMessage>();
        foreach (var property in input.EnumerateObject())
        {
            switch (property.Name)
            {
                case "system":
                    system = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        JsonValueKind.Object => null,
                        _ => throw Invalid("`input.system`: must be a string or an object of template arguments"),
                    };
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        systemArguments = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText())!.AsObject();
                    }
                    break;
                case "messages":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw Invalid("`input.messages`: must be an array");
                    }
                    var index = 0;
                    foreach (var message in property.Value.EnumerateArray())
                    {
                        messages.Add(ParseMessage(message, $"input.messages[{index++}]"));
                    }
                    break;
                default:
                    throw Invalid($"`input.{property.Name}`: unknown field");
            }
        }
        return new InferenceInput(system, messages, systemArguments);
    }

    private static RequestMessage ParseMessage(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}`: must be an object with `role` and `content`");
        }
        foreach (var property in message.EnumerateObject().Where(p => p.Name is not ("role" or "content")))
        {
            throw Invalid($"`{path}.{property.Name}`: unknown field");
        }
        if (!message.TryGetProperty("role", out var roleValue))
        {
            throw Invalid(JsonFields.MissingField(path, "role"));
        }
        var role = roleValue.ValueKind == JsonValueKind.String ? roleValue.GetString() switch
        {
            "user" => Role.User,
            "assistant" => Role.Assistant,
            var other => throw Invalid($"`{path}.role`: unknown role `{other}`, expected `user` or `assistant`"),
        } : throw Invalid($"`{path}.role`: must be a string");
        if (!message.TryGetProperty("content", out var content))
        {
            throw Invalid(JsonFields.MissingField(path, "content"));
        }
        return new RequestMessage(role, ParseContent(content, $"{path}.content", role));
    }

    // A string is one text block; an object is (deprecated in TensorZero, still accepted) the arguments of the role's
    // template; an array holds content blocks.
    private static List<ContentBlock> ParseContent(JsonElement content, string path, Role role)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return [new TextBlock(content.GetString()!)];
            case JsonValueKind.Object:
                return [new TemplateBlock(RoleName(role), Arguments(content, path))];
            case not JsonValueKind.Array:
                throw Invalid($"`{path}`: must be a string, an object of template arguments or an array of content blocks");
        }
        var blocks = new List<ContentBlock>();
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}[{index++}]";
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"`{blockPath}`: must be an object with a string `type`");
            }
            blocks.Add(ParseBlock(block, type.GetString()!, blockPath, role));
        }
        return blocks;
    }

    private static ContentBlock ParseBlock(JsonElement block, string type, string path, Role role)
    {
        switch (type)
        {
            case "text":
                return ParseTextBlock(block, path, role);
            case "file" or "image":
                return FileBlockParser.ParseFile(block, path);
            case "unknown":
                return FileBlockParser.ParseUnknown(block, path);
        }
        string[] allowed = type switch
        {
            "raw_text" => ["type", "value"],
            "template" => ["type", "name", "arguments"],
            "tool_call" => ["type", "id", "name", "arguments", "raw_name", "raw_arguments"],
            "tool_result" => ["type", "id", "name", "result"],
            "thought" => ["type", "text", "signature", "summary", "provider_type", "_internal_provider_type", "extra_data"],
            _ => throw Invalid($"`{path}.type`: content blocks of type `{type}` are not supported by this gateway yet (supported: text, raw_text, template, tool_call, tool_result, thought, file, image, unknown)"),
        };
        foreach (var property in block.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            throw Invalid($"`{path}.{property.Name}`: unknown field");
        }
        switch (type)
        {
            case "raw_text":
                return new RawTextBlock(JsonFields.RequiredString(block, "value", path));
            case "template":
                return new TemplateBlock(JsonFields.RequiredString(block, "name", path),
                    block.TryGetProperty("arguments", out var templateArguments) ? Arguments(templateArguments, $"{path}.arguments") : []);
            case "tool_call":
                // Accepts both the input form (`name`, `arguments`) and the response form (`raw_name`, `raw_arguments`).
                var name = block.TryGetProperty("raw_name", out var rawName) && rawName.ValueKind == JsonValueKind.String
                    ? rawName.GetString()!
                    : JsonFields.RequiredString(block, "name", path);
                string arguments;
                if (block.TryGetProperty("raw_arguments", out var rawArguments) && rawArguments.ValueKind == JsonValueKind.String)
                {
                    arguments = rawArguments.GetString()!;
                }
                else if (block.TryGetProperty("arguments", out var args) && args.ValueKind is JsonValueKind.String or JsonValueKind.Object)
                {
                    arguments = args.ValueKind == JsonValueKind.String ? args.GetString()! : args.GetRawText();
                }
                else
                {
                    throw Invalid($"`{path}.arguments`: must be a JSON string or object");
                }
                return new ToolCallBlock(JsonFields.RequiredString(block, "id", path), name, arguments);
            case "tool_result":
                return new ToolResultBlock(JsonFields.RequiredString(block, "id", path), JsonFields.RequiredString(block, "name", path), JsonFields.RequiredString(block, "result", path));
            default:
                return new ThoughtBlock(JsonFields.OptionalString(block, "text", path), JsonFields.OptionalString(block, "signature", path));
        }
    }

    // A text block has exactly one field beside `type`, as in TensorZero: `text`; `arguments`, the older spelling of a
    // template named after the role; or `value` (2025 clients), text when a string and template arguments when an object.
    private static ContentBlock ParseTextBlock(JsonElement block, string path, Role role)
    {
        var fields = block.EnumerateObject().Where(p => p.Name != "type").ToList();
        if (fields.Count != 1)
        {
            throw Invalid($"`{path}`: Expected exactly one other key in text content, found {fields.Count} other keys");
        }
        var field = fields[0];
        var fieldPath = $"{path}.{field.Name}";
        return field.Name switch
        {
            "text" => field.Value.ValueKind == JsonValueKind.String
                ? new TextBlock(field.Value.GetString()!)
                : throw Invalid($"`{fieldPath}`: must be a string"),
            "arguments" => new TemplateBlock(RoleName(role), Arguments(field.Value, fieldPath)),
            "value" => field.Value.ValueKind switch
            {
                JsonValueKind.String => new TextBlock(field.Value.GetString()!),
                JsonValueKind.Object => new TemplateBlock(RoleName(role), Arguments(field.Value, fieldPath)),
                _ => throw Invalid($"`{fieldPath}`: must be a string or an object of template arguments"),
            },
            var other => throw Invalid($"`{path}`: Unknown key `{other}` in text content"),
        };
    }

    private static string RoleName(Role role) => role == Role.User ? "user" : "assistant";

    private static System.Text.Json.Nodes.JsonObject Arguments(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object
            ? System.Text.Json.Nodes.JsonNode.Parse(value.GetRawText())!.AsObject()
            : throw Invalid($"`{path}`: must be an object");


    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };

    private static string? OptionalString(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"`{name}`: must be a string");

    private static bool OptionalBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid($"`{name}`: must be a boolean"),
        };

    private static double? OptionalNumber(JsonElement parent, string name, string prefix) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble()
        : throw Invalid($"`{prefix}.{name}`: must be a {(value.ValueKind == JsonValueKind.Number ? "finite number" : "number")}");

    private static int? OptionalInt(JsonElement parent, string name, string prefix) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw Invalid($"`{prefix}.{name}`: must be an integer");

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
