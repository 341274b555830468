using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Reads one message's <c>content</c> as TensorZero does: a string is text; an array holds OpenAI's parts
/// (<c>text</c>, <c>image_url</c>, <c>file</c>, <c>input_audio</c>) and TensorZero's (<c>tensorzero::raw_text</c>,
/// <c>tensorzero::template</c>, and a <c>text</c> part with <c>tensorzero::arguments</c>, the arguments of the role's
/// template). A part without <c>type</c> is, in TensorZero's deprecated form, the arguments of the role's template.
/// Parse errors carry TensorZero's wording and prefixes, which clients match on.
/// </summary>
internal static class OpenAIContentParser
{
    private const string TextPartRule = "when using `\"type\": \"text\"`";

    private static readonly string[] PartTypes = ["text", "image_url", "file", "input_audio", "tensorzero::raw_text", "tensorzero::template"];

    /// <param name="role">The role whose template arguments without a template name stand for: <c>system</c>, <c>user</c> or <c>assistant</c>.</param>
    public static List<ContentBlock> Parse(JsonElement content, string path, string role, ILogger logger)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextBlock(content.GetString()!)];
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw InvalidOpenAIRequest("message content must either be a string or an array of length 1 containing structured TensorZero inputs");
        }
        var blocks = new List<ContentBlock>();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            blocks.Add(Part(part, $"{path}[{i++}]", role, logger));
        }
        return blocks;
    }

    private static ContentBlock Part(JsonElement part, string path, string role, ILogger logger)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw InvalidOpenAIRequest($"Content block `{Excerpt(part)}` is not an object");
        }
        if (!part.TryGetProperty("type"u8, out var typeValue))
        {
            if (HasTensorZeroKey(part))
            {
                throw PartError(part, path, JsonFields.MissingField(null, "type"));
            }
            logger.LogWarning(
                "Deprecation Warning: a content block without `type` at `{Path:l}` is taken as the arguments of the `{Role:l}` template. " +
                "Please use `{{\"type\": \"tensorzero::template\", \"name\": \"{Role:l}\", \"arguments\": {{...}}}}` instead.", path, role, role);
            return new TemplateBlock(role, Copy(part));
        }
        if (typeValue.ValueKind != JsonValueKind.String)
        {
            throw PartError(part, path, "`type` must be a string");
        }
        switch (typeValue.GetString())
        {
            case "text":
                return TextPart(part, path, role, logger);
            case "tensorzero::raw_text":
                RejectUnknownFields(part, path, "value");
                return new RawTextBlock(PartString(part, "value", path));
            case "tensorzero::template":
                RejectUnknownFields(part, path, "name", "arguments");
                return new TemplateBlock(PartString(part, "name", path), PartObject(part, "arguments", path));
            case "image_url":
                RejectUnknownFields(part, path, "image_url");
                return OpenAIFileParts.Image(part, path);
            case "file":
                RejectUnknownFields(part, path, "file");
                return OpenAIFileParts.File(part, path);
            case "input_audio":
                RejectUnknownFields(part, path, "input_audio");
                return OpenAIFileParts.Audio(part, path);
            case var other:
                throw PartError(part, path,
                    $"unknown variant `{other}`, expected one of {string.Join(", ", PartTypes.Select(t => $"`{t}`"))}");
        }
    }

    // `text` and `tensorzero::arguments` are exclusive; other fields of a text part are ignored, as in TensorZero.
    private static ContentBlock TextPart(JsonElement part, string path, string role, ILogger logger)
    {
        var hasText = part.TryGetProperty("text"u8, out var text);
        var hasArguments = part.TryGetProperty("tensorzero::arguments", out var arguments);
        if (hasText && hasArguments)
        {
            throw PartError(part, path, $"Only one of `text` or `tensorzero::arguments` can be set {TextPartRule}");
        }
        if (hasText)
        {
            return text.ValueKind == JsonValueKind.String
                ? new TextBlock(text.GetString()!)
                : throw PartError(part, path, $"`text` must be a string {TextPartRule}");
        }
        if (!hasArguments)
        {
            throw PartError(part, path, $"Either `text` or `tensorzero::arguments` must be set {TextPartRule}");
        }
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw PartError(part, path, $"`tensorzero::arguments` must be an object {TextPartRule}");
        }
        logger.LogWarning(
            "Deprecation Warning: `tensorzero::arguments` in text content blocks is deprecated (at `{Path:l}`). " +
            "Please use `{{\"type\": \"tensorzero::template\", \"name\": \"{Role:l}\", \"arguments\": {{...}}}}` instead.", path, role);
        return new TemplateBlock(role, Copy(arguments));
    }

    private static string PartString(JsonElement part, string name, string path)
    {
        if (!TryGet(part, name, out var value))
        {
            throw PartError(part, path, JsonFields.MissingField(null, name));
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw PartError(part, path, $"`{name}` must be a string");
    }

    private static JsonObject PartObject(JsonElement part, string name, string path)
    {
        if (!TryGet(part, name, out var value))
        {
            throw PartError(part, path, JsonFields.MissingField(null, name));
        }
        return value.ValueKind == JsonValueKind.Object ? Copy(value) : throw PartError(part, path, $"`{name}` must be an object");
    }

    private static void RejectUnknownFields(JsonElement part, string path, params string[] fields)
    {
        foreach (var property in part.EnumerateObject().Where(p => p.Name != "type" && !fields.Contains(p.Name)))
        {
            var expected = fields.Length == 1 ? $"`{fields[0]}`" : $"`{fields[0]}` or `{fields[1]}`";
            throw PartError(part, path, $"unknown field `{property.Name}`, expected {expected}");
        }
    }

    // TensorZero's prefix: a part that uses a `tensorzero::` key was meant for TensorZero, any other is an OpenAI part.
    private static GatewayError PartError(JsonElement part, string path, string problem) =>
        InvalidOpenAIRequest($"{(HasTensorZeroKey(part) ? "Invalid TensorZero content block" : "Invalid content block")}: {problem} (at `{path}`)");

    private static bool HasTensorZeroKey(JsonElement part) =>
        part.EnumerateObject().Any(p => p.Name.StartsWith("tensorzero::", StringComparison.Ordinal));

    private static JsonObject Copy(JsonElement value) => JsonNode.Parse(value.GetRawText())!.AsObject();

    // The offending value, as TensorZero quotes it, cut short so a huge value doesn't fill the error.
    private static string Excerpt(JsonElement value)
    {
        const int limit = 100;
        var text = value.GetRawText();
        return text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit), "...");
    }
}
