using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Egress;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Networking;

namespace TensorZero.Gateway.Tests.Providers.Egress;

/// <summary>
/// The guard with an injected resolver: a name that resolves to a public address when the URL is checked and to
/// loopback when the connection is opened (DNS rebinding) is refused at connect time, and nothing is connected.
/// Only documentation addresses (203.0.113.0/24) stand for public ones, and they are never connected to.
/// </summary>
public sealed class DynamicUrlGuardTests
{
    private static readonly IPAddress Public = IPAddress.Parse("203.0.113.10");
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task ConnectAsync_NameNowResolvingToLoopback_IsRefusedWithoutConnecting()
    {
        await using var listener = CountingTcpListener.Closing("127.0.0.2");
        var resolver = new ScriptedResolver([Public], [Attacker]);
        var guard = new DynamicUrlGuard(DynamicHostAllowList.Empty, resolver);

        var checkedAtUrlTime = await guard.ResolveAsync("rebind.test", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(
            async () => await guard.ConnectAsync(new DnsEndPoint("rebind.test", listener.Port), CancellationToken.None));

        Assert.Equal([Public], checkedAtUrlTime);
        Assert.Equal("the host resolves to a loopback address", refused.Message);
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task ConnectAsync_AllowListedAddress_Connects()
    {
        await using var listener = CountingTcpListener.Silent("127.0.0.2");
        var guard = new DynamicUrlGuard(DynamicHostAllowList.Parse(["127.0.0.2"]), new ScriptedResolver([Attacker]));

        await using var stream = await guard.ConnectAsync(new DnsEndPoint("allowed.test", listener.Port), CancellationToken.None);

        Assert.True(await WaitForConnection(listener));
    }

    [Fact]
    public async Task ConnectAsync_AllowListedHostName_ConnectsToWhatItResolvesTo()
    {
        await using var listener = CountingTcpListener.Silent("127.0.0.1");
        var guard = new DynamicUrlGuard(DynamicHostAllowList.Parse(["localhost"]), new SystemHostResolver());

        await using var stream = await guard.ConnectAsync(new DnsEndPoint("localhost", listener.Port), CancellationToken.None);

        Assert.True(await WaitForConnection(listener));
        await Assert.ThrowsAsync<EgressRefusedException>(async () =>
            await new DynamicUrlGuard(DynamicHostAllowList.Empty, new SystemHostResolver()).ConnectAsync(new DnsEndPoint("localhost", listener.Port), CancellationToken.None));
    }

    [Fact]
    public async Task ResolveAsync_AnyRestrictedAddressAmongPublicOnes_IsRefused()
    {
        var guard = new DynamicUrlGuard(DynamicHostAllowList.Empty, new ScriptedResolver([Public, IPAddress.Parse("169.254.169.254")]));

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => guard.ResolveAsync("mixed.test", CancellationToken.None));

        Assert.Equal("the host resolves to a link-local address", refused.Message);
    }

    [Fact]
    public async Task ResolveAsync_IpLiteral_IsCheckedWithoutDns()
    {
        var resolver = new ScriptedResolver([Public]);
        var guard = new DynamicUrlGuard(DynamicHostAllowList.Empty, resolver);

        await Assert.ThrowsAsync<EgressRefusedException>(() => guard.ResolveAsync("[::ffff:127.0.0.2]", CancellationToken.None));
        await Assert.ThrowsAsync<EgressRefusedException>(() => guard.ResolveAsync("10.0.0.1", CancellationToken.None));

        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public async Task SendAsync_RebindingBetweenUrlCheckAndConnect_Is400NamingTheKeyAndNothingConnects()
    {
        await using var listener = CountingTcpListener.Closing("127.0.0.2");
        var resolver = new ScriptedResolver([Public], [Attacker]);
        using var invoker = Invoker(new DynamicUrlGuard(DynamicHostAllowList.Empty, resolver));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://rebind.test:{listener.Port}/openai/deployments/d/chat/completions");
        new ClientChosenUrl("azure_endpoint", "Azure").Mark(request);

        var error = await Assert.ThrowsAsync<GatewayError>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
        Assert.Contains("`azure_endpoint`", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, resolver.Calls);
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task SendAsync_UnmarkedRequestToLoopback_IsNotGuarded()
    {
        await using var listener = CountingTcpListener.Closing("127.0.0.2");
        var resolver = new ScriptedResolver([Attacker]);
        using var invoker = Invoker(new DynamicUrlGuard(DynamicHostAllowList.Empty, resolver));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.2:{listener.Port}/v1/chat/completions");

        // The listener closes the connection at once: a transport error (after the handler's own retries), not a refusal.
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.True(listener.Connections >= 1);
        Assert.Equal(0, resolver.Calls);
    }

    [Theory]
    [InlineData("ftp://203.0.113.10/", "is not an absolute http(s) URL")]
    [InlineData("http://user@203.0.113.10/", "must not contain a user name or password")]
    [InlineData("http://@203.0.113.10/", "must not contain a user name or password")]
    public async Task SendAsync_MarkedRequestWithBadForm_IsRefusedBeforeDns(string url, string problem)
    {
        var resolver = new ScriptedResolver([Public]);
        using var invoker = Invoker(new DynamicUrlGuard(DynamicHostAllowList.Empty, resolver));
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        new ClientChosenUrl("bedrock_endpoint", "AWS Bedrock").Mark(request);

        var error = await Assert.ThrowsAsync<GatewayError>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(
            $"Invalid endpoint for provider AWS Bedrock: the value of `bedrock_endpoint` in `credentials` {problem}",
            error.Message);
        Assert.Equal(0, resolver.Calls);
    }

    private static HttpMessageInvoker Invoker(DynamicUrlGuard guard) =>
        new(new EgressHandler(guard, TimeSpan.FromSeconds(5), NullLogger.Instance), disposeHandler: true);

    private static async Task<bool> WaitForConnection(CountingTcpListener listener)
    {
        // The accept loop counts a connection shortly after the client side completed.
        for (var i = 0; i < 100 && listener.Connections == 0; i++)
        {
            await Task.Delay(20);
        }
        return listener.Connections == 1;
    }

    /// <summary>Answers each lookup with the next scripted answer, repeating the last one.</summary>
    private sealed class ScriptedResolver(params IPAddress[][] answers) : IHostResolver
    {
        private readonly ConcurrentQueue<IPAddress[]> _answers = new(answers);
        private IPAddress[] _last = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (_answers.TryDequeue(out var next))
            {
                _last = next;
            }
            return Task.FromResult(_last);
        }
    }
}
