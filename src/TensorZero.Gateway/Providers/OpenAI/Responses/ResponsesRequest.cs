using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI.Responses;

/// <summary>What a provider of <c>api_type = "responses"</c> adds to every request.</summary>
/// <param name="Model">The <c>model_name</c>.</param>
/// <param name="IncludeEncryptedReasoning">Asks for <c>include: ["reasoning.encrypted_content"]</c>, so reasoning can be sent back on the next turn.</param>
/// <param name="ProviderTools">OpenAI's server-side tools from the config (<c>{ type = "web_search" }</c>), sent as written after the request's tools.</param>
/// <param name="ContentTypeOverrides"><c>content_type_overrides</c>: the part kind inline files of a MIME type are sent as.</param>
public sealed record ResponsesOptions(
    string Model,
    bool IncludeEncryptedReasoning = false,
    JsonArray? ProviderTools = null,
    IReadOnlyDictionary<string, string>? ContentTypeOverrides = null);

/// <summary>
/// <c>POST /v1/responses</c> bodies, as TensorZero builds them: the conversation as <c>input</c> items
/// (<see cref="ResponsesInput"/>), function and custom tools, <c>tool_choice</c>, JSON mode as <c>text.format</c>, and
/// the reasoning settings.
/// </summary>
public static class ResponsesRequest
{
    /// <summary>The <c>text.format</c> name of a strict JSON schema.</summary>
    public const string SchemaName = "response_schema";

    public static JsonObject Build(ResponsesOptions options, ModelRequest request, bool stream, string displayName)
    {
        var p = request.Params;
        var (tools, choice) = Tools(options, request);
        var body = new JsonObject
        {
            ["model"] = options.Model,
            ["input"] = ResponsesInput.Build(request, displayName, options.ContentTypeOverrides),
            ["text"] = TextConfig(request, p),
            ["tools"] = tools,
        };
        if (request.Tools is not null || request.CustomTools is not null || request.JsonMode == JsonMode.Tool)
        {
            var parallel = request.ParallelToolCalls;
            // o1 models reject `parallel_tool_calls: false`; TensorZero leaves it out for them.
            if (parallel == false && options.Model.StartsWith("o1", StringComparison.OrdinalIgnoreCase))
            {
                parallel = null;
            }
            if (parallel is { } value)
            {
                body["parallel_tool_calls"] = value;
            }
            if (choice is not null)
            {
                body["tool_choice"] = choice;
            }
        }
        AddIfSet(body, "temperature", p.Temperature);
        if (p.MaxTokens is { } maxTokens)
        {
            body["max_output_tokens"] = maxTokens;
        }
        if (p.Seed is { } seed)
        {
            body["seed"] = seed;
        }
        AddIfSet(body, "top_p", p.TopP);
        AddIfSet(body, "presence_penalty", p.PresencePenalty);
        AddIfSet(body, "frequency_penalty", p.FrequencyPenalty);
        if (options.IncludeEncryptedReasoning)
        {
            body["include"] = new JsonArray("reasoning.encrypted_content");
        }
        if (p.ReasoningEffort is { } effort)
        {
            body["reasoning"] = new JsonObject { ["effort"] = effort };
        }
        if (p.ServiceTier is { } tier)
        {
            body["service_tier"] = tier;
        }
        body["stream"] = stream;
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    // JSON mode: `on` is a JSON object, `strict` the output schema (a JSON object without one), `off` and `tool` text.
    private static JsonObject TextConfig(ModelRequest request, InferenceParams p)
    {
        JsonObject format = request.JsonMode switch
        {
            JsonMode.On => new JsonObject { ["type"] = "json_object" },
            JsonMode.Strict when request.OutputSchema is { } schema => new JsonObject
            {
                ["type"] = "json_schema",
                ["name"] = SchemaName,
                ["schema"] = schema.DeepClone(),
                ["strict"] = true,
            },
            JsonMode.Strict => new JsonObject { ["type"] = "json_object" },
            _ => new JsonObject { ["type"] = "text" },
        };
        var text = new JsonObject { ["format"] = format };
        if (p.Verbosity is { } verbosity)
        {
            text["verbosity"] = verbosity;
        }
        return text;
    }

    // Function tools, then custom tools, then the config's provider tools, then the request's. `json_mode = "tool"` offers the `respond`
    // tool and makes it the choice, as on Chat Completions.
    private static (JsonArray Tools, JsonNode? Choice) Tools(ResponsesOptions options, ModelRequest request)
    {
        var functions = request.Tools ?? [];
        var choice = request.ToolChoice;
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            functions = [.. functions, RespondTool.For(request.OutputSchema)];
            choice = new ToolChoice(ToolChoiceMode.Specific, OpenAIWire.RespondToolName);
        }
        var tools = new JsonArray();
        foreach (var tool in functions)
        {
            tools.Add(new JsonObject
            {
                ["type"] = "function",
                ["name"] = tool.Name,
                ["description"] = tool.Description,
                ["parameters"] = tool.Parameters.DeepClone(),
                ["strict"] = tool.Strict,
            });
        }
        foreach (var tool in request.CustomTools ?? [])
        {
            tools.Add(CustomToolWire.ResponsesTool(tool));
        }
        foreach (var tool in options.ProviderTools ?? [])
        {
            tools.Add(tool?.DeepClone());
        }
        foreach (var tool in request.InferenceProviderTools)
        {
            tools.Add(tool.DeepClone());
        }
        return (tools, choice is null ? null : ToolChoiceNode(choice, request));
    }

    // A specific tool is an `allowed_tools` choice of that one tool in `required` mode, as TensorZero sends it.
    private static JsonNode ToolChoiceNode(ToolChoice choice, ModelRequest request) => choice.Mode switch
    {
        ToolChoiceMode.None => "none",
        ToolChoiceMode.Required => "required",
        ToolChoiceMode.Specific => new JsonObject
        {
            ["mode"] = "required",
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = CustomToolWire.IsCustom(request, choice.ToolName) ? "custom" : "function",
                ["name"] = choice.ToolName,
            }),
            ["type"] = "allowed_tools",
        },
        _ => "auto",
    };

    private static void AddIfSet(JsonObject body, string name, double? value)
    {
        if (value is { } number)
        {
            body[name] = number;
        }
    }
}
