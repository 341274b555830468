namespace TensorZero.Gateway.Errors;

/// <summary>Turns a <see cref="GatewayError"/> into its status and body, and anything else into a 500 without internals.</summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (GatewayError e) when (!context.Response.HasStarted)
        {
            var status = ErrorResponses.StatusCode(e);
            if (status >= 500)
            {
                logger.LogWarning("Request failed with {Status}: {Message}", status, e.Message);
            }
            await ErrorResponses.WriteNativeAsync(context, status, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await ErrorResponses.WriteNativeAsync(context, e.StatusCode, "the request could not be read");
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // The message is left out on purpose: a library exception may quote a header value, and headers carry keys.
            logger.LogError("Unhandled {ExceptionType} while serving {Path} at {StackTrace}", e.GetType().FullName, context.Request.Path.Value, e.StackTrace);
            await ErrorResponses.WriteNativeAsync(context, StatusCodes.Status500InternalServerError, "Internal error in the gateway");
        }
    }
}
