using System.Text.Json;

namespace TensorZero.Gateway.Errors;

/// <summary>The one place where an error kind becomes an HTTP status and a JSON body.</summary>
public static class ErrorResponses
{
    public static int StatusCode(GatewayError error) => error.Kind switch
    {
        ErrorKind.InvalidRequest or ErrorKind.MissingCredential => StatusCodes.Status400BadRequest,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.UnknownFunction or ErrorKind.UnknownVariant or ErrorKind.UnknownModel or ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Timeout => StatusCodes.Status408RequestTimeout,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorKind.AllVariantsFailed or ErrorKind.ProviderClient or ErrorKind.ProviderServer => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The native API's error body, <c>{"error": "..."}</c>, for answers that are not exceptions (the 404 fallback).</summary>
    public static IResult Native(int status, string message) =>
        Results.Json(new ErrorBody(message), ErrorJsonContext.Relaxed.ErrorBody, statusCode: status);
}

public sealed record ErrorBody(string Error);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>Bodies are JSON for API clients, not HTML: backticks and non-ASCII text stay readable.</summary>
    public static readonly ErrorJsonContext Relaxed = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
