namespace TensorZero.Gateway.Configuration;

/// <summary>
/// What an <c>extra_headers</c> item may hold, in the config and in a request: a name HttpClient can send as a request
/// header, and a value of printable ASCII. Anything else would fail on every call to the provider, so the config is
/// refused at startup and a request with it gets a 400. A body header (<c>Content-Length</c>) in the config is skipped
/// with a warning instead, since TensorZero's configs carry them; the gateway frames the body itself.
/// </summary>
public static class ExtraHeaderRules
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    /// <summary>Why <paramref name="name"/> can't be sent as a request header; null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (!IsToken(name))
        {
            return "is not a valid header name";
        }
        return IsBodyHeader(name) ? $"`{name}` describes the request body, which the gateway sets itself" : null;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is a valid header name for a body header (<c>Content-Type</c>,
    /// <c>Content-Length</c>, <c>Expires</c>, ...), which can't be set on the request itself.
    /// </summary>
    public static bool IsBodyHeader(string name)
    {
        if (!IsToken(name))
        {
            return false;
        }
        using var probe = new HttpRequestMessage();
        return !probe.Headers.TryAddWithoutValidation(name, "x");
    }

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || TokenSymbols.Contains(c));

    /// <summary>Why <paramref name="value"/> can't be sent as a header value; null when it can.</summary>
    public static string? ValueProblem(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n') >= 0 ? "must not contain line breaks"
        : value.All(c => c is '\t' or (>= ' ' and <= '~')) ? null
        : "must be printable ASCII (no control characters or non-ASCII letters)";
}
