namespace TensorZero.Gateway.Store;

/// <summary>
/// <c>GET /health</c> with the store: <c>{"gateway":"ok","postgres":"ok"}</c> (or <c>"sqlite"</c>), and 503 with
/// <c>"error"</c> under the engine's name when it doesn't answer within <see cref="Timeout"/>, as TensorZero reports it,
/// or while its schema isn't prepared (a server that didn't answer at startup).
/// </summary>
public static class StoreHealth
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static async Task<IResult> CheckAsync(StoreRuntime runtime, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, string> { ["gateway"] = "ok" };
        if (runtime.Store is not { } store)
        {
            return Results.Json(body, StoreEndpointJsonContext.Default.DictionaryStringString);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var ok = runtime.Writer is not { Prepared: false };
        try
        {
            if (ok)
            {
                await store.PingAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ok = false;
        }
        body[store.Name] = ok ? "ok" : "error";
        return Results.Json(body, StoreEndpointJsonContext.Default.DictionaryStringString,
            statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
