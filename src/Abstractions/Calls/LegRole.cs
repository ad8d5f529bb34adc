namespace OrleansRecorder.Abstractions.Calls;

/// <summary>Which stream a CUCM recording dialog carries (<c>x-nearend</c> or <c>x-farend</c> in the From URI).</summary>
public enum LegRole
{
    /// <summary>The recorded user's own voice: the left channel.</summary>
    NearEnd = 0,

    /// <summary>The other party as heard by the recorded user: the right channel.</summary>
    FarEnd = 1,
}
