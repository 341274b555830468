using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>Chat-completions request bodies, shaped for one <see cref="OpenAIFlavour"/>.</summary>
public static partial class OpenAIWire
{
    public const string JsonInstruction = "Respond using JSON.";

    /// <summary>The JSON-mode tool offered when a function asks for its output through a tool call (<c>json_mode = "tool"</c>).</summary>
    public const string RespondToolName = RespondTool.Name;

    // Deep enough for any schema a request or config may hold, plus the few levels the body wraps it in.
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// The exact body sent for <paramref name="request"/>: the flavour's fields, then in order the variant's
    /// <c>extra_body</c>, the provider's type-specific <paramref name="settingFields"/>, and the provider's and the
    /// request's <c>extra_body</c>. The flavour's fields go straight to text; only a body with something to merge in
    /// is read back into a tree. <paramref name="model"/> is ignored by flavours that send a fixed model or none.
    /// </summary>
    public static string Body(
        OpenAIFlavour flavour,
        ProviderConfig config,
        string? model,
        ModelRequest request,
        bool stream,
        string displayName,
        JsonObject? settingFields = null)
    {
        var text = JsonWriting.ToText(
            (flavour, model, request, stream, displayName),
            static (writer, s) => WriteRequest(writer, s.flavour, s.model, s.request, s.stream, s.displayName),
            relaxed: false);
        if (settingFields is not { Count: > 0 } && request.ExtraBody.Count == 0 && config.ExtraBody.Count == 0 &&
            request.InferenceExtraBody.Count == 0)
        {
            return text;
        }
        var body = JsonNode.Parse(text, documentOptions: ParseOptions)!.AsObject();
        JsonPointer.Apply(body, request.ExtraBody);
        foreach (var (name, value) in settingFields ?? [])
        {
            body[name] = value?.DeepClone();
        }
        ProviderExtras.Apply(body, request, config);
        return body.ToJsonString();
    }

    /// <summary>The flavour's fields of the body, without any <c>extra_body</c>.</summary>
    public static void WriteRequest(Utf8JsonWriter writer, OpenAIFlavour flavour, string? model, ModelRequest request, bool stream, string displayName)
    {
        writer.WriteStartObject();
        if (flavour.FixedModel is { } fixedModel)
        {
            writer.WriteString("model"u8, stream ? fixedModel.Stream : fixedModel.Plain);
        }
        else if (flavour.SendsModel)
        {
            JsonWriting.WriteText(writer, "model", model);
        }
        writer.WritePropertyName("messages"u8);
        WriteMessages(writer, flavour, request, displayName);
        var p = request.Params;
        WriteIfSet(writer, "temperature"u8, p.Temperature);
        WriteIfSet(writer, "top_p"u8, p.TopP);
        WriteIfSet(writer, "presence_penalty"u8, p.PresencePenalty);
        WriteIfSet(writer, "frequency_penalty"u8, p.FrequencyPenalty);
        if (p.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber(flavour.MaxTokensField, maxTokens);
        }
        if (p.Seed is { } seed && flavour.SeedField is { } seedField)
        {
            writer.WriteNumber(seedField, seed);
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stop"u8);
            for (var i = 0; i < stops.Count; i++)
            {
                JsonWriting.WriteTextValue(writer, stops[i]);
            }
            writer.WriteEndArray();
        }
        WriteReasoningSettings(writer, flavour, p);
        writer.WriteBoolean("stream"u8, stream);
        if (stream && flavour.SendsStreamUsage)
        {
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }
        WriteJsonMode(writer, flavour, model, request, displayName);
        if (flavour.SendsTools)
        {
            WriteTools(writer, flavour, request);
        }
        writer.WriteEndObject();
    }

    /// <summary>The <c>messages</c> array: the system prompt, then each turn (tool results as <c>tool</c> messages).</summary>
    public static void WriteMessages(Utf8JsonWriter writer, OpenAIFlavour flavour, ModelRequest request, string displayName)
    {
        writer.WriteStartArray();
        var system = request.System;
        if (request.JsonMode == JsonMode.On && flavour.JsonInstruction != OpenAIJsonInstruction.Never &&
            (system is null && flavour.JsonInstruction == OpenAIJsonInstruction.UnlessMentioned || !MentionsJson(request)))
        {
            system = system is null ? JsonInstruction : $"{JsonInstruction}\n\n{system}";
        }
        if (system is not null)
        {
            WriteMessage(writer, "system", system);
        }
        // Loops by index here: a foreach over these interfaces boxes an enumerator per message and per list.
        for (var m = 0; m < request.Messages.Count; m++)
        {
            var message = request.Messages[m];
            if (message.Role == Role.User)
            {
                // Tool results travel as separate `tool` messages, ahead of the rest of the user turn.
                for (var b = 0; b < message.Content.Count; b++)
                {
                    if (message.Content[b] is ToolResultBlock result)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("role"u8, "tool");
                        JsonWriting.WriteText(writer, "tool_call_id", result.Id);
                        JsonWriting.WriteText(writer, "content", result.Result);
                        writer.WriteEndObject();
                    }
                }
                var parts = ContentOf(message.Content);
                if (parts.Count > 0)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "user");
                    writer.WritePropertyName("content"u8);
                    OpenAIContentParts.WriteUser(writer, parts, flavour.UserContentAlwaysArray, displayName, flavour.ContentTypeOverrides);
                    writer.WriteEndObject();
                }
                continue;
            }
            WriteAssistant(writer, message.Content, displayName);
        }
        writer.WriteEndArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        JsonWriting.WriteText(writer, "content", content);
        writer.WriteEndObject();
    }

    // Content (null when there is only tool calls) and the turn's tool calls; a turn with neither is left out.
    private static void WriteAssistant(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> blocks, string displayName)
    {
        var content = ContentOf(blocks);
        var hasCalls = false;
        for (var b = 0; b < blocks.Count && !hasCalls; b++)
        {
            hasCalls = blocks[b] is ToolCallBlock;
        }
        if (content.Count == 0 && !hasCalls)
        {
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant");
        writer.WritePropertyName("content"u8);
        if (content.Count == 0)
        {
            writer.WriteNullValue();
        }
        else
        {
            OpenAIContentParts.WriteAssistant(writer, content, displayName);
        }
        if (hasCalls)
        {
            writer.WriteStartArray("tool_calls"u8);
            for (var b = 0; b < blocks.Count; b++)
            {
                if (blocks[b] is ToolCallBlock call)
                {
                    writer.WriteStartObject();
                    JsonWriting.WriteText(writer, "id", call.Id);
                    writer.WriteString("type"u8, "function");
                    writer.WriteStartObject("function"u8);
                    JsonWriting.WriteText(writer, "name", call.Name);
                    JsonWriting.WriteText(writer, "arguments", call.Arguments);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    // A message's content parts (no tool calls or results): most messages hold nothing else and are used as they are.
    private static IReadOnlyList<ContentBlock> ContentOf(IReadOnlyList<ContentBlock> blocks)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            if (!OpenAIContentParts.IsContent(blocks[i]))
            {
                return blocks.Where(OpenAIContentParts.IsContent).ToList();
            }
        }
        return blocks;
    }

    // `reasoning_effort`, `service_tier` and `verbosity` where the flavour's server takes them; elsewhere they are
    // dropped, as TensorZero drops them (with a warning) for servers without the setting.
    private static void WriteReasoningSettings(Utf8JsonWriter writer, OpenAIFlavour flavour, InferenceParams p)
    {
        if (p.ReasoningEffort is { } effort)
        {
            switch (flavour.Reasoning)
            {
                case OpenAIReasoningWire.ReasoningEffort:
                    writer.WriteString("reasoning_effort"u8, effort);
                    break;
                case OpenAIReasoningWire.ReasoningObject:
                    writer.WriteStartObject("reasoning"u8);
                    writer.WriteString("effort"u8, effort);
                    writer.WriteEndObject();
                    break;
            }
        }
        else if (p.ThinkingBudgetTokens is not null && flavour.Reasoning == OpenAIReasoningWire.ReasoningObject)
        {
            // OpenRouter: a thinking budget turns reasoning on at the server's default effort, as TensorZero sends it.
            writer.WriteStartObject("reasoning"u8);
            writer.WriteEndObject();
        }
        if (p.ServiceTier is { } tier && flavour.ServiceTiers?.Contains(tier) == true)
        {
            writer.WriteString("service_tier"u8, tier);
        }
        if (p.Verbosity is { } verbosity && flavour.SendsVerbosity)
        {
            writer.WriteString("verbosity"u8, verbosity);
        }
    }

    private static bool MentionsJson(ModelRequest request) =>
        (request.System?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false) ||
        request.Messages.SelectMany(m => m.Content).OfType<TextBlock>().Any(t => t.Text.Contains("json", StringComparison.OrdinalIgnoreCase));

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
