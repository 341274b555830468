using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Inference.Variants;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// The pieces best-of-N, mixture-of-N and chain of thought are made of: TensorZero's prompts, reading the evaluator's
/// choice, a candidate's answer as the judge reads it, usage sums, unwrapping the thinking, and whole-answer streams.
/// </summary>
public sealed class JudgePartsTests
{
    private static ModelResult Answer(params ContentBlock[] content) =>
        new("m", "p", new ProviderResponse(content, new Usage(10, 1), FinishReason.Stop, "raw request", "raw response"));

    private static readonly ResponseSchemas NoTools = ResponseSchemas.None;

    [Fact]
    public void System_WithoutAnInnerSystemPrompt_IsTheGenericInstruction()
    {
        var system = JudgePrompts.BestOfN.System(null, 2);

        Assert.StartsWith(
            "You are an assistant tasked with re-ranking candidate answers to a problem.\nThe messages below are the conversation history",
            system,
            StringComparison.Ordinal);
        Assert.Contains("\"answer_choice\": int  // Range: 0 to 2\n}", system, StringComparison.Ordinal);
    }

    [Fact]
    public void System_MixtureOfNWithoutAnInnerSystemPrompt_NamesTheLatestQuery()
    {
        Assert.StartsWith(
            "You have been provided with a set of responses from various models to the latest user\nquery.\nYour task is to synthesize",
            JudgePrompts.MixtureOfN.System(null, 0),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"thinking": "x", "answer_choice": 2}""", 2UL, null)]
    [InlineData("""{"answer_choice": 0}""", 0UL, null)]
    [InlineData("""{"thinking": "x"}""", null, "The evaluator returned a JSON response without an answer_choice field")]
    [InlineData("""[0]""", null, "The evaluator returned a JSON response without an answer_choice field")]
    [InlineData("""{"answer_choice": -1}""", null, "The evaluator did not return a valid integer answer choice")]
    [InlineData("""{"answer_choice": 1.5}""", null, "The evaluator did not return a valid integer answer choice")]
    [InlineData("""{"answer_choice": "1"}""", null, "The evaluator did not return a valid integer answer choice")]
    [InlineData("""answer 1""", null, "The evaluator did not return a valid JSON response")]
    public void AnswerChoice_ReadsANonNegativeInteger(string text, ulong? choice, string? problem)
    {
        Assert.Equal((choice, problem), BestOfNSampling.AnswerChoice([new TextBlock(text)]));
    }

    [Fact]
    public void AnswerChoice_ToolCallArgumentsCountAndThoughtsAreSkipped()
    {
        Assert.Equal((1UL, (string?)null), BestOfNSampling.AnswerChoice([new ThoughtBlock("hmm"), new ToolCallBlock("c", "respond", """{"answer_choice": 1}""")]));
        Assert.Equal(((ulong?)null, "The evaluator did not return a text response"), BestOfNSampling.AnswerChoice([new ThoughtBlock("hmm")]));
    }

    [Fact]
    public void Sum_AnUnreportedCount_MakesTheTotalUnknown()
    {
        Assert.Equal(new Usage(30, 5), UsageTotals.Sum([new Usage(10, 1), new Usage(20, 4)]));
        Assert.Equal(new Usage(30, null), UsageTotals.Sum([new Usage(10, 1), new Usage(20, null)]));
    }

    [Fact]
    public void CandidateText_ChatAnswer_IsItsBlocksAsTheResponseShowsThem()
    {
        var schemas = new ResponseSchemas(
            new Dictionary<string, JsonSchemaDocument> { ["get_weather"] = JsonSchemaDocument.Parse(new JsonObject { ["type"] = "object" }) },
            null,
            JsonMode.Off);

        var text = CandidateText.For(
            Answer(new ThoughtBlock("hmm"), new TextBlock("Sunny"), new ToolCallBlock("c1", "get_weather", """{"city":"Oslo"}"""), new ToolCallBlock("c2", "nope", "{}")),
            FunctionType.Chat,
            schemas);

        Assert.Equal(
            """[{"type":"thought","text":"hmm"},{"type":"text","text":"Sunny"},""" +
            """{"type":"tool_call","id":"c1","raw_name":"get_weather","raw_arguments":"{\"city\":\"Oslo\"}","name":"get_weather","arguments":{"city":"Oslo"}},""" +
            """{"type":"tool_call","id":"c2","raw_name":"nope","raw_arguments":"{}","name":null,"arguments":null}]""",
            text);
    }

    [Fact]
    public void CandidateText_JsonAnswer_IsItsRawOutputOnlyWhenItParses()
    {
        var schemas = new ResponseSchemas(new Dictionary<string, JsonSchemaDocument>(), JsonSchemaDocument.Any, JsonMode.Off);

        Assert.Equal("""{"a": 1}""", CandidateText.For(Answer(new TextBlock("""{"a": 1}""")), FunctionType.Json, schemas));
        Assert.Null(CandidateText.For(Answer(new TextBlock("not json")), FunctionType.Json, schemas));
    }

    [Fact]
    public void Unwrap_ThinkingAndResponse_BecomeAThoughtAndCompactJson()
    {
        var thinking = ChainOfThought.ThinkingSchema(JsonSchemaDocument.Any);

        var result = ChainOfThought.Unwrap(Answer(new TextBlock("""{"thinking": "step", "response": { "answer": [1, 2] }}""")), thinking);

        Assert.Equal(new ContentBlock[] { new ThoughtBlock("step"), new TextBlock("""{"answer":[1,2]}""") }, result.Response.Content);
        Assert.Equal("raw response", result.OriginalResponse);
    }

    [Fact]
    public void Unwrap_ToolCallAnswer_IsUnwrappedInItsPlace()
    {
        var thinking = ChainOfThought.ThinkingSchema(JsonSchemaDocument.Any);

        var result = ChainOfThought.Unwrap(Answer(new ToolCallBlock("c", "respond", """{"thinking":"t","response":"ok"}""")), thinking);

        Assert.Equal(new ContentBlock[] { new ThoughtBlock("t"), new TextBlock("\"ok\"") }, result.Response.Content);
    }

    [Theory]
    [InlineData("""{"response": {"answer": "x"}}""")]
    [InlineData("""{"thinking": 3, "response": 1}""")]
    [InlineData("not json")]
    public void Unwrap_AnswerWithoutTheThinkingShape_IsPassedOnUnchanged(string text)
    {
        var answer = Answer(new TextBlock(text));

        Assert.Same(answer, ChainOfThought.Unwrap(answer, ChainOfThought.ThinkingSchema(JsonSchemaDocument.Any)));
    }

    [Fact]
    public async Task WholeAnswerStream_ChatAnswer_IsOneContentChunkThenUsageAndFinish()
    {
        var answer = Answer(new ThoughtBlock("hmm", "sig"), new TextBlock("Hi"), new ToolCallBlock("call_1", "get_weather", "{}"));

        var chunks = new List<ProviderStreamChunk>();
        await using var run = WholeAnswerStream.Start(answer, FunctionType.Chat, NoTools);
        await foreach (var chunk in run.ReadAllAsync())
        {
            chunks.Add(chunk);
        }

        Assert.Equal(2, chunks.Count);
        Assert.Equal(
            new ContentDelta[] { new ThoughtDelta("0", "hmm", "sig"), new TextDelta("1", "Hi"), new ToolCallDelta("call_1", "get_weather", "{}") },
            chunks[0].Content);
        Assert.Null(chunks[0].Usage);
        Assert.Empty(chunks[1].Content);
        Assert.Equal(new Usage(10, 1), chunks[1].Usage);
        Assert.Equal(FinishReason.Stop, chunks[1].FinishReason);
    }
}
