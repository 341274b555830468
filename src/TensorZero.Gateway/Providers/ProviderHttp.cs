using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// Sends a JSON request to a provider, with its credential put on last, and turns transport and HTTP failures into
/// redacted gateway errors.
/// </summary>
public static class ProviderHttp
{
    public const string ClientName = "tensorzero-providers";
    private const int MaxErrorBodyChars = 4096;

    // Only this much of an error body is redacted and considered; far more than is passed on, so nothing near the cut escapes.
    private const int RedactionWindowChars = 64 * 1024;

    private const int MaxErrorCodeChars = 100;

    // Error bodies larger than this are not parsed for a message field.
    private const int MaxParsedErrorChars = 1024 * 1024;

    /// <summary>Builds a POST with a JSON body and the configured extra headers (variant first, then provider).</summary>
    public static HttpRequestMessage JsonPost(Uri url, string body, params IEnumerable<ExtraHeaderItem>[] headerLayers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new JsonBody(body),
        };
        foreach (var layer in headerLayers)
        {
            foreach (var header in layer)
            {
                request.Headers.Remove(header.Name);
                if (!header.Delete)
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }
            }
        }
        return request;
    }

    /// <summary>
    /// Applies <paramref name="auth"/>, sends the request and returns the body of a 2xx answer; anything else becomes a
    /// <see cref="GatewayError"/>.
    /// </summary>
    public static async Task<string> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        RequestAuth auth,
        string providerDisplayName,
        SecretScope secrets,
        CancellationToken cancellationToken)
    {
        await Authorize(request, auth, cancellationToken).ConfigureAwait(false);
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw SendError(e, client, providerDisplayName, secrets);
            }
            using (response)
            {
                var body = await ReadBodyAsync(client, response, providerDisplayName, secrets, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }
                throw StatusError(providerDisplayName, (int)response.StatusCode, body, secrets, RetryAfter(response));
            }
        }
        catch (GatewayError e) when (e.RawRequest is null && request.Content is ISentBody sent)
        {
            throw e.WithRawRequest(sent.Text);
        }
    }

    private static GatewayError SendError(HttpRequestException e, HttpClient client, string providerDisplayName, SecretScope secrets) =>
        e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded
            ? new GatewayError(ErrorKind.ProviderServer,
                $"Error from {providerDisplayName} server: the answer is over the gateway's limit (`gateway.max_provider_response_bytes`, {client.MaxResponseContentBufferSize} bytes)")
            : new GatewayError(ErrorKind.ProviderServer, $"Error sending request to {providerDisplayName}: {secrets.Redact(e.Message)}");

    /// <summary>
    /// The body, buffered within the client's answer limit (a plain send has buffered it already; a headers-only send
    /// has not), then decoded: on the thread pool when it is large (see SocketCompletions).
    /// </summary>
    private static async Task<string> ReadBodyAsync(
        HttpClient client, HttpResponseMessage response, string providerDisplayName, SecretScope secrets, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(client.MaxResponseContentBufferSize, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw SendError(e, client, providerDisplayName, secrets);
        }
        if (Hosting.SocketCompletions.ShouldLeave(response.Content.Headers.ContentLength ?? 0))
        {
            await Task.Yield();
        }
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="auth"/>, sends a streaming request and returns the response once its headers arrived. A
    /// non-2xx status, or a 2xx whose content type is not <paramref name="expectedContentType"/>, becomes a
    /// <see cref="GatewayError"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendStreamingAsync(
        HttpClient client,
        HttpRequestMessage request,
        RequestAuth auth,
        string providerDisplayName,
        SecretScope secrets,
        string expectedContentType,
        CancellationToken cancellationToken)
    {
        await Authorize(request, auth, cancellationToken).ConfigureAwait(false);
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw SendError(e, client, providerDisplayName, secrets);
            }
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var body = await ReadBodyAsync(client, response, providerDisplayName, secrets, cancellationToken).ConfigureAwait(false);
                    throw StatusError(providerDisplayName, (int)response.StatusCode, body, secrets, RetryAfter(response));
                }
            }
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (contentType is null || !contentType.StartsWith(expectedContentType, StringComparison.OrdinalIgnoreCase))
            {
                response.Dispose();
                throw new GatewayError(ErrorKind.ProviderServer,
                    $"Error from {providerDisplayName} server: expected a `{expectedContentType}` stream, got `{contentType ?? "no content type"}`");
            }
            return response;
        }
        catch (GatewayError e) when (e.RawRequest is null && request.Content is ISentBody sent)
        {
            throw e.WithRawRequest(sent.Text);
        }
    }

    /// <summary>
    /// The one place a provider's credential goes on a request: after every other header and the body are final, so
    /// <c>extra_headers</c> can't replace it and a signature covers what is sent.
    /// </summary>
    private static ValueTask Authorize(HttpRequestMessage request, RequestAuth auth, CancellationToken cancellationToken) =>
        auth.ApplyAsync(request, cancellationToken);

    /// <summary>
    /// A stream that failed: <paramref name="problem"/> is the gateway's description or the provider's error event (its
    /// message is kept); <paramref name="rawChunk"/> is the provider's event behind it, kept redacted for raw output.
    /// </summary>
    public static GatewayError StreamError(string providerDisplayName, string problem, SecretScope secrets, string? rawChunk = null) =>
        new(ErrorKind.ProviderServer, $"Error in {providerDisplayName} stream: {ErrorText(problem, secrets)}")
        {
            RawResponse = rawChunk is null ? null : RawText(rawChunk, secrets),
        };

    /// <summary>The provider's <c>Retry-After</c>, as seconds or as a date.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    public static GatewayError StatusError(string providerDisplayName, int status, string body, SecretScope secrets, TimeSpan? retryAfter = null)
    {
        var text = ErrorText(body, secrets);
        var isClientError = status is 400 or 401 or 403 or 404 or 413 or 422 or 429;
        return new GatewayError(
            isClientError ? ErrorKind.ProviderClient : ErrorKind.ProviderServer,
            $"Error {status} from {providerDisplayName} {(isClientError ? "client" : "server")}: {text}",
            status,
            retryAfter)
        {
            RawResponse = RawText(body, secrets),
        };
    }

    /// <summary>
    /// A provider body as raw output may show it (<c>raw_response</c> of a failed attempt, <c>raw_chunk</c> of a
    /// stream error): redacted of every secret in play; past the redaction window it is cut, so nothing unredacted escapes.
    /// </summary>
    public static string RawText(string body, SecretScope secrets) =>
        body.Length > RedactionWindowChars ? secrets.Redact(body[..RedactionWindowChars]) + "…" : secrets.Redact(body);

    /// <summary>
    /// What is passed on of a provider's error body: the message field of its error JSON if it has one, else the body;
    /// redacted of every secret in play, then cut to <see cref="MaxErrorBodyChars"/> (so a key can't straddle the cut).
    /// </summary>
    public static string ErrorText(string body, SecretScope secrets)
    {
        var source = ProviderErrorMessage(body) ?? body;
        var window = source.Length > RedactionWindowChars ? source[..RedactionWindowChars] : source;
        var text = secrets.Redact(window);
        return text.Length > MaxErrorBodyChars || window.Length < source.Length
            ? text[..Math.Min(text.Length, MaxErrorBodyChars)] + "…"
            : text;
    }

    /// <summary>
    /// The message of a provider's error JSON: <c>error.message</c> (OpenAI family, Anthropic, Gemini), an <c>error</c>
    /// string (TGI), <c>message</c> / <c>Message</c> (Bedrock, vLLM) or <c>detail</c>; null when the body has none.
    /// </summary>
    public static string? ProviderErrorMessage(string body)
    {
        var trimmed = body.AsSpan().Trim();
        if (trimmed.IsEmpty || (trimmed[0] != '{' && trimmed[0] != '[') || body.Length > MaxParsedErrorChars)
        {
            return null;
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        // Gemini sometimes wraps its error object in an array.
        if (root is JsonArray { Count: > 0 } array)
        {
            root = array[0];
        }
        if (root is not JsonObject error)
        {
            return null;
        }
        var inner = error["error"] as JsonObject;
        var message = NonEmpty(inner?["message"])
            ?? NonEmpty(error["error"])
            ?? NonEmpty(error["message"])
            ?? NonEmpty(error["Message"])
            ?? NonEmpty(error["detail"]);
        if (message is null)
        {
            return null;
        }
        // The codes that say what kind of error it was: `authentication_error`, `invalid_api_key`, `INVALID_ARGUMENT`,
        // Google's `API_KEY_INVALID` reasons.
        var source = inner ?? error;
        var codes = new[] { source["type"], source["code"], source["status"], error["__type"] }
            .Concat((source["details"] as JsonArray ?? []).Select(d => d?["reason"]))
            .Select(NonEmpty)
            .OfType<string>()
            .Where(code => code.Length <= MaxErrorCodeChars)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return codes.Count == 0 ? message : $"{message} ({string.Join(", ", codes)})";

        static string? NonEmpty(JsonNode? node) => JsonRead.String(node) is { Length: > 0 } text ? text : null;
    }

    public static GatewayError MalformedResponse(string providerDisplayName, string problem) =>
        new(ErrorKind.ProviderServer, $"Error parsing response from {providerDisplayName}: {problem}");

    /// <summary>Joins a base URL and a relative path the way TensorZero does: the base always ends with <c>/</c>.</summary>
    public static Uri Join(string apiBase, string relative) =>
        new(new Uri(apiBase.EndsWith('/') ? apiBase : apiBase + "/"), relative);

    /// <summary>
    /// The body as a document whose root is an object; otherwise a malformed-response error. The caller disposes it
    /// (its buffers are pooled).
    /// </summary>
    public static System.Text.Json.JsonDocument ParseDocument(string body, string providerDisplayName) =>
        ParseObjectDocument(body, out var problem) ?? throw MalformedResponse(providerDisplayName, "the body " + problem);

    /// <summary>
    /// One event of a stream (<paramref name="what"/>: "a chunk", "an event") as a document whose root is an object;
    /// otherwise a stream error. The caller disposes it.
    /// </summary>
    public static System.Text.Json.JsonDocument ParseStreamDocument(string data, string what, string providerDisplayName, SecretScope secrets) =>
        ParseObjectDocument(data, out var problem) ?? throw StreamError(providerDisplayName, $"{what} {problem}", secrets);

    // The document, or null and what is wrong with the text.
    private static System.Text.Json.JsonDocument? ParseObjectDocument(string text, out string problem)
    {
        System.Text.Json.JsonDocument document;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            problem = "is not valid JSON";
            return null;
        }
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            document.Dispose();
            problem = "is not a JSON object";
            return null;
        }
        problem = string.Empty;
        return document;
    }
}

/// <summary>A request body that keeps the text it was made from: a failed call's stored row shows what was sent.</summary>
public interface ISentBody
{
    string Text { get; }
}

/// <summary>A JSON request body (UTF-8, <c>application/json</c>) that keeps its text.</summary>
internal sealed class JsonBody : StringContent, ISentBody
{
    public JsonBody(string text)
        : base(text, Encoding.UTF8, "application/json")
    {
        Text = text;
    }

    public string Text { get; }
}
