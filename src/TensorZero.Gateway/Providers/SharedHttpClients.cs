using System.Collections.Concurrent;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// The providers' HTTP clients: one per name, made on first use and shared by every call. A client made per call
/// costs its own cancellation source and the factory's setup each time; the calls would share its handler anyway,
/// which never rotates (its pooled connections renew themselves, <c>PooledConnectionLifetime</c>).
/// </summary>
public sealed class SharedHttpClients(IHttpClientFactory factory) : IHttpClientFactory
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    public HttpClient CreateClient(string name) => _clients.GetOrAdd(name, static (name, factory) => factory.CreateClient(name), factory);
}
