using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>Turns <c>Recorder:Sip:Tls</c> into the node's certificate and the TLS transport's context, at start.</summary>
/// <remarks>Every configuration mistake is an <see cref="InvalidOperationException"/> naming the setting: the node does not start half-secure.</remarks>
internal static class SipTlsSetup
{
    public static (NodeCertificate Certificate, SipTlsContext Context) Create(SipTlsOptions options, string dataDirectory,
        string nodeName, IPAddress advertisedAddress, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = string.IsNullOrWhiteSpace(options.CertificateFile)
            ? NodeCertificate.LoadOrCreateSelfSigned(dataDirectory, nodeName, advertisedAddress, timeProvider)
            : NodeCertificate.Load(options.CertificateFile, string.IsNullOrWhiteSpace(options.KeyFile) ? null : options.KeyFile, options.Password);
        var anchors = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(options.ClientCaFile))
        {
            try
            {
                anchors.ImportFromPemFile(options.ClientCaFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Recorder:Sip:Tls:ClientCaFile '{options.ClientCaFile}' could not be read: {ex.Message}", ex);
            }

            if (anchors.Count == 0)
            {
                throw new InvalidOperationException($"Recorder:Sip:Tls:ClientCaFile '{options.ClientCaFile}' holds no PEM certificate.");
            }
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Recorder:Sip:Tls:HandshakeTimeout must be positive.");
        }

        try
        {
            var policy = new TlsPeerPolicy(anchors, options.PinnedCertificates, options.PeerNames, options.RequireClientCertificate, timeProvider);
            return (certificate, new SipTlsContext(certificate.Certificate, policy, options.HandshakeTimeout));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
    }
}
