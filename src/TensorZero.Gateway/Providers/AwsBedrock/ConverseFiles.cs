using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// Files as Converse <c>image</c> and <c>document</c> blocks. Converse takes only inline bytes (base64 in the JSON
/// body), never a URL, and only the image and document formats it names.
/// </summary>
public static class ConverseFiles
{
    private static readonly Dictionary<string, string> DocumentFormats = new(StringComparer.Ordinal)
    {
        [FileTypes.Pdf] = "pdf",
        ["text/csv"] = "csv",
        ["text/plain"] = "txt",
        ["text/markdown"] = "md",
        ["text/html"] = "html",
        ["application/msword"] = "doc",
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = "docx",
        ["application/vnd.ms-excel"] = "xls",
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = "xlsx",
    };

    /// <summary>The name a document gets when the request gave it none.</summary>
    public const string DefaultDocumentName = "input";

    public static JsonObject Block(FileBlock file)
    {
        if (file.Data is null)
        {
            throw GatewayError.InvalidRequest(
                $"{AwsBedrockProvider.DisplayName} can't take files by URL (file `{file.Describe()}`); send it inline with `\"file_type\": \"base64\"`");
        }
        var source = new JsonObject { ["bytes"] = file.Data };
        if (file.MimeType is FileTypes.Png or FileTypes.Jpeg or FileTypes.Gif or FileTypes.Webp)
        {
            return new JsonObject { ["image"] = new JsonObject { ["format"] = file.MimeType["image/".Length..], ["source"] = source } };
        }
        if (file.MimeType is { } mimeType && DocumentFormats.TryGetValue(mimeType, out var format))
        {
            return new JsonObject
            {
                ["document"] = new JsonObject { ["format"] = format, ["name"] = DocumentName(file.Filename), ["source"] = source },
            };
        }
        throw GatewayError.InvalidRequest(
            $"{AwsBedrockProvider.DisplayName} does not accept files of type `{file.MimeType}` (file `{file.Describe()}`); it takes png, jpeg, gif and webp images and pdf, csv, txt, md, html, doc, docx, xls and xlsx documents");
    }

    /// <summary>
    /// A filename without its extension, reduced to what Converse allows in a document name: letters, digits,
    /// hyphens, parentheses, square brackets and single spaces. A name with no letter or digit left is replaced.
    /// </summary>
    public static string DocumentName(string? filename)
    {
        var stem = Path.GetFileNameWithoutExtension(filename ?? string.Empty);
        var name = new StringBuilder(stem.Length);
        foreach (var c in stem)
        {
            var allowed = char.IsAsciiLetterOrDigit(c) || c is '-' or '(' or ')' or '[' or ']';
            var next = allowed ? c : char.IsWhiteSpace(c) ? ' ' : '-';
            if (next == ' ' && (name.Length == 0 || name[^1] == ' '))
            {
                continue;
            }
            name.Append(next);
        }
        var result = name.ToString().TrimEnd();
        return result.Any(char.IsAsciiLetterOrDigit) ? result : DefaultDocumentName;
    }
}
