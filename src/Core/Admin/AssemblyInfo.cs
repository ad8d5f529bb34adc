using System.Runtime.CompilerServices;

// tools/RecorderAdmin is a thin shell around AdminCli, so the store, manifest and catalog types stay internal to the silo.
[assembly: InternalsVisibleTo("OrleansRecorder.RecorderAdmin")]
