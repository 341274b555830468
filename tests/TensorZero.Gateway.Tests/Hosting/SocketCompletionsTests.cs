using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Hosting;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Hosting;

/// <summary>
/// The gateway process runs socket completions on its socket threads (one per core), unless the operator keeps .NET's
/// default; work that grows with a body's size goes back to the thread pool.
/// </summary>
public sealed class SocketCompletionsTests
{
    private const string OpenAIKey = "sk-inline-completions-test";

    // With inline completions the runtime runs one socket thread per core, otherwise one per 30 cores: three cores tell
    // the two apart.
    private static readonly Dictionary<string, string> ThreeCores = new() { ["DOTNET_PROCESSOR_COUNT"] = "3" };

    [Fact]
    public async Task Gateway_ByDefault_RunsASocketThreadPerCoreAndAnswersSmallAndLargeBodies()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        openai.ValidKeys.Add(OpenAIKey);
        var large = new string('x', 2 * SocketCompletions.LargeBodyBytes);
        openai.Reply = body => FakeAnswer.LastUserText(body) == "large" ? large : "echo: " + FakeAnswer.LastUserText(body);
        await using var gateway = await GatewayProcess.StartAsync(Config(openai), new Dictionary<string, string>(ThreeCores) { ["INLINE_TEST_OPENAI_KEY"] = OpenAIKey });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(3, SocketThreads(gateway));

        // Answers over the provider's socket, small ones finished on the socket threads, large ones on the pool, at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var text = i % 8 == 0 ? "large" : $"small {i}";
            using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent(
                $$"""{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"{{text}}"}]}""",
                Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            return (Asked: text, Answer: JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        }));
        Assert.All(answers, a => Assert.Equal(a.Asked == "large" ? large : "echo: " + a.Asked, a.Answer));
    }

    [Fact]
    public async Task Gateway_VariableSetToZero_KeepsOneSocketThread()
    {
        await using var gateway = await GatewayProcess.StartAsync(string.Empty, new Dictionary<string, string>(ThreeCores) { [SocketCompletions.Variable] = "0" });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        Assert.Equal(1, SocketThreads(gateway));
    }

    [Fact]
    public async Task ShouldLeave_LargeBodyOnAnotherThread_TheYieldContinuesOnThePoolEveryTime()
    {
        // Many times over: the hop must not depend on which thread gets there first (a race an async wrapper had).
        for (var i = 0; i < 200; i++)
        {
            var (before, after) = await OnOwnThread(SocketCompletions.LargeBodyBytes);

            Assert.False(before);
            Assert.True(after, $"attempt {i} continued off the pool");
        }
    }

    [Fact]
    public async Task ShouldLeave_SmallBodyOnAnotherThread_StaysWithoutAHop()
    {
        var (before, after) = await OnOwnThread(SocketCompletions.LargeBodyBytes - 1);

        Assert.False(before);
        Assert.False(after);
    }

    [Fact]
    public async Task ShouldLeave_OnThePool_IsFalse()
    {
        var leave = await Task.Run(() => SocketCompletions.ShouldLeave(10 * SocketCompletions.LargeBodyBytes) || SocketCompletions.ShouldLeave());

        Assert.False(leave);
    }

    [Fact]
    public void PreferInline_OperatorChoseZero_KeepsIt()
    {
        var before = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, "0");
            SocketCompletions.PreferInline();
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.Variable));

            Environment.SetEnvironmentVariable(SocketCompletions.Variable, null);
            SocketCompletions.PreferInline();
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, before);
        }
    }

    private static string Config(FakeOpenAIServer openai) => $$"""
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "env::INLINE_TEST_OPENAI_KEY"
        """;

    // The runtime names its socket event threads ".NET Sockets" (a thread's name is cut to 15 bytes in /proc).
    private static int SocketThreads(GatewayProcess gateway) =>
        Directory.GetDirectories($"/proc/{gateway.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");

    // Runs the gateway's pattern (yield when ShouldLeave says so) on a thread of its own (not the pool's, as a socket
    // thread isn't) and reports, before and after the await, whether the code ran on the pool.
    private static Task<(bool Before, bool After)> OnOwnThread(long bodyBytes)
    {
        var result = new TaskCompletionSource<(bool, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => _ = Run());
        thread.Start();
        return result.Task;

        async Task Run()
        {
            var before = Thread.CurrentThread.IsThreadPoolThread;
            if (SocketCompletions.ShouldLeave(bodyBytes))
            {
                await Task.Yield();
            }
            result.SetResult((before, Thread.CurrentThread.IsThreadPoolThread));
        }
    }
}
