using System.Text.Json;
using System.Text.Json.Serialization;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Answers failures of the OpenAI-compatible routes in OpenAI's error shape, <c>{"error": {"message": "..."}}</c>, with
/// the status <see cref="ErrorResponses"/> gives each kind, so OpenAI SDKs raise their usual exceptions.
/// </summary>
internal sealed class OpenAIErrorFilter(ILogger logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (GatewayError e) when (!http.Response.HasStarted)
        {
            var status = ErrorResponses.StatusCode(e);
            if (status >= 500)
            {
                logger.LogWarning("Request failed with {Status}: {Message}", status, e.Message);
            }
            return Error(status, e.Message);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            return Error(e.StatusCode, "the request could not be read");
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            // The message is left out on purpose: a library exception may quote a header value, and headers carry keys.
            logger.LogError("Unhandled {ExceptionType} while serving {Path} at {StackTrace}", e.GetType().FullName, http.Request.Path.Value, e.StackTrace);
            return Error(StatusCodes.Status500InternalServerError, "Internal error in the gateway");
        }
    }

    public static IResult Error(int status, string message) =>
        Results.Json(new OpenAIErrorBody(new OpenAIErrorDetail(message)), OpenAIErrorJsonContext.Relaxed.OpenAIErrorBody, statusCode: status);
}

/// <summary>OpenAI's error body.</summary>
public sealed record OpenAIErrorBody(OpenAIErrorDetail Error);

public sealed record OpenAIErrorDetail(string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIErrorBody))]
internal sealed partial class OpenAIErrorJsonContext : JsonSerializerContext
{
    /// <summary>Bodies are JSON for API clients, not HTML: backticks and non-ASCII text stay readable.</summary>
    public static readonly OpenAIErrorJsonContext Relaxed = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
