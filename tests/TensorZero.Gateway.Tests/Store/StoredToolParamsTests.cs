using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

public sealed class StoredToolParamsTests
{
    private static string AsRead(string column)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            StoredToolParams.WriteAsRead(writer, column);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Theory]
    // Rows written before the column kept more than the tools' names: nothing is made up.
    [InlineData("""{"tools_available":["get_weather"]}""")]
    [InlineData(StoredToolParams.NoTools)]
    // Unreadable or odd columns add nothing either, and never fail the read.
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"allowed_tools":"a","dynamic_tools":{},"tool_choice":3,"parallel_tool_calls":"yes"}""")]
    public void WriteAsRead_NothingKept_AnswersEmptyProviderToolsOnly(string column) =>
        Assert.Equal("""{"provider_tools":[]}""", AsRead(column));

    [Fact]
    public void WriteAsRead_NoToolAdded_LeavesOutAdditionalTools() =>
        Assert.Equal("""{"tool_choice":"none","provider_tools":[]}""",
            AsRead("""{"tools_available":["a"],"dynamic_tools":[],"tool_choice":"none"}"""));
}
