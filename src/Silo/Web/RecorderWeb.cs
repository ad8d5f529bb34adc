namespace OrleansRecorder.Silo.Web;

/// <summary>The page (<c>wwwroot/</c>, no build step) and the authentication middleware, in the order they must run.</summary>
internal static class RecorderWeb
{
    /// <summary>Call after <c>UseStatusCodePages</c> and before <c>MapRecorderApi</c>.</summary>
    public static WebApplication UseRecorderWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSecurityHeaders();
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The page is small and changes with each release: revalidate instead of caching stale scripts.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseAuthRequestLimits();
        app.UseCsrfProtection();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
