using System.Text;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using TensorZero.Gateway.Observability;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class ConsoleBatchSinkTests
{
    private static readonly ITextFormatter Lines = new MessageTemplateTextFormatter("{Message}{NewLine}", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Idle_StartsNoTimerUntilALineIsLogged_AndNoneAfterItsBatch()
    {
        var time = new CountingTimeProvider();
        var output = new RecordingStream();
        using var sink = new ConsoleBatchSink(Lines, output, queueLines: 100, time);
        var logger = Logger(sink);

        await Task.Delay(200);
        Assert.Equal(0, time.TimersCreated);

        logger.Information("first line");
        await Until(() => time.TimersCreated == 1);
        Assert.Equal("", output.Text);

        time.Advance(ConsoleBatchSink.GatherTime);
        await Until(() => output.Text == "first line\n");

        // Written and idle again: nothing wakes the loop until the next line.
        await Task.Delay(200);
        Assert.Equal(1, time.TimersCreated);
        Assert.Equal(1, output.Flushes);
    }

    [Fact]
    public async Task LinesLoggedWhileTheFirstWaits_AreWrittenWithItInOneFlush()
    {
        var time = new CountingTimeProvider();
        var output = new RecordingStream();
        using var sink = new ConsoleBatchSink(Lines, output, queueLines: 100, time);
        var logger = Logger(sink);

        logger.Information("one");
        await Until(() => time.TimersCreated == 1);
        logger.Information("two");
        logger.Information("three");
        time.Advance(ConsoleBatchSink.GatherTime);

        await Until(() => output.Text == "one\ntwo\nthree\n");
        Assert.Equal(1, output.Writes);
        Assert.Equal(1, output.Flushes);
    }

    [Fact]
    public void Dispose_WritesEveryQueuedLineInOrder_WithoutWaitingForTheClock()
    {
        // The fake clock never moves: closing must not wait for the gathering pause.
        var output = new RecordingStream();
        var sink = new ConsoleBatchSink(Lines, output, queueLines: 5000, new FakeTimeProvider());
        var logger = Logger(sink);
        for (var i = 0; i < 2500; i++)
        {
            logger.Information("line {N}", i);
        }

        sink.Dispose();
        sink.Dispose();

        var written = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => $"line {i}"), written);
        Assert.True(output.Closed);
    }

    [Fact]
    public async Task StalledConsole_LinesPastTheQueueLimitAreDropped_AndLoggingNeverBlocks()
    {
        var time = new CountingTimeProvider();
        var output = new RecordingStream { Stall = new SemaphoreSlim(0) };
        var sink = new ConsoleBatchSink(Lines, output, queueLines: 100, time);
        var logger = Logger(sink);

        logger.Information("before the stall");
        await Until(() => time.TimersCreated == 1);
        // Moved from another thread: the fake clock runs the loop's continuation inline, and the loop now stalls.
        _ = Task.Run(() => time.Advance(ConsoleBatchSink.GatherTime));
        await Until(() => output.Stalled);

        // The console takes nothing now: 150 more lines must return at once, 100 queued and 50 dropped.
        var logging = Task.Run(() =>
        {
            for (var i = 0; i < 150; i++)
            {
                logger.Information("queued {N}", i);
            }
        });
        await logging.WaitAsync(Patience);

        output.Stall.Release(int.MaxValue / 2);
        sink.Dispose();

        var written = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["before the stall", .. Enumerable.Range(0, 100).Select(i => $"queued {i}")], written);
    }

    [Fact]
    public async Task BrokenConsole_TheLoopGoesOnWithLaterLines()
    {
        var output = new RecordingStream { FailWrites = 1 };
        using var sink = new ConsoleBatchSink(Lines, output, queueLines: 100);
        var logger = Logger(sink);

        logger.Information("lost with its batch");
        await Until(() => output.FailWrites == 0);
        logger.Information("written after the failure");

        await Until(() => output.Text.Contains("written after the failure\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALineThatCannotBeFormatted_IsDropped_AndTheRestOfItsBatchWritten()
    {
        var output = new RecordingStream();
        using var sink = new ConsoleBatchSink(new ThrowingOn("bad", Lines), output, queueLines: 100);
        var logger = Logger(sink);

        logger.Information("good");
        logger.Information("bad");
        logger.Information("also good");

        await Until(() => output.Text.Contains("also good\n", StringComparison.Ordinal));
        Assert.Equal("good\nalso good\n", output.Text);
    }

    [Fact]
    public async Task AVeryLongLine_IsWrittenWhole_AndTheLinesAfterItToo()
    {
        var output = new RecordingStream();
        using var sink = new ConsoleBatchSink(Lines, output, queueLines: 100);
        var logger = Logger(sink);
        var longText = new string('x', 200_000);

        logger.Information("{Text}", longText);
        logger.Information("short");

        await Until(() => output.Text.EndsWith("short\n", StringComparison.Ordinal));
        Assert.Equal(longText + "\nshort\n", output.Text.Replace("\"", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Dispose_ConsoleBrokenAtClose_DoesNotThrow()
    {
        var output = new RecordingStream { FailWrites = int.MaxValue, FailFlushes = true };
        var sink = new ConsoleBatchSink(Lines, output, queueLines: 100, new FakeTimeProvider());
        Logger(sink).Information("never written");

        var error = Record.Exception(sink.Dispose);

        Assert.Null(error);
        Assert.Equal("", output.Text);
    }

    private static Serilog.ILogger Logger(ConsoleBatchSink sink) =>
        new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(5);
        }
    }

    /// <summary>A fake clock that counts the timers made on it.</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once the timer is registered: a test that advances the clock as soon as it sees the count
            // must not move it before the timer's due time is fixed.
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }

    private sealed class ThrowingOn(string message, ITextFormatter inner) : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            if (logEvent.MessageTemplate.Text == message)
            {
                // Half a line reached the writer before the failure.
                output.Write("half of a ");
                throw new FormatException("broken line");
            }
            inner.Format(logEvent, output);
        }
    }

    /// <summary>An output that records what is written to it, and can stall or fail its writes.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly Lock _gate = new();
        private readonly MemoryStream _bytes = new();
        private int _flushes;
        private int _writes;
        private int _failWrites;
        private volatile bool _stalled;
        private volatile bool _closed;

        public SemaphoreSlim? Stall { get; init; }

        public bool FailFlushes { get; init; }

        public int FailWrites { get => Volatile.Read(ref _failWrites); init => _failWrites = value; }

        public bool Stalled => _stalled;

        public bool Closed => _closed;

        public int Flushes => Volatile.Read(ref _flushes);

        public int Writes => Volatile.Read(ref _writes);

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
                }
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Stall is { } stall)
            {
                _stalled = true;
                stall.Wait();
            }
            if (Interlocked.Decrement(ref _failWrites) >= 0)
            {
                throw new IOException("Broken pipe");
            }
            lock (_gate)
            {
                _bytes.Write(buffer, offset, count);
            }
            Interlocked.Increment(ref _writes);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var copy = buffer.ToArray();
            Write(copy, 0, copy.Length);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
            if (FailFlushes)
            {
                throw new IOException("Broken pipe");
            }
            Interlocked.Increment(ref _flushes);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
            return Task.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            _closed = true;
            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
