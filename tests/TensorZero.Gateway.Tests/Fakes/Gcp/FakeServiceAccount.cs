using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.Gcp;

/// <summary>A Google service account with a fresh RSA key and its key file, as the IAM console issues them.</summary>
public sealed class FakeServiceAccount : IDisposable
{
    private FakeServiceAccount(string clientEmail, string keyId, RSA key)
    {
        ClientEmail = clientEmail;
        KeyId = keyId;
        Key = key;
        PrivateKeyPem = key.ExportPkcs8PrivateKeyPem();
        Json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "my-project",
            ["private_key_id"] = keyId,
            ["private_key"] = PrivateKeyPem,
            ["client_email"] = clientEmail,
            ["client_id"] = "123456789012345678901",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
            ["universe_domain"] = "googleapis.com",
        }.ToJsonString();
    }

    public string ClientEmail { get; }

    /// <summary>The key file's <c>private_key_id</c>, which the JWT header names as <c>kid</c>.</summary>
    public string KeyId { get; }

    public RSA Key { get; }

    /// <summary>The PKCS#8 PEM text of the private key: a secret that must never leave the gateway.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The key file's contents.</summary>
    public string Json { get; }

    public static FakeServiceAccount Create(string clientEmail = "gateway@my-project.iam.gserviceaccount.com", string? keyId = null) =>
        new(clientEmail, keyId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)), RSA.Create(2048));

    /// <summary>Writes the key file into <paramref name="directory"/> and returns its absolute path.</summary>
    public string WriteTo(string directory)
    {
        var path = Path.Combine(directory, $"sa-{KeyId}.json");
        File.WriteAllText(path, Json);
        return path;
    }

    public void Dispose() => Key.Dispose();
}
