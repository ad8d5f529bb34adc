namespace OrleansRecorder.Silo.Configuration;

/// <summary>The page and REST API over HTTPS (<c>Recorder:Web</c>).</summary>
internal sealed class WebOptions
{
    /// <summary>
    /// HTTPS port beside the HTTP URLs (<c>ASPNETCORE_URLS</c>, default http://localhost:8080), on the same host; 0
    /// (the default) serves HTTP only, so a node started without settings answers on the URL the README gives.
    /// </summary>
    public int HttpsPort { get; set; }

    /// <summary>PEM certificate for HTTPS; empty: the node certificate (<c>Recorder:Sip:Tls</c>, self-signed in <c>data/tls</c>).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/> (when not in the same file).</summary>
    public string? KeyFile { get; set; }
}
