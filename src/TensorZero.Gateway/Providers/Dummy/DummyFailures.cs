using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// The dummy provider's failures, worded as TensorZero renders them: a client error of the <c>dummy</c> provider type
/// (<c>Error from dummy client: ...</c>), a fatal stream error, and a TensorZero rate-limit error.
/// </summary>
public static class DummyFailures
{
    /// <summary>
    /// A failed call. Like TensorZero's, it may be retried whatever its status; <paramref name="rawResponse"/> is the raw
    /// body TensorZero's dummy attaches (reported with <c>include_raw_response</c>).
    /// </summary>
    public static GatewayError Client(string message, int? status = null, string? rawResponse = null) => new(
        ErrorKind.ProviderClient,
        status is { } code ? $"Error {code} {ReasonPhrase(code)} from dummy client: {message}" : $"Error from dummy client: {message}",
        status,
        retryable: true)
    {
        RawResponse = rawResponse,
    };

    /// <summary>A stream that can't go on: the client gets it as the stream's last event.</summary>
    public static GatewayError FatalStream(string message, string? rawResponse = null) =>
        new(ErrorKind.ProviderServer, $"Inference stream closed due to error from dummy server: {message}") { RawResponse = rawResponse };

    /// <summary>TensorZero's rate-limit error (429, not retried), as <c>flaky_*rate_limit*</c> names raise it.</summary>
    public static GatewayError RateLimited() => new(
        ErrorKind.RateLimited,
        "TensorZero rate limit exceeded for `token` resource.\nScope: tag_key=\"test\", tag_value=\"tensorzero::total\"\nRequested: 100\nAvailable: 0",
        retryable: false);

    public static GatewayError Flaky(string modelName, int call) => Client(
        $"Flaky model '{modelName}' failed on call number {call}",
        rawResponse: modelName.Contains("raw_response", StringComparison.Ordinal) ? "dummy flaky error raw response" : null);

    public static GatewayError ErrorModel(string modelName) => modelName == "error_with_raw_response"
        ? Client("Error from Dummy provider with raw response", StatusCodes.Status500InternalServerError, "dummy error raw response")
        : Client($"Error sending request to Dummy provider for model '{modelName}'.");

    public static GatewayError InvalidKey() => Client("Invalid API key for Dummy provider");

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
