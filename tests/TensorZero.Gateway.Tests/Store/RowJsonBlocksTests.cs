using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// Stored input blocks that TensorZero's clients parse strictly: a file needs its <c>mime_type</c> and a
/// <c>storage_path</c>, an unknown block its <c>data</c>.
/// </summary>
public sealed class RowJsonBlocksTests
{
    private static JsonNode Block(ContentBlock block) =>
        JsonNode.Parse(RowJson.Messages([new RequestMessage(Role.User, [block])]))![0]!["content"]![0]!;

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void File_Inline_IsAStoredFileWithoutItsData()
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("%PDF-1.4 a small document"));
        var block = Block(FileBlock.FromBase64("application/pdf", data) with { Filename = "a.pdf", Detail = FileDetail.Low });

        Assert.Equal(
            $$"""{"type":"file","mime_type":"application/pdf","storage_path":{"kind":{"type":"disabled"},"path":"observability/files/{{Sha256Hex(data)}}.pdf"},"detail":"low","filename":"a.pdf"}""",
            block.ToJsonString());
    }

    [Fact]
    public void File_Url_KeepsItsSourceUrl_AndAnUnknownTypeIsOctetStream()
    {
        var url = new Uri("https://example.com/files/report?id=7");
        var block = Block(FileBlock.FromUrl(url, null));

        Assert.Equal(
            $$$"""{"type":"file","source_url":"https://example.com/files/report?id=7","mime_type":"application/octet-stream","storage_path":{"kind":{"type":"disabled"},"path":"observability/files/{{{Sha256Hex(url.ToString())}}}"}}""",
            block.ToJsonString());
    }

    [Fact]
    public void File_LongDataWithMultibyteText_HashesWhatASingleHashWould()
    {
        // Past the hasher's 1,024-character pieces, with a surrogate pair across a piece's end.
        var data = new string('a', 1023) + "😀" + new string('b', 5000) + "é";
        var path = StoredFile.Path(FileBlock.FromBase64("image/png", data));

        Assert.Equal($"observability/files/{Sha256Hex(data)}.png", path);
    }

    [Fact]
    public void Unknown_KeepsItsDataAndTarget()
    {
        Assert.Equal("""{"type":"unknown","data":{"x":[1,"y"]},"model_name":"m","provider_name":"p"}""",
            Block(new UnknownBlock(JsonNode.Parse("""{"x":[1,"y"]}"""), "m", "p")).ToJsonString());
        Assert.Equal("""{"type":"unknown","data":null}""", Block(new UnknownBlock(null)).ToJsonString());
    }

    [Fact]
    public void Thought_KeepsItsSignature()
    {
        Assert.Equal("""{"type":"thought","text":"hmm","signature":"sig-1"}""", Block(new ThoughtBlock("hmm", "sig-1")).ToJsonString());
        Assert.Equal("""{"type":"thought","text":"hmm"}""", Block(new ThoughtBlock("hmm")).ToJsonString());
    }

    [Fact]
    public void InputAsRead_LegacyFileAndUnknown_AreAnsweredInTheCurrentShape()
    {
        const string Legacy = """{"system":"s","messages":[{"role":"user","content":[{"type":"text","text":"a \"file\""},""" +
            """{"type":"file","mime_type":"image/png","url":"https://example.com/a.png"},{"type":"file","mime_type":"application/pdf","url":null},""" +
            """{"type":"unknown"}]}]}""";

        var text = RowJson.InputAsRead(Legacy);
        var read = JsonNode.Parse(text)!;

        var content = read["messages"]![0]!["content"]!;
        Assert.Equal("s", read["system"]!.GetValue<string>());
        Assert.Contains("""{"type":"text","text":"a \"file\""}""", text);
        Assert.Equal(Block(FileBlock.FromUrl(new Uri("https://example.com/a.png"), "image/png")).ToJsonString(), content[1]!.ToJsonString());
        Assert.Equal($$$"""{"type":"file","mime_type":"application/pdf","storage_path":{"kind":{"type":"disabled"},"path":"observability/files/{{{Sha256Hex("")}}}.pdf"}}""",
            content[2]!.ToJsonString());
        Assert.Equal("""{"type":"unknown","data":null}""", content[3]!.ToJsonString());
    }

    [Theory]
    // Nothing to convert: the very text comes back (no parse, no copy).
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}""")]
    // Current blocks, with the words in them, stay as they are too.
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"file","mime_type":"image/png","storage_path":{"kind":{"type":"disabled"},"path":"p"}},{"type":"unknown","data":1}]}]}""")]
    [InlineData("""not json but "file" """)]
    [InlineData("""{"messages":"file"}""")]
    public void InputAsRead_NothingLegacy_IsTheSameString(string stored) =>
        Assert.Same(stored, RowJson.InputAsRead(stored));
}
