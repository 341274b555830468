namespace TensorZero.Gateway.Providers;

/// <summary>
/// Puts a config or request value (a model name, project, location, deployment or model id) into a provider URL as
/// exactly one path segment: every character but the unreserved ones is %-encoded, so <c>/</c>, <c>?</c>, <c>#</c>,
/// <c>%</c> and spaces can't add segments, a query or a fragment (<c>@</c>, which is valid in a segment and part of
/// Vertex model versions such as <c>claude-haiku-4-5@20251001</c>, stays as it is). A value of <c>.</c> or <c>..</c> can't be used at
/// all: URL parsers (.NET's included) resolve it, %-encoded or not, into a move up the path.
/// </summary>
public static class UrlSegment
{
    /// <summary>Why a value can't be a path segment, or null when it can.</summary>
    public static string? Problem(string? value) => value switch
    {
        null or "" => "must not be empty",
        "." or ".." => "must not be `.` or `..` (it is a segment of the request URL)",
        _ => null,
    };

    /// <summary>The value as one %-encoded path segment.</summary>
    /// <exception cref="ArgumentException">The value is empty, <c>.</c> or <c>..</c>; check <see cref="Problem"/> first.</exception>
    public static string Escape(string value) =>
        Problem(value) is { } problem ? throw new ArgumentException($"a URL path segment {problem}", nameof(value)) : Uri.EscapeDataString(value).Replace("%40", "@", StringComparison.Ordinal);
}
