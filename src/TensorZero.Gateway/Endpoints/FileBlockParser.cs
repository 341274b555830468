using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Validates <c>file</c> (alias <c>image</c>) and <c>unknown</c> content blocks. Inline data must be base64 of at most
/// <see cref="MaxFileBytes"/>; URLs must be absolute http(s), because the gateway only hands them to providers that
/// fetch URLs themselves and must never be pointed at a local file or another scheme.
/// </summary>
public static class FileBlockParser
{
    /// <summary>The largest decoded file a request may carry inline (20 MiB).</summary>
    public const int MaxFileBytes = 20 * 1024 * 1024;

    private static readonly string[] Base64Fields = ["type", "file_type", "data", "mime_type", "detail", "filename"];
    private static readonly string[] UrlFields = ["type", "file_type", "url", "mime_type", "detail", "filename"];
    private static readonly string[] UnknownFields = ["type", "data", "model_name", "provider_name", "model_provider_name"];


    public static FileBlock ParseFile(JsonElement block, string path)
    {
        // TensorZero's older forms have no `file_type`: the presence of `url` or `data` says which one is meant.
        var fileType = JsonFields.OptionalString(block, "file_type"u8, path)
            ?? (block.TryGetProperty("url"u8, out _) ? "url" : block.TryGetProperty("data"u8, out _) ? "base64" : null);
        var file = fileType switch
        {
            "base64" => ParseBase64(block, path),
            "url" => ParseUrl(block, path),
            null => throw Invalid($"`{path}.file_type`: is required (`base64` with `data`, or `url` with `url`)"),
            var other => throw Invalid($"`{path}.file_type`: unknown file type `{other}` (supported: base64, url)"),
        };
        return file with { Filename = JsonFields.OptionalString(block, "filename"u8, path), Detail = ParseDetail(block, path) };
    }

    public static UnknownBlock ParseUnknown(JsonElement block, string path)
    {
        RejectUnknownFields(block, UnknownFields, path);
        if (!block.TryGetProperty("data"u8, out var data) || data.ValueKind == JsonValueKind.Null)
        {
            throw Invalid($"`{path}.data`: is required (the provider-specific JSON to send as is)");
        }
        var modelName = JsonFields.OptionalString(block, "model_name"u8, path);
        var providerName = JsonFields.OptionalString(block, "provider_name"u8, path);
        if (JsonFields.OptionalString(block, "model_provider_name"u8, path) is { } legacy)
        {
            if (modelName is not null || providerName is not null)
            {
                throw LegacyModelProviderName.Conflict(path);
            }
            (modelName, providerName) = LegacyModelProviderName.Parse(legacy, path);
        }
        return new UnknownBlock(JsonNode.Parse(data.GetRawText()), modelName, providerName);
    }

    private static FileBlock ParseBase64(JsonElement block, string path)
    {
        RejectUnknownFields(block, Base64Fields, path);
        var data = JsonFields.RequiredString(block, "data"u8, path);
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"`{path}.data`: must be plain base64, without a `data:` URL prefix");
        }
        if (!Base64.IsValid(data, out var length))
        {
            throw Invalid($"`{path}.data`: must be base64");
        }
        if (length == 0)
        {
            throw Invalid($"`{path}.data`: must not be empty");
        }
        if (length > MaxFileBytes)
        {
            throw Invalid($"`{path}.data`: the file is {length} bytes, over the limit of 20 MiB ({MaxFileBytes} bytes)");
        }
        if (data.AsSpan().ContainsAny(" \t\r\n"))
        {
            // Valid base64 may be wrapped; providers expect it in one piece.
            data = string.Concat(data.Where(c => c is not (' ' or '\t' or '\r' or '\n')));
        }
        var mimeType = ParseMimeType(block, path)
            ?? FileTypes.Sniff(Head(data))
            ?? throw Invalid($"`{path}.mime_type`: is required, because the file's type could not be detected from its bytes (detected: png, jpeg, gif, webp, pdf)");
        return FileBlock.FromBase64(mimeType, data);
    }

    private static FileBlock ParseUrl(JsonElement block, string path)
    {
        RejectUnknownFields(block, UrlFields, path);
        var text = JsonFields.RequiredString(block, "url"u8, path);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            throw Invalid($"`{path}.url`: must be an absolute http or https URL");
        }
        return FileBlock.FromUrl(url, ParseMimeType(block, path) ?? FileTypes.FromPath(url.AbsolutePath));
    }

    // The first bytes of the file, enough to recognise its type.
    private static ReadOnlySpan<byte> Head(string data)
    {
        // A prefix of 16 characters decodes to 12 bytes and, in longer data, holds no padding.
        var prefix = data.AsSpan(0, Math.Min(16, data.Length));
        var bytes = new byte[FileTypes.SniffLength];
        return Convert.TryFromBase64Chars(prefix, bytes, out var written) ? bytes.AsSpan(0, written) : [];
    }

    // `type/subtype`, lower-cased; parameters such as `; charset=utf-8` are dropped, as providers want the bare type.
    private static string? ParseMimeType(JsonElement block, string path)
    {
        if (JsonFields.OptionalString(block, "mime_type"u8, path) is not { } text)
        {
            return null;
        }
        var bare = text.Split(';', 2)[0].Trim().ToLowerInvariant();
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == bare.Length - 1 || bare.IndexOf('/', slash + 1) >= 0 || !bare.All(IsMimeChar))
        {
            throw Invalid($"`{path}.mime_type`: must be a MIME type such as `image/png`");
        }
        return bare;
    }

    private static bool IsMimeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_' or '!' or '#' or '$' or '&' or '^';

    private static FileDetail? ParseDetail(JsonElement block, string path) => JsonFields.OptionalString(block, "detail"u8, path) switch
    {
        null => null,
        "low" => FileDetail.Low,
        "high" => FileDetail.High,
        "auto" => FileDetail.Auto,
        _ => throw Invalid($"`{path}.detail`: must be one of low, high, auto"),
    };

    private static void RejectUnknownFields(JsonElement block, string[] allowed, string path)
    {
        foreach (var property in block.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            throw Invalid($"`{path}.{property.Name}`: unknown field");
        }
    }


    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
