using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference;

public sealed class OutputValidatorTests
{
    private static readonly JsonSchemaDocument LocationSchema = JsonSchemaDocument.Parse(JsonNode.Parse("""
        {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"], "additionalProperties": false}
        """)!.AsObject());

    private static readonly ResponseSchemas Schemas = new(
        new Dictionary<string, JsonSchemaDocument> { ["get_weather"] = LocationSchema }, LocationSchema, JsonMode.Strict);

    [Fact]
    public void ToolCall_KnownToolWithValidArguments_KeepsNameAndArguments()
    {
        var result = OutputValidator.ToolCall(new ToolCallBlock("1", "get_weather", """{"location":"Tokyo"}"""), Schemas);

        Assert.Equal("get_weather", result.Name);
        Assert.Equal("Tokyo", result.Arguments!.Value.GetProperty("location").GetString());
    }

    [Theory]
    [InlineData("""{"city":"Tokyo"}""")]
    [InlineData("not json")]
    public void ToolCall_ArgumentsFailingTheSchema_KeepsNameButNoArguments(string arguments)
    {
        var result = OutputValidator.ToolCall(new ToolCallBlock("1", "get_weather", arguments), Schemas);

        Assert.Equal("get_weather", result.Name);
        Assert.Null(result.Arguments);
    }

    [Fact]
    public void ToolCall_UnknownTool_HasNeitherNameNorArguments()
    {
        var result = OutputValidator.ToolCall(new ToolCallBlock("1", "delete_everything", """{"location":"Tokyo"}"""), Schemas);

        Assert.Null(result.Name);
        Assert.Null(result.Arguments);
    }

    [Fact]
    public void JsonOutput_TextPassingTheSchema_IsParsed()
    {
        var result = OutputValidator.JsonOutput([new TextBlock("""{"location":"Paris"}""")], Schemas);

        Assert.Equal("""{"location":"Paris"}""", result.Raw);
        Assert.Equal("Paris", result.Parsed!.Value.GetProperty("location").GetString());
    }

    [Fact]
    public void JsonOutput_TextFailingTheSchema_KeepsRawOnly()
    {
        var result = OutputValidator.JsonOutput([new TextBlock("""{"location":3}""")], Schemas);

        Assert.Equal("""{"location":3}""", result.Raw);
        Assert.Null(result.Parsed);
    }

    [Fact]
    public void JsonOutput_NoTextOrToolCall_HasNoRaw()
    {
        var result = OutputValidator.JsonOutput([new ThoughtBlock("hmm")], Schemas);

        Assert.Null(result.Raw);
        Assert.Null(result.Parsed);
    }
}
