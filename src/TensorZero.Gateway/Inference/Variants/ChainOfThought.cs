using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// <c>experimental_chain_of_thought</c> (JSON functions), as TensorZero runs it: the variant's model is asked for
/// <c>{"thinking": "...", "response": &lt;the function's output&gt;}</c>; the answer is the <c>response</c>, and the
/// thinking becomes a thought block before it. An answer that doesn't match that shape is passed on unchanged. A stream
/// sends the answer whole once the model has given it (TensorZero itself refuses to stream this type).
/// </summary>
internal sealed class ChainOfThought(JsonSchemaDocument configuredOutputSchema, TimeProvider time) : IVariantStrategy
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Built once for the function's own output schema; a request's `output_schema` gets its own per request.
    private readonly JsonSchemaDocument _configuredThinkingSchema = ThinkingSchema(configuredOutputSchema);

    public Task<ModelResult> InferAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.NonStreamingAsync(variant, time, token => ThinkAsync(variant, call, token), cancellationToken);

    public Task<ModelStreamRun> StreamAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.StreamingAsync(variant, time, async token =>
        {
            var answer = await ThinkAsync(variant, call, token).ConfigureAwait(false);
            return WholeAnswerStream.Start(answer, FunctionType.Json, call.Tools.Schemas(JsonMode.Off));
        }, cancellationToken);

    /// <summary>The schema the model answers to: the thinking, and the function's output as <c>response</c>.</summary>
    public static JsonSchemaDocument ThinkingSchema(JsonSchemaDocument outputSchema) => JsonSchemaDocument.Parse(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["thinking"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "A detailed description of the thought process used to arrive at the final answer.",
            },
            ["response"] = outputSchema.Node.DeepClone(),
        },
        ["required"] = new JsonArray("thinking", "response"),
        ["additionalProperties"] = false,
    });

    private async Task<ModelResult> ThinkAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken)
    {
        var outputSchema = call.Tools.OutputSchema ?? JsonSchemaDocument.Any;
        var thinkingSchema = ReferenceEquals(outputSchema, configuredOutputSchema) ? _configuredThinkingSchema : ThinkingSchema(outputSchema);
        var (model, prepared) = call.Prepare(variant, call.Request);
        var result = await ModelCalls.InferAsync(variant, model, prepared with { OutputSchema = thinkingSchema.Node }, call.Request.Credentials, cancellationToken)
            .ConfigureAwait(false);
        return Unwrap(result, thinkingSchema);
    }

    /// <summary>
    /// The model's answer with its JSON block (the first text, else the first tool call) replaced by the thinking as a
    /// thought and the <c>response</c> as compact JSON text; unchanged when the answer doesn't pass the thinking schema.
    /// </summary>
    public static ModelResult Unwrap(ModelResult result, JsonSchemaDocument thinkingSchema)
    {
        var content = result.Response.Content;
        var output = OutputValidator.JsonOutput(content, new ResponseSchemas(new Dictionary<string, JsonSchemaDocument>(), thinkingSchema, JsonMode.Off));
        if (output.Parsed is not { ValueKind: JsonValueKind.Object } parsed
            || !parsed.TryGetProperty("thinking"u8, out var thinking) || thinking.ValueKind != JsonValueKind.String
            || !parsed.TryGetProperty("response"u8, out var response))
        {
            return result;
        }
        var jsonBlock = content.OfType<TextBlock>().Cast<ContentBlock>().FirstOrDefault() ?? content.OfType<ToolCallBlock>().First();
        var unwrapped = new List<ContentBlock>(content.Count + 1);
        foreach (var block in content)
        {
            if (ReferenceEquals(block, jsonBlock))
            {
                unwrapped.Add(new ThoughtBlock(thinking.GetString()));
                unwrapped.Add(new TextBlock(CompactJson(response)));
            }
            else
            {
                unwrapped.Add(block);
            }
        }
        return result with { Response = result.Response with { Content = unwrapped } };
    }

    private static string CompactJson(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            value.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
