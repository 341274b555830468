using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Providers;

public sealed class SharedHttpClientsTests
{
    private sealed class CountingFactory : IHttpClientFactory
    {
        public List<string> Made { get; } = [];

        public HttpClient CreateClient(string name)
        {
            lock (Made)
            {
                Made.Add(name);
            }
            return new HttpClient();
        }
    }

    [Fact]
    public async Task CreateClient_SameName_IsOneClientMadeOnce_EvenFromManyThreads()
    {
        var factory = new CountingFactory();
        var shared = new SharedHttpClients(factory);

        var clients = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => shared.CreateClient("providers"))));

        Assert.All(clients, client => Assert.Same(clients[0], client));
        Assert.Same(clients[0], shared.CreateClient("providers"));
        // GetOrAdd may run the factory twice in a race, but only one client is ever handed out.
        Assert.InRange(factory.Made.Count, 1, 2);
    }

    [Fact]
    public void CreateClient_OtherName_IsAnotherClient()
    {
        var factory = new CountingFactory();
        var shared = new SharedHttpClients(factory);

        var first = shared.CreateClient("a");
        var second = shared.CreateClient("b");

        Assert.NotSame(first, second);
        Assert.Equal(["a", "b"], factory.Made);
    }
}
