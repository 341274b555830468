using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// The whole gateway with a real database (SQLite and PostgreSQL): what an inference leaves behind, read back through
/// the read endpoints, and that no key reaches a row.
/// </summary>
public sealed class StoreFunctionalTests : IAsyncLifetime
{
    private const string Canary = "sk-canary-store-9f3e1a7c5b2d";

    private FakeOpenAIServer _openai = null!;

    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(Canary);
        // A provider that echoes the caller's key back in its answer.
        _openai.Reply = _ => $"echo: your key is {Canary}";
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private string Config(TestDatabase database) => $$"""
        {{database.ObservabilityToml}}
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"

        [models.fallback]
        routing = ["broken", "openai"]

        [models.fallback.providers.broken]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::wrong_key"

        [models.fallback.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [functions.fallback]
        type = "chat"

        [functions.fallback.variants.main]
        type = "chat_completion"
        model = "fallback"

        [functions.sampled]
        type = "chat"

        [functions.sampled.variants.a]
        type = "chat_completion"
        model = "dummy::good"
        weight = 0

        [functions.sampled.variants.b]
        type = "chat_completion"
        model = "dummy::alternate"
        weight = 0

        [functions.sampled.variants.best]
        type = "experimental_best_of_n_sampling"
        candidates = ["a", "b"]

        [functions.sampled.variants.best.evaluator]
        model = "dummy::best_of_n_0"

        [functions.tuned]
        type = "chat"

        [functions.tuned.variants.main]
        type = "chat_completion"
        model = "dummy::good"
        temperature = 0.25
        max_tokens = 50

        [functions.extract]
        type = "json"
        output_schema = "schema.json"

        [functions.extract.variants.main]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"

        [tools.get_weather]
        description = "Weather for a city"
        parameters = "city.json"

        [tools.lookup]
        description = "Look a city up"
        parameters = "city.json"

        [functions.assist]
        type = "chat"
        tools = ["get_weather", "lookup"]
        parallel_tool_calls = true

        [functions.assist.variants.main]
        type = "chat_completion"
        model = "gpt"

        [metrics.score]
        type = "float"
        level = "inference"
        optimize = "max"

        [metrics.solved]
        type = "boolean"
        level = "inference"
        optimize = "max"

        [metrics.episode_ok]
        type = "boolean"
        level = "episode"
        optimize = "max"
        """;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["schema.json"] = """{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""",
        ["city.json"] = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""",
    };

    private GatewayFactory Gateway(TestDatabase database) => new(Config(database), database.Environment(), Files);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_ProviderEchoesKey_RowsAreStoredWithoutIt(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (status, body, _) = await client.PostInferenceAsync(new
        {
            function_name = "chat",
            input = GatewayClient.UserMessage($"my key is {Canary}"),
            credentials = new Dictionary<string, string> { ["customer_key"] = Canary },
            tags = new Dictionary<string, string> { ["user"] = "alice" },
        });
        Assert.Equal(HttpStatusCode.OK, status);

        var stored = await WaitForInferenceAsync(client, body["inference_id"]!.GetValue<string>());
        Assert.Equal("chat", stored["type"]!.GetValue<string>());
        Assert.Equal("chat", stored["function_name"]!.GetValue<string>());
        Assert.Equal("main", stored["variant_name"]!.GetValue<string>());
        Assert.Equal(body["episode_id"]!.GetValue<string>(), stored["episode_id"]!.GetValue<string>());
        Assert.Equal("alice", stored["tags"]!["user"]!.GetValue<string>());
        // No tool offered: TensorZero's flattened tool fields with nothing in them.
        Assert.Equal("[]", stored["provider_tools"]!.ToJsonString());
        Assert.False(stored.ContainsKey("tool_choice"));
        Assert.False(stored.ContainsKey("tool_params"));
        Assert.NotNull(stored["processing_time_ms"]);
        var model = Assert.Single(stored["model_inferences"]!.AsArray())!;
        Assert.Equal("gpt", model["model_name"]!.GetValue<string>());
        Assert.Equal("openai", model["model_provider_name"]!.GetValue<string>());
        Assert.Contains("gpt-4o-mini", model["raw_request"]!.GetValue<string>());
        Assert.Contains("[REDACTED]", model["raw_response"]!.GetValue<string>());
        Assert.Contains("[REDACTED]", stored["input"]!.ToJsonString());
        var all = stored.ToJsonString();
        Assert.DoesNotContain(Canary, all);
        Assert.DoesNotContain(Canary[..12], all);
        Assert.DoesNotContain("Bearer", all);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_ProviderFailsThenNextAnswers_BothAttemptsAreStoredWithoutTheKeys(string engine)
    {
        const string WrongKey = "sk-wrong-store-canary-4c2a8e6f1d3b";
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["customer_key"] = Canary, ["wrong_key"] = WrongKey };

        var (status, body, _) = await client.PostInferenceAsync(new { function_name = "fallback", input = GatewayClient.UserMessage("x"), credentials });
        using var streamResponse = await client.PostAsJsonAsync("/inference", new { function_name = "fallback", stream = true, input = GatewayClient.UserMessage("y"), credentials });
        var events = await streamResponse.Content.ReadAsStringAsync();
        var streamId = JsonNode.Parse(events.Split('\n').First(l => l.StartsWith("data: {", StringComparison.Ordinal))[6..])!["inference_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var id in new[] { body["inference_id"]!.GetValue<string>(), streamId })
        {
            var stored = await WaitForInferenceAsync(client, id);
            var models = stored["model_inferences"]!.AsArray();
            Assert.Equal(2, models.Count);
            var failed = Assert.Single(models, m => m!["error"] is not null)!;
            Assert.Equal("broken", failed["model_provider_name"]!.GetValue<string>());
            Assert.Equal("[]", failed["output"]!.ToJsonString());
            Assert.Contains("401", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
            var answered = Assert.Single(models, m => m!["error"] is null)!;
            Assert.Equal("openai", answered["model_provider_name"]!.GetValue<string>());
            // The failed attempt keeps the body it sent, as the answering one does: the same body to the same model.
            var sent = failed["raw_request"]!.GetValue<string>();
            Assert.Contains("\"gpt-4o-mini\"", sent, StringComparison.Ordinal);
            Assert.Equal(answered["raw_request"]!.GetValue<string>(), sent);
            var all = stored.ToJsonString();
            Assert.DoesNotContain(WrongKey, all, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongKey[..12], all, StringComparison.Ordinal);
            Assert.DoesNotContain(Canary, all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_BestOfN_StoresEveryCandidateAndTheEvaluator(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (status, body, _) = await client.PostInferenceAsync(new { function_name = "sampled", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = await WaitForInferenceAsync(client, body["inference_id"]!.GetValue<string>());
        Assert.Equal("best", stored["variant_name"]!.GetValue<string>());
        var models = stored["model_inferences"]!.AsArray().Select(m => m!["model_name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["dummy::alternate", "dummy::best_of_n_0", "dummy::good"], models);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_JsonFunctionAndStream_StoreTheirShapes(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (_, json, _) = await client.PostInferenceAsync(new { function_name = "extract", input = GatewayClient.UserMessage("x") });
        using var streamResponse = await client.PostAsJsonAsync("/inference", new { model_name = "dummy::tool", stream = true, input = GatewayClient.UserMessage("x") });
        var events = await streamResponse.Content.ReadAsStringAsync();
        var streamId = JsonNode.Parse(events.Split('\n').First(l => l.StartsWith("data: {", StringComparison.Ordinal))[6..])!["inference_id"]!.GetValue<string>();

        var jsonRow = await WaitForInferenceAsync(client, json["inference_id"]!.GetValue<string>());
        Assert.Equal("json", jsonRow["type"]!.GetValue<string>());
        Assert.Equal(json["output"]!.ToJsonString(), jsonRow["output"]!.ToJsonString());
        Assert.Equal("object", jsonRow["output_schema"]!["type"]!.GetValue<string>());

        var streamRow = await WaitForInferenceAsync(client, streamId);
        Assert.Equal("tensorzero::default", streamRow["function_name"]!.GetValue<string>());
        Assert.Equal("dummy::tool", streamRow["variant_name"]!.GetValue<string>());
        Assert.Equal("{}", streamRow["tags"]!.ToJsonString());
        Assert.True(streamRow["ttft_ms"]!.GetValue<long>() >= 0);
        var call = streamRow["output"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_call")!;
        Assert.False(string.IsNullOrEmpty(call["name"]!.GetValue<string>()));
        var model = Assert.Single(streamRow["model_inferences"]!.AsArray())!;
        Assert.Equal("dummy", model["model_provider_name"]!.GetValue<string>());
        Assert.True(model["ttft_ms"]!.GetValue<long>() >= 0);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Stream_StoresTheBodySentToTheProviderAsRawRequest_WithoutTheKey(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (status, _, events, _) = await client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            stream = true,
            input = GatewayClient.UserMessage($"streamed, my key is {Canary}"),
            credentials = new Dictionary<string, string> { ["customer_key"] = Canary },
        });
        Assert.Equal(HttpStatusCode.OK, status);

        var stored = await WaitForInferenceAsync(client, events.Json()[0]["inference_id"]!.GetValue<string>());
        var rawRequest = Assert.Single(stored["model_inferences"]!.AsArray())!["raw_request"]!.GetValue<string>();
        var sent = Assert.Single(_openai.Requests).Body;
        Assert.True(sent["stream"]!.GetValue<bool>());
        // The stored body is what was sent, with the key the prompt quoted masked.
        Assert.DoesNotContain(Canary, rawRequest);
        Assert.Equal(sent.ToJsonString().Replace(Canary, "[REDACTED]", StringComparison.Ordinal), JsonNode.Parse(rawRequest)!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Stream_OfAWholeAnswer_StoresItsRawRequestAndResponse(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        // Best-of-N computes its answer whole and streams it.
        var (status, _, events, _) = await client.PostStreamAsync("/inference", new
        {
            function_name = "sampled",
            variant_name = "best",
            stream = true,
            input = GatewayClient.UserMessage("x"),
        });
        Assert.Equal(HttpStatusCode.OK, status);

        var stored = await WaitForInferenceAsync(client, events.Json()[0]["inference_id"]!.GetValue<string>());
        var models = stored["model_inferences"]!.AsArray();
        Assert.True(models.Count >= 3);
        Assert.All(models, model =>
        {
            Assert.Equal(DummyResponses.RawRequest, model!["raw_request"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(model["raw_response"]!.GetValue<string>()));
        });
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task InferenceParams_AreStoredInTensorZerosShape_TheRequestsOverTheVariants(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (_, tuned, _) = await client.PostInferenceAsync(new
        {
            function_name = "tuned",
            input = GatewayClient.UserMessage("x"),
            @params = new { chat_completion = new { temperature = 0.75, seed = 7, json_mode = "on" } },
        });
        var (_, _, events, _) = await client.PostStreamAsync("/inference", new { function_name = "tuned", stream = true, input = GatewayClient.UserMessage("y") });
        var (_, plain, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", input = GatewayClient.UserMessage("z") });

        // As TensorZero: the variant's values fill what the request left unset; the request's win.
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"chat_completion":{"json_mode":"on","temperature":0.75,"max_tokens":50,"seed":7}}"""),
            (await WaitForInferenceAsync(client, tuned["inference_id"]!.GetValue<string>()))["inference_params"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"chat_completion":{"temperature":0.25,"max_tokens":50}}"""),
            (await WaitForInferenceAsync(client, events.Json()[0]["inference_id"]!.GetValue<string>()))["inference_params"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"chat_completion":{}}"""),
            (await WaitForInferenceAsync(client, plain["inference_id"]!.GetValue<string>()))["inference_params"]));
        // TensorZero's clients read this object strictly: one `chat_completion` object and nothing else.
        var listed = await ListAsync(client, new { function_name = "tuned" });
        Assert.Equal(2, listed.Count);
        Assert.All(listed, inference => Assert.Equal(["chat_completion"], inference!["inference_params"]!.AsObject().Select(p => p.Key)));
        Assert.All(await ListAsync(client, new { function_name = "tuned", output_source = "none" }), inference => Assert.False(inference!.AsObject().ContainsKey("output")));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ToolParams_AreAnsweredFlattened_AsTensorZerosClientsReadThem(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["customer_key"] = Canary };
        var (_, byDefault, _) = await client.PostInferenceAsync(new { function_name = "assist", input = GatewayClient.UserMessage("a"), credentials });
        // The newest is listed first: ids are ordered by their millisecond, then by random bits.
        await Task.Delay(2);
        var additional = JsonNode.Parse("""
            [{"type":"function","name":"search","description":"Search the web","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":true},
             {"type":"openai_custom","name":"shell","description":"Run a command","format":{"type":"grammar","grammar":{"syntax":"lark","definition":"start: WORD"}}}]
            """)!;
        var (status, chosen, _) = await client.PostInferenceAsync(new
        {
            function_name = "assist",
            input = GatewayClient.UserMessage("b"),
            credentials,
            allowed_tools = new[] { "lookup" },
            additional_tools = additional,
            tool_choice = new { specific = "search" },
            parallel_tool_calls = false,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var (a, b) = (byDefault["inference_id"]!.GetValue<string>(), chosen["inference_id"]!.GetValue<string>());
        await WaitForInferenceAsync(client, a);
        await WaitForInferenceAsync(client, b);

        var rows = await GetManyAsync(client, new { ids = new[] { a, b } });
        Assert.Equal(rows.Select(r => r!["inference_id"]!.GetValue<string>()), [a, b]);
        Assert.Equal("""{"tool_choice":"auto","parallel_tool_calls":true,"provider_tools":[]}""", ToolFields(rows[0]!));
        // PostgreSQL's JSONB keeps an object's keys in an order of its own: the tools are compared as JSON.
        Assert.True(JsonNode.DeepEquals(additional, rows[1]!["additional_tools"]), rows[1]!["additional_tools"]?.ToJsonString());
        Assert.Equal(
            """{"allowed_tools":["lookup"],"additional_tools":[{},{}],"tool_choice":{"specific":"search"},"parallel_tool_calls":false,"provider_tools":[]}""",
            ToolFields(rows[1]!));
        Assert.Equal(ToolFields(rows[1]!), ToolFields(Assert.Single(await ListAsync(client, new { function_name = "assist", limit = 1 }))!));

        // A demonstration may call what the request offered: its additional tool, not a configured one it left out.
        using var offered = await client.PostAsJsonAsync("/feedback", new
        {
            metric_name = "demonstration",
            inference_id = b,
            value = new[] { new { type = "tool_call", id = "c1", name = "search", arguments = new { q = "x" } } },
        });
        Assert.Equal(HttpStatusCode.OK, offered.StatusCode);
        using var notOffered = await client.PostAsJsonAsync("/feedback", new
        {
            metric_name = "demonstration",
            inference_id = b,
            value = new[] { new { type = "tool_call", id = "c1", name = "get_weather", arguments = new { city = "x" } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, notOffered.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Files_AreStoredAsTensorZerosStoredFiles_WithoutTheirData(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        var (status, body, _) = await client.PostInferenceAsync(new
        {
            model_name = "dummy::good",
            input = new
            {
                messages = new object[]
                {
                    new
                    {
                        role = "user",
                        content = new object[]
                        {
                            new { type = "text", text = "what is in these?" },
                            new { type = "file", data = Png, mime_type = "image/png", filename = "dot.png" },
                            new { type = "file", url = "https://example.com/cat.jpg", detail = "high" },
                        },
                    },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var id = body["inference_id"]!.GetValue<string>();
        await WaitForInferenceAsync(client, id);

        var content = Assert.Single(await GetManyAsync(client, new { ids = new[] { id } }))!["input"]!["messages"]![0]!["content"]!.AsArray();
        var (inline, linked) = (content[1]!.AsObject(), content[2]!.AsObject());
        // Keys sorted: PostgreSQL's JSONB keeps them in an order of its own. No `data`, no `url`.
        Assert.Equal(["filename", "mime_type", "storage_path", "type"], inline.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["detail", "mime_type", "source_url", "storage_path", "type"], linked.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("image/png", inline["mime_type"]!.GetValue<string>());
        Assert.Equal("dot.png", inline["filename"]!.GetValue<string>());
        Assert.Equal("disabled", inline["storage_path"]!["kind"]!["type"]!.GetValue<string>());
        Assert.Matches("^observability/files/[0-9a-f]{64}\\.png$", inline["storage_path"]!["path"]!.GetValue<string>());
        Assert.Equal("https://example.com/cat.jpg", linked["source_url"]!.GetValue<string>());
        Assert.Equal("image/jpeg", linked["mime_type"]!.GetValue<string>());
        Assert.Equal("high", linked["detail"]!.GetValue<string>());
        Assert.Matches("^observability/files/[0-9a-f]{64}\\.jpg$", linked["storage_path"]!["path"]!.GetValue<string>());
        Assert.DoesNotContain(Png[..40], content.ToJsonString());
    }

    // The inference's tool fields, in the order answered; `tool_params` must not be among them.
    private static string ToolFields(JsonNode row)
    {
        var fields = new JsonObject();
        foreach (var (name, value) in row.AsObject())
        {
            if (name is "allowed_tools" or "additional_tools" or "tool_choice" or "parallel_tool_calls" or "provider_tools" or "tool_params")
            {
                // Tools stand as `{}`: their count and place are checked here, their content by the caller.
                fields[name] = name == "additional_tools" ? new JsonArray(value!.AsArray().Select(_ => (JsonNode)new JsonObject()).ToArray()) : value?.DeepClone();
            }
        }
        return fields.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GetInferences_ById_InTheOrderAsked_FilteredByFunction(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (_, tuned, _) = await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage("a") });
        var (_, plain, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", input = GatewayClient.UserMessage("b") });
        var (a, b) = (tuned["inference_id"]!.GetValue<string>(), plain["inference_id"]!.GetValue<string>());
        await WaitForInferenceAsync(client, a);
        await WaitForInferenceAsync(client, b);

        // A full request: 100 ids, most of them unknown, one twice.
        var ids = new[] { b, a, b }.Concat(Enumerable.Range(0, 97).Select(_ => Guid.CreateVersion7().ToString())).ToArray();
        var both = await GetManyAsync(client, new { ids });
        Assert.Equal([b, a], both.Select(i => i!["inference_id"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(tuned["content"], both[1]!["output"]));
        var filtered = await GetManyAsync(client, new { ids = new[] { b, a }, function_name = "tuned", output_source = "none" });
        Assert.Equal(a, Assert.Single(filtered)!["inference_id"]!.GetValue<string>());
        Assert.False(filtered[0]!.AsObject().ContainsKey("output"));
        Assert.Empty(await GetManyAsync(client, new { ids = Array.Empty<string>() }));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task OutputSourceDemonstration_OnlyDemonstratedInferences_TheNewestInPlaceOfTheOutput(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (_, shown, _) = await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage("a") });
        var (_, plain, _) = await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage("b") });
        var (a, b) = (shown["inference_id"]!.GetValue<string>(), plain["inference_id"]!.GetValue<string>());
        await WaitForInferenceAsync(client, a);
        await WaitForInferenceAsync(client, b);
        foreach (var text in new[] { "an older demonstration", "the newest demonstration" })
        {
            using var feedback = await client.PostAsJsonAsync("/feedback", new { metric_name = "demonstration", inference_id = a, value = text });
            Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        }

        // Feedback rows are written in the background; a bounded wait for the second one.
        var expected = JsonNode.Parse("""[{"type":"text","text":"the newest demonstration"}]""");
        JsonArray listed = [];
        for (var attempt = 0; attempt < 400; attempt++)
        {
            listed = await ListAsync(client, new { function_name = "tuned", output_source = "demonstration" });
            if (listed.Count == 1 && JsonNode.DeepEquals(expected, listed[0]!["output"]))
            {
                break;
            }
            await Task.Delay(50);
        }
        var only = Assert.Single(listed)!;
        Assert.Equal(a, only["inference_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(expected, only["output"]));
        Assert.True(JsonNode.DeepEquals(new JsonArray(shown["content"]!.DeepClone()), only["dispreferred_outputs"]));
        var byId = Assert.Single(await GetManyAsync(client, new { ids = new[] { b, a }, output_source = "demonstration" }))!;
        Assert.True(JsonNode.DeepEquals(only, byId));
        // The other sources show no dispreferred outputs.
        Assert.All(await ListAsync(client, new { function_name = "tuned" }), i => Assert.False(i!.AsObject().ContainsKey("dispreferred_outputs")));
    }

    [Theory]
    [InlineData("""{}""", "`ids` is required")]
    [InlineData("""{"ids": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11"}""", "`ids` is required")]
    [InlineData("""{"ids": ["0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11", "nope"]}""", "`ids[1]` must be a UUID")]
    [InlineData("""{"ids": [7]}""", "`ids[0]` must be a UUID")]
    [InlineData("""{"ids": [], "function_name": 3}""", "`function_name` must be a string")]
    [InlineData("""{"ids": [], "output_source": "everything"}""", "`output_source` must be one of")]
    [InlineData("[]", "must be a JSON object")]
    public Task GetInferences_BadRequest_Is400NamingTheField(string body, string expected) =>
        AssertBadRequestAsync("/v1/inferences/get_inferences", body, expected);

    [Theory]
    [InlineData("""{"search_query_experimental": 3}""", "`search_query_experimental` must be a string")]
    [InlineData("""{"order_by": [{"by": "timestamp", "direction": "ascending"}, {"by": "metric", "name": "nope", "direction": "descending"}]}""",
        "Invalid metric name: nope")]
    [InlineData("""{"order_by": [{"by": "metric", "direction": "descending"}]}""", "`order_by[0].name` is required")]
    [InlineData("""{"order_by": [{"by": "search_relevance", "direction": "descending"}]}""",
        "ORDER BY search_relevance requires search_query_experimental to be provided")]
    public Task ListInferences_BadSearchOrOrder_Is400NamingIt(string body, string expected) =>
        AssertBadRequestAsync("/v1/inferences/list_inferences", body, expected);

    [Theory]
    [InlineData("""{"filters": {"type": "float_metric", "metric_name": "nope", "value": 1, "comparison_operator": ">"}}""", "Invalid metric name: nope")]
    [InlineData("""{"filters": {"type": "float_metric", "metric_name": "solved", "value": 1, "comparison_operator": ">"}}""", "Metric `solved` is not a float metric")]
    [InlineData("""{"filters": {"type": "boolean_metric", "metric_name": "score", "value": true}}""", "Metric `score` is not a boolean metric")]
    [InlineData("""{"filters": {"type": "float_metric", "metric_name": "score", "value": "1", "comparison_operator": ">"}}""", "`filters.value` must be a number")]
    [InlineData("""{"filters": {"type": "float_metric", "metric_name": "score", "value": 1, "comparison_operator": "; DROP TABLE x"}}""",
        "`filters.comparison_operator` must be one of <, <=, =, >, >=, !=")]
    [InlineData("""{"filters": {"type": "tag", "key": "user", "value": "alice", "comparison_operator": ">"}}""", "`filters.comparison_operator` must be one of =, !=")]
    [InlineData("""{"filters": {"type": "tag", "key": "user", "value": "alice", "comparison_operator": "=", "keys": "x"}}""", "`filters.keys` is not a field of a `tag` filter")]
    [InlineData("""{"filters": {"type": "time", "time": "yesterday", "comparison_operator": ">"}}""", "`filters.time` must be a date and time")]
    [InlineData("""{"filters": {"type": "time", "time": "0001-01-01T00:00:00+05:00", "comparison_operator": ">"}}""", "`filters.time` must be a date and time")]
    [InlineData("""{"filters": {"type": "and", "children": [{"type": "nope"}]}}""", "`filters.children[0].type` must be one of")]
    [InlineData("""{"filters": {"type": "not", "child": 3}}""", "`filters.child` must be a filter")]
    [InlineData("""{"filters": {"type": "or"}}""", "`filters.children` must be a list of filters")]
    [InlineData("""{"filters": [1]}""", "`filters` must be an object with a `type`")]
    [InlineData("""{"filter": {"type": "tag"}}""", "`filter.key` is required")]
    public Task ListInferences_BadFilter_Is400NamingIt(string body, string expected) =>
        AssertBadRequestAsync("/v1/inferences/list_inferences", body, expected);

    [Fact]
    public Task ListInferences_FiltersNestedTooDeep_Is400() =>
        AssertBadRequestAsync("/v1/inferences/list_inferences",
            "{\"filters\": " + string.Concat(Enumerable.Repeat("{\"type\": \"not\", \"child\": ", 16)) +
            "{\"type\": \"demonstration_feedback\", \"has_demonstration\": true}" + new string('}', 16) + "}",
            "filters may nest at most 16 deep");

    [Fact]
    public Task ListInferences_TooManyFilters_Is400() =>
        AssertBadRequestAsync("/v1/inferences/list_inferences",
            "{\"filters\": {\"type\": \"or\", \"children\": [" +
            string.Join(",", Enumerable.Repeat("{\"type\": \"demonstration_feedback\", \"has_demonstration\": true}", 100)) + "]}}",
            "a request may hold at most 100 filters");

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ListInferences_Filters_ByFeedbackTagsAndTime_AsTensorZeroAppliesThem(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var episode = Guid.CreateVersion7().ToString();
        async Task<string> Infer(string text, object tags, string? episodeId = null)
        {
            var (status, answer, _) = episodeId is null
                ? await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage(text), tags })
                : await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage(text), tags, episode_id = episodeId });
            Assert.Equal(HttpStatusCode.OK, status);
            // Ids are ordered by their millisecond, then by random bits: one inference a millisecond keeps creation order.
            await Task.Delay(2);
            return answer["inference_id"]!.GetValue<string>();
        }
        var a = await Infer("note Alpha", new Dictionary<string, string> { ["user"] = "alice" });
        var b = await Infer("note Bravo said \"Quoted 100%\"", new Dictionary<string, string> { ["user"] = "bob" });
        var c = await Infer("note Charlie", new Dictionary<string, string>(), episode);
        var d = await Infer("note Delta 😀 café\tend", new Dictionary<string, string> { ["user"] = "alice" }, episode);
        await WaitForInferenceAsync(client, d);
        async Task Feedback(object body)
        {
            using var response = await client.PostAsJsonAsync("/feedback", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Feedback(new { metric_name = "score", inference_id = a, value = 0.9 });
        await Feedback(new { metric_name = "score", inference_id = b, value = 0.2 });
        await Feedback(new { metric_name = "solved", inference_id = c, value = true });
        await Feedback(new { metric_name = "solved", inference_id = a, value = false });
        await Feedback(new { metric_name = "episode_ok", episode_id = episode, value = true });
        await Feedback(new { metric_name = "demonstration", inference_id = b, value = "the answer" });
        // Rows are queued in order: once the demonstration is readable, the feedback before it is too.
        for (var attempt = 0; (await ListAsync(client, new { function_name = "tuned", output_source = "demonstration" })).Count == 0; attempt++)
        {
            Assert.True(attempt < 400, "the demonstration was not stored within 20 s");
            await Task.Delay(50);
        }

        async Task<string[]> Filtered(object filters, string field = "filters") =>
            (await ListAsync(client, new Dictionary<string, object> { ["function_name"] = "tuned", [field] = filters }))
                .Select(i => i!["inference_id"]!.GetValue<string>()).ToArray();
        object Tag(string value, string op) => new { type = "tag", key = "user", value, comparison_operator = op };
        object Score(double value, string op) => new { type = "float_metric", metric_name = "score", value, comparison_operator = op };
        object Solved(bool value) => new { type = "boolean_metric", metric_name = "solved", value };

        Assert.Equal([d, a], await Filtered(Tag("alice", "=")));
        Assert.Equal([d, a], await Filtered(Tag("alice", "="), "filter"));
        // `!=` wants the tag there with another value: c has no `user` tag.
        Assert.Equal([b], await Filtered(Tag("alice", "!=")));
        Assert.Equal([a], await Filtered(Score(0.5, ">")));
        Assert.Equal([b], await Filtered(Score(0.2, "<=")));
        Assert.Equal([c], await Filtered(Solved(true)));
        Assert.Equal([a], await Filtered(Solved(false)));
        // An episode-level metric holds for every inference of its episode.
        Assert.Equal([d, c], await Filtered(new { type = "boolean_metric", metric_name = "episode_ok", value = true }));
        Assert.Equal([b], await Filtered(new { type = "demonstration_feedback", has_demonstration = true }));
        Assert.Equal([d, c, a], await Filtered(new { type = "demonstration_feedback", has_demonstration = false }));
        var bTime = (await WaitForInferenceAsync(client, b))["timestamp"]!.GetValue<string>();
        Assert.Equal([d, c, b], await Filtered(new { type = "time", time = bTime, comparison_operator = ">=" }));
        Assert.Equal([a], await Filtered(new { type = "time", time = bTime, comparison_operator = "<" }));
        Assert.Equal([d], await Filtered(new { type = "and", children = new[] { Tag("alice", "="), new { type = "not", child = Score(0.5, ">") } } }));
        Assert.Equal([c, b], await Filtered(new { type = "or", children = new[] { Solved(true), Score(0.5, "<") } }));
        Assert.Empty(await Filtered(new { type = "or", children = Array.Empty<object>() }));
        Assert.Equal(4, (await Filtered(new { type = "and", children = Array.Empty<object>() })).Length);
        // A value that looks like SQL is only ever a value.
        Assert.Empty(await Filtered(Tag("alice' OR '1'='1", "=")));

        // Ordered by a metric's value, inferences without one last (then newest first).
        async Task<string[]> Ordered(object query) => (await ListAsync(client, query)).Select(i => i!["inference_id"]!.GetValue<string>()).ToArray();
        Assert.Equal([a, b, d, c], await Ordered(new { function_name = "tuned", order_by = new[] { new { by = "metric", name = "score", direction = "descending" } } }));
        Assert.Equal([b, a, d, c], await Ordered(new { function_name = "tuned", order_by = new[] { new { by = "metric", name = "score", direction = "ascending" } } }));
        Assert.Equal([d, c, b, a], await Ordered(new { function_name = "tuned", order_by = new[] { new { by = "metric", name = "episode_ok", direction = "descending" } } }));

        // Search: the text, whatever its case, in the input or the output; quotes as the stored JSON writes them, and
        // `%` a character like any other.
        Assert.Equal([b], await Ordered(new { function_name = "tuned", search_query_experimental = "bravo said \"quoted 100%" }));
        Assert.Equal([c], await Ordered(new { function_name = "tuned", search_query_experimental = "CHARLIE" }));
        Assert.Empty(await Ordered(new { function_name = "tuned", search_query_experimental = "note%Alpha" }));
        // Emoji, accents and control characters, which each engine's column writes its own way.
        Assert.Equal([d], await Ordered(new { function_name = "tuned", search_query_experimental = "DELTA 😀 café\tEND" }));
        Assert.Equal([d, c, b, a], await Ordered(new
        {
            function_name = "tuned", search_query_experimental = "note ", order_by = new[] { new { by = "search_relevance", direction = "descending" } },
        }));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ListEpisodes_NewestFirst_WithCountsAndSpans_PagedAndFiltered(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        // Ids made in the same millisecond differ only in random bits: sorted, so e1 < e2 < e3 as the store orders them.
        var episodeIds = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7().ToString()).Order(StringComparer.Ordinal).ToArray();
        var (e1, e2, e3) = (episodeIds[0], episodeIds[1], episodeIds[2]);
        async Task<string> Infer(string episode, string? function, Dictionary<string, string> tags)
        {
            var (status, answer, _) = function is null
                ? await client.PostInferenceAsync(new { model_name = "dummy::good", episode_id = episode, input = GatewayClient.UserMessage("x"), tags })
                : await client.PostInferenceAsync(new { function_name = function, episode_id = episode, input = GatewayClient.UserMessage("x"), tags });
            Assert.Equal(HttpStatusCode.OK, status);
            // Ids are ordered by their millisecond, then by random bits: one inference a millisecond keeps creation order.
            await Task.Delay(2);
            return answer["inference_id"]!.GetValue<string>();
        }
        var alice = new Dictionary<string, string> { ["user"] = "alice" };
        var first = await Infer(e1, "tuned", alice);
        var second = await Infer(e1, "tuned", []);
        var other = await Infer(e2, null, []);
        var last = await Infer(e3, "tuned", alice);
        await WaitForInferenceAsync(client, last);

        async Task<JsonArray> Episodes(object query)
        {
            using var response = await client.PostAsJsonAsync("/internal/episodes", query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["episodes"]!.AsArray();
        }
        string[] Ids(JsonArray episodes) => episodes.Select(e => e!["episode_id"]!.GetValue<string>()).ToArray();

        var all = await Episodes(new { limit = 10 });
        Assert.Equal([e3, e2, e1], Ids(all));
        Assert.Equal([1L, 1L, 2L], all.Select(e => e!["count"]!.GetValue<long>()));
        Assert.Equal([last, other, second], all.Select(e => e!["last_inference_id"]!.GetValue<string>()));
        var (start, end) = (DateTimeOffset.Parse(all[2]!["start_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(all[2]!["end_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(start < end, $"{start:O} < {end:O}");
        Assert.Equal([e3, e2], Ids(await Episodes(new { limit = 2 })));
        Assert.Equal([e1], Ids(await Episodes(new { limit = 10, before = e2 })));
        Assert.Equal([e2], Ids(await Episodes(new { limit = 1, after = e1 })));
        Assert.Equal([e3, e2], Ids(await Episodes(new { limit = 10, after = e1 })));
        Assert.Equal([e3, e1], Ids(await Episodes(new { limit = 10, function_name = "tuned" })));
        // An episode is listed when one of its inferences matches, and counted whole.
        var tagged = await Episodes(new { limit = 10, filters = new { type = "tag", key = "user", value = "alice", comparison_operator = "=" } });
        Assert.Equal([e3, e1], Ids(tagged));
        Assert.Equal(2, tagged[1]!["count"]!.GetValue<long>());
        Assert.NotNull(first);
    }

    [Theory]
    [InlineData("""{"limit": 10, "before": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11", "after": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11"}""",
        "Cannot specify both before and after")]
    [InlineData("""{"limit": 101}""", "limit")]
    [InlineData("""{"limit": 10, "after": "nope"}""", "`after`")]
    [InlineData("""{"limit": 10, "filters": {"type": "boolean_metric", "metric_name": "nope", "value": true}}""", "Invalid metric name: nope")]
    public Task ListEpisodes_BadRequest_Is400NamingTheField(string body, string expected) =>
        AssertBadRequestAsync("/internal/episodes", body, expected);

    [Theory]
    [InlineData("""{"before": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11", "after": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11"}""",
        "Cannot specify both 'before' and 'after' parameters")]
    [InlineData("""{"after": "0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11", "offset": 5}""", "Cannot use 'offset' with cursor pagination ('before' or 'after')")]
    [InlineData("""{"after": "not-an-id"}""", "`after`")]
    [InlineData("""{"offset": -1}""", "`offset` must be a non-negative whole number")]
    [InlineData("""{"offset": 1.5}""", "`offset` must be a non-negative whole number")]
    [InlineData("""{"offset": "3"}""", "`offset` must be a non-negative whole number")]
    [InlineData("""{"order_by": "timestamp"}""", "`order_by` must be a list")]
    [InlineData("""{"order_by": [3]}""", "`order_by[0]` must be an object")]
    [InlineData("""{"order_by": [{"direction": "ascending"}]}""", "`order_by[0].by` is required")]
    [InlineData("""{"order_by": [{"by": "size", "direction": "ascending"}]}""", "`order_by[0].by` must be one of timestamp, metric or search_relevance")]
    [InlineData("""{"order_by": [{"by": "timestamp", "direction": "up"}]}""", "`order_by[0].direction` must be ascending or descending")]
    public Task ListInferences_BadPageOrOrder_Is400NamingIt(string body, string expected) =>
        AssertBadRequestAsync("/v1/inferences/list_inferences", body, expected);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ListInferences_PagesByOffsetAndByCursorsBothWays_AndOrdersByTime(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var ids = new List<string>();
        foreach (var text in new[] { "a", "b", "c", "d", "e" })
        {
            var (_, answer, _) = await client.PostInferenceAsync(new { function_name = "tuned", input = GatewayClient.UserMessage(text) });
            // Ids are ordered by their millisecond, then by random bits: one inference a millisecond keeps creation order.
            await Task.Delay(2);
            ids.Add(answer["inference_id"]!.GetValue<string>());
        }
        await WaitForInferenceAsync(client, ids[^1]);
        var (a, b, c, d, e) = (ids[0], ids[1], ids[2], ids[3], ids[4]);

        async Task<string[]> Page(object query) =>
            (await ListAsync(client, query)).Select(i => i!["inference_id"]!.GetValue<string>()).ToArray();

        Assert.Equal([e, d], await Page(new { function_name = "tuned", limit = 2 }));
        Assert.Equal([c, b], await Page(new { function_name = "tuned", limit = 2, offset = 2 }));
        Assert.Equal([a], await Page(new { function_name = "tuned", limit = 2, offset = 4 }));
        Assert.Empty(await Page(new { function_name = "tuned", offset = 5 }));
        Assert.Equal([c, b, a], await Page(new { function_name = "tuned", before = d }));
        // The page right after a cursor, answered newest first as every page is.
        Assert.Equal([d, c], await Page(new { function_name = "tuned", after = b, limit = 2 }));
        Assert.Equal([e, d, c], await Page(new { function_name = "tuned", after = b }));
        Assert.Empty(await Page(new { function_name = "tuned", after = e }));
        var oldest = new[] { new { by = "timestamp", direction = "ascending" } };
        Assert.Equal([a, b], await Page(new { function_name = "tuned", limit = 2, order_by = oldest }));
        Assert.Equal([b, c], await Page(new { function_name = "tuned", limit = 2, offset = 1, order_by = oldest }));
        Assert.Equal([e, d], await Page(new { function_name = "tuned", limit = 2, order_by = new[] { new { by = "timestamp", direction = "descending" } } }));
        // An offset of 0 is no offset, with a cursor too (TensorZero's client sends one).
        Assert.Equal([b, a], await Page(new { function_name = "tuned", before = c, offset = 0 }));
    }

    [Fact]
    public async Task ListInferences_UnsetFieldsAsTensorZerosClientSendsThem_AreAccepted()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (_, plain, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", input = GatewayClient.UserMessage("z") });
        await WaitForInferenceAsync(client, plain["inference_id"]!.GetValue<string>());
        using var content = new StringContent("""
            {"function_name": null, "variant_name": null, "episode_id": null, "output_source": "inference", "limit": null,
             "offset": 0, "before": null, "after": null, "filters": null, "order_by": null, "search_query_experimental": null}
            """, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/v1/inferences/list_inferences", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["inferences"]!.AsArray());
    }

    [Fact]
    public async Task GetInferences_MoreThanAHundredIds_Is400()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);

        using var response = await gateway.CreateClient().PostAsJsonAsync("/v1/inferences/get_inferences",
            new { ids = Enumerable.Range(0, 101).Select(_ => Guid.CreateVersion7()).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("`ids` may hold at most 100 ids", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_DryrunAndFailed_StoreNothing_AndListingPages(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var episode = Guid.CreateVersion7().ToString();

        var (_, dry, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", episode_id = episode, dryrun = true, input = GatewayClient.UserMessage("x") });
        var (failedStatus, _, _) = await client.PostInferenceAsync(new { model_name = "dummy::error", episode_id = episode, input = GatewayClient.UserMessage("x") });
        var (_, first, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", episode_id = episode, input = GatewayClient.UserMessage("x") });
        var (_, second, _) = await client.PostInferenceAsync(new { model_name = "dummy::good", episode_id = episode, input = GatewayClient.UserMessage("y") });
        // Rows are queued in order: once the last one is there, the earlier ones would be too.
        await WaitForInferenceAsync(client, second["inference_id"]!.GetValue<string>());

        Assert.NotEqual(HttpStatusCode.OK, failedStatus);
        using var missing = await client.GetAsync($"/inferences/{dry["inference_id"]!.GetValue<string>()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var episodeRows = (await client.GetFromJsonAsync<JsonObject>($"/episodes/{episode}/inferences"))!["inferences"]!.AsArray();
        Assert.Equal(
            [second["inference_id"]!.GetValue<string>(), first["inference_id"]!.GetValue<string>()],
            episodeRows.Select(r => r!["inference_id"]!.GetValue<string>()).ToArray());

        var page1 = await ListAsync(client, new { function_name = "tensorzero::default", variant_name = "dummy::good", limit = 1 });
        var page2 = await ListAsync(client, new { function_name = "tensorzero::default", variant_name = "dummy::good", limit = 1, before = page1[0]!["inference_id"]!.GetValue<string>() });
        Assert.Equal(second["inference_id"]!.GetValue<string>(), page1.Single()!["inference_id"]!.GetValue<string>());
        Assert.Equal(first["inference_id"]!.GetValue<string>(), page2.Single()!["inference_id"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Health_WithStore_ReportsTheEngine(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);

        var body = await gateway.CreateClient().GetStringAsync("/health");

        Assert.Equal($$"""{"gateway":"ok","{{engine}}":"ok"}""", body);
    }

    [Fact]
    public async Task Health_StorageOff_ReportsOnlyTheGatewayAndReadsAre404()
    {
        using var gateway = new GatewayFactory("[gateway.observability]\nenabled = false\n");
        var client = gateway.CreateClient();

        Assert.Equal("""{"gateway":"ok"}""", await client.GetStringAsync("/health"));
        using var read = await client.GetAsync($"/inferences/{Guid.CreateVersion7()}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Contains("Storage is off", await read.Content.ReadAsStringAsync());
        using var byIds = await client.PostAsJsonAsync("/v1/inferences/get_inferences", new { ids = new[] { Guid.CreateVersion7() } });
        Assert.Equal(HttpStatusCode.NotFound, byIds.StatusCode);
        Assert.False(System.IO.Directory.Exists(Path.Combine(gateway.Directory, "data")));
    }

    [Fact]
    public async Task Startup_DefaultConfig_CreatesTheSqliteFileUnderTheConfigFolder()
    {
        using var gateway = new GatewayFactory("");

        Assert.Equal("""{"gateway":"ok","sqlite":"ok"}""", await gateway.CreateClient().GetStringAsync("/health"));
        Assert.True(File.Exists(Path.Combine(gateway.Directory, "data", "tensorzero.db")));
    }

    private async Task AssertBadRequestAsync(string path, string body, string expected)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await gateway.CreateClient().PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonArray> GetManyAsync(HttpClient client, object query)
    {
        using var response = await client.PostAsJsonAsync("/v1/inferences/get_inferences", query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["inferences"]!.AsArray();
    }

    private static async Task<JsonArray> ListAsync(HttpClient client, object query)
    {
        using var response = await client.PostAsJsonAsync("/v1/inferences/list_inferences", query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["inferences"]!.AsArray();
    }

    // Rows are written in the background; a bounded wait, not a timing assertion.
    private static async Task<JsonObject> WaitForInferenceAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var response = await client.GetAsync($"/inferences/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"inference {id} was not stored within 20 s");
    }
}
