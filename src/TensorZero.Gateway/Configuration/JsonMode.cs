namespace TensorZero.Gateway.Configuration;

/// <summary>How a JSON function asks the model for JSON.</summary>
public enum JsonMode
{
    Off,
    On,
    Strict,
    Tool,
}

/// <summary>Parses <c>json_mode</c> values (<c>implicit_tool</c> is TensorZero's older name of <c>tool</c>).</summary>
public static class JsonModes
{
    public static JsonMode? Parse(string? text) => text switch
    {
        "off" => JsonMode.Off,
        "on" => JsonMode.On,
        "strict" => JsonMode.Strict,
        "tool" or "implicit_tool" => JsonMode.Tool,
        _ => null,
    };
}
