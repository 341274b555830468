using System.Buffers;
using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Long texts written in pieces: the same JSON as one string, without asking for the worst case at once.</summary>
public sealed class JsonWritingTests
{
    private const int Segment = JsonWriting.SegmentChars;

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static TheoryData<string> Texts()
    {
        var emoji = "😀"; // a surrogate pair
        return new TheoryData<string>
        {
            string.Empty,
            "Hello",
            new string('a', Segment),
            new string('a', Segment + 1),
            new string('a', Segment - 1) + emoji + "tail",
            new string('b', (Segment * 3) - 1) + emoji + emoji,
            string.Concat(Enumerable.Repeat("quote \" backslash \\ newline \n tab \t nul \0 <html> é 中文 " + emoji, 4000)),
            new string('\n', (Segment * 2) + 7),
        };
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void WriteText_IsTheSameJsonAsOneString(string text)
    {
        var expected = Written(writer => writer.WriteString("text", text));

        var actual = Written(writer => JsonWriting.WriteText(writer, "text", text));

        Assert.Equal(expected, actual);
        using var document = JsonDocument.Parse(actual);
        Assert.Equal(text, document.RootElement.GetProperty("text").GetString());
    }

    public static TheoryData<string> LoneSurrogates() => new()
    {
        "a\ud800b",
        new string('a', Segment - 1) + "\ud800" + new string('b', 10),
        new string('a', Segment) + "\udc00" + new string('b', 10),
        new string('a', Segment + 5) + "\ud800",
    };

    /// <summary>A provider's JSON may carry a lone surrogate (<c>\ud800</c>): both ways treat it alike.</summary>
    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void WriteText_LoneSurrogate_FaresAsOneStringDoes(string text)
    {
        var expected = Outcome(() => Written(writer => writer.WriteString("text", text)));

        var actual = Outcome(() => Written(writer => JsonWriting.WriteText(writer, "text", text)));

        Assert.Equal(expected, actual);
    }

    private static string Outcome(Func<string> write)
    {
        try
        {
            return write();
        }
        catch (ArgumentException e)
        {
            return e.GetType().Name;
        }
    }

    [Fact]
    public void WriteText_Null_IsJsonNull()
    {
        Assert.Equal("""{"text":null}""", Written(writer => JsonWriting.WriteText(writer, "text", null)));
    }

    [Fact]
    public void WriteText_LongText_NeverAsksForTheWorstCaseAtOnce()
    {
        var text = new string('x', 4 * 1024 * 1024);

        var whole = LargestRequest(writer => writer.WriteString("text", text));
        var pieces = LargestRequest(writer => JsonWriting.WriteText(writer, "text", text));

        // One string asks for three bytes a character (12 MB) in one span.
        Assert.True(whole.Largest >= text.Length * 3, $"one string asked for {whole.Largest} bytes");
        Assert.InRange(pieces.Largest, 1, Segment * 6 + 64);
        Assert.Equal(whole.Written, pieces.Written);
    }

    private static (int Largest, int Written) LargestRequest(Action<Utf8JsonWriter> write)
    {
        var buffer = new LargestRequestBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return (buffer.LargestRequest, buffer.Written);
    }

    /// <summary>A buffer writer that remembers the largest span it was asked for.</summary>
    private sealed class LargestRequestBufferWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int LargestRequest { get; private set; }

        public int Written => _inner.WrittenCount;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetSpan(sizeHint);
        }
    }
}
