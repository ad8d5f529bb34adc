namespace OrleansRecorder.Silo.Recording;

/// <summary>A journalled silence in one leg's segment, in the leg's samples (<see cref="LegGapJournal"/>).</summary>
internal readonly record struct LegGap(long Offset, long Samples, byte Kind);
