namespace TensorZero.Gateway.Configuration;

/// <summary>
/// What an <c>extra_headers</c> item may hold, in the config and in a request: a name HttpClient can send as a request
/// header, and a value of printable ASCII. Anything else would fail on every call to the provider, so the config is
/// refused at startup and a request with it gets a 400.
/// </summary>
public static class ExtraHeaderRules
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    /// <summary>Why <paramref name="name"/> can't be sent as a request header; null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || TokenSymbols.Contains(c)))
        {
            return "is not a valid header name";
        }
        // Body headers (`Content-Type`, `Content-Encoding`, `Expires`, ...) can't be set on the request itself.
        using var probe = new HttpRequestMessage();
        return probe.Headers.TryAddWithoutValidation(name, "x")
            ? null
            : $"`{name}` describes the request body, which the gateway sets itself";
    }

    /// <summary>Why <paramref name="value"/> can't be sent as a header value; null when it can.</summary>
    public static string? ValueProblem(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n') >= 0 ? "must not contain line breaks"
        : value.All(c => c is '\t' or (>= ' ' and <= '~')) ? null
        : "must be printable ASCII (no control characters or non-ASCII letters)";
}
