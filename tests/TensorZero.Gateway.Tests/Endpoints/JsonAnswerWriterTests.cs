using System.Text;
using Microsoft.AspNetCore.Http;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <see cref="JsonWriting.WriteResponseAsync"/> reuses its pooled memory answer after answer: an answer whose writing
/// failed sends nothing and leaves nothing behind for the next one.
/// </summary>
public sealed class JsonAnswerWriterTests
{
    private static (HttpContext Context, MemoryStream Body) NewResponse()
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (context, body);
    }

    private static async Task<string> SentAsync(HttpContext context, MemoryStream body)
    {
        await context.Response.BodyWriter.CompleteAsync();
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public async Task FailedWrite_SendsNothing_AndTheNextAnswerIsOnlyItsOwn()
    {
        var (failed, failedBody) = NewResponse();
        await Assert.ThrowsAsync<InvalidOperationException>(() => JsonWriting.WriteResponseAsync(failed.Response, "secret-partial", static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("left"u8, text + new string('z', 10_000));
            writer.Flush();
            throw new InvalidOperationException("the answer could not be written");
        }, CancellationToken.None));

        Assert.Null(failed.Response.ContentLength);
        Assert.Equal(0, failedBody.Length);

        var (next, nextBody) = NewResponse();
        await JsonWriting.WriteResponseAsync(next.Response, "fine", static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("answer"u8, text);
            writer.WriteEndObject();
        }, CancellationToken.None);

        var sent = await SentAsync(next, nextBody);
        Assert.Equal("""{"answer":"fine"}""", sent);
        Assert.Equal(sent.Length, next.Response.ContentLength);
        Assert.Equal("application/json", next.Response.ContentType);
    }

    [Fact]
    public async Task Answers_OfDifferentLengths_EachSendExactlyTheirBytes()
    {
        foreach (var length in new[] { 200_000, 3, 70_000, 0, JsonWriting.ResponseSliceBytes })
        {
            var (context, body) = NewResponse();
            var text = new string('é', length);
            await JsonWriting.WriteResponseAsync(context.Response, text, static (writer, value) => JsonWriting.WriteTextValue(writer, value), CancellationToken.None);

            var sent = await SentAsync(context, body);
            Assert.Equal(Encoding.UTF8.GetByteCount(sent), context.Response.ContentLength);
            Assert.Equal($"\"{text}\"", sent);
        }
    }
}
