using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds providers of one chat-completions flavour (<c>openai</c>, <c>deepseek</c>, <c>vllm</c>, …). Every flavour
/// accepts <c>api_base</c>, which replaces its default base URL and is required where there is none.
/// </summary>
public sealed class OpenAIProviderFactory(OpenAIFlavour flavour) : IProviderFactory
{
    public ProviderDescriptor Descriptor => flavour.Descriptor;

    public IReadOnlyCollection<string> SettingKeys => flavour.SettingKeys;

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        if (flavour.RequiresModelName && string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `{flavour.Type}` providers");
        }
        var url = ChatCompletionsUrl(context);
        var fields = new JsonObject();
        var effective = flavour;
        foreach (var (key, value) in config.Settings)
        {
            switch (key)
            {
                case "api_type" when value is not "chat_completions":
                    context.Errors.Add($"`{config.Path}.api_type`: only `chat_completions` is supported by this gateway");
                    break;
                case "reasoning_format":
                    fields["reasoning_format"] = OneOf(context, key, value, "parsed", "raw", "hidden");
                    break;
                case "prompt_mode":
                    fields["prompt_mode"] = value is string mode
                        ? mode
                        : Problem(context, key, "must be a string, e.g. \"reasoning\"");
                    break;
                case "parse_think_blocks":
                    effective = value is bool parse ? effective with { ParsesThinkTags = parse } : effective;
                    if (value is not bool)
                    {
                        Problem(context, key, "must be a boolean");
                    }
                    break;
            }
        }
        var auth = effective.AuthSchemeFor(context.Credential, context.Descriptor.DisplayName);
        return new OpenAIProvider(
            effective, config, context.Descriptor.DisplayName, ChatCompletionsEndpoint.Fixed(url), fields, auth, context.HttpClients, context.Secrets);
    }

    private Uri ChatCompletionsUrl(ProviderBuildContext context)
    {
        var config = context.Config;
        var placeholder = new Uri("http://localhost/");
        var apiBase = config.ApiBase ?? flavour.DefaultApiBase;
        if (apiBase is null)
        {
            context.Errors.Add($"`{config.Path}.api_base`: is required for `{flavour.Type}` providers (the server's base URL, e.g. `http://localhost:8000/v1/`)");
            return placeholder;
        }
        if (!ChatCompletionsEndpoint.TryParseHttpUrl(apiBase, out _))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            return placeholder;
        }
        if (apiBase.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            context.Errors.Add($"`{config.Path}.api_base`: give the base URL without `/chat/completions`; the gateway appends it");
            return placeholder;
        }
        return ProviderHttp.Join(apiBase, "chat/completions");
    }

    private static string? OneOf(ProviderBuildContext context, string key, object? value, params string[] allowed)
    {
        if (value is string text && allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }
        return Problem(context, key, $"must be one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}");
    }

    private static string? Problem(ProviderBuildContext context, string key, string message)
    {
        context.Errors.Add($"`{context.Config.Path}.{key}`: {message}");
        return null;
    }
}
