namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// The part of the garbage collector <see cref="BackgroundCollectorKeepAlive"/> watches and drives: the real one is
/// <see cref="RuntimeBackgroundCollector"/>, unit tests give a fake.
/// </summary>
internal interface IBackgroundCollector
{
    /// <summary>
    /// True when this process's collector drops its background-collection thread after an idle spell: the
    /// workstation collector with concurrent collections on (the server collector's background threads wait forever).
    /// </summary>
    bool DropsIdleThread { get; }

    /// <summary>The index of the last background collection that ended (0 before the first).</summary>
    long LastBackgroundCollection { get; }

    /// <summary>Starts a background (concurrent) generation-2 collection and returns without waiting for it.</summary>
    void StartBackgroundCollection();
}
