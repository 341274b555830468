namespace TensorZero.Gateway.Credentials;

/// <summary>Reads environment variables; injected so startup can be tested without touching the process environment.</summary>
public interface IEnvironmentVariables
{
    string? Get(string name);
}

/// <summary>The process environment.</summary>
public sealed class ProcessEnvironmentVariables : IEnvironmentVariables
{
    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}
