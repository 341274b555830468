namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>
/// Tests that must set real process environment variables (code that reads them directly, such as the AWS SDK's
/// credential and region chains). They run alone, after the parallel tests, so no other test sees their values.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Name = "Process environment";
}
