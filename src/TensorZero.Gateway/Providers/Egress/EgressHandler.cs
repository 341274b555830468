using System.Globalization;

namespace TensorZero.Gateway.Providers.Egress;

/// <summary>
/// The primary handler of the providers' HttpClient. Requests to configured URLs go out as they are. Requests marked
/// with <see cref="ClientChosenUrl"/> pass the <see cref="DynamicUrlGuard"/> first and use a connection pool of their
/// own, whose every new connection is checked again when it is opened; a refusal is a 400 naming the credential key.
/// Both pools bound connecting (TCP and TLS) by <c>[gateway] outbound_connect_timeout_ms</c> and never follow
/// redirects (a redirect could carry a key such as <c>x-api-key</c> or <c>api-key</c> to another host).
/// </summary>
public sealed class EgressHandler : HttpMessageHandler
{
    private readonly HttpMessageInvoker _configured;
    private readonly HttpMessageInvoker _clientChosen;
    private readonly DynamicUrlGuard _guard;
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;

    public EgressHandler(DynamicUrlGuard guard, TimeSpan connectTimeout, ILogger logger)
    {
        _guard = guard;
        _connectTimeout = connectTimeout;
        _logger = logger;
        _configured = new HttpMessageInvoker(SocketsHandler(connectTimeout), disposeHandler: true);
        var guarded = SocketsHandler(connectTimeout);
        // Connected directly, never through HTTP(S)_PROXY: the guard must see, and pin, the address actually reached.
        guarded.UseProxy = false;
        guarded.ConnectCallback = (context, cancellationToken) => guard.ConnectAsync(context.DnsEndPoint, cancellationToken);
        _clientChosen = new HttpMessageInvoker(guarded, disposeHandler: true);
    }

    // A configured URL goes straight to its pool, without an async frame of this handler's own.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        ClientChosenUrl.Of(request) is { } origin
            ? SendClientChosenAsync(request, origin, cancellationToken)
            : SendAsync(_configured, request, origin: null, cancellationToken);

    private async Task<HttpResponseMessage> SendClientChosenAsync(HttpRequestMessage request, ClientChosenUrl origin, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw origin.Invalid("is not an absolute http(s) URL");
        origin.CheckForm(url);
        using (var resolving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            resolving.CancelAfter(_connectTimeout);
            try
            {
                await _guard.ResolveAsync(url.IdnHost, resolving.Token).ConfigureAwait(false);
            }
            catch (EgressRefusedException e)
            {
                throw Refused(origin, e.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Refused(origin, "the host was not resolved in time");
            }
        }
        return await SendAsync(_clientChosen, request, origin, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _configured.Dispose();
            _clientChosen.Dispose();
        }
        base.Dispose(disposing);
    }

    private static SocketsHttpHandler SocketsHandler(TimeSpan connectTimeout) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        ConnectTimeout = connectTimeout,
        // One handler serves every client's requests: a cookie a provider set for one request (a session tied to one
        // caller's key) must not ride along on the next caller's. Nothing upstream needs cookies kept.
        UseCookies = false,
    };

    private async Task<HttpResponseMessage> SendAsync(
        HttpMessageInvoker invoker,
        HttpRequestMessage request,
        ClientChosenUrl? origin,
        CancellationToken cancellationToken)
    {
        try
        {
            return await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (origin is not null && e.InnerException is EgressRefusedException refused)
        {
            throw Refused(origin, refused.Message);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && e.InnerException is TimeoutException)
        {
            // SocketsHttpHandler reports its connect timeout as a cancellation; to callers it is a failed connection.
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                string.Create(CultureInfo.InvariantCulture,
                    $"no connection could be established within {_connectTimeout.TotalMilliseconds:0} ms (`[gateway] outbound_connect_timeout_ms`)"),
                e);
        }
    }

    private Errors.GatewayError Refused(ClientChosenUrl origin, string reason)
    {
        // The reason (e.g. "a loopback address") is for the operator; the client gets one message for every refusal,
        // so the gateway can't be used to learn which internal names exist.
        _logger.LogWarning(
            "Refused a client-chosen URL for provider {Provider} (credentials key `{Key}`): {Reason}",
            origin.ProviderDisplayName,
            origin.CredentialKey,
            reason);
        return origin.Refused();
    }
}
