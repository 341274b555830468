namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[functions.F.variants.V]</c>: <c>chat_completion</c> and <c>experimental_chain_of_thought</c> variants here,
/// best-of-N and mixture-of-N in <see cref="CandidateVariantReader"/>. Dynamic in-context learning is refused.
/// </summary>
internal sealed class VariantReader(ConfigReferences references)
{
    private static readonly string[] ChatCompletionKeys =
    [
        "type", "model", "weight", "temperature", "max_tokens", "top_p", "seed", "presence_penalty", "frequency_penalty",
        "stop_sequences", "json_mode", "retries", "timeouts", "extra_body", "extra_headers", "system_template", "user_template",
        "assistant_template", "templates", "reasoning_effort", "thinking_budget_tokens", "service_tier", "verbosity", "namespace",
        "input_wrappers",
    ];

    // An evaluator or fuser table is a chat-completion config without the keys that belong to a variant as a whole.
    private static readonly string[] NestedKeys = ChatCompletionKeys
        .Except(["type", "timeouts", "namespace"])
        .ToArray();

    private static readonly string[] JsonModes = ["off", "on", "strict", "tool", "implicit_tool"];

    public VariantConfig? Read(string name, TomlSection section, FunctionType? functionType)
    {
        var type = section.String("type", required: true);
        switch (type)
        {
            case null:
                return null;
            case VariantTypes.ChatCompletion:
                return ChatCompletion(name, type, section, functionType, ChatCompletionKeys, JsonModeRule.Variant);
            case VariantTypes.ChainOfThought:
                if (functionType == FunctionType.Chat)
                {
                    section.Error("type", $"variant type `{type}` is only valid for JSON functions (it asks the model for JSON with its thinking)");
                }
                section.Warn("type",
                    "Deprecation Warning (#5298 / 2026.2+): We are deprecating `experimental_chain_of_thought` now that reasoning " +
                    "models are prevalent. Please use a different variant type (e.g. `chat_completion` with reasoning).");
                return ChatCompletion(name, type, section, functionType, ChatCompletionKeys, JsonModeRule.Variant);
            case VariantTypes.BestOfNSampling or VariantTypes.MixtureOfN:
                return new CandidateVariantReader(this).Read(name, type, section, functionType);
            case VariantTypes.DynamicInContextLearning:
                section.Error("type",
                    $"variant type `{type}` is not supported by this gateway yet: it answers with stored examples (TensorZero's " +
                    "in-context-learning example table, searched by embedding similarity), which this gateway does not keep yet; " +
                    "remove the variant or use another type");
                return null;
            default:
                section.Error("type", $"unknown variant type `{type}` (valid: {string.Join(", ", VariantTypes.All)})");
                return null;
        }
    }

    /// <summary>A best-of-N <c>evaluator</c> or mixture-of-N <c>fuser</c>: a chat-completion table named <c>V.evaluator</c> / <c>V.fuser</c>.</summary>
    public VariantConfig Nested(string name, TomlSection section, FunctionType? functionType, JsonModeRule rule)
    {
        var config = ChatCompletion(name, VariantTypes.ChatCompletion, section, functionType, NestedKeys, rule);
        if (section.Has("weight"))
        {
            section.Warn("weight", "has no effect here: only variants are weighed");
        }
        return config;
    }

    private VariantConfig ChatCompletion(string name, string type, TomlSection section, FunctionType? functionType, string[] keys, JsonModeRule rule)
    {
        section.RejectUnknown(keys);
        section.WarnIgnored("namespace");

        var model = section.String("model", required: true);
        if (model is not null)
        {
            references.VariantModel(section, model);
        }
        var jsonMode = section.String("json_mode");
        if (jsonMode is not null && !JsonModes.Contains(jsonMode))
        {
            section.Error("json_mode", $"unknown json_mode `{jsonMode}` (valid: off, on, strict, tool)");
        }
        if (functionType == FunctionType.Json && jsonMode is null && rule != JsonModeRule.Optional)
        {
            section.Error("json_mode", "is required, since the parent function is a JSON function");
        }
        if (functionType == FunctionType.Chat && jsonMode is not null && rule == JsonModeRule.Variant)
        {
            section.Error("json_mode", "is not supported here, since the parent function is a chat function");
        }
        var weight = section.Number("weight");
        if (weight < 0)
        {
            section.Error("weight", "must not be negative");
        }
        return new VariantConfig(
            name,
            type,
            model,
            weight,
            CommonSettingsReader.Params(section),
            jsonMode,
            CommonSettingsReader.Retries(section.Section("retries")),
            CommonSettingsReader.Timeouts(section.Section("timeouts")),
            CommonSettingsReader.ExtraBody(section),
            CommonSettingsReader.ExtraHeaders(section))
        {
            Templates = TemplatesReader.Read(section),
        };
    }
}

/// <summary>Where a chat-completion table's <c>json_mode</c> is required or refused.</summary>
internal enum JsonModeRule
{
    /// <summary>A variant: required in a JSON function, refused in a chat function.</summary>
    Variant,

    /// <summary>A fuser: required in a JSON function (it writes the function's answer), allowed in a chat function.</summary>
    Fuser,

    /// <summary>An evaluator: always answers JSON; <c>strict</c> when unset.</summary>
    Optional,
}
