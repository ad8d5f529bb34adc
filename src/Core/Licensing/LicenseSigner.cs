using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>Writes licence files in the <see cref="LicenseEnvelope"/> format. Used by the licence tool and tests.</summary>
internal static class LicenseSigner
{
    /// <summary>Serializes <paramref name="license"/>, signs those bytes and returns the envelope's JSON text.</summary>
    public static string Sign(LicenseDocument license, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!LicenseKeys.IsP256(privateKey))
        {
            throw new ArgumentException("Licences are signed with an ECDSA P-256 key.", nameof(privateKey));
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(license, LicenseJsonContext.Default.LicenseDocument);
        var signature = privateKey.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var envelope = new LicenseEnvelope
        {
            License = Convert.ToBase64String(payload),
            Signature = Convert.ToBase64String(signature),
        };
        // Indented for people; relaxed escaping so base64's '+' is written as itself rather than \u002B.
        var indented = new JsonSerializerOptions(LicenseJsonContext.Default.Options)
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return JsonSerializer.Serialize(envelope, indented.GetTypeInfo(typeof(LicenseEnvelope))) + "\n";
    }
}
