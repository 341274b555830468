using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>Chat-completions request bodies, shaped for one <see cref="OpenAIFlavour"/>.</summary>
public static class OpenAIWire
{
    public const string JsonInstruction = "Respond using JSON.";

    /// <summary>The JSON-mode tool offered when a function asks for its output through a tool call (<c>json_mode = "tool"</c>).</summary>
    public const string RespondToolName = RespondTool.Name;

    /// <summary>Builds the body; <paramref name="model"/> is ignored by flavours that send a fixed model or none.</summary>
    public static JsonObject BuildRequest(OpenAIFlavour flavour, string? model, ModelRequest request, bool stream, string displayName)
    {
        var body = new JsonObject();
        if (flavour.FixedModel is { } fixedModel)
        {
            body["model"] = stream ? fixedModel.Stream : fixedModel.Plain;
        }
        else if (flavour.SendsModel)
        {
            body["model"] = model;
        }
        body["messages"] = BuildMessages(flavour, request, displayName);
        var p = request.Params;
        AddIfSet(body, "temperature", p.Temperature);
        AddIfSet(body, "top_p", p.TopP);
        AddIfSet(body, "presence_penalty", p.PresencePenalty);
        AddIfSet(body, "frequency_penalty", p.FrequencyPenalty);
        if (p.MaxTokens is { } maxTokens)
        {
            body[flavour.MaxTokensField] = maxTokens;
        }
        if (p.Seed is { } seed && flavour.SeedField is { } seedField)
        {
            body[seedField] = seed;
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            body["stop"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        AddReasoningSettings(body, flavour, p);
        body["stream"] = stream;
        if (stream && flavour.SendsStreamUsage)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        AddJsonMode(body, flavour, model, request, displayName);
        if (flavour.SendsTools)
        {
            AddTools(body, flavour, request);
        }
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    public static JsonArray BuildMessages(OpenAIFlavour flavour, ModelRequest request, string displayName)
    {
        var messages = new JsonArray();
        var system = request.System;
        if (request.JsonMode == JsonMode.On && flavour.JsonInstruction != OpenAIJsonInstruction.Never &&
            (system is null && flavour.JsonInstruction == OpenAIJsonInstruction.UnlessMentioned || !MentionsJson(request)))
        {
            system = system is null ? JsonInstruction : $"{JsonInstruction}\n\n{system}";
        }
        if (system is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
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
                        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.Id, ["content"] = result.Result });
                    }
                }
                var parts = ContentOf(message.Content);
                if (parts.Count > 0)
                {
                    messages.Add(new JsonObject { ["role"] = "user", ["content"] = OpenAIContentParts.User(parts, flavour.UserContentAlwaysArray, displayName, flavour.ContentTypeOverrides) });
                }
                continue;
            }
            var content = ContentOf(message.Content);
            // Walked once, as the user turn's tool results are; a list only when there are calls.
            List<ToolCallBlock>? calls = null;
            for (var b = 0; b < message.Content.Count; b++)
            {
                if (message.Content[b] is ToolCallBlock call)
                {
                    (calls ??= []).Add(call);
                }
            }
            if (content.Count == 0 && calls is null)
            {
                continue;
            }
            var assistant = new JsonObject { ["role"] = "assistant", ["content"] = content.Count == 0 ? null : OpenAIContentParts.Assistant(content, displayName) };
            if (calls is not null)
            {
                assistant["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode?)new JsonObject
                {
                    ["id"] = c.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
                }).ToArray());
            }
            messages.Add(assistant);
        }
        return messages;
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

    // `json_mode = "tool"` is no JSON mode on the wire (the respond tool carries it), as `off` is not.
    private static void AddJsonMode(JsonObject body, OpenAIFlavour flavour, string? model, ModelRequest request, string displayName)
    {
        if (request.JsonMode is not (JsonMode.On or JsonMode.Strict))
        {
            if (flavour.Json == OpenAIJsonWire.JsonObjectOrSchemaElseText)
            {
                body["response_format"] = new JsonObject { ["type"] = "text" };
            }
            return;
        }
        var schema = request.OutputSchema;
        var gpt35 = flavour.Json == OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 && model?.Contains("3.5", StringComparison.Ordinal) == true;
        switch (flavour.Json)
        {
            case OpenAIJsonWire.JsonObjectOrSchema or OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 or OpenAIJsonWire.JsonObjectOrSchemaElseText
                when request.JsonMode == JsonMode.Strict && schema is not null && !gpt35:
                body["response_format"] = JsonSchemaFormat(schema);
                break;
            case OpenAIJsonWire.JsonObjectOrSchema or OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 or OpenAIJsonWire.JsonObjectOrSchemaElseText
                or OpenAIJsonWire.JsonObjectOnly:
                body["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case OpenAIJsonWire.JsonObjectWithSchema:
                var format = new JsonObject { ["type"] = "json_object" };
                if (schema is not null)
                {
                    format["schema"] = schema.DeepClone();
                }
                body["response_format"] = format;
                break;
            case OpenAIJsonWire.GuidedJson when schema is not null:
                body["guided_json"] = schema.DeepClone();
                break;
            case OpenAIJsonWire.SchemaRequired:
                body["response_format"] = JsonSchemaFormat(schema ?? throw GatewayError.InvalidRequest(
                    $"{displayName} needs an output schema for JSON mode; give the function an `output_schema` or use `json_mode = \"off\"`"));
                break;
        }
    }

    private static JsonObject JsonSchemaFormat(JsonObject schema) => new()
    {
        ["type"] = "json_schema",
        ["json_schema"] = new JsonObject { ["name"] = "response", ["strict"] = true, ["schema"] = schema.DeepClone() },
    };

    private static void AddTools(JsonObject body, OpenAIFlavour flavour, ModelRequest request)
    {
        var tools = request.Tools ?? [];
        var choice = request.ToolChoice;
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            tools = [.. tools, RespondTool.For(request.OutputSchema)];
            choice = new ToolChoice(ToolChoiceMode.Specific, RespondToolName);
        }
        var customTools = request.CustomTools ?? [];
        if ((tools.Count == 0 && customTools.Count == 0) || (flavour.OmitsToolsWhenChoiceNone && choice?.Mode == ToolChoiceMode.None))
        {
            return;
        }
        body["tools"] = new JsonArray(tools.Select(t =>
        {
            var tool = new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = t.Name,
                    ["description"] = t.Description,
                    ["parameters"] = t.Parameters.DeepClone(),
                },
            };
            if (flavour.SendsToolStrict)
            {
                tool["strict"] = t.Strict;
            }
            return (JsonNode?)tool;
        }).Concat(customTools.Select(t => (JsonNode?)CustomToolWire.ChatTool(t))).ToArray());
        if (choice is not null)
        {
            body["tool_choice"] = choice.Mode switch
            {
                ToolChoiceMode.None => "none",
                ToolChoiceMode.Required => flavour.RequiredToolChoice,
                ToolChoiceMode.Specific when CustomToolWire.IsCustom(request, choice.ToolName) => new JsonObject
                {
                    ["type"] = "custom",
                    ["custom"] = new JsonObject { ["name"] = choice.ToolName },
                },
                ToolChoiceMode.Specific => new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = choice.ToolName },
                },
                _ => "auto",
            };
        }
        if (request.ParallelToolCalls is { } parallel && flavour.SendsParallelToolCalls)
        {
            body["parallel_tool_calls"] = parallel;
        }
    }

    // `reasoning_effort`, `service_tier` and `verbosity` where the flavour's server takes them; elsewhere they are
    // dropped, as TensorZero drops them (with a warning) for servers without the setting.
    private static void AddReasoningSettings(JsonObject body, OpenAIFlavour flavour, InferenceParams p)
    {
        if (p.ReasoningEffort is { } effort)
        {
            switch (flavour.Reasoning)
            {
                case OpenAIReasoningWire.ReasoningEffort:
                    body["reasoning_effort"] = effort;
                    break;
                case OpenAIReasoningWire.ReasoningObject:
                    body["reasoning"] = new JsonObject { ["effort"] = effort };
                    break;
            }
        }
        else if (p.ThinkingBudgetTokens is not null && flavour.Reasoning == OpenAIReasoningWire.ReasoningObject)
        {
            // OpenRouter: a thinking budget turns reasoning on at the server's default effort, as TensorZero sends it.
            body["reasoning"] = new JsonObject();
        }
        if (p.ServiceTier is { } tier && flavour.ServiceTiers?.Contains(tier) == true)
        {
            body["service_tier"] = tier;
        }
        if (p.Verbosity is { } verbosity && flavour.SendsVerbosity)
        {
            body["verbosity"] = verbosity;
        }
    }

    private static bool MentionsJson(ModelRequest request) =>
        (request.System?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false) ||
        request.Messages.SelectMany(m => m.Content).OfType<TextBlock>().Any(t => t.Text.Contains("json", StringComparison.OrdinalIgnoreCase));

    private static void AddIfSet(JsonObject body, string name, double? value)
    {
        if (value is { } number)
        {
            body[name] = number;
        }
    }
}
