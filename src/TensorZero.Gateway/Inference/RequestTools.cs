using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// The tools and output schema of one request: the function's configured tools narrowed by <c>allowed_tools</c>, plus
/// <c>additional_tools</c> (OpenAI custom tools among them), with the tool choice and the schemas used to validate the answer.
/// </summary>
public sealed class RequestTools
{
    // Shared by every request that offers no tool (most of them); the schemas are only ever read.
    private static readonly IReadOnlyDictionary<string, JsonSchemaDocument> NoSchemas =
        System.Collections.Frozen.FrozenDictionary<string, JsonSchemaDocument>.Empty;

    private readonly IReadOnlyDictionary<string, JsonSchemaDocument> _schemasByName;

    private RequestTools(
        IReadOnlyList<ToolDefinition> definitions,
        IReadOnlyDictionary<string, JsonSchemaDocument> schemasByName,
        ToolChoice? toolChoice,
        bool? parallelToolCalls,
        JsonSchemaDocument? outputSchema,
        IReadOnlyList<CustomToolDefinition>? customTools = null)
    {
        Definitions = definitions;
        CustomTools = customTools ?? [];
        _schemasByName = schemasByName;
        ToolChoice = toolChoice;
        ParallelToolCalls = parallelToolCalls;
        OutputSchema = outputSchema;
    }

    public IReadOnlyList<ToolDefinition> Definitions { get; }

    /// <summary>The request's OpenAI custom tools; only providers that support them receive the request.</summary>
    public IReadOnlyList<CustomToolDefinition> CustomTools { get; }

    public ToolChoice? ToolChoice { get; }

    public bool? ParallelToolCalls { get; }

    public JsonSchemaDocument? OutputSchema { get; }

    public ResponseSchemas Schemas(JsonMode jsonMode) => new(_schemasByName, OutputSchema, jsonMode)
    {
        CustomTools = CustomTools.Count == 0 ? System.Collections.Frozen.FrozenSet<string>.Empty : CustomTools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal),
        ToolChoice = ToolChoice,
        ParallelToolCalls = ParallelToolCalls,
    };

    public static RequestTools Build(GatewayConfig config, FunctionConfig function, InferenceRequest request)
    {
        if (function.Type == FunctionType.Json)
        {
            RejectForJson(request.AllowedTools is not null, "allowed_tools");
            RejectForJson(request.AdditionalTools is not null || request.CustomTools is not null, "additional_tools");
            RejectForJson(request.ToolChoice is not null, "tool_choice");
            RejectForJson(request.ParallelToolCalls is not null, "parallel_tool_calls");
            return new RequestTools([], NoSchemas, null, null, request.OutputSchema ?? function.OutputSchema ?? JsonSchemaDocument.Any);
        }
        if (request.JsonMode == JsonMode.Tool)
        {
            // The output schema becomes the one tool offered, so nothing else may shape the tool call (TensorZero's checks and texts).
            return JsonToolOnly(function, request);
        }
        if (request.AllowedTools is null && function.Tools is not { Count: > 0 } && request.AdditionalTools is null && request.CustomTools is null)
        {
            return NoTools(function, request);
        }
        return Offered(config, function, request);
    }

    // The common case: no tool is offered, so only a tool choice that names one can be wrong.
    private static RequestTools NoTools(FunctionConfig function, InferenceRequest request)
    {
        if ((request.ToolChoice ?? function.ToolChoice) is { Mode: ToolChoiceMode.Specific, ToolName: { } chosen })
        {
            throw NotOffered(chosen);
        }
        var parallel = request.ParallelToolCalls ?? function.ParallelToolCalls;
        if ((request.ResponseSchema ?? request.OutputSchema) is { } schema)
        {
            return new RequestTools([], NoSchemas, null, parallel, schema);
        }
        // Nothing of the request's own: one of three shared sets (they are never changed).
        return parallel switch
        {
            null => NoToolsUnset,
            true => NoToolsParallel,
            false => NoToolsSerial,
        };
    }

    private static readonly RequestTools NoToolsUnset = new([], NoSchemas, null, null, null);
    private static readonly RequestTools NoToolsParallel = new([], NoSchemas, null, true, null);
    private static readonly RequestTools NoToolsSerial = new([], NoSchemas, null, false, null);

    private static GatewayError NotOffered(string tool) => GatewayError.InvalidRequest($"`tool_choice`: tool `{tool}` is not offered in this request");

    private static RequestTools Offered(GatewayConfig config, FunctionConfig function, InferenceRequest request)
    {
        var keys = function.Tools ?? [];
        if (request.AllowedTools is { } allowed)
        {
            foreach (var key in allowed.Where(k => !config.Tools.ContainsKey(k)))
            {
                throw GatewayError.InvalidRequest($"`allowed_tools`: unknown tool `{key}`");
            }
            keys = allowed;
        }
        var definitions = new List<ToolDefinition>();
        var schemas = new Dictionary<string, JsonSchemaDocument>(StringComparer.Ordinal);
        foreach (var tool in keys.Select(k => config.Tools[k]))
        {
            Add(new ToolDefinition(tool.Name, tool.Description, tool.Parameters.Node, tool.Strict), tool.Parameters);
        }
        foreach (var tool in request.AdditionalTools ?? [])
        {
            JsonSchemaDocument schema;
            try
            {
                schema = JsonSchemaDocument.Parse(tool.Parameters);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException)
            {
                throw GatewayError.InvalidRequest($"`additional_tools`: the parameters of `{tool.Name}` are not a valid JSON Schema");
            }
            Add(tool, schema);
        }
        var customTools = request.CustomTools ?? [];
        var customNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in customTools)
        {
            if (schemas.ContainsKey(tool.Name) || !customNames.Add(tool.Name))
            {
                throw GatewayError.InvalidRequest($"Duplicate tool name: {tool.Name}");
            }
        }

        var choice = request.ToolChoice ?? function.ToolChoice;
        if (choice is { Mode: ToolChoiceMode.Specific, ToolName: { } chosen })
        {
            // A configured tool may be named by its table key; the model knows it by its `name`.
            if (keys.Contains(chosen) && config.Tools.TryGetValue(chosen, out var configured))
            {
                choice = choice with { ToolName = configured.Name };
            }
            else if (!schemas.ContainsKey(chosen) && !customNames.Contains(chosen))
            {
                throw NotOffered(chosen);
            }
        }
        var anyTools = definitions.Count > 0 || customTools.Count > 0;
        return new RequestTools(definitions, schemas, anyTools ? choice : null, request.ParallelToolCalls ?? function.ParallelToolCalls,
            request.ResponseSchema ?? request.OutputSchema, customTools);

        void Add(ToolDefinition definition, JsonSchemaDocument schema)
        {
            if (!schemas.TryAdd(definition.Name, schema))
            {
                throw GatewayError.InvalidRequest($"Duplicate tool name: {definition.Name}");
            }
            definitions.Add(definition);
        }
    }

    // A chat function asked for `json_mode = "tool"`: its answer is the arguments of a call to the output schema's tool.
    private static RequestTools JsonToolOnly(FunctionConfig function, InferenceRequest request)
    {
        if (function.Tools is { Count: > 0 })
        {
            throw GatewayError.InvalidRequest("JSON mode `tool` is not supported with other tools configured.");
        }
        if (function.ToolChoice is { Mode: not ToolChoiceMode.Auto })
        {
            throw GatewayError.InvalidRequest("JSON mode `tool` is not supported with `tool_choice` configured in the function.");
        }
        if (function.ParallelToolCalls is not null)
        {
            throw GatewayError.InvalidRequest("JSON mode `tool` is not supported with `parallel_tool_calls` configured in the function.");
        }
        var schema = request.ResponseSchema ?? request.OutputSchema
            ?? throw GatewayError.InvalidRequest("JSON mode `tool` requires `output_schema`.");
        RejectForJsonTool(request.AllowedTools is not null, "allowed_tools");
        RejectForJsonTool(request.AdditionalTools is not null || request.CustomTools is not null, "additional_tools");
        RejectForJsonTool(request.ParallelToolCalls is not null, "parallel_tool_calls");
        RejectForJsonTool(request.ToolChoice is not null, "tool_choice");
        return new RequestTools([], NoSchemas, null, null, schema);
    }

    private static void RejectForJsonTool(bool present, string field)
    {
        if (present)
        {
            throw GatewayError.InvalidRequest($"Cannot pass `{field}` when using JSON mode `tool`.");
        }
    }

    private static void RejectForJson(bool present, string field)
    {
        if (present)
        {
            throw GatewayError.InvalidRequest($"Cannot pass `{field}` to a JSON function.");
        }
    }
}
