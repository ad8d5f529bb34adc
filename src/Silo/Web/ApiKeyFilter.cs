namespace OrleansRecorder.Silo.Web;

/// <summary>Rejects API calls without the admin key in <c>X-Api-Key</c> with a 401 problem.</summary>
internal sealed class ApiKeyFilter(ApiKeyStore keys) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var supplied = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (!keys.Matches(supplied))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: $"Send the admin API key in the {HeaderName} header.");
        }

        return await next(context);
    }
}
