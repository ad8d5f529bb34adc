namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Security headers on every response (issue 19, finding 8), set when the response starts so error pages written
/// by the exception handler (which clears headers) carry them too. The page has no inline script or style, so its
/// policy allows only its own files; <c>/api/docs</c> (Scalar) and <c>/dashboard</c> (Orleans Dashboard) are
/// third-party pages with inline script and get a looser policy that still forbids framing, plugins and base URLs.
/// API and audio answers are never stored by a browser or proxy: they hold recordings and personal data.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string ToolContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Call first after the exception handler and status code pages.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var path = context.Request.Path;
            var tool = path.StartsWithSegments("/api/docs", StringComparison.OrdinalIgnoreCase)
                || path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase)
                || path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase);
            headers.ContentSecurityPolicy = tool ? ToolContentSecurityPolicy : ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !tool)
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
