using System.Net;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// <c>Recorder:Web:HttpsPort</c>: an https:// URL on the host of the first configured URL, with the configured PEM
/// certificate or the node's own (issue 19, finding 7). Added to the URL list, so the HTTP URLs keep working.
/// </summary>
internal static class HttpsSetup
{
    public static void Apply(WebApplicationBuilder builder, WebOptions options, NodeCertificate? nodeCertificate,
        string dataDirectory, string nodeName, IPAddress advertisedAddress)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.HttpsPort <= 0)
        {
            return;
        }

        if (options.HttpsPort > 65535)
        {
            throw new InvalidOperationException("Recorder:Web:HttpsPort must be a TCP port (1-65535), or 0 for HTTP only.");
        }

        NodeCertificate certificate;
        try
        {
            certificate = !string.IsNullOrWhiteSpace(options.CertificateFile)
                ? NodeCertificate.Load(options.CertificateFile, string.IsNullOrWhiteSpace(options.KeyFile) ? null : options.KeyFile, null)
                : nodeCertificate ?? NodeCertificate.LoadOrCreateSelfSigned(dataDirectory, nodeName, advertisedAddress, TimeProvider.System);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Recorder:Web:CertificateFile: {ex.Message}", ex);
        }

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? "http://localhost:8080";
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).First();
        var hostStart = first.IndexOf("://", StringComparison.Ordinal) + 3;
        var hostEnd = first.LastIndexOf(':');
        var host = hostEnd > hostStart ? first[hostStart..hostEnd] : first[hostStart..].TrimEnd('/');
        builder.WebHost.UseUrls($"{urls};https://{host}:{options.HttpsPort}");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate.Certificate));
    }
}
