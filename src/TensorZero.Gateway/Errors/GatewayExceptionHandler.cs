using Microsoft.AspNetCore.Diagnostics;

namespace TensorZero.Gateway.Errors;

/// <summary>
/// The gateway's one error boundary: a <see cref="GatewayError"/> becomes its status and message, a request that
/// could not be read its status, anything else a 500 without internals. The body's shape is the failing endpoint's
/// (an <see cref="IErrorBodyWriter"/> in its metadata), TensorZero's <c>{"error": "..."}</c> otherwise.
/// </summary>
public sealed class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public const string InternalErrorMessage = "Internal error in the gateway";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
            return true;
        }
        var (status, message) = exception switch
        {
            GatewayError error => (ErrorResponses.StatusCode(error), error.Message),
            BadHttpRequestException badRequest => (badRequest.StatusCode, "the request could not be read"),
            _ => (StatusCodes.Status500InternalServerError, InternalErrorMessage),
        };
        if (exception is GatewayError && status >= 500)
        {
            logger.LogWarning("Request failed with {Status}: {Message}", status, message);
        }
        else if (exception is not (GatewayError or BadHttpRequestException))
        {
            // The message is left out on purpose: a library exception may quote a header value, and headers carry keys.
            logger.LogError("Unhandled {ExceptionType} while serving {Path} at {StackTrace}",
                exception.GetType().FullName, httpContext.Request.Path.Value, exception.StackTrace);
        }
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var writer = endpoint?.Metadata.GetMetadata<IErrorBodyWriter>() ?? NativeErrorBodyWriter.Instance;
        httpContext.Response.StatusCode = status;
        await writer.WriteAsync(httpContext.Response, message, RawResponseRequest.Of(httpContext, exception), cancellationToken);
        return true;
    }
}

/// <summary>Writes an error body in one API's shape; endpoints name theirs in their metadata.</summary>
public interface IErrorBodyWriter
{
    /// <param name="rawResponses">Raw responses of the failed provider attempts, when the request asked for them; omitted when empty.</param>
    Task WriteAsync(HttpResponse response, string message, IReadOnlyList<RawResponseEntry> rawResponses, CancellationToken cancellationToken);
}

/// <summary>TensorZero's native error body, <c>{"error": "...", "raw_response"?: [...]}</c>.</summary>
public sealed class NativeErrorBodyWriter : IErrorBodyWriter
{
    public static readonly NativeErrorBodyWriter Instance = new();

    public Task WriteAsync(HttpResponse response, string message, IReadOnlyList<RawResponseEntry> rawResponses, CancellationToken cancellationToken) =>
        Endpoints.JsonWriting.WriteResponseAsync(response, (message, rawResponses), static (writer, error) =>
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, error.message);
            if (error.rawResponses.Count > 0)
            {
                RawResponseEntry.WriteArray(writer, "raw_response", error.rawResponses);
            }
            writer.WriteEndObject();
        }, cancellationToken);
}
