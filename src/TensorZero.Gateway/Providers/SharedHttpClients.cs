using System.Collections.Concurrent;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// The providers' HTTP clients: one per name, made on first use and shared by every call. A client made per call
/// costs its own cancellation source and the factory's setup each time; the calls would share its handler anyway,
/// which never rotates (its pooled connections renew themselves, <c>PooledConnectionLifetime</c>).
/// </summary>
/// <remarks>
/// The dictionary holds a <see cref="Lazy{T}"/> per name: <c>GetOrAdd</c> may run its value factory on several
/// threads that race on the first call, and only one of their results is kept. Racing threads then make a spare
/// <see cref="Lazy{T}"/> each, which is cheap, instead of a spare client each.
/// </remarks>
public sealed class SharedHttpClients(IHttpClientFactory factory) : IHttpClientFactory
{
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _clients = new(StringComparer.Ordinal);

    public HttpClient CreateClient(string name) =>
        _clients.GetOrAdd(name, static (name, factory) => new Lazy<HttpClient>(() => factory.CreateClient(name)), factory).Value;
}
