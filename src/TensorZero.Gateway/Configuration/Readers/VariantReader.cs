namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[functions.F.variants.V]</c>: <c>chat_completion</c> variants in full; the experimental types keep only their type
/// and weight, so TensorZero configs load.
/// </summary>
internal sealed class VariantReader(ConfigReferences references)
{
    private static readonly string[] ChatCompletionKeys =
    [
        "type", "model", "weight", "temperature", "max_tokens", "top_p", "seed", "presence_penalty", "frequency_penalty",
        "stop_sequences", "json_mode", "retries", "timeouts", "extra_body", "extra_headers", "system_template", "user_template",
        "assistant_template", "templates", "reasoning_effort", "thinking_budget_tokens", "service_tier", "verbosity", "namespace",
        "input_wrappers", "system_instructions",
    ];

    private static readonly string[] OtherVariantTypes =
    [
        "experimental_best_of_n_sampling", "experimental_mixture_of_n", "experimental_dynamic_in_context_learning",
        "experimental_chain_of_thought",
    ];

    private static readonly string[] JsonModes = ["off", "on", "strict", "tool", "implicit_tool"];

    public VariantConfig? Read(string name, TomlSection section, FunctionType? functionType)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        if (OtherVariantTypes.Contains(type))
        {
            // Parsed so TensorZero configs load; an inference that samples it gets a clear "not supported" error.
            return new VariantConfig(name, type, null, section.Number("weight"), InferenceParams.Empty, null, RetryConfig.None, null, [], []);
        }
        if (type != "chat_completion")
        {
            section.Error("type", $"unknown variant type `{type}` (valid: chat_completion, {string.Join(", ", OtherVariantTypes)})");
            return null;
        }
        section.RejectUnknown(ChatCompletionKeys);
        section.WarnIgnored("thinking_budget_tokens", "namespace", "input_wrappers", "system_instructions");

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
        if (functionType == FunctionType.Json && jsonMode is null)
        {
            section.Error("json_mode", "is required, since the parent function is a JSON function");
        }
        if (functionType == FunctionType.Chat && jsonMode is not null)
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
