using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>Builds <c>type = "openai"</c> providers (OpenAI and OpenAI-compatible servers via <c>api_base</c>).</summary>
public sealed class OpenAIProviderFactory : IProviderFactory
{
    public const string DefaultApiBase = "https://api.openai.com/v1/";

    public string Type => "openai";

    public IReadOnlyCollection<string> SettingKeys { get; } =
        ["model_name", "api_base", "api_type", "include_encrypted_reasoning", "provider_tools", "content_type_overrides"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        if (string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `openai` providers");
        }
        if (config.Settings.TryGetValue("api_type", out var apiType) && apiType is not "chat_completions")
        {
            context.Errors.Add($"`{config.Path}.api_type`: only `chat_completions` is supported by this gateway");
        }
        var apiBase = config.ApiBase ?? DefaultApiBase;
        if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{apiBase}` is not an absolute http(s) URL");
            apiBase = DefaultApiBase;
        }
        var url = ProviderHttp.Join(apiBase, "chat/completions");
        return new OpenAIProvider(config, url, context.Credential, context.HttpClients);
    }
}

/// <summary>A client of OpenAI's <c>POST /chat/completions</c>.</summary>
public sealed class OpenAIProvider(
    ProviderConfig config,
    Uri chatCompletionsUrl,
    CredentialResolver credential,
    IHttpClientFactory httpClients) : IModelProvider
{
    private const string DisplayName = "OpenAI";

    public string Type => "openai";

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var body = OpenAIWire.BuildRequest(config.ModelName!, request);
        JsonPointer.Apply(body, config.ExtraBody);
        var rawRequest = body.ToJsonString();

        var key = credential.Require(credentials, DisplayName);
        using var message = ProviderHttp.JsonPost(chatCompletionsUrl, rawRequest, request.ExtraHeaders, config.ExtraHeaders);
        ProviderHttp.SetBearer(message, key);

        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var rawResponse = await ProviderHttp.SendAsync(client, message, DisplayName, key.Secret, cancellationToken).ConfigureAwait(false);
        return OpenAIWire.ParseResponse(rawRequest, rawResponse, DisplayName);
    }
}

/// <summary>OpenAI chat-completions request and response bodies.</summary>
public static class OpenAIWire
{
    public static JsonObject BuildRequest(string model, ModelRequest request)
    {
        var messages = new JsonArray();
        if (request.System is { } system)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }
        foreach (var message in request.Messages)
        {
            messages.Add(new JsonObject
            {
                ["role"] = message.Role == Role.User ? "user" : "assistant",
                ["content"] = Content(message.Content),
            });
        }

        var body = new JsonObject { ["model"] = model, ["messages"] = messages };
        var p = request.Params;
        AddIfSet(body, "temperature", p.Temperature);
        AddIfSet(body, "top_p", p.TopP);
        AddIfSet(body, "presence_penalty", p.PresencePenalty);
        AddIfSet(body, "frequency_penalty", p.FrequencyPenalty);
        if (p.MaxTokens is { } maxTokens)
        {
            body["max_completion_tokens"] = maxTokens;
        }
        if (p.Seed is { } seed)
        {
            body["seed"] = seed;
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            body["stop"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        body["stream"] = false;
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    public static ProviderResponse ParseResponse(string rawRequest, string rawResponse, string displayName)
    {
        var root = ProviderHttp.ParseObject(rawResponse, displayName);
        if (root["choices"] is not JsonArray { Count: 1 } choices || choices[0] is not JsonObject choice)
        {
            throw ProviderHttp.MalformedResponse(displayName, "expected exactly one choice");
        }
        var content = new List<ContentBlock>();
        if (choice["message"] is JsonObject message && message["content"] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            content.Add(new TextBlock(text));
        }
        var finishReason = choice["finish_reason"] is JsonValue reason && reason.TryGetValue<string>(out var reasonText)
            ? MapFinishReason(reasonText)
            : (FinishReason?)null;
        var usage = root["usage"] is JsonObject usageObject
            ? new Usage(ReadLong(usageObject["prompt_tokens"]), ReadLong(usageObject["completion_tokens"]))
            : Usage.Unknown;
        return new ProviderResponse(content, usage, finishReason, rawRequest, rawResponse);
    }

    public static FinishReason MapFinishReason(string reason) => reason switch
    {
        "stop" => FinishReason.Stop,
        "length" => FinishReason.Length,
        "content_filter" => FinishReason.ContentFilter,
        "tool_calls" or "function_call" => FinishReason.ToolCall,
        _ => FinishReason.Unknown,
    };

    // One text part is sent as a plain string, several as an array of typed parts.
    private static JsonNode Content(IReadOnlyList<ContentBlock> content)
    {
        if (content.Count == 1 && content[0] is TextBlock only)
        {
            return JsonValue.Create(only.Text);
        }
        var parts = new JsonArray();
        foreach (var text in content.OfType<TextBlock>())
        {
            parts.Add(new JsonObject { ["type"] = "text", ["text"] = text.Text });
        }
        return parts;
    }

    private static void AddIfSet(JsonObject body, string name, double? value)
    {
        if (value is { } number)
        {
            body[name] = number;
        }
    }

    private static long? ReadLong(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}
