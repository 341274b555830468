namespace TensorZero.Gateway.Configuration;

/// <summary><c>[gateway.shutdown]</c>: <c>drain_delay_ms</c> (0 and up) and <c>deadline_ms</c> (1 and up), each at most an hour.</summary>
internal static class ShutdownReader
{
    private static readonly string[] Keys = ["drain_delay_ms", "deadline_ms"];

    public static ShutdownConfig Read(TomlSection? section)
    {
        if (section is null)
        {
            return ShutdownConfig.Default;
        }
        section.RejectUnknown(Keys);
        return new ShutdownConfig(
            section.Integer("drain_delay_ms", min: 0, max: ShutdownConfig.MaxMs) ?? ShutdownConfig.DefaultDrainDelayMs,
            section.Integer("deadline_ms", min: 1, max: ShutdownConfig.MaxMs) ?? ShutdownConfig.DefaultDeadlineMs);
    }
}
