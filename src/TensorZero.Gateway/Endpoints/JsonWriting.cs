using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// JSON written by hand: <see cref="Options"/> (relaxed escaping, since clients read JSON, not HTML) for answers and
/// stored rows, and texts built through a writer and buffer each thread reuses call after call.
/// </summary>
public static class JsonWriting
{
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A buffer bigger than this (a huge input) is let go after use rather than kept for the thread's next text.
    private const int MaxKeptBytes = 64 * 1024;

    // One buffer per thread, and one writer per escaping: a writer keeps the options it was made with.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_relaxed;

    [ThreadStatic]
    private static Utf8JsonWriter? t_default;

    /// <summary>
    /// The JSON text <paramref name="write"/> writes with <paramref name="state"/>: with <see cref="Options"/> when
    /// <paramref name="relaxed"/>, else with the default escaping (<c>JsonNode.ToJsonString</c>'s, which provider
    /// bodies keep).
    /// </summary>
    public static string ToText<TState>(TState state, Action<Utf8JsonWriter, TState> write, bool relaxed) =>
        Render(state, write, relaxed, lastValue: null);

    /// <summary>
    /// A JSON object (with <see cref="Options"/>) whose last property's value is already JSON text: <paramref name="writeStart"/>
    /// writes the object up to that property's name, and <paramref name="lastValue"/> and the closing brace follow, in
    /// one string with no copy of either part.
    /// </summary>
    public static string ObjectEndingWith<TState>(TState state, Action<Utf8JsonWriter, TState> writeStart, string lastValue) =>
        Render(state, writeStart, relaxed: true, lastValue);

    private static string Render<TState>(TState state, Action<Utf8JsonWriter, TState> write, bool relaxed, string? lastValue)
    {
        // Taken out while in use, so a nested call gets a fresh pair instead of overwriting this one.
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        var writer = relaxed ? t_relaxed : t_default;
        t_buffer = null;
        if (relaxed)
        {
            t_relaxed = null;
        }
        else
        {
            t_default = null;
        }
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer, relaxed ? Options : default);
        }
        else
        {
            writer.Reset(buffer);
        }
        try
        {
            write(writer, state);
            writer.Flush();
            return lastValue is null ? Encoding.UTF8.GetString(buffer.WrittenSpan) : Join(buffer.WrittenMemory, lastValue);
        }
        finally
        {
            if (buffer.Capacity <= MaxKeptBytes)
            {
                buffer.ResetWrittenCount();
                t_buffer = buffer;
                if (relaxed)
                {
                    t_relaxed = writer;
                }
                else
                {
                    t_default = writer;
                }
            }
        }
    }

    /// <summary>Bytes of a JSON answer copied to the response between two flushes (see <see cref="WriteResponseAsync"/>).</summary>
    public const int ResponseSliceBytes = 1024 * 1024;

    // Answers are written into a pipe's pooled segments, so a long one never needs one large array (grown by doubling),
    // and nothing stays allocated once it is sent. The pipe never pauses its writer: the answer is whole before it is read.
    private static readonly PipeOptions AnswerPipeOptions = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);

    [ThreadStatic]
    private static Pipe? t_answerPipe;

    [ThreadStatic]
    private static Utf8JsonWriter? t_answerWriter;

    /// <summary>
    /// A whole JSON answer (with <see cref="Options"/>) sent with its <c>Content-Length</c>, as TensorZero's gateway
    /// sends one, instead of chunked: <paramref name="write"/> writes it into pooled memory, which is then copied to
    /// the response, <see cref="ResponseSliceBytes"/> or so at a time with a flush after each, so a slow client holds
    /// back the copy rather than the server buffering a long answer a second time. Nothing is sent when
    /// <paramref name="write"/> throws, so the error still gets a response of its own.
    /// </summary>
    public static async Task WriteResponseAsync<TState>(
        HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        // Taken out while in use, as in Render; after an await this thread may be serving another answer. The two are
        // kept and taken together, the writer already reset onto the pipe's writer when it was put back.
        var pipe = t_answerPipe ?? new Pipe(AnswerPipeOptions);
        var writer = t_answerWriter ?? new Utf8JsonWriter(pipe.Writer, Options);
        t_answerPipe = null;
        t_answerWriter = null;
        try
        {
            write(writer, state);
            writer.Flush();
            // Completes at once (the writer never pauses); it makes what was written readable.
            await pipe.Writer.FlushAsync(cancellationToken);
            pipe.Reader.TryRead(out var read);
            var answer = read.Buffer;
            response.ContentType = "application/json";
            response.ContentLength = answer.Length;
            var unflushed = 0L;
            foreach (var segment in answer)
            {
                response.BodyWriter.Write(segment.Span);
                unflushed += segment.Length;
                if (unflushed >= ResponseSliceBytes)
                {
                    await response.BodyWriter.FlushAsync(cancellationToken);
                    unflushed = 0;
                }
            }
            pipe.Reader.AdvanceTo(answer.End);
            if (unflushed > 0)
            {
                await response.BodyWriter.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            // Completing both ends gives the segments back to the pool; the reset pipe is kept for the next answer.
            await pipe.Reader.CompleteAsync();
            await pipe.Writer.CompleteAsync();
            pipe.Reset();
            // Also drops what a failed write left in the writer (memory of a segment now back in the pool).
            writer.Reset(pipe.Writer);
            t_answerPipe = pipe;
            t_answerWriter = writer;
        }
    }

    private static string Join(ReadOnlyMemory<byte> start, string lastValue) =>
        string.Create(Encoding.UTF8.GetCharCount(start.Span) + lastValue.Length + 1, (start, lastValue), static (chars, parts) =>
        {
            var written = Encoding.UTF8.GetChars(parts.start.Span, chars);
            parts.lastValue.CopyTo(chars[written..]);
            chars[^1] = '}';
        });

    /// <summary>Texts longer than this are written in pieces of this many characters (see <see cref="WriteText"/>).</summary>
    public const int SegmentChars = 16 * 1024;

    /// <summary>
    /// A property holding <paramref name="value"/>, or null. For a string, a writer asks its buffer for room for the
    /// worst case up front (three bytes a character, six when escaping), so a model's 8 MB answer would ask for 24-48
    /// MB at once; a long text is written in <see cref="SegmentChars"/>-character pieces instead, to the same JSON.
    /// </summary>
    public static void WriteText(Utf8JsonWriter writer, string propertyName, string? value)
    {
        writer.WritePropertyName(propertyName);
        WriteTextValue(writer, value);
    }

    /// <summary>The value of <see cref="WriteText"/>.</summary>
    public static void WriteTextValue(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        var rest = value.AsSpan();
        while (rest.Length > SegmentChars)
        {
            // A surrogate pair stays whole within one piece.
            var cut = char.IsHighSurrogate(rest[SegmentChars - 1]) ? SegmentChars - 1 : SegmentChars;
            writer.WriteStringValueSegment(rest[..cut], isFinalSegment: false);
            rest = rest[cut..];
        }
        if (rest.Length == value.Length)
        {
            writer.WriteStringValue(rest);
        }
        else
        {
            writer.WriteStringValueSegment(rest, isFinalSegment: true);
        }
    }
}
