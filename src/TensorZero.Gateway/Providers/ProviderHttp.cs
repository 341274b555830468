using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers;

/// <summary>Sends a JSON request to a provider and turns transport and HTTP failures into redacted gateway errors.</summary>
public static class ProviderHttp
{
    public const string ClientName = "tensorzero-providers";
    private const int MaxErrorBodyChars = 4096;

    /// <summary>Builds a POST with a JSON body and the configured extra headers (variant first, then provider).</summary>
    public static HttpRequestMessage JsonPost(Uri url, string body, params IEnumerable<ExtraHeaderItem>[] headerLayers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
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

    public static void SetBearer(HttpRequestMessage request, ResolvedCredential credential)
    {
        if (credential.Secret is { } secret)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret.Reveal());
        }
    }

    /// <summary>Sends the request and returns the body of a 2xx answer; anything else becomes a <see cref="GatewayError"/>.</summary>
    public static async Task<string> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        string providerDisplayName,
        Secret? secret,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new GatewayError(
                ErrorKind.ProviderServer,
                $"Error sending request to {providerDisplayName}: {SecretRedactor.Redact(e.Message, secret)}");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }
            throw StatusError(providerDisplayName, (int)response.StatusCode, body, secret, RetryAfter(response));
        }
    }

    /// <summary>
    /// Sends a streaming request and returns the response once its headers arrived. A non-2xx status, or a 2xx whose
    /// content type is not <paramref name="expectedContentType"/>, becomes a <see cref="GatewayError"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendStreamingAsync(
        HttpClient client,
        HttpRequestMessage request,
        string providerDisplayName,
        Secret? secret,
        string expectedContentType,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new GatewayError(
                ErrorKind.ProviderServer,
                $"Error sending request to {providerDisplayName}: {SecretRedactor.Redact(e.Message, secret)}");
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw StatusError(providerDisplayName, (int)response.StatusCode, body, secret, RetryAfter(response));
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

    public static GatewayError StreamError(string providerDisplayName, string problem, Secret? secret) =>
        new(ErrorKind.ProviderServer, $"Error in {providerDisplayName} stream: {SecretRedactor.Redact(problem, secret)}");

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

    public static GatewayError StatusError(string providerDisplayName, int status, string body, Secret? secret, TimeSpan? retryAfter = null)
    {
        var text = SecretRedactor.Redact(body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] + "…" : body, secret);
        var isClientError = status is 400 or 401 or 403 or 404 or 413 or 422 or 429;
        return new GatewayError(
            isClientError ? ErrorKind.ProviderClient : ErrorKind.ProviderServer,
            $"Error {status} from {providerDisplayName} {(isClientError ? "client" : "server")}: {text}",
            status,
            retryAfter);
    }

    public static GatewayError MalformedResponse(string providerDisplayName, string problem) =>
        new(ErrorKind.ProviderServer, $"Error parsing response from {providerDisplayName}: {problem}");

    /// <summary>Joins a base URL and a relative path the way TensorZero does: the base always ends with <c>/</c>.</summary>
    public static Uri Join(string apiBase, string relative) =>
        new(new Uri(apiBase.EndsWith('/') ? apiBase : apiBase + "/"), relative);

    public static JsonObject ParseObject(string body, string providerDisplayName)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw MalformedResponse(providerDisplayName, "the body is not a JSON object");
        }
        catch (System.Text.Json.JsonException)
        {
            throw MalformedResponse(providerDisplayName, "the body is not valid JSON");
        }
    }
}
