using System.Runtime.InteropServices;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Hosting;

/// <summary>
/// The host's lifetime in place of the console one: SIGTERM or SIGINT starts a drain instead of an immediate stop.
/// <c>GET /health</c> answers 503 for <c>[gateway.shutdown] drain_delay_ms</c> while requests are served as usual, so
/// a load balancer polling it takes the gateway out of rotation before the listener closes. Then new connection
/// attempts are dropped (<see cref="ListenSockets"/>) until Kestrel has accepted the ones the kernel had queued (at
/// most <see cref="AcceptQueueWait"/>) and <see cref="AcceptSettle"/> more, and only then does the host stop, which
/// closes the listener, lets requests and streams in flight finish and flushes the store queue, all within
/// <c>deadline_ms</c> (<see cref="HostOptions.ShutdownTimeout"/>). A second SIGTERM or SIGINT ends the delay
/// early; SIGQUIT stops at once, as the console lifetime does.
/// </summary>
/// <remarks>
/// The delay has to come before the host starts stopping: <c>ApplicationStopping</c> fires when the listener is
/// already closing, too late for a load balancer to stop sending new connections first.
/// </remarks>
public sealed partial class DrainingHostLifetime(
    ShutdownConfig settings,
    GatewayDrain drain,
    ListenSockets listenSockets,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DrainingHostLifetime> logger) : IHostLifetime, IDisposable
{
    /// <summary>How long Kestrel has to start the connections it accepted from the queue once new ones are dropped.</summary>
    public static readonly TimeSpan AcceptSettle = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the drain waits at most for Kestrel to accept the connections the kernel queued before new ones were
    /// dropped: on a busy host that can take longer than <see cref="AcceptSettle"/>, and closing the listener resets
    /// every connection still queued, with the request a load balancer already sent on it.
    /// </summary>
    public static readonly TimeSpan AcceptQueueWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan AcceptQueuePoll = TimeSpan.FromMilliseconds(10);

    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly CancellationTokenSource _delay = new();
    private CancellationTokenRegistration _stopping;
    private CancellationTokenRegistration _stopped;
    private long _stopStarted;
    private int _disposed;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(OnStopping);
        _stopped = lifetime.ApplicationStopped.Register(OnStopped);
        if (!OperatingSystem.IsBrowser() && !OperatingSystem.IsIOS() && !OperatingSystem.IsTvOS() && !OperatingSystem.IsAndroid())
        {
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnDrainSignal));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnDrainSignal));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnQuitSignal));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts the drain as SIGTERM does and returns when the host has been asked to stop; a second call (a second
    /// signal) ends the delay at once.
    /// </summary>
    public Task DrainAsync(string reason)
    {
        if (drain.TryBegin())
        {
            return DrainThenStopAsync(reason);
        }
        LogDelayCut(reason);
        try
        {
            _delay.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The host is gone already.
        }
        return Task.CompletedTask;
    }

    private void OnDrainSignal(PosixSignalContext context)
    {
        // The default would end the process at once; the drain stops the host itself.
        context.Cancel = true;
        _ = DrainAsync(context.Signal.ToString());
    }

    private void OnQuitSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    private async Task DrainThenStopAsync(string reason)
    {
        LogDraining(reason, settings.DrainDelayMs, settings.DeadlineMs);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_delay.Token, lifetime.ApplicationStopping);
            await Task.Delay(TimeSpan.FromMilliseconds(settings.DrainDelayMs), time, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A second signal, or the host stopping for another reason.
        }
        catch (ObjectDisposedException)
        {
            // The host was disposed during the delay.
        }
        if (!lifetime.ApplicationStopping.IsCancellationRequested && listenSockets.DropNewConnections() > 0)
        {
            try
            {
                var dropped = time.GetTimestamp();
                while (listenSockets.QueuedConnections() > 0 && time.GetElapsedTime(dropped) < AcceptQueueWait)
                {
                    await Task.Delay(AcceptQueuePoll, time, lifetime.ApplicationStopping).ConfigureAwait(false);
                }
                await Task.Delay(AcceptSettle, time, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host is stopping already.
            }
        }
        lifetime.StopApplication();
    }

    private void OnStopping()
    {
        Interlocked.Exchange(ref _stopStarted, time.GetTimestamp());
        LogClosing(settings.DeadlineMs);
    }

    private void OnStopped()
    {
        var started = Interlocked.Read(ref _stopStarted);
        LogStopped((long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    public void Dispose()
    {
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
        _signals.Clear();
        _stopping.Dispose();
        _stopped.Dispose();
        _delay.Cancel();
        _delay.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Draining ({Reason}): /health answers 503 for {DrainDelayMs} ms while requests are served, then the listener closes and requests in flight have {DeadlineMs} ms to finish")]
    private partial void LogDraining(string reason, long drainDelayMs, long deadlineMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain delay cut short by a second {Reason}")]
    private partial void LogDelayCut(string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stopping: the listener closes; requests and streams in flight have {DeadlineMs} ms to finish, then the store queue is flushed")]
    private partial void LogClosing(long deadlineMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped {ElapsedMs} ms after the listener closed")]
    private partial void LogStopped(long elapsedMs);
}
