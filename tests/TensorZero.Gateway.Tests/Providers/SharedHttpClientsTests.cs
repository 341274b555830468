using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Providers;

public sealed class SharedHttpClientsTests
{
    private sealed class CountingFactory : IHttpClientFactory
    {
        public List<string> Made { get; } = [];

        public HttpClient CreateClient(string name)
        {
            // A slow factory widens the window in which racing first calls overlap.
            Thread.Sleep(20);
            lock (Made)
            {
                Made.Add(name);
            }
            return new HttpClient();
        }
    }

    [Fact]
    public void CreateClient_SameName_IsOneClientMadeOnce_EvenFromManyThreads()
    {
        var factory = new CountingFactory();
        var shared = new SharedHttpClients(factory);

        // Threads of their own, released together: the thread pool of a small machine would run few at once.
        const int Racers = 8;
        using var start = new Barrier(Racers);
        var clients = new HttpClient[Racers];
        var threads = Enumerable.Range(0, Racers).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            clients[i] = shared.CreateClient("providers");
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        }

        Assert.All(clients, client => Assert.Same(clients[0], client));
        Assert.Same(clients[0], shared.CreateClient("providers"));
        Assert.Equal(["providers"], factory.Made);
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
