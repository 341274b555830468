namespace TensorZero.Gateway.Hosting;

/// <summary>
/// Where socket completions run. By default .NET hands every completed socket read or write from its socket thread to
/// the thread pool, a thread wake-up per I/O; a gateway does several per request (the client's request, the provider's
/// headers and body), and on small machines those wake-ups are a large share of its CPU. The gateway lets them run on
/// the socket threads instead (one per core then), and moves work that grows with a body's size back to the pool
/// (<see cref="ShouldLeave(long)"/>), so one large answer can't hold up the sockets that share its thread.
/// </summary>
public static class SocketCompletions
{
    /// <summary>The runtime's switch, read once, when the process's first socket is used.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Bodies from this size on are handled on the thread pool: decoding, parsing and redacting them cost more than the hop.</summary>
    public const int LargeBodyBytes = 64 * 1024;

    /// <summary>
    /// Turns inline completions on unless the operator set <see cref="Variable"/> (<c>0</c> keeps .NET's default). Must
    /// run before the process's first socket.
    /// </summary>
    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>
    /// Whether code on this thread with a body of <paramref name="bodyBytes"/> should continue on the thread pool: on a
    /// socket thread (inline completions) with <see cref="LargeBodyBytes"/> or more. The caller then awaits
    /// <c>Task.Yield()</c> itself. (An async helper around it could finish on the pool before its caller looked, and the
    /// caller went on where it was, on the socket thread.)
    /// </summary>
    public static bool ShouldLeave(long bodyBytes) => bodyBytes >= LargeBodyBytes && ShouldLeave();

    /// <summary>Whether this thread is not the pool's (a socket thread): work that belongs on the pool should yield to it.</summary>
    public static bool ShouldLeave() => !Thread.CurrentThread.IsThreadPoolThread;
}
