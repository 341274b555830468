using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// What of the request reaches each model call of a best-of-N or mixture-of-N variant, checked at a fake OpenAI server
/// that accepts only one Bearer key: the <c>dynamic::</c> key reaches every candidate, the evaluator and the fuser;
/// as in TensorZero, the request's <c>params</c> reach none of them, and its extra headers for the variant reach the fuser.
/// </summary>
public sealed class CandidateRequestTests : IAsyncLifetime, IDisposable
{
    private const string CustomerKey = "sk-canary-candidates-6e1d93a0b7";

    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(CustomerKey);
        // The evaluator (json_mode = "off", so the fake reads its prompt) names candidate 1; candidates say their temperature.
        _openai.Reply = body => body["messages"]![0]!["content"]?.ToString().Contains("re-ranking", StringComparison.Ordinal) == true
            ? """{"thinking": "the warmer one", "answer_choice": 1}"""
            : $"answer at {body["temperature"]}";
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::customer_key"

            [functions.chat]
            type = "chat"

            [functions.chat.variants.cool]
            type = "chat_completion"
            model = "gpt"
            temperature = 0.1
            weight = 0

            [functions.chat.variants.warm]
            type = "chat_completion"
            model = "gpt"
            temperature = 0.9
            weight = 0

            [functions.chat.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = ["cool", "warm"]
            [functions.chat.variants.best.evaluator]
            model = "gpt"
            json_mode = "off"

            [functions.chat.variants.fused]
            type = "experimental_mixture_of_n"
            weight = 0
            candidates = ["cool", "warm"]
            [functions.chat.variants.fused.fuser]
            model = "gpt"
            """);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task Inference_BestOfN_DynamicKeyReachesEveryCandidateAndTheEvaluator()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(new
        {
            function_name = "chat",
            variant_name = "best",
            credentials = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("answer at 0.9", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(3, _openai.Requests.Count);
        Assert.All(_openai.Requests, r => Assert.Equal(CustomerKey, r.ApiKey));
        Assert.Equal(3 * FakeAnswer.InputTokens, body["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.DoesNotContain(CustomerKey, _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_MixtureOfN_DynamicKeyReachesEveryCandidateAndTheFuser()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            variant_name = "fused",
            stream = true,
            credentials = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(3, _openai.Requests.Count);
        Assert.All(_openai.Requests, r => Assert.Equal(CustomerKey, r.ApiKey));
        var fuser = Assert.Single(_openai.Requests, r => r.Body["stream"]?.GetValue<bool>() == true);
        Assert.StartsWith("You have been provided with a set of responses", fuser.Body["messages"]![0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(CustomerKey, _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAIChat_BestOfN_TensorZeroCredentialsReachEveryCall()
    {
        var (status, body, raw) = await _client.PostInferenceAsyncAt("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["tensorzero::variant_name"] = "best",
            ["tensorzero::credentials"] = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            ["messages"] = new[] { new { role = "user", content = "Hello" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("answer at 0.9", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(3, _openai.Requests.Count);
        Assert.All(_openai.Requests, r => Assert.Equal(CustomerKey, r.ApiKey));
    }

    [Fact]
    public async Task Inference_BestOfN_MissingDynamicKey_Is400NamingTheKey()
    {
        var (status, body, _) = await _client.PostInferenceAsync(new
        {
            function_name = "chat",
            variant_name = "best",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("customer_key", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task Inference_EvaluatorPrompt_WrapsTheConversationAndListsTheCandidates()
    {
        var (status, _, raw) = await _client.PostInferenceAsync(new
        {
            function_name = "chat",
            variant_name = "best",
            credentials = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            input = new { system = "Be brief.", messages = new[] { new { role = "user", content = "Hello" } } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var judge = Assert.Single(_openai.Requests, r => r.Body["messages"]![0]!["content"]!.ToString().Contains("re-ranking", StringComparison.Ordinal)).Body;
        var messages = judge["messages"]!.AsArray();
        Assert.Equal(
            "You are an assistant tasked with re-ranking candidate answers to the following problem:\n------\nBe brief.\n------\n" +
            "The messages below are the conversation history between the user and the assistant along with a final message giving a set of candidate responses.\n" +
            "Please evaluate the following candidate responses and provide your reasoning along with the index of the best candidate in the following JSON format:\n" +
            "{\n    \"thinking\": \"your reasoning here\",\n    \"answer_choice\": int  // Range: 0 to 1\n}\n" +
            "In the \"thinking\" block:\n" +
            "First, you should analyze each response itself against the conversation history and determine if it is a good response or not.\n" +
            "Then you should think out loud about which is best and most faithful to instructions.\n" +
            "In the \"answer_choice\" block: you should output the index of the best response.",
            messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("Hello", UserText(messages[1]!));
        Assert.Equal(
            "Here are the candidate answers (with the index and a row of ------ separating):\n" +
            "0: [{\"type\":\"text\",\"text\":\"answer at 0.1\"}]\n------\n" +
            "1: [{\"type\":\"text\",\"text\":\"answer at 0.9\"}]\n------\n" +
            "Please evaluate these candidates and provide the index of the best one.",
            UserText(messages[2]!));
        // The evaluator's own parameters: none set, and no tools.
        Assert.False(judge.ContainsKey("temperature"));
        Assert.False(judge.ContainsKey("tools"));
    }

    [Fact]
    public async Task Inference_RequestParams_ReachNeitherCandidatesNorEvaluator()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(new
        {
            function_name = "chat",
            variant_name = "best",
            credentials = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            @params = new { chat_completion = new { temperature = 0.5, max_tokens = 7 } },
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("answer at 0.9", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.All(_openai.Requests, r => Assert.False(r.Body.ContainsKey("max_tokens") || r.Body.ContainsKey("max_completion_tokens")));
    }

    [Fact]
    public async Task Stream_MixtureOfN_RequestHeadersForTheVariantReachTheFuserOnly()
    {
        var (status, _, _, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            variant_name = "fused",
            stream = true,
            credentials = new Dictionary<string, string> { ["customer_key"] = CustomerKey },
            extra_headers = new[] { new { variant_name = "fused", name = "x-trace", value = "fuser-only" } },
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var fuser = Assert.Single(_openai.Requests, r => r.Headers.ContainsKey("x-trace"));
        Assert.Equal("fuser-only", fuser.Headers["x-trace"]);
        Assert.True(fuser.Body["stream"]!.GetValue<bool>());
    }

    private static string UserText(JsonNode message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]!.GetValue<string>())),
        _ => string.Empty,
    };
}
