using Microsoft.Net.Http.Headers;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// JSON routes read only bodies labelled JSON. A web page can make a browser send <c>text/plain</c>, form or
/// untyped bodies to <c>localhost</c> without asking first (a CORS "simple request"); <c>application/json</c> always
/// needs a preflight, which the gateway grants only to <c>[gateway.cors] allowed_origins</c>. So a page the developer
/// happens to visit can't spend the gateway's provider keys.
/// </summary>
public static class JsonContentType
{
    /// <summary>Throws a 415 unless <c>Content-Type</c> is <c>application/json</c> or <c>application/*+json</c> (parameters allowed).</summary>
    public static void Require(HttpRequest request)
    {
        if (!IsJson(request.ContentType))
        {
            var got = request.ContentType is { Length: > 0 } type ? $"got `{RequestBodyReader.Printable(type)}`" : "none was sent";
            throw new GatewayError(ErrorKind.UnsupportedMediaType, $"`Content-Type` must be `application/json` ({got})");
        }
    }

    public static bool IsJson(string? contentType)
    {
        // What clients almost always send, known without parsing the header.
        if (string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MatchesAllTypes || media.MatchesAllSubTypes)
        {
            return false;
        }
        return media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && (media.SubType.Equals("json", StringComparison.OrdinalIgnoreCase)
                || media.SubType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
