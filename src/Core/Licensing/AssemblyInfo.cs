using System.Runtime.CompilerServices;

// tools/LicenseTool is a thin shell around LicenseCli, so the licence format and its signing live in one place.
[assembly: InternalsVisibleTo("OrleansRecorder.LicenseTool")]
